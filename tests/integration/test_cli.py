"""The runtime API through the real lbd: the seed's socat commands and its
monitoring script unchanged, HAProxy's show stat header compared with the
real haproxy's, counters that match a known traffic mix exactly, levels,
interactive mode, and hostile clients that cannot stall the daemon."""
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time

import pytest

from conftest import Daemon, cli, free_port, raw_http, wait_port

SEED = os.path.join(os.path.dirname(__file__), "seed")
MONITOR = os.path.join(SEED, "haproxy-monitor.sh")       # the seed's script, unchanged


def socat(path, line):
    p = subprocess.run(["socat", "stdio", path], input=line + "\n", capture_output=True,
                       text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    return p.stdout


def csv_rows(text):
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    return {(r[0], r[1]): r for r in (l.split(",") for l in lines)}


def header(text):
    return text.splitlines()[0][2:].rstrip(",").split(",")


def stat_dict(sock, px, sv):
    out = cli(sock, "show stat")
    names = header(out)
    row = csv_rows(out)[(px, sv)]
    return dict(zip(names, row))


def cfg(sock_dir, port, servers, glob="", be="", sock_opts="level admin"):
    text = """global
    maxconn 200
    stats socket %s/admin.sock mode 600 %s
    stats socket %s/user.sock level user
    stats socket %s/oper.sock
    stats timeout 2s
%s
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
    option httplog
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
%s
""" % (sock_dir, sock_opts, sock_dir, sock_dir, glob, port, be)
    for name, addr, opts in servers:
        text += "    server %s %s %s\n" % (name, addr, opts)
    return text


@pytest.fixture
def sockdir():
    d = tempfile.mkdtemp(prefix="lbd-cli-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def get(port, path="/name", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def wait_for(fn, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


# ---- the seed ----------------------------------------------------------


def seed_basic(sock, port, b1, b2):
    """The seed's 01-basic-structure.cfg with its addresses, socket and
    process settings rewritten for a test on loopback."""
    out = []
    for line in open(os.path.join(SEED, "01-basic-structure.cfg")):
        s = line.strip()
        if s.startswith(("chroot", "user ", "group ", "daemon", "cpu-map",
                         "errorfile", "log /dev/log")):
            continue
        line = line.replace("/run/haproxy/admin.sock", sock)
        line = line.replace("maxconn 100000", "maxconn 200").replace("nbthread 4", "nbthread 2")
        line = line.replace("bind *:80", "bind 127.0.0.1:%d" % port)
        line = line.replace("192.0.2.101:80", b1.addr + " inter 200")
        line = line.replace("192.0.2.102:80", b2.addr + " inter 200")
        out.append(line)
    text = "".join(out)
    return text.replace("defaults\n", "defaults\nlog stdout format raw local0\n", 1)


def test_seed_socat_commands(lbd, backends, sockdir):
    b1, b2 = backends(2)
    port = free_port()
    sock = os.path.join(sockdir, "admin.sock")
    l = lbd(seed_basic(sock, port, b1, b2), [port])
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o660
    for _ in range(4):
        assert get(port)[0] == 200
    # echo "show stat" | socat stdio /run/haproxy/admin.sock
    rows = csv_rows(socat(sock, "show stat"))
    assert set(rows) >= {("http-in", "FRONTEND"), ("web-servers", "web1"),
                         ("web-servers", "web2"), ("web-servers", "BACKEND")}
    assert rows[("web-servers", "web1")][17] == "UP"
    # the guide's awk -F',' '{print $1,$3,$33}': pxname, qcur, type
    assert rows[("web-servers", "web1")][32] == "2"
    assert int(rows[("http-in", "FRONTEND")][7]) >= 4    # stot (+ the port probe)
    state = socat(sock, "show servers state")
    assert state.startswith("1\n# be_id be_name srv_id srv_name srv_addr")
    assert re.search(r"^\d+ web-servers 1 web1 127\.0\.0\.1 2 0 1 1 ", state, re.M)
    assert socat(sock, "show sess").endswith("\n")
    assert socat(sock, "disable server web-servers/web1") == "\n"
    assert wait_for(lambda: "going DOWN for maintenance" in "".join(l.logs()))
    assert {get(port)[1] for _ in range(4)} == {b"s2"}
    assert stat_dict(sock, "web-servers", "web1")["status"] == "MAINT"
    assert socat(sock, "enable server web-servers/web1") == "\n"
    assert {get(port)[1] for _ in range(4)} == {b"s1", b"s2"}
    assert socat(sock, "set weight web-servers/web1 50") == "\n"
    assert socat(sock, "get weight web-servers/web1") == "50 (initial 1)\n\n"
    seen = [get(port)[1] for _ in range(51)]
    assert seen.count(b"s1") == 50 and seen.count(b"s2") == 1
    assert "web-servers,web1," in socat(sock, "show stat")
    assert socat(sock, "show servers state web-servers").count("web-servers") == 2
    assert socat(sock, "set server web-servers/web1 state drain") == "\n"
    assert {get(port)[1] for _ in range(4)} == {b"s2"}
    assert stat_dict(sock, "web-servers", "web1")["status"] == "DRAIN"
    assert socat(sock, "set server web-servers/web1 state ready") == "\n"
    assert stat_dict(sock, "web-servers", "web1")["status"] == "UP"
    assert wait_for(lambda: "enters drain state" in "".join(l.logs()))


def test_show_stat_header_is_haproxys(backends, sockdir):
    """The same config run by the real haproxy and by lbd: the CSV header
    lines are identical, and so are the rows' shapes (which cells are empty
    for frontends, backends and servers)."""
    (b,) = backends(1)
    outs = {}
    for prog in ("haproxy", "lbd"):
        port = free_port()
        sock = os.path.join(sockdir, prog + ".sock")
        text = cfg(sockdir, port, [("s1", b.addr, "")]).replace(
            "%s/admin.sock mode 600 level admin" % sockdir, sock + " level admin")
        text = "\n".join(l for l in text.splitlines() if "user.sock" not in l and
                         "oper.sock" not in l) + "\n"
        argv = ["haproxy", "-db"] if prog == "haproxy" else [os.environ.get("LBD_BIN"), "-d"]
        d = Daemon([a for a in argv if a], text, [port])
        try:
            get(port)
            outs[prog] = cli(sock, "show stat")
        finally:
            d.stop(check=prog == "lbd")
    assert outs["lbd"].splitlines()[0] == outs["haproxy"].splitlines()[0]
    hp, lb = csv_rows(outs["haproxy"]), csv_rows(outs["lbd"])
    assert set(hp) == set(lb)
    for key in hp:
        empty_h = [i for i, v in enumerate(hp[key]) if v == ""]
        empty_l = [i for i, v in enumerate(lb[key]) if v == ""]
        # lbd may leave more cells empty only where haproxy prints a
        # feature lbd lacks; it never fills a cell haproxy leaves empty
        assert set(empty_h) <= set(empty_l), key
        assert len(hp[key]) == len(lb[key]), key


def test_monitoring_script_reports_the_down_server_and_saturation(lbd, backends, sockdir):
    """The seed's haproxy-monitor.sh, unchanged but for `mail`, which a
    recorder on PATH replaces; the socket appears at its /run/haproxy path
    inside a private mount namespace."""
    b1, b2 = backends(2)
    port = free_port()
    rundir = os.path.join(sockdir, "run")
    os.makedirs(os.path.join(rundir, "haproxy"))
    sock = os.path.join(rundir, "haproxy", "admin.sock")
    text = cfg(sockdir, port, [("web1", b1.addr, "check inter 100 fall 1 rise 1"),
                               ("web2", b2.addr, "check inter 100 fall 1 rise 1")],
               glob="    maxconn 10").replace("maxconn 200\n", "", 1)
    text = text.replace("%s/admin.sock mode 600" % sockdir, sock)
    text = text.replace("backend be", "backend web-servers").replace("default_backend be",
                                                                      "default_backend web-servers")
    l = lbd(text, [port])
    bindir = os.path.join(sockdir, "bin")
    os.makedirs(bindir)
    record = os.path.join(sockdir, "mails")
    with open(os.path.join(bindir, "mail"), "w") as f:
        f.write("#!/bin/sh\n{ echo \"SUBJECT:$2\"; cat; } >> %s\n" % record)
    os.chmod(os.path.join(bindir, "mail"), 0o755)
    script = os.path.join(sockdir, "haproxy-monitor.sh")
    shutil.copy(MONITOR, script)
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])

    def run_monitor():
        if os.path.exists(record):
            os.unlink(record)
        inner = "mount --bind %s /run && exec bash %s" % (rundir, script)
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
                           env=env, capture_output=True, text=True, timeout=20)
        assert p.returncode == 0, p.stderr
        return open(record).read() if os.path.exists(record) else ""

    assert run_monitor() == ""
    b2.stop()
    assert wait_for(lambda: "is DOWN" in "".join(l.logs()))
    mails = run_monitor()
    assert mails == ("SUBJECT:HAProxy Alert\nServer web2 in backend web-servers is DOWN\n")
    # 9 of 10 connections in use: 90% > 80%
    held = [socket.create_connection(("127.0.0.1", port), 5) for _ in range(9)]
    try:
        assert wait_for(lambda: "CurrConns: 9\n" in cli(sock, "show info"))
        mails = run_monitor()
        assert "SUBJECT:HAProxy Capacity Alert\nConnection usage at 90%\n" in mails
        assert "Server web2 in backend web-servers is DOWN" in mails
        assert "web1" not in mails
    finally:
        for s in held:
            s.close()


