"""The server lifecycle around health checks, through the real lbd: a server
coming back ramps up with slowstart, sessions are cut when a server goes
down (on-marked-down) or when an active one comes back (on-marked-up), and
errors seen in live traffic count against a server (observe, error-limit,
on-error)."""
import http.client
import math
import re
import socket
import time

import pytest

from backend import Backend
from conftest import free_port
from test_checks import cfg, wait_log


def share(port, n):
    """Send n sequential requests; return how many each server answered."""
    counts = {}
    for _ in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/name")
        name = c.getresponse().read().decode()
        counts[name] = counts.get(name, 0) + 1
        c.close()
    return counts


SLOW = 8.0      # seconds of slowstart in the ramp tests


def test_slowstart_ramps_the_share_of_a_returning_server(lbd, backends):
    """s2 comes back UP with slowstart 8s: right after, it gets a small share
    of round-robin traffic (bounded by how much of the ramp can have passed,
    measured from before it was started), and its full half once the period
    is over."""
    (s1,) = backends(1)
    p2 = free_port()
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "weight 100"),
                       ("s2", "127.0.0.1:%d" % p2, "weight 100 slowstart %ds" % SLOW)],
                check="    option httpchk GET /name\n",
                srv_opts="check inter 100 rise 1 fall 1"), [port])
    wait_log(l, r"Server be/s2 is DOWN")
    t0 = time.time()            # s2 cannot be UP before this
    s2 = Backend("s2", port=p2).start()
    try:
        wait_log(l, r"Server be/s2 is UP")
        t_up = time.time()      # s2 is UP at the latest now
        early = share(port, 40)
        elapsed = time.time() - t0
        # the most s2 can have had during the batch: 5% + 95% of the ramp
        pct = min(1.0, 0.05 + 0.95 * elapsed / SLOW)
        bound = math.ceil(40 * pct / (1 + pct)) + 1
        assert early.get("s2", 0) <= bound, (early, elapsed)
        time.sleep(max(0.0, t_up + SLOW + 0.5 - time.time()))
        late = share(port, 40)
        assert 18 <= late.get("s2", 0) <= 22, late
        if elapsed < SLOW / 3:  # the machine was not too slow to see the ramp
            assert early.get("s2", 0) < late["s2"] - 5, (early, late)
    finally:
        s2.stop()


def concurrent_names(port, n, path):
    """n clients at once, one request each; which server answered them."""
    import threading
    out = []

    def one():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", path)
        out.append(c.getresponse().read().decode())
        c.close()
    ts = [threading.Thread(target=one) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return out


def test_slowstart_with_leastconn_weighs_the_load(lbd, backends):
    """leastconn compares load per unit of weight: right after s2 comes
    back with slowstart 20s, 20 concurrent slow requests mostly go to s1
    (without slowstart they would split evenly)."""
    (s1,) = backends(1)
    p2 = free_port()
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "weight 100"),
                       ("s2", "127.0.0.1:%d" % p2, "weight 100 slowstart 20s")],
                check="    balance leastconn\n    option httpchk GET /name\n",
                srv_opts="check inter 100 rise 1 fall 1"), [port])
    wait_log(l, r"Server be/s2 is DOWN")
    t0 = time.time()
    s2 = Backend("s2", port=p2).start()
    try:
        wait_log(l, r"Server be/s2 is UP")
        names = concurrent_names(port, 20, "/sleep/2000")
        # s2's share of weight is at most this when the last request left
        pct = min(1.0, 0.05 + 0.95 * (time.time() - t0) / 20.0)
        assert len(names) == 20
        assert names.count("s2") <= math.ceil(20 * pct / (1 + pct)) + 1, (names, pct)
    finally:
        s2.stop()


def test_slowstart_has_no_effect_with_static_rr(lbd, backends):
    """static-rr weights are fixed: a returning server gets its full share
    at once, as HAProxy documents."""
    (s1,) = backends(1)
    p2 = free_port()
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "weight 100"),
                       ("s2", "127.0.0.1:%d" % p2, "weight 100 slowstart 60s")],
                check="    balance static-rr\n    option httpchk GET /name\n",
                srv_opts="check inter 100 rise 1 fall 1"), [port])
    wait_log(l, r"Server be/s2 is DOWN")
    s2 = Backend("s2", port=p2).start()
    try:
        wait_log(l, r"Server be/s2 is UP")
        assert share(port, 20) == {"s1": 10, "s2": 10}
    finally:
        s2.stop()


def test_slowstart_does_not_apply_at_start_up(lbd, backends):
    s1, s2 = backends(2)
    port = free_port()
    lbd(cfg(port, [("s1", s1.addr, "weight 100"),
                   ("s2", s2.addr, "weight 100 slowstart 60s")]), [port])
    assert share(port, 20) == {"s1": 10, "s2": 10}


