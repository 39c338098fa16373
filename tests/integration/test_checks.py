"""Health checks through the real lbd against real servers that die, come
back, answer a wrong status or body, or hang: servers go DOWN after `fall`
failures and UP after `rise` successes, with HAProxy's log lines, and the
traffic follows (backups take over and hand back)."""
import http.client
import re
import shutil
import subprocess
import time

import pytest

from backend import Backend
from conftest import free_port


def cfg(port, servers, check="", srv_opts="check inter 100 rise 2 fall 2", extra_be=""):
    text = """global
    maxconn 100
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 500ms
    log stdout format raw local0
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
%s%s""" % (port, check, extra_be)
    for name, addr, opts in servers:
        text += "    server %s %s %s %s\n" % (name, addr, srv_opts, opts)
    return text


def wait_log(l, pattern, timeout=5.0):
    rx = re.compile(pattern)
    end = time.time() + timeout
    while time.time() < end:
        for line in l.logs():
            if rx.search(line):
                return line
        time.sleep(0.05)
    raise AssertionError("no log line matching %r in %r" % (pattern, l.logs()))


def who(port, n=6, path="/name"):
    seen = set()
    for _ in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        seen.add((r.status, r.getheader("X-Server")))
        c.close()
    return seen


def test_tcp_check_marks_dead_server_down_and_traffic_avoids_it(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    dead = "127.0.0.1:%d" % free_port()
    l = lbd(cfg(port, [("s1", b.addr, ""), ("s2", dead, "")]), [port])
    line = wait_log(l, r"Server be/s2 is DOWN")
    assert re.search(r"^Server be/s2 is DOWN, reason: Layer4 connection problem, "
                     r"info: \"Connection refused\", check duration: \d+ms\. 1 active "
                     r"and 0 backup servers left\. 0 sessions active, 0 requeued, "
                     r"0 remaining in queue\.$", line), line
    assert who(port) == {(200, "s1")}


def test_http_check_wrong_status_then_recovery(lbd):
    p1 = free_port()
    bad = Backend("s1", port=p1).start()
    port = free_port()
    l = lbd(cfg(port, [("s1", bad.addr, "")], check="    option httpchk GET /status/503\n"),
            [port])
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "reason: Layer7 wrong status, code: 503" in line
    assert "0 active and 0 backup servers left" in line
    wait_log(l, r"^backend be has no server available!$")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/name")
    assert c.getresponse().status == 503
    bad.stop()


def test_server_comes_back_after_rise_successes(lbd):
    p1 = free_port()
    port = free_port()
    l = lbd(cfg(port, [("s1", "127.0.0.1:%d" % p1, "")],
                check="    option httpchk GET /name\n"), [port])
    wait_log(l, r"Server be/s1 is DOWN")
    b = Backend("s1", port=p1).start()
    try:
        line = wait_log(l, r"Server be/s1 is UP")
        assert re.search(r"^Server be/s1 is UP, reason: Layer7 check passed, code: 200, "
                         r"info: \"X\", check duration: \d+ms\. 1 active and 0 backup "
                         r"servers online\. 0 sessions requeued, 0 total in queue\.$",
                         line), line
        assert who(port, 2) == {(200, "s1")}
    finally:
        b.stop()


def test_expect_string_checks_the_body(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "")],
                check="    option httpchk GET /name\n    http-check expect string nope\n"),
            [port])
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "Layer7 invalid response" in line


def test_expect_rstatus_and_negation(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "")],
                check="    option httpchk GET /status/404\n"
                      "    http-check expect ! rstatus ^4\n"), [port])
    wait_log(l, r"Server be/s1 is DOWN")


def test_hanging_server_times_out(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "")], check="    option httpchk GET /nothing\n"),
            [port])
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "reason: Layer7 timeout" in line