# ---- counters ----------------------------------------------------------


def test_counters_match_a_known_traffic_mix(lbd, backends, sockdir):
    b1, b2 = backends(2)
    dead = free_port()
    port = free_port()
    l = lbd(cfg(sockdir, port, [("s1", b1.addr, ""), ("s2", b2.addr, ""),
                                ("s3", "127.0.0.1:%d" % dead, "")],
                glob="    nbthread 2", be="    balance roundrobin\n    retries 2\n"
                "    option redispatch"), [port])
    sock = os.path.join(sockdir, "admin.sock")
    # the start-up port probe, once accepted
    assert wait_for(lambda: stat_dict(sock, "fe", "FRONTEND")["stot"] == "1")
    base = stat_dict(sock, "fe", "FRONTEND")
    received = 0
    statuses = {}

    def one(i):
        path = "/status/404" if i % 10 == 3 else "/name"
        return raw_http(port, b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        % path.encode())
    # concurrently, on two threads: per-thread counters add up exactly
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        for data in ex.map(one, range(30)):
            received += len(data)
            st = int(data.split(b" ", 2)[1])
            statuses[st] = statuses.get(st, 0) + 1
    for _ in range(2):       # unparsable: 400 from lbd, counted as ereq
        data = raw_http(port, b"GARBAGE\r\n\r\n")
        received += len(data)
        statuses[400] = statuses.get(400, 0) + 1
    assert statuses == {200: 27, 404: 3, 400: 2}
    # an error page is counted when its connection ends, just after the
    # client read it to the close: let the last one land
    wait_for(lambda: stat_dict(sock, "fe", "FRONTEND")["hrsp_4xx"] == "5")
    fe = stat_dict(sock, "fe", "FRONTEND")
    be = stat_dict(sock, "be", "BACKEND")
    s = {n: stat_dict(sock, "be", n) for n in ("s1", "s2", "s3")}
    probe = int(base["stot"])
    assert int(fe["stot"]) == 32 + probe and int(fe["conn_tot"]) == 32 + probe
    assert fe["ereq"] == "2"
    assert fe["hrsp_2xx"] == "27" and fe["hrsp_4xx"] == "5"
    assert int(fe["bout"]) == received
    assert be["hrsp_2xx"] == "27" and be["hrsp_4xx"] == "3"
    assert int(s["s1"]["hrsp_2xx"]) + int(s["s2"]["hrsp_2xx"]) == 27
    assert int(s["s1"]["stot"]) + int(s["s2"]["stot"]) == 30
    # the dead server: each attempt refused, retried, then redispatched
    assert int(s["s3"]["econ"]) == int(be["econ"]) > 0
    assert int(be["wretr"]) >= int(s["s3"]["econ"]) - int(be["wredis"])
    assert int(be["wredis"]) == int(s["s3"]["wredis"]) > 0
    assert int(be["bout"]) == int(s["s1"]["bout"]) + int(s["s2"]["bout"])
    assert s["s1"]["status"] == "no check" and be["status"] == "UP"
    # typed and json say the same
    typed = cli(sock, "show stat typed")
    assert re.search(r"^F\.\d+\.0\.7\.stot\.1:MCP:u64:%d$" % (32 + probe), typed, re.M)
    assert re.search(r"^F\.\d+\.0\.40\.hrsp_2xx\.1:MCP:u64:27$", typed, re.M)
    js = json.loads(cli(sock, "show stat json"))
    fe_json = {f["field"]["name"]: f["value"]["value"] for f in js[0]}
    assert fe_json["pxname"] == "fe" and fe_json["stot"] == 32 + probe and fe_json["ereq"] == 2
    info = cli(sock, "show info")
    assert "CumReq: 30\n" in info and fe["req_tot"] == "30"
    assert re.search(r"^CumConns: %d$" % (32 + probe), info, re.M)
    assert json.loads(cli(sock, "show info json"))[0]["field"]["name"] == "Name"
    # clear counters all
    assert cli(sock, "clear counters all") == "\n"
    assert stat_dict(sock, "fe", "FRONTEND")["stot"] == "0"


