"""Reloads without losing anything: lbd -W (master-worker) under a bounded
load of keep-alive and new connections, against a real backend; a broken
configuration refused; a killed worker replaced; old workers leaving after
their last connection or at hard-stop-after; a reload storm bounded by
mworker-max-reloads; the non-master hand-over (-x, -sf)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import ssl
import tempfile
import time

import pytest

from backend import Backend
from conftest import LBD, Daemon, cli, free_port, proxy_cfg, sanitized, wait_port
from reload_load import Load, read_response


class Master(Daemon):
    """lbd -d -W -S <sock>: the master in the foreground, its workers."""

    name = "lbd"

    def __init__(self, cfg_text, ports=(), extra=(), env=None):
        self.sockdir = tempfile.mkdtemp(prefix="lbd-master-")
        self.sock = os.path.join(self.sockdir, "master.sock")
        super().__init__([LBD, "-d", "-W", "-S", self.sock, *extra], cfg_text,
                         ports, env)
        if ports:       # listening comes a moment before the worker says ready
            wait_for(lambda: os.path.exists(self.sock) and self.procs()["current"],
                     15, "the first worker")

    def write_cfg(self, text):
        with open(self.cfg + ".new", "w") as f:
            f.write(text)
        os.rename(self.cfg + ".new", self.cfg)

    def mcli(self, line, timeout=40.0):
        return cli(self.sock, line, timeout)

    def procs(self):
        """{'current': [pids], 'old': [pids], 'reloads': n, 'failed': n}"""
        out = self.mcli("show proc")
        r = {"current": [], "old": [], "starting": []}
        section = None
        for line in out.splitlines():
            m = re.match(r"^(\d+)\s+master\s+(\d+) \[failed: (\d+)\]", line)
            if m:
                r["reloads"], r["failed"] = int(m.group(2)), int(m.group(3))
            elif line.startswith("# workers"):
                section = "current"
            elif line.startswith("# old workers"):
                section = "old"
            elif line.startswith("# starting"):
                section = "starting"
            elif section and re.match(r"^\d+\s+worker", line):
                r[section].append(int(line.split()[0]))
        return r

    def stop(self, check=True, sig=signal.SIGTERM):
        rc = super().stop(check, sig)
        shutil.rmtree(self.sockdir, ignore_errors=True)
        return rc

    def check_exit(self, rc, err):
        assert "Sanitizer" not in err and "runtime error" not in err, err
        assert rc == 0, "lbd exited with %r: %s" % (rc, err)


def get(port, n=1, close=False):
    """n requests on one keep-alive connection (a new one after a
    "Connection: close", as from a worker stopping), each answered 200."""
    head = b"GET /name HTTP/1.1\r\nHost: t\r\n%s\r\n" % (
        b"Connection: close\r\n" if close else b"")
    s = None
    for _ in range(n):
        if s is None:
            s, buf = socket.create_connection(("127.0.0.1", port), 5), b""
        s.sendall(head)
        st, closed, buf = read_response(s, buf)
        assert st == 200
        if closed:
            s.close()
            s = None
    if s:
        s.close()


def wait_for(pred, timeout=10.0, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        with open("/proc/%d/stat" % pid) as f:     # a zombie is gone
            return f.read().split(") ")[1][0] != "Z"
    except (ProcessLookupError, FileNotFoundError):   # reaped meanwhile
        return False


def cfg(port, be_port, glob="", ka="10s"):
    return """global
    hard-stop-after 20s
%s
defaults
    mode http
    timeout connect 2s
    timeout client 20s
    timeout server 20s
    timeout http-keep-alive %s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    server s1 127.0.0.1:%d