def test_backup_takes_over_and_hands_back(lbd):
    pa, pb = free_port(), free_port()
    act = Backend("active", port=pa).start()
    bck = Backend("backup", port=pb).start()
    port = free_port()
    l = lbd(cfg(port, [("active", act.addr, ""), ("backup", bck.addr, "backup")],
                check="    option httpchk GET /name\n"), [port])
    try:
        assert who(port, 3) == {(200, "active")}
        act.stop()
        wait_log(l, r"Server be/active is DOWN.* 0 active and 1 backup servers left")
        assert who(port, 3) == {(200, "backup")}
        act = Backend("active", port=pa).start()
        wait_log(l, r"Server be/active is UP")
        assert who(port, 3) == {(200, "active")}
    finally:
        act.stop()
        bck.stop()


def test_check_port_and_addr(lbd, backends):
    """'port' sends the check elsewhere than the traffic: a server whose
    check port is dead goes DOWN although its traffic port works."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "port %d" % free_port())]), [port])
    wait_log(l, r"Server be/s1 is DOWN.*Layer4 connection problem")


def test_http_check_send_headers_reach_the_server(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "")],
                check="    option httpchk\n"
                      "    http-check send meth GET uri /headers ver HTTP/1.1 hdr Host "
                      "checks.example\n    http-check expect string checks.example\n"),
            [port])
    time.sleep(0.6)
    assert not [x for x in l.logs() if "is DOWN" in x]
    assert "/headers" in b.paths


def test_legacy_httpchk_with_hidden_headers_works(lbd, backends):
    """The seed's form: headers hidden in the version string (deprecated)."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", b.addr, "")],
                check="    option httpchk GET /headers HTTP/1.1\\r\\nHost:\\ example.com\n"
                      "    http-check expect string example.com\n"), [port])
    time.sleep(0.6)
    assert not [x for x in l.logs() if "is DOWN" in x]
    assert "/headers" in b.paths


def retry_cfg(port, servers, extra):
    return cfg(port, [(n, a, "") for n, a in servers], extra_be=extra, srv_opts="")