# ---- levels, protocol, hostile clients ----------------------------------


def test_levels_and_errors_in_haproxys_words(lbd, backends, sockdir):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(sockdir, port, [("s1", b.addr, "check inter 200")]), [port])
    admin, user, oper = (os.path.join(sockdir, n + ".sock") for n in ("admin", "user", "oper"))
    assert cli(user, "disable server be/s1") == "Permission denied\n\n"
    assert cli(user, "show env") == "Permission denied\n\n"
    assert cli(user, "get weight be/s1") == "1 (initial 1)\n\n"
    assert cli(oper, "show cli level") == "operator\n\n"
    assert cli(oper, "set weight be/s1 3") == "Permission denied\n\n"
    assert cli(oper, "show env PATH").startswith("PATH=")
    assert cli(oper, "show env NO_SUCH_VAR_HERE") == "Variable not found\n\n"
    assert cli(admin, "user; show env") == "\nPermission denied\n\n"
    assert cli(admin, "operator; disable server be/s1") == "\nPermission denied\n\n"
    assert cli(admin, "disable server be") == "Require 'backend/server'.\n\n"
    assert cli(admin, "disable server nope/s1") == "No such backend.\n\n"
    assert cli(admin, "disable server be/nope") == "No such server.\n\n"
    assert cli(admin, "set server be/s1 state bogus") == \
        "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n"
    assert cli(admin, "set weight be/s1 300") == \
        "Absolute weight can only be between 0 and 256 inclusive.\n\n"
    assert cli(admin, "set weight be/s1") == "Require <weight> or <weight%>.\n\n"
    assert cli(admin, "show servers state nope") == "Can't find backend.\n\n"
    assert cli(admin, "set maxconn frontend nope 5") == "No such frontend.\n\n"
    assert cli(admin, "set maxconn global 99999999") == "Value out of range.\n\n"
    assert cli(admin, "enable agent be/s1") == \
        "Agent was not configured on this server, cannot enable.\n\n"
    assert cli(admin, "show stat nope 1 -1") == "No such proxy.\n\n"
    out = cli(admin, "foo bar")
    assert out.startswith("Unknown command, but maybe one of the following ones is a "
                          "better match:\n")
    assert "  quit                                    : disconnect\n" in out
    assert cli(admin, "show version; show backend").endswith("\n\n# name\nbe\n\n")
    assert cli(admin, "help").startswith("The following commands are valid at this level:\n")
    assert cli(admin, "show errors").startswith("Total events captured on [")