class CheckPort:
    """A listening socket the checks connect to (server option "port"):
    open, the server is healthy; closed, checks are refused, while the
    traffic port and its connections live on."""

    def __init__(self):
        self.port = free_port()
        self.sock = None

    def open(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)
        return self

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None


def tcp_cfg(port, servers, nbthread=1):
    text = """global
    maxconn 100
    nbthread %d
defaults
    mode tcp
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 500ms
    log stdout format raw local0
    option tcplog
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
""" % (nbthread, port)
    for name, addr, opts in servers:
        text += "    server %s %s check inter 100 rise 1 fall 1 %s\n" % (name, addr, opts)
    return text


def tunnel(port):
    """A long-lived client connection through lbd, proven to work."""
    c = socket.create_connection(("127.0.0.1", port), 5)
    c.sendall(b"ping")
    assert c.recv(16) == b"ping"
    return c


def is_cut(c, timeout=5.0):
    """True when lbd closes the connection within timeout."""
    c.settimeout(timeout)
    try:
        return c.recv(16) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def still_works(c):
    c.sendall(b"more")
    c.settimeout(5)
    return c.recv(16) == b"more"


@pytest.mark.parametrize("nbthread", [1, 2])
def test_on_marked_down_shutdown_sessions_cuts_established_connections(
        lbd, echo_server, nbthread):
    """With two threads the connections spread over both: the check's
    thread asks the other one to cut its own."""
    chk = CheckPort().open()
    port = free_port()
    l = lbd(tcp_cfg(port, [("s1", echo_server.addr, "port %d on-marked-down "
                            "shutdown-sessions" % chk.port)], nbthread), [port])
    try:
        cs = [tunnel(port) for _ in range(6)]
        chk.close()             # the checks fail, the echo server lives on
        # (at least: the harness's probe of the frontend may linger)
        line = wait_log(l, r"Server be/s1 is DOWN")
        assert int(re.search(r" (\d+) sessions active", line).group(1)) >= 6, line
        assert all(is_cut(c) for c in cs)
        # the log lines of the cut sessions say: killed, the server is down
        for _ in range(50):
            if len([x for x in l.logs() if " DD " in x]) >= 6:
                break
            time.sleep(0.1)
        assert len([x for x in l.logs() if " DD " in x]) >= 6, l.logs()
        for c in cs:
            c.close()
    finally:
        chk.close()


def test_without_on_marked_down_connections_survive_a_down_server(lbd, echo_server):
    chk = CheckPort().open()
    port = free_port()
    l = lbd(tcp_cfg(port, [("s1", echo_server.addr, "port %d" % chk.port)]), [port])
    try:
        c = tunnel(port)
        chk.close()
        wait_log(l, r"Server be/s1 is DOWN")
        assert not is_cut(c, 0.5)
        assert still_works(c)
        c.close()
    finally:
        chk.close()


def test_on_marked_up_shutdown_backup_sessions_cuts_the_backups(lbd):
    from backend import TcpEcho
    act, bck = TcpEcho("act").start(), TcpEcho("bck").start()
    chk = CheckPort()          # closed: the active server starts DOWN
    port = free_port()
    l = lbd(tcp_cfg(port, [("a", act.addr, "port %d on-marked-up "
                            "shutdown-backup-sessions" % chk.port),
                           ("b", bck.addr, "backup")]), [port])
    try:
        wait_log(l, r"Server be/a is DOWN")
        # (the harness's probe of the frontend may have reached "a" at start)
        before = act.conns
        c = tunnel(port)        # served by the backup
        assert act.conns == before
        chk.open()
        wait_log(l, r"Server be/a is UP")
        assert is_cut(c)
        wait_log(l, r" UD \d+/\d+/\d+/\d+/\d+ ")
        c.close()
        c = tunnel(port)        # new traffic goes to the active server
        assert act.conns == before + 1
        c.close()
    finally:
        chk.close()
        act.stop()
        bck.stop()


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", path)
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def test_observe_layer7_errors_mark_the_server_down(lbd, backends):
    """Three 500s in a row from live traffic (error-limit 3, on-error
    mark-down) take a server whose checks pass DOWN at once, in HAProxy's
    words; its checks then bring it back."""
    (s1,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "observe layer7 error-limit 3 on-error mark-down")],
                check="    option httpchk GET /name\n"), [port])
    for _ in range(3):
        assert get(port, "/status/500") == 500
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert 'reason: Health analyze, info: "Detected 3 consecutive errors, last one ' \
           'was: Wrong http response". 0 active and 0 backup servers left.' in line, line
    wait_log(l, r"Server be/s1 is UP")