def test_retry_on_503_redispatches_to_the_other_server(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(retry_cfg(port, [(b.name, b.addr) for b in bs],
                  "    retry-on 503\n    retries 2\n    option redispatch 1\n"), [port])
    for _ in range(6):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/fail-on/s1")
        r = c.getresponse()
        assert (r.status, r.read()) == (200, b"s2")


def test_empty_response_retried_only_for_replayable_requests(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(retry_cfg(port, [(b.name, b.addr) for b in bs],
                  "    retry-on empty-response\n    option redispatch 1\n"), [port])
    for _ in range(4):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/reset-on/s1")
        assert c.getresponse().status == 200
    # a POST is never replayed: the one that lands on s1 gets a 502
    statuses = []
    for _ in range(4):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("POST", "/reset-on/s1", body=b"x")
        statuses.append(c.getresponse().status)
    assert sorted(statuses) == [200, 200, 502, 502]


def test_retry_on_none_disables_connection_retries(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    dead = "127.0.0.1:%d" % free_port()
    l = lbd(retry_cfg(port, [("dead", dead), ("s1", b.addr)], "    retry-on none\n"), [port])
    statuses = set()
    for _ in range(4):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/name")
        statuses.add(c.getresponse().status)
    assert statuses == {200, 503}
    del l


def test_killing_one_of_two_servers_under_load_loses_no_request(lbd):
    """A bounded load loop (about 3 s, a few hundred requests on 4 client
    threads); one server is stopped in the middle. With checks, retries and
    redispatch no request fails."""
    import threading
    pa, pb = free_port(), free_port()
    a = Backend("a", port=pa).start()
    b = Backend("b", port=pb).start()
    port = free_port()
    lbd(cfg(port, [("a", a.addr, ""), ("b", b.addr, "")],
            check="    option httpchk GET /name\n",
            extra_be="    retries 3\n    option redispatch\n"
                     "    retry-on all-retryable-errors\n"), [port])
    failures, done = [], []
    stop_at = time.time() + 3.0

    def loop():
        n = 0
        while time.time() < stop_at and n < 400:
            n += 1
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", "/sleep/5")
                r = c.getresponse()
                r.read()
                if r.status != 200:
                    failures.append(r.status)
                c.close()
            except OSError as e:
                failures.append(repr(e))
        done.append(n)
    ts = [threading.Thread(target=loop) for _ in range(4)]
    for t in ts:
        t.start()
    time.sleep(1.0)
    a.stop()            # the server process goes away mid-traffic
    for t in ts:
        t.join(30)
    b.stop()
    assert sum(done) > 100
    assert failures == []


def tcp_cfg(port, servers, rules):
    text = """global
    maxconn 100
defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check 500ms
    log stdout format raw local0
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    option tcp-check
%s""" % (port, rules)
    for name, addr in servers:
        text += "    server %s %s check inter 100 rise 2 fall 2\n" % (name, addr)
    return text


SEED_REDIS = """    tcp-check send PING\\r\\n
    tcp-check expect string +PONG
"""


@pytest.fixture
def redis_server():
    """Debian's redis-server on a free loopback port, stopped by its PID."""
    redis = shutil.which("redis-server")
    if not redis:
        pytest.skip("redis-server is not installed")
    rport = free_port()
    proc = subprocess.Popen([redis, "--port", str(rport), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield proc, "127.0.0.1:%d" % rport
    if proc.poll() is None:
        proc.kill()
        proc.wait(5)


def test_seed_redis_recipe_against_real_redis(lbd, redis_server):
    """03-layer4-tcp.cfg's Redis check, against Debian's redis-server."""
    proc, raddr = redis_server
    port = free_port()
    l = lbd(tcp_cfg(port, [("redis1", raddr)], SEED_REDIS), [port])
    time.sleep(0.8)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()
    proc.terminate()
    proc.wait(10)
    line = wait_log(l, r"Server be/redis1 is DOWN")
    assert "reason: Layer4 connection problem" in line


def test_tcp_check_content_mismatch_names_the_step(lbd):
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = []

    def answer():
        srv.settimeout(0.2)
        while not stop:
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            try:
                c.settimeout(1)
                c.recv(100)
                c.sendall(b"-ERR not ready\r\n")
            except OSError:
                pass
            c.close()
    t = threading.Thread(target=answer, daemon=True)
    t.start()
    try:
        port = free_port()
        l = lbd(tcp_cfg(port, [("r1", "127.0.0.1:%d" % srv.getsockname()[1])],
                        "    tcp-check send PING\\r\\n\n    tcp-check comment ping\n"
                        "    tcp-check expect string +PONG\n"), [port])
        line = wait_log(l, r"Server be/r1 is DOWN")
        assert 'reason: Layer7 invalid response, info: "TCPCHK did not match content ' \
               'at step 3 comment: ping"' in line, line
    finally:
        stop.append(1)
        t.join(2)
        srv.close()


def test_tcp_check_binary_send_and_expect(lbd, echo_server):
    """send-binary / expect binary (the seed's MySQL recipe shape) against
    an echo server: the bytes come back, so the check passes."""
    port = free_port()
    l = lbd(tcp_cfg(port, [("e1", echo_server.addr)],
                    "    tcp-check connect\n    tcp-check send-binary 4d000000\n"
                    "    tcp-check expect binary 4d00\n"
                    "    tcp-check expect ! rbinary ^FF\n"), [port])
    time.sleep(0.8)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()


def named_cfg(port, addr, option):
    return tcp_cfg(port, [("n1", addr)], "").replace("    option tcp-check\n",
                                                      "    %s\n" % option)


def test_redis_check_against_real_redis(lbd, redis_server):
    proc, raddr = redis_server
    port = free_port()
    l = lbd(named_cfg(port, raddr, "option redis-check"), [port])
    time.sleep(0.8)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()
    proc.terminate()
    proc.wait(10)
    wait_log(l, r"Server be/n1 is DOWN, reason: Layer4 connection problem")


class TinyServer:
    """A threaded one-exchange-per-connection TCP server on loopback:
    exchange(conn) talks to each client, then the connection is closed."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.stop_flag = []
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop_flag:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            try:
                c.settimeout(0.5)
                self.exchange(c)
            except OSError:
                pass
            c.close()

    @property
    def port(self):
        return self.sock.getsockname()[1]

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def stop(self):
        self.stop_flag.append(1)
        self.t.join(2)
        self.sock.close()


class FakeSmtp(TinyServer):
    """A greeting, then one reply to the client's HELO/EHLO."""

    def __init__(self, greeting, reply):
        self.greeting, self.reply = greeting, reply
        self.hellos = []
        super().__init__()

    def exchange(self, c):
        c.sendall(self.greeting)
        self.hellos.append(c.recv(512))
        c.sendall(self.reply)


def test_smtpchk_says_hello_and_judges_replies(lbd):
    good = FakeSmtp(b"220 mx ready\r\n", b"250 hello\r\n")
    bad = FakeSmtp(b"554 go away\r\n", b"")
    try:
        port = free_port()
        text = named_cfg(port, good.addr, "option smtpchk EHLO lbd.example")
        text += "    server n2 %s check inter 100 rise 2 fall 2\n" % bad.addr
        l = lbd(text, [port])
        line = wait_log(l, r"Server be/n2 is DOWN")
        assert "reason: Layer7 wrong status, code: 554" in line, line
        time.sleep(0.3)
        assert not [x for x in l.logs() if "be/n1 is DOWN" in x]
        assert b"EHLO lbd.example\r\n" in good.hellos
    finally:
        good.stop()
        bad.stop()


class Agent(TinyServer):
    """An agent-check server: reads what lbd sends, answers self.line."""

    def __init__(self, line):
        self.line = line
        self.received = []
        super().__init__()

    def exchange(self, c):
        try:
            self.received.append(c.recv(100))
        except OSError:
            pass
        c.sendall(self.line)


def test_agent_check_weight_drain_and_down(lbd, backends):
    bs = backends(2)
    agent = Agent(b"25%\n")
    port = free_port()
    try:
        l = lbd(cfg(port, [("s1", bs[0].addr, "weight 100 agent-check agent-port %d "
                            "agent-inter 100 agent-send hello\\n" % agent.port),
                           ("s2", bs[1].addr, "weight 100")], srv_opts=""), [port])
        time.sleep(0.5)
        assert agent.received and agent.received[-1] == b"hello\n"
        counts = {"s1": 0, "s2": 0}
        for _ in range(50):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/name")
            counts[c.getresponse().read().decode()] += 1
        assert counts == {"s1": 10, "s2": 40}     # 25 : 100
        agent.line = b"drain\n"
        wait_log(l, r"Server be/s1 enters drain state \(agent reports \"drain\"\)")
        assert who(port, 4) == {(200, "s2")}
        agent.line = b"ready 100%\n"
        wait_log(l, r"Server be/s1 is UP \(leaving forced drain\)")
        agent.line = b"down #maintenance window\n"
        line = wait_log(l, r"Server be/s1 is DOWN, reason: agent reports")
        assert "maintenance window" in line
        assert who(port, 4) == {(200, "s2")}
    finally:
        agent.stop()


class Recorder(TinyServer):
    """Keeps what each client sent first."""

    def __init__(self):
        self.received = []
        super().__init__()

    def exchange(self, c):
        self.received.append(c.recv(200))


def test_check_send_proxy_sends_a_proxy_line(lbd):
    rec = Recorder()
    port = free_port()
    try:
        lbd(cfg(port, [("s1", rec.addr, "check-send-proxy")]), [port])
        for _ in range(50):
            if rec.received:
                break
            time.sleep(0.05)
        assert rec.received, "no health check reached the server"
        assert re.match(rb"^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ %d\r\n$" % rec.port,
                        rec.received[0]), rec.received[0]
    finally:
        rec.stop()