def test_interactive_prompt_and_quit(lbd, backends, sockdir):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(sockdir, port, [("s1", b.addr, "")]), [port])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(os.path.join(sockdir, "admin.sock"))
    s.sendall(b"prompt\n")
    assert s.recv(100) == b"\n> "
    s.sendall(b"show backend\n")
    buf = b""
    while not buf.endswith(b"> "):
        buf += s.recv(100)
    assert buf == b"# name\nbe\n\n> "
    s.sendall(b"get weight be/s1\nshow version\n")
    buf = b""
    while buf.count(b"> ") < 2:
        buf += s.recv(100)
    assert buf.startswith(b"1 (initial 1)\n\n> ")
    s.sendall(b"quit\n")
    assert s.recv(100) == b""
    s.close()


def test_hostile_clients_cannot_stall_the_daemon(lbd, backends, sockdir):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(sockdir, port, [("s1", b.addr, "")]), [port])
    sock = os.path.join(sockdir, "admin.sock")
    # a line that never ends is cut at 16 KiB
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock)
    try:
        s.sendall(b"A" * 20000)
    except OSError:
        pass
    data = b""
    while True:
        try:
            chunk = s.recv(1000)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    s.close()
    assert data == b"Command line too long.\n\n"
    # binary garbage is an unknown command, answered
    out = cli(sock, "\x00\x01\xff garbage \x7f")
    assert out.startswith("Unknown command")
    # more idle clients than stats maxconn (10), each silent: the timeout
    # (2s) frees them and the socket keeps answering; traffic never waits
    idle = []
    for _ in range(14):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(sock)
        idle.append(c)
    assert get(port)[0] == 200
    t0 = time.time()
    assert cli(sock, "show version", timeout=10).endswith("\n\n")
    assert time.time() - t0 < 9
    for c in idle:
        c.close()
    # a client that sends a command and never reads a large reply
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.sendall(b"prompt\n" + b"show stat\n" * 200)
    time.sleep(0.3)
    assert get(port)[0] == 200
    assert cli(sock, "show backend") == "# name\nbe\n\n"
    s.close()