def test_observe_layer7_good_answers_clear_the_count(lbd, backends):
    """501, 505 and 4xx are not errors; any good answer restarts the count."""
    (s1,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "observe layer7 error-limit 3 on-error mark-down")],
                check="    option httpchk GET /name\n"), [port])
    for path in ["/status/500", "/status/503", "/status/404", "/status/500",
                 "/status/502", "/status/501", "/status/505", "/status/500",
                 "/name", "/status/504", "/status/500"]:
        get(port, path)
    time.sleep(0.5)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()


def test_observe_layer4_from_default_server_counts_connect_errors(lbd):
    """default-server carries observe/error-limit/on-error: connections to
    a closed traffic port fail while the checks (to another port) pass;
    the second failure in a row marks the server down."""
    chk = CheckPort().open()
    dead = "127.0.0.1:%d" % free_port()
    port = free_port()
    try:
        l = lbd(cfg(port, [("s1", dead, "port %d" % chk.port)],
                    extra_be="    retries 0\n    default-server observe layer4 "
                             "error-limit 2 on-error mark-down\n"), [port])
        time.sleep(0.3)
        assert not [x for x in l.logs() if "is DOWN" in x], l.logs()
        assert get(port, "/name") == 503
        assert get(port, "/name") == 503
        line = wait_log(l, r"Server be/s1 is DOWN")
        assert "last one was: L4 unsuccessful connection" in line, line
    finally:
        chk.close()


def test_observe_fail_check_counts_as_one_failed_check(lbd, backends):
    """on-error fail-check (the default) is one failed check: with fall 1
    the server goes down; the error count is per server."""
    (s1,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "observe layer7 error-limit 2")],
                check="    option httpchk GET /name\n",
                srv_opts="check inter 100 rise 2 fall 1"), [port])
    get(port, "/status/503")
    time.sleep(0.3)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()
    get(port, "/status/503")
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "Health analyze" in line and "last one was: Wrong http response" in line


def test_observe_sudden_death_leaves_one_failure_to_go(lbd, backends):
    """on-error sudden-death: with fall 1000, the failed check after the
    errors takes the server down (without it, 1000 in a row would be
    needed: 100 s at inter 100)."""
    (s1,) = backends(1)
    chk = CheckPort().open()
    port = free_port()
    try:
        l = lbd(cfg(port, [("s1", s1.addr, "port %d observe layer7 error-limit 2 "
                            "on-error sudden-death" % chk.port)],
                    srv_opts="check inter 100 rise 1 fall 1000"), [port])
        time.sleep(0.3)
        chk.close()             # checks fail from now on, one per 100 ms
        get(port, "/status/500")
        get(port, "/status/500")
        line = wait_log(l, r"Server be/s1 is DOWN")
        assert "Layer4 connection problem" in line, line
    finally:
        chk.close()


def test_observe_fastinter_runs_the_next_check_soon(lbd, backends):
    """on-error fastinter: with inter 60s, the check after the errors runs
    within fastinter instead of a minute later."""
    s1, chk = backends(2)
    port = free_port()
    lbd(cfg(port, [("s1", s1.addr, "port %d observe layer7 error-limit 2 "
                    "on-error fastinter" % chk.port)],
            check="    option httpchk GET /name\n",
            srv_opts="check inter 60s fastinter 100 rise 1 fall 3"), [port])
    for _ in range(50):          # the first check, at start-up
        if chk.requests:
            break
        time.sleep(0.05)
    assert chk.requests == 1
    get(port, "/status/503")
    get(port, "/status/503")
    for _ in range(50):
        if chk.requests > 1:
            break
        time.sleep(0.05)
    assert chk.requests == 2


@pytest.mark.parametrize("path,status,what", [
    ("/nothing", 504, "Read timeout (http)"),
    ("/bad", 502, "Invalid http response"),
    ("/reset", 502, "Read error (http)"),
])
def test_observe_layer7_counts_timeouts_and_broken_responses(lbd, backends, path,
                                                             status, what):
    (s1,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "observe layer7 error-limit 1 on-error mark-down")],
                check="    option httpchk GET /name\n",
                extra_be="    timeout server 300ms\n    retries 0\n"), [port])
    assert get(port, path) == status
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "last one was: %s" % what in line, line


def test_observe_layer7_needs_an_http_backend():
    from conftest import check_config
    rc, out, _ = check_config(tcp_cfg(free_port(), [("s1", "127.0.0.1:1",
                                                     "observe layer7")]))
    assert rc != 0 and "'observe layer7' is only allowed in 'mode http' backends" in out, out
    rc, out, _ = check_config(tcp_cfg(free_port(), [("s1", "127.0.0.1:1",
                                                     "observe layer4 on-error bogus")]))
    assert rc != 0 and "'on-error' expects 'fastinter', 'fail-check', 'sudden-death' " \
                       "or 'mark-down' (got 'bogus')" in out, out