""" % (glob, ka, port, be_port)


@pytest.fixture(scope="module")
def backend():
    b = Backend("s1").start()
    yield b
    b.stop()


@pytest.fixture(scope="module")
def master(backend):
    """Two threads: each generation takes over a SO_REUSEPORT group."""
    port = free_port()
    m = Master(cfg(port, backend.port, glob="    nbthread 2"), [port])
    m.port = port
    m.base = cfg(port, backend.port, glob="    nbthread 2")
    yield m
    m.stop()


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(next(x for x in f if x.startswith("VmRSS:")).split()[1])


def reload_under_load(m, load, n, what):
    """Start load, reload m n times through the master CLI once it flows,
    stop it: no request may be lost. Returns the master's resident memory
    (KiB) after each reload."""
    load.start()
    rss = []
    try:
        wait_for(lambda: load.ok > 50, what=what)
        for _ in range(n):
            out = m.mcli("reload")
            assert out.startswith("Success=1"), out
            rss.append(rss_kib(m.proc.pid))
    finally:
        load.stop()
    assert load.lost() == 0, (load.failed, load.conn_failed, load.errors)
    return rss


def test_fifty_reloads_under_load_lose_nothing(master):
    before = master.procs()["reloads"]
    load = Load(master.port, keepalive=4, fresh=2, path="/name")
    rss = reload_under_load(master, load, 50, "traffic")
    assert load.ok > 500 and load.conns > 50, (load.ok, load.conns)
    # the master does not grow with reloads (ASan's quarantine holds
    # freed memory, so only the plain build is held to it)
    if not sanitized():
        assert rss[-1] - rss[9] < 256, rss
    # the keep-alive clients were told to leave by the old workers
    assert load.closes > 0
    assert master.procs()["reloads"] == before + 50


def test_fifty_reloads_under_tls_load_lose_nothing(backend, tmp_path):
    """The same over TLS: handshakes in flight and TLS keep-alive clients
    ride through 50 reloads (the old worker finishes its handshakes and
    answers "Connection: close" on its keep-alive connections)."""
    key, crt = str(tmp_path / "k.pem"), str(tmp_path / "c.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
                        "-subj", "/CN=t.test", "-days", "2"], capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    pem = tmp_path / "t.pem"
    pem.write_text(open(crt).read() + open(key).read())
    port = free_port()
    text = cfg(port, backend.port, glob="    nbthread 2").replace(
        "bind 127.0.0.1:%d" % port, "bind 127.0.0.1:%d ssl crt %s" % (port, pem))
    m = Master(text, [port])
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        load = Load(port, keepalive=3, fresh=2, path="/name", tls=ctx)
        reload_under_load(m, load, 50, "TLS traffic")
        assert load.ok > 300 and load.conns > 30 and load.closes > 0, (load.ok, load.conns)
    finally:
        m.stop()


def test_broken_config_is_refused_and_changes_nothing(master):
    p = master.procs()
    master.write_cfg(master.base + "    bogus-directive on\n")
    try:
        out = master.mcli("reload")
    finally:
        master.write_cfg(master.base)
    assert out.startswith("Success=0"), out
    line = master.base.count("\n") + 1
    assert "bogus-directive" in out and "lbd.cfg:%d]" % line in out, out
    q = master.procs()
    assert q["current"] == p["current"] and q["failed"] == p["failed"] + 1
    get(master.port)


def test_killed_worker_is_replaced(master):
    old = master.procs()["current"][0]
    os.kill(old, signal.SIGKILL)
    new = wait_for(lambda: [p for p in master.procs()["current"] if p != old],
                   what="a new worker")
    assert new and not pid_alive(old)
    assert wait_port(master.port)
    load = Load(master.port, keepalive=1, fresh=1, path="/name").start()
    wait_for(lambda: load.ok > 20, what="traffic")
    load.stop()
    assert load.lost() == 0, load.errors


def test_master_cli_routes_to_workers(master):
    cur = master.procs()["current"][0]
    assert "Pid: %d\n" % cur in master.mcli("@1 show info")
    assert "Pid: %d\n" % cur in master.mcli("@!%d show info" % cur)
    assert "No such worker" in master.mcli("@!1 show info")
    assert "A command must follow" in master.mcli("@1")
    assert "Unknown command" in master.mcli("show nothing")
    assert os.stat(master.sock).st_mode & 0o077 == 0


def test_old_worker_stays_for_its_idle_client_then_leaves(master):
    s = socket.create_connection(("127.0.0.1", master.port), 5)
    s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
    st, close, buf = read_response(s)
    assert st == 200 and not close
    old = master.procs()["current"][0]
    assert master.mcli("reload").startswith("Success=1")
    # the idle keep-alive connection is not closed under the client...
    time.sleep(0.3)
    assert old in master.procs()["old"] and pid_alive(old)
    # ...its next request is answered, with "Connection: close"
    s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
    st, close, buf = read_response(s, buf)
    assert st == 200 and close
    assert s.recv(10) == b""
    s.close()
    wait_for(lambda: not pid_alive(old), what="the old worker to exit")
    assert old not in master.procs()["old"]


def test_reload_by_signal_and_soft_stop(backend):
    port = free_port()
    m = Master(cfg(port, backend.port), [port])
    try:
        first = m.procs()["current"][0]
        m.send_signal(signal.SIGUSR2)
        wait_for(lambda: m.procs()["current"] not in ([], [first]), what="reload")
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
        assert read_response(s)[0] == 200
        # SIGUSR1: the workers finish their sessions, then everything exits
        m.send_signal(signal.SIGUSR1)
        time.sleep(0.2)
        assert m.proc.poll() is None
        s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
        st, close, _ = read_response(s)
        assert st == 200 and close
        s.close()
        assert m.proc.wait(10) == 0
    finally:
        m.stop()


def test_hard_stop_after_bounds_old_workers_and_max_reloads(backend):
    port = free_port()
    text = cfg(port, backend.port, ka="30s").replace(
        "hard-stop-after 20s", "hard-stop-after 1500ms\n    mworker-max-reloads 2")
    m = Master(text, [port])

    def hold():
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
        assert read_response(s)[0] == 200
        s.settimeout(5)
        return s
    try:
        # an idle client keeps its old worker until hard-stop-after
        s = hold()
        old = m.procs()["current"][0]
        t0 = time.time()
        assert m.mcli("reload").startswith("Success=1")
        assert pid_alive(old)
        assert s.recv(10) == b""        # closed at hard-stop-after
        wait_for(lambda: not pid_alive(old), what="hard-stop-after")
        assert 1.0 < time.time() - t0 < 8
        s.close()
        # a storm of reloads (signals merge while one runs), an idle client
        # on each generation: never more than mworker-max-reloads old ones
        # once each reload is done
        held, olds = [], []
        for i in range(4):
            held.append(hold())
            olds += m.procs()["current"]
            assert m.mcli("reload").startswith("Success=1")
        before = m.procs()["reloads"]
        for i in range(20):
            m.send_signal(signal.SIGUSR2)
            time.sleep(0.01)
        p = wait_for(lambda: (lambda p: p if len(p["old"]) <= 2 and not p["starting"]
                              and p["reloads"] > before else None)(m.procs()),
                     what="old workers beyond mworker-max-reloads to go")
        assert len(p["old"]) <= 2 and p["failed"] == 0
        for s in held:                  # their clients saw a close
            assert s.recv(10) == b""
            s.close()
        wait_for(lambda: not any(pid_alive(p) for p in olds), what="them to exit")
    finally:
        m.stop()


def test_handover_without_master_x_sf(backend, lbd, tmp_path):
    port = free_port()
    sock = str(tmp_path / "admin.sock")
    text = cfg(port, backend.port,
               glob="    stats socket %s level admin expose-fd listeners" % sock)
    a = lbd(text, [port])
    load = Load(port, keepalive=2, fresh=2, path="/name").start()
    b = None
    try:
        wait_for(lambda: load.ok > 20, what="traffic")
        b = Daemon([LBD, "-d", "-x", sock, "-sf", str(a.proc.pid)], text, [port])
        assert a.proc.wait(10) == 0
        n = load.ok
        wait_for(lambda: load.ok > n + 20, what="traffic to the new process")
        load.stop()
        assert "_getsocks: 1 listening sockets handed over" in a.stderr()
        # the old process left the new one's stats socket in place
        assert "Pid: %d\n" % b.proc.pid in cli(sock, "show info")
    finally:
        load.stop()
        if b:
            assert b.stop(check=False) == 0
    assert load.lost() == 0, load.errors


def test_runtime_state_and_counters_survive_a_reload(backend, tmp_path):
    port = free_port()
    sock = str(tmp_path / "admin.sock")
    text = cfg(port, backend.port, glob="    stats socket %s level admin" % sock).replace(
        "    server s1 127.0.0.1:%d\n" % backend.port,
        "    server s1 127.0.0.1:%d\n    server s2 127.0.0.1:%d weight 10\n"
        % (backend.port, backend.port))
    m = Master(text, [port])
    try:
        for _ in range(6):
            get(port, close=True)
        out = cli(sock, "set server be/s1 state maint; set server be/s2 weight 5; "
                        "add server be/s3 127.0.0.1:%d weight 7; enable server be/s3; "
                        "set server be/s2 addr 127.0.0.1 port %d"
                  % (backend.port, backend.port))
        assert "New server registered." in out
        before = cli(sock, "show stat")
        old = m.procs()["current"]
        assert m.mcli("reload").startswith("Success=1")
        assert m.procs()["current"] != old
        # (what the old worker serves after the hand-over stays its own)
        wait_for(lambda: not pid_alive(old[0]), what="the old worker to leave")
        state = cli(sock, "show servers state be")
        rows = {l.split()[3]: l.split() for l in state.splitlines()[2:] if l.strip()}
        assert rows["s1"][6] == "1"                        # admin: maintenance
        assert rows["s2"][7] == "5" and rows["s2"][8] == "10"   # weights
        assert rows["s3"][7] == "7" and rows["s3"][6] == "0"    # added, enabled

        def stot(text, px, sv):
            for l in text.splitlines():
                f = l.split(",")
                if f[0] == px and f[1] == sv:
                    return int(f[7])
        after = cli(sock, "show stat")
        fe0 = stot(before, "fe", "FRONTEND")
        assert fe0 >= 6 and stot(after, "fe", "FRONTEND") == fe0
        assert stot(after, "be", "BACKEND") == stot(before, "be", "BACKEND") == 6
        # the new worker serves with that state: s1 in maintenance
        get(port, 4)
        after = cli(sock, "show stat")
        assert stot(after, "be", "s1") == stot(before, "be", "s1")
        assert stot(after, "fe", "FRONTEND") == fe0 + 1
    finally:
        m.stop()


def test_stick_table_contents_survive_a_reload(backend, tmp_path):
    port = free_port()
    sock = str(tmp_path / "admin.sock")
    text = cfg(port, backend.port, glob="    stats socket %s level admin" % sock).replace(
        "    default_backend be\n",
        "    http-request track-sc0 src table be\n    default_backend be\n").replace(
        "backend be\n",
        "backend be\n    stick-table type ip size 100 expire 60s store http_req_cnt,gpc0\n"
        "    stick on src\n")
    m = Master(text, [port])
    try:
        get(port, 5)
        before = cli(sock, "show table be")
        assert "key=127.0.0.1" in before and "http_req_cnt=5" in before, before
        old = m.procs()["current"][0]
        assert m.mcli("reload").startswith("Success=1")
        wait_for(lambda: not pid_alive(old), what="the old worker to leave")
        after = cli(sock, "show table be")
        assert "key=127.0.0.1" in after and "http_req_cnt=5" in after, after
        assert "server_id=1" in after, after
        # and counting goes on from there
        get(port)
        assert "http_req_cnt=6" in cli(sock, "show table be")
    finally:
        m.stop()


def test_workers_leave_when_the_master_dies(backend):
    port = free_port()
    m = Master(cfg(port, backend.port), [port])
    try:
        w = m.procs()["current"][0]
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
        st, close, buf = read_response(s)
        assert st == 200 and not close
        m.proc.kill()
        m.proc.wait(5)
        # orphaned, the worker stops softly: its client gets its answer
        time.sleep(0.2)
        s.sendall(b"GET /name HTTP/1.1\r\nHost: t\r\n\r\n")
        st, close, _ = read_response(s, buf)
        assert st == 200 and close
        s.close()
        wait_for(lambda: not pid_alive(w), what="the orphaned worker to exit")
    finally:
        m.stop(check=False)


def test_daemon_master_returns_once_its_worker_serves(backend, tmp_path):
    """lbd -W -D: the command returns 0 once the first worker serves (the
    pidfile names the master), 1 when that worker cannot start."""
    import subprocess
    port = free_port()
    conf, pidf = tmp_path / "m.cfg", tmp_path / "m.pid"
    conf.write_text(cfg(port, backend.port))
    p = subprocess.run([LBD, "-W", "-D", "-p", str(pidf), "-f", str(conf)],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 0, p.stderr
    pid = int(pidf.read_text())
    try:
        assert wait_port(port, timeout=0.5)
        # a second one cannot bind the same port: its command says so
        p2 = subprocess.run([LBD, "-W", "-D", "-p", str(tmp_path / "m2.pid"),
                             "-f", str(conf)], capture_output=True, text=True, timeout=20)
        assert p2.returncode == 1
    finally:
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not pid_alive(pid), what="the master to exit")


def state_cfg(port, be_port, sock, glob="", be=""):
    """Backend be with servers s2 and s1 (weight 10) on the backend."""
    return proxy_cfg(port, "127.0.0.1:%d" % be_port,
                     glob="    stats socket %s level admin\n%s" % (sock, glob),
                     be="%s\n    server s2 127.0.0.1:%d weight 10" % (be, be_port),
                     srv_opts="weight 10")


def test_server_state_file_from_haproxy_is_applied_at_start(backend, lbd, tmp_path):
    """HAProxy's own "show servers state" output, saved as the state file
    its users write before a restart, gives lbd the same server states."""
    port, hsock = free_port(), str(tmp_path / "hap.sock")
    hcfg = tmp_path / "hap.cfg"
    hcfg.write_text(state_cfg(port, backend.port, hsock))
    hap = Daemon(["haproxy", "-db"], hcfg.read_text(), [port])
    try:
        cli(hsock, "set server be/s1 state maint; set server be/s2 weight 5")
        saved = cli(hsock, "show servers state")
    finally:
        hap.stop(check=False)
    statef = tmp_path / "state"
    statef.write_text(saved)
    sock = str(tmp_path / "lbd.sock")
    lbd(state_cfg(port, backend.port, sock,
                  glob="    server-state-file %s" % statef,
                  be="    load-server-state-from-file global"), [port])
    rows = {r.split()[3]: r.split() for r in cli(sock, "show servers state").splitlines()
            if r[:1].isdigit() and len(r.split()) > 5}
    assert rows["s1"][6] == "1", rows          # forced maintenance
    assert rows["s2"][7] == "5", rows          # the weight set at run time
    get(port, 3)                               # s2 serves
    # lbd's own output reads back the same way, from a per-backend file
    base = tmp_path / "states"
    base.mkdir()
    (base / "be").write_text(cli(sock, "show servers state"))
    sock2, port2 = str(tmp_path / "lbd2.sock"), free_port()
    lbd(state_cfg(port2, backend.port, sock2, glob="    server-state-base %s" % base,
                  be="    load-server-state-from-file local"), [port2])
    rows = {r.split()[3]: r.split() for r in cli(sock2, "show servers state").splitlines()
            if r[:1].isdigit() and len(r.split()) > 5}
    assert rows["s1"][6] == "1" and rows["s2"][7] == "5", rows


def test_subscribers_hear_a_reload_not_a_stop(backend, tmp_path):
    """The event stream's last word from an old worker is "bye reloading"
    (vrrpd keeps its verdict and reconnects), from a stopping one "bye
    stopping"; the path answers with the new worker at once."""
    port, sock = free_port(), str(tmp_path / "admin.sock")
    m = Master(cfg(port, backend.port, glob="    stats socket %s level admin" % sock),
               [port])

    def subscribe():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(sock)
        s.sendall(b"subscribe heartbeat 1000\n")
        f = s.makefile("rb")
        greeting = f.readline().decode()
        assert greeting.startswith("lbd 1 pid "), greeting
        return s, f, int(greeting.split()[3])

    def last_word(f):
        for line in f:
            if line.startswith(b"bye "):
                return line.decode().strip()
        return None
    try:
        s, f, pid = subscribe()
        assert pid == m.procs()["current"][0]
        assert m.mcli("reload").startswith("Success=1")
        assert last_word(f) == "bye reloading"
        s.close()
        s, f, pid2 = subscribe()
        assert pid2 != pid and pid2 == m.procs()["current"][0]
        m.send_signal(signal.SIGUSR1)
        assert last_word(f) == "bye stopping"
        s.close()
    finally:
        m.stop()


def test_handover_wins_over_a_stale_state_file(backend, tmp_path):
    """The state file serves the first worker; at a reload the old worker's
    live state is fresher: a server the operator enabled since stays so."""
    port, sock = free_port(), str(tmp_path / "admin.sock")
    statef = tmp_path / "state"
    statef.write_text("1\n# be_id be_name srv_id srv_name srv_addr ...\n"
                      "3 be 2 s1 127.0.0.1 2 1 10 10 0 1 0 2 0 0 0 0 - %d - 0 0 - - 0\n"
                      % backend.port)
    m = Master(state_cfg(port, backend.port, sock,
                         glob="    server-state-file %s" % statef,
                         be="    load-server-state-from-file global"), [port])

    def s1_admin():
        rows = [r.split() for r in cli(sock, "show servers state be").splitlines()
                if r[:1].isdigit() and len(r.split()) > 5]
        return [r[6] for r in rows if r[3] == "s1"][0]
    try:
        assert s1_admin() == "1"            # maintenance, from the file
        cli(sock, "set server be/s1 state ready")
        assert s1_admin() == "0"
        assert m.mcli("reload").startswith("Success=1")
        assert s1_admin() == "0"            # the live state, not the file
    finally:
        m.stop()