def test_tcp_socket_level_and_missing_newline(lbd, backends, sockdir):
    (b,) = backends(1)
    port, cport = free_port(), free_port()
    text = cfg(sockdir, port, [("s1", b.addr, "")]).replace(
        "    stats timeout 2s\n", "    stats timeout 2s\n    stats socket ipv4@127.0.0.1:%d level user\n" % cport)
    lbd(text, [port, cport])
    assert cli(("127.0.0.1", cport), "show cli level") == "user\n\n"
    s = socket.create_connection(("127.0.0.1", cport), 5)
    s.sendall(b"show version")
    s.shutdown(socket.SHUT_WR)
    data = s.recv(1000)
    s.close()
    assert data.endswith(b"\n\n") and len(data) > 2


# ---- commands that act -------------------------------------------------


def test_frontend_pause_maxconn_and_addr(lbd, backends, sockdir):
    b1, b2 = backends(2)
    port = free_port()
    l = lbd(cfg(sockdir, port, [("s1", b1.addr, "")]), [port])
    sock = os.path.join(sockdir, "admin.sock")
    assert cli(sock, "disable frontend fe") == "\n"
    assert stat_dict(sock, "fe", "FRONTEND")["status"] == "PAUSED"
    c = socket.create_connection(("127.0.0.1", port), 5)
    c.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    c.settimeout(0.5)
    with pytest.raises(socket.timeout):
        c.recv(100)
    assert cli(sock, "disable frontend fe") == "All sockets are already disabled.\n\n"
    assert cli(sock, "enable frontend fe") == "\n"
    c.settimeout(5)
    assert c.recv(4096).endswith(b"s1")
    c.close()
    assert stat_dict(sock, "fe", "FRONTEND")["status"] == "OPEN"
    # the address moves to the other backend server
    host, p2 = b2.addr.split(":")
    out = cli(sock, "set server be/s1 addr %s port %s" % (host, p2))
    assert out == "no need to change the addr, port changed from '%s' to '%s' by " \
        "'stats socket command'\n\n" % (b1.addr.split(":")[1], p2)
    assert wait_for(lambda: get(port)[1] == b"s2")
    assert {get(port)[1] for _ in range(3)} == {b"s2"}
    assert stat_dict(sock, "be", "s1")["addr"] == b2.addr
    assert cli(sock, "set server be/s1 addr 1.2.3") == "Invalid addr '1.2.3' by 'stats socket command'\n\n"
    assert cli(sock, "set maxconn server be/s1 7") == "\n"
    assert stat_dict(sock, "be", "s1")["slim"] == "7"
    assert cli(sock, "set maxconn frontend fe 50") == "\n"
    assert stat_dict(sock, "fe", "FRONTEND")["slim"] == "50"


def test_show_sess_and_shutdown_sessions(lbd, echo_server, sockdir):
    port = free_port()
    text = cfg(sockdir, port, [("e1", echo_server.addr, "")], glob="    nbthread 2")
    text = text.replace("    mode http\n", "    mode tcp\n").replace("    option httplog\n", "")
    l = lbd(text, [port])
    sock = os.path.join(sockdir, "admin.sock")
    conns = []
    for _ in range(3):
        c = socket.create_connection(("127.0.0.1", port), 5)
        c.sendall(b"ping")
        assert c.recv(10) == b"ping"
        conns.append(c)
    out = cli(sock, "show sess")
    lines = [x for x in out.splitlines() if "fe=fe" in x]
    assert len(lines) == 3 and all("be=be srv=e1" in x for x in lines)
    sid = lines[0].split(":")[0]
    assert "thread=" in cli(sock, "show sess " + sid)
    assert cli(sock, "shutdown session " + sid) == "\n"
    assert cli(sock, "shutdown session 0xdeadbeef") == "No such session (use 'show sess').\n\n"
    assert wait_for(lambda: len([x for x in cli(sock, "show sess").splitlines()
                                 if "fe=fe" in x]) == 2)
    assert cli(sock, "shutdown sessions server be/e1") == "\n"
    for c in conns:
        c.settimeout(5)
        try:
            assert c.recv(10) == b""
        except ConnectionResetError:
            pass
        c.close()
    assert wait_for(lambda: "fe=fe" not in cli(sock, "show sess"))


def test_health_disable_keeps_state_and_servers_state_fields(lbd, backends, sockdir):
    b1, b2 = backends(2)
    port = free_port()
    l = lbd(cfg(sockdir, port, [("s1", b1.addr, "check inter 100 rise 1 fall 1"),
                                ("s2", b2.addr, "check inter 100 rise 1 fall 1")]), [port])
    sock = os.path.join(sockdir, "admin.sock")
    assert cli(sock, "disable health be/s2") == "\n"
    b2.stop()
    time.sleep(0.5)
    st = stat_dict(sock, "be", "s2")
    assert st["status"] == "no check" and st["check_status"] == ""
    assert cli(sock, "enable health be/s2") == "\n"
    assert wait_for(lambda: stat_dict(sock, "be", "s2")["status"] == "DOWN")
    st = stat_dict(sock, "be", "s2")
    assert st["check_status"] == "L4CON" and st["check_desc"] == "Layer4 connection problem"
    assert st["chkdown"] == "1" and int(st["chkfail"]) >= 1
    line = [x for x in cli(sock, "show servers state be").splitlines() if " s2 " in x][0]
    f = line.split()
    # op_state 0 (stopped), admin 0, check status 8 (L4CON), result 2 (failed)
    assert f[5] == "0" and f[6] == "0" and f[10] == "8" and f[11] == "2"
    assert cli(sock, "disable server be/s2; show servers state be").count(" s2 ") == 1
    line = [x for x in cli(sock, "show servers state be").splitlines() if " s2 " in x][0]
    assert line.split()[6] == "1"


def test_add_and_del_server_at_run_time(lbd, backends, sockdir):
    b1, b2 = backends(2)
    port = free_port()
    l = lbd(cfg(sockdir, port, [("s1", b1.addr, "")], glob="    nbthread 2"), [port])
    sock = os.path.join(sockdir, "admin.sock")
    assert cli(sock, "add server be/s2 %s weight 3 check inter 100" % b2.addr) == \
        "New server registered.\n\n"
    assert cli(sock, "add server be/s2 %s" % b2.addr) == \
        "Already exists a server with the same name in backend.\n\n"
    assert cli(sock, "add server be/s3") == \
        "'server' expects <name> and <addr>[:<port>] as arguments.\n\n"
    out = cli(sock, "add server be/s3 no-such-host.invalid:80")
    assert "not an IP address" in out        # never resolved at run time
    assert "unknown keyword 'frobnicate'" in cli(sock, "add server be/s3 %s frobnicate" % b2.addr)
    # a new server starts in maintenance, as with HAProxy
    assert stat_dict(sock, "be", "s2")["status"] == "MAINT"
    assert {get(port)[1] for _ in range(4)} == {b"s1"}
    assert cli(sock, "enable server be/s2") == "\n"
    assert wait_for(lambda: stat_dict(sock, "be", "s2")["status"] == "UP")
    seen = [get(port)[1] for _ in range(40)]
    assert seen.count(b"s2") == 30 and seen.count(b"s1") == 10
    # the first server leaves for good: only once in maintenance and idle
    assert cli(sock, "del server be/s1") == \
        "Only servers in maintenance mode can be deleted.\n\n"
    assert cli(sock, "disable server be/s1; del server be/s1") == "\nServer deleted.\n\n"
    assert ("be", "s1") not in csv_rows(cli(sock, "show stat"))
    assert {get(port)[1] for _ in range(6)} == {b"s2"}
    assert cli(sock, "get weight be/s1") == "No such server.\n\n"
    # a server with a session attached cannot go
    hold = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    hold.request("GET", "/sleep/1500")
    time.sleep(0.3)
    assert cli(sock, "disable server be/s2; del server be/s2") == \
        "\nServer still has connections attached to it, cannot remove it.\n\n"
    assert hold.getresponse().read() == b"s2"
    hold.close()
    assert wait_for(lambda: stat_dict(sock, "be", "s2")["scur"] == "0")
    assert cli(sock, "del server be/s2") == "Server deleted.\n\n"
    assert get(port)[0] == 503
    assert wait_for(lambda: any("New server registered" in x for x in l.logs()))


def test_show_errors_captures_the_last_invalid_request_and_response(lbd, backends, sockdir):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(sockdir, port, [("s1", b.addr, "")]), [port])
    sock = os.path.join(sockdir, "admin.sock")
    out = cli(sock, "show errors")
    assert re.match(r"Total events captured on \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] : 0\n\n$", out)
    raw_http(port, b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw_http(port, b"GET /bad HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 502")
    out = cli(sock, "show errors")
    assert " : 2\n" in out.splitlines()[0] + "\n"
    assert re.search(r"\] frontend fe \(#\d+\): invalid request\n  backend <NONE> \(#-1\), "
                     r"server <NONE> \(#-1\), event #\d+, src 127\.0\.0\.1:\d+\n", out)
    assert "  00000  GET /a b HTTP/1.1\\r\\n\n" in out
    assert re.search(r"\] backend be \(#\d+\): invalid response\n  frontend fe \(#\d+\), "
                     r"server s1 \(#1\)", out)
    only = cli(sock, "show errors fe request")
    assert "invalid request" in only and "invalid response" not in only
    assert cli(sock, "show errors nope") == "No such proxy.\n\n"


def test_config_forms_not_acted_on_are_said(sockdir):
    from conftest import check_config
    base = cfg(sockdir, free_port(), [("s1", "127.0.0.1:1", "")])
    rc, out, _ = check_config(base.replace("level admin\n", "level admin expose-fd listeners\n", 1))
    # acted on now: _getsocks hands the listeners over (test_reload.py)
    assert rc == 0 and "expose-fd" not in out, out
    rc, out, _ = check_config(base + "listen st\n    bind 127.0.0.1:%d\n    stats show-desc\n"
                              % free_port())
    assert rc != 0 and "'stats show-desc' is not supported yet" in out, out
