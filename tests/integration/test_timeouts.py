"""Every timeout fires when it should (not earlier, not much later) and
ends the session with HAProxy's status and termination state.

Timeouts are short (300-800 ms) so the file runs fast; the lower bounds
catch a timeout that fires too early, the upper bounds are generous for a
loaded machine. Expected statuses and %tsc codes were compared with the
real HAProxy 2.6 run on loopback with the same configuration.
"""
import select
import socket
import threading
import time

import pytest

from conftest import free_port, proxy_cfg

# ---------------------------------------------------------------- helpers


def http_cfg(port, server_addr, dflt="", srv_opts="", be=""):
    return proxy_cfg(port, server_addr, "http", dflt=dflt, be=be, srv_opts=srv_opts)


def tcp_cfg(port, server_addr, dflt=""):
    return proxy_cfg(port, server_addr, "tcp", dflt=dflt)


def read_to_eof(s):
    """Read until EOF; returns (data, error or None)."""
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, None
            data += chunk
    except OSError as e:
        return data, e


def exchange(port, parts, timeout=10.0):
    """Send parts (bytes, or a float to sleep), read until EOF. Returns
    (data, client port, seconds from the last send to EOF, error)."""
    s = socket.create_connection(("127.0.0.1", port), timeout)
    cport = s.getsockname()[1]
    t0 = time.monotonic()
    for p in parts:
        if isinstance(p, (int, float)):
            time.sleep(p)
        else:
            s.sendall(p)
        t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    return data, cport, elapsed, err


def status_of(data):
    assert data.startswith(b"HTTP/1.1 "), data[:100]
    return int(data.split(b" ", 2)[1])


def complete_error_page(data, status):
    head, _, body = data.partition(b"\r\n\r\n")
    assert status_of(data) == status, data[:100]
    length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    assert length and int(length[0].split(b":")[1]) == len(body), "truncated page"


def log_lines_for(l, cport):
    prefix = "127.0.0.1:%d " % cport
    return [x for x in l.logs() if x.startswith(prefix)]


def log_for(l, cport, timeout=3.0):
    """The (last) log line of the client connection from port cport, parsed
    as httplog or tcplog fields."""
    end = time.monotonic() + timeout
    while True:
        lines = log_lines_for(l, cport)
        if lines:
            line = lines[-1]
            head, _, req = line.partition(' "')
            f = head.split()
            if len(f) >= 12:      # httplog
                return {"line": line, "backend": f[3], "timers": f[4].split("/"),
                        "status": int(f[5]), "tsc": f[9], "conns": f[10],
                        "queues": f[11], "request": req[:-1]}
            return {"line": line, "backend": f[3], "timers": f[4].split("/"),  # tcplog
                    "bytes": int(f[5]), "tsc": f[6], "conns": f[7], "queues": f[8]}
        if time.monotonic() > end:
            raise AssertionError("no log line for client port %d in %r" % (cport, l.logs()))
        time.sleep(0.02)


def wait_log_time(l, cport, t0, timeout=6.0):
    """Seconds from monotonic t0 until the connection's log line appears."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if log_lines_for(l, cport):
            return time.monotonic() - t0
        time.sleep(0.01)
    raise AssertionError("no log line for client port %d in %r" % (cport, l.logs()))


class RawServer:
    """A TCP server on loopback for tunnel tests.
    silent: reads and drops everything, never writes, never closes.
    hello-close: sends "hello" then its FIN, and keeps reading."""

    def __init__(self, mode):
        self.mode = mode
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(64)
        self.addr = "127.0.0.1:%d" % self.ls.getsockname()[1]
        self.conns = []
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        live = []
        while not self._stop:
            r, _, _ = select.select([self.ls] + live, [], [], 0.05)
            for x in r:
                if x is self.ls:
                    c, _ = self.ls.accept()
                    self.conns.append(c)
                    live.append(c)
                    if self.mode == "hello-close":
                        c.sendall(b"hello")
                        c.shutdown(socket.SHUT_WR)
                    continue
                try:
                    d = x.recv(65536)
                except OSError:
                    d = b""
                if not d:
                    live.remove(x)     # keep it open: the peer half-closed

    def stop(self):
        self._stop = True
        self._t.join(5)
        for c in self.conns:
            c.close()
        self.ls.close()


@pytest.fixture
def raw_server():
    started = []

    def make(mode):
        s = RawServer(mode)
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()


@pytest.fixture
def unaccepting_server():
    """An address where connect() hangs, without leaving loopback: a
    listener with backlog 0 whose accept queue is already full, so the
    kernel drops further SYNs."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(0)
    addr = ls.getsockname()
    fillers = []
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(addr)
        fillers.append(c)
    time.sleep(0.1)
    probe = socket.socket()
    probe.settimeout(0.4)
    try:
        probe.connect(addr)
        hangs = False
    except socket.timeout:
        hangs = True
    probe.close()
    if not hangs:
        for c in fillers:
            c.close()
        ls.close()
        pytest.skip("cannot make connect() hang on loopback here")
    yield "127.0.0.1:%d" % addr[1]
    for c in fillers:
        c.close()
    ls.close()


# ------------------------------------------------ timeout http-request

def test_http_request_timeout_on_partial_head(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-request 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [b"GET /name HTTP/1.1\r\nHost: x\r\n"])
    assert err is None
    complete_error_page(data, 408)
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    # HAProxy 2.6: 408 cR, fe/<NOSRV>, <BADREQ>
    assert lg["status"] == 408 and lg["tsc"][:2] == "cR", lg["line"]
    assert lg["backend"] == "fe/<NOSRV>" and lg["request"] == "<BADREQ>"
    assert b.requests == 0


def test_http_request_timeout_is_not_reset_by_trickling_bytes(lbd, backends):
    """The timeout bounds the whole head, so a client sending a header line
    every 150 ms still gets its 408 about 500 ms after the first byte."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-request 500ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    cport = s.getsockname()[1]
    s.setblocking(False)
    t0 = time.monotonic()
    got, when = b"", None
    for part in [b"GET / HTTP/1.1\r\n"] + [b"X-Slow: 1\r\n"] * 30:
        try:
            s.send(part)
        except OSError:
            pass
        time.sleep(0.15)
        try:
            got = s.recv(65536)
            when = time.monotonic() - t0
            break
        except BlockingIOError:
            continue
    s.close()
    assert when is not None, "no answer while trickling for 4.5s"
    assert status_of(got) == 408
    assert 0.45 <= when < 2.0, when
    lg = log_for(l, cport)
    assert lg["status"] == 408 and lg["tsc"][:2] == "cR", lg["line"]


def test_http_request_timeout_on_silent_connection(lbd, backends):
    """Nothing sent at all: HAProxy 2.6 answers 408 and logs cR too."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-request 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [])
    complete_error_page(data, 408)
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 408 and lg["tsc"][:2] == "cR", lg["line"]


def test_client_timeout_waiting_for_head_without_http_request(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout client 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [b"GET /name HTTP/1.1\r\n"])
    complete_error_page(data, 408)
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 408 and lg["tsc"][:2] == "cR", lg["line"]


def test_http_request_timeout_on_second_keep_alive_request(lbd, backends):
    """Once the next request has started, timeout http-request (500 ms)
    applies, not the longer keep-alive timeout."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-request 500ms\n"
                     "    timeout http-keep-alive 3s"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    first = s.recv(65536)
    assert status_of(first) == 200
    time.sleep(0.2)
    s.sendall(b"GET /name HTTP/1.1\r\n")
    t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    complete_error_page(data, 408)
    assert 0.45 <= elapsed < 2.5, elapsed
    lines = log_lines_for(l, cport)
    for _ in range(100):
        if len(lines) >= 2:
            break
        time.sleep(0.02)
        lines = log_lines_for(l, cport)
    assert len(lines) == 2, lines
    assert " 200 " in lines[0]
    assert " 408 " in lines[1] and " cR" in lines[1], lines[1]


# ------------------------------------------------------ timeout client

@pytest.mark.parametrize("head,body", [
    (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n", b"0123456789"),
    (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", b"5\r\nhello\r\n"),
], ids=["content_length", "chunked"])
def test_client_timeout_while_idle_in_request_body(lbd, backends, head, body):
    """The client stops in the middle of its body. The session ends when
    timeout client (500 ms) expires, well before timeout server (5 s), and
    is logged cD (HAProxy's code for a client-side data timeout). Note:
    HAProxy 2.6 itself does not arm the client timeout in this state once
    the server is connected: it answers 504 sH at timeout server."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout client 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [head + body])
    assert 0.45 <= elapsed < 3.0, elapsed
    assert not data.startswith(b"HTTP/1.1 2")
    lg = log_for(l, cport)
    assert lg["tsc"][:2] == "cD", lg["line"]
    assert b.requests == 0


def test_client_timeout_when_client_stops_reading(lbd, backends):
    """A large response the client never reads: once the socket buffers
    are full, the session ends after timeout client, logged 200 cD."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout client 500ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    cport = s.getsockname()[1]
    t0 = time.monotonic()
    s.sendall(b"GET /size/50000000 HTTP/1.1\r\nHost: x\r\n\r\n")
    took = wait_log_time(l, cport, t0, timeout=10)
    s.close()
    assert 0.45 <= took < 5.0, took
    lg = log_for(l, cport)
    assert lg["status"] == 200 and lg["tsc"][:2] == "cD", lg["line"]


# ----------------------------------------------- timeout http-keep-alive

def test_keep_alive_timeout_closes_idle_connection_silently(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-keep-alive 400ms\n"
                     "    timeout http-request 3s"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    first = s.recv(65536)
    assert status_of(first) == 200 and first.endswith(b"s1")
    t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    assert err is None and data == b"", "no 408 page for an idle keep-alive connection"
    assert 0.35 <= elapsed < 2.5, elapsed
    time.sleep(0.3)
    lines = log_lines_for(l, cport)
    assert len(lines) == 1 and " 200 " in lines[0], lines   # nothing for the idle close


def test_keep_alive_timeout_defaults_to_http_request(lbd, backends):
    """Without timeout http-keep-alive, timeout http-request bounds the
    idle time between requests (HAProxy: same, 700 ms here)."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout http-request 700ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(s.recv(65536)) == 200
    t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    assert data == b"" and err is None
    assert 0.6 <= elapsed < 2.8, elapsed
    time.sleep(0.3)
    assert len(log_lines_for(l, cport)) == 1


def test_keep_alive_request_within_timeout_is_served(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(http_cfg(port, b.addr, "    timeout http-keep-alive 800ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    for _ in range(3):
        s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(65536).endswith(b"s1")
        time.sleep(0.4)       # idle, but less than the keep-alive timeout
    s.close()
    assert b.conns == 1 and b.requests == 3


# ------------------------------------------------------ timeout connect

def test_connect_timeout_gives_503_sC(lbd, unaccepting_server):
    port = free_port()
    l = lbd(http_cfg(port, unaccepting_server, "    timeout connect 400ms\n    retries 0"),
            [port])
    data, cport, elapsed, err = exchange(port, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
    complete_error_page(data, 503)
    assert 0.35 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    # HAProxy 2.6: 503 sC, Tc -1, no retry
    assert lg["status"] == 503 and lg["tsc"][:2] == "sC", lg["line"]
    assert lg["backend"] == "be/s1"
    assert lg["timers"][2] == "-1"
    assert lg["conns"].split("/")[4] == "0"


def test_connect_timeout_is_retried(lbd, unaccepting_server):
    """retries 2: three connect attempts of 400 ms each."""
    port = free_port()
    l = lbd(http_cfg(port, unaccepting_server, "    timeout connect 400ms\n    retries 2"),
            [port])
    data, cport, elapsed, err = exchange(port, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
    complete_error_page(data, 503)
    assert 1.15 <= elapsed < 5.0, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 503 and lg["tsc"][:2] == "sC", lg["line"]
    assert lg["conns"].split("/")[4] == "2"


def test_connect_timeout_retries_without_turnaround(lbd, unaccepting_server):
    port = free_port()
    lbd(http_cfg(port, unaccepting_server, "    timeout connect 400ms\n    retries 2"),
        [port])
    data, cport, elapsed, err = exchange(port, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
    complete_error_page(data, 503)
    assert elapsed < 1.7, elapsed


def test_refused_connect_retried_after_turnaround(lbd):
    """A refused connection is retried after min(timeout connect, 1s), as
    HAProxy does: 2 retries x 300 ms, then 503 SC."""
    port = free_port()
    dead = free_port()
    l = lbd(http_cfg(port, "127.0.0.1:%d" % dead, "    timeout connect 300ms\n    retries 2"),
            [port])
    data, cport, elapsed, err = exchange(port, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"])
    complete_error_page(data, 503)
    assert 0.55 <= elapsed < 3.0, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 503 and lg["tsc"][:2] == "SC", lg["line"]
    assert lg["conns"].split("/")[4] == "2"


# ------------------------------------------------------- timeout server

def test_server_timeout_before_response_is_504_sH(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout server 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"])
    complete_error_page(data, 504)
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 504 and lg["tsc"][:2] == "sH", lg["line"]
    assert lg["timers"][3] == "-1"       # Tr: no response


def test_server_timeout_in_response_body_is_sD(lbd, backends):
    """Half the body came, then the server stalls: the client gets what
    came then the close, logged 200 sD (HAProxy 2.6: same)."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout server 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [b"GET /hang-body HTTP/1.1\r\nHost: x\r\n\r\n"])
    assert status_of(data) == 200
    assert data.endswith(b"\r\n\r\n" + b"h" * 50)
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["status"] == 200 and lg["tsc"][:2] == "sD", lg["line"]


def test_slow_server_within_timeout_is_served(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(http_cfg(port, b.addr, "    timeout server 800ms"), [port])
    data, cport, elapsed, err = exchange(
        port, [b"GET /sleep/300 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
    assert status_of(data) == 200 and data.endswith(b"s1")


# -------------------------------------------------------- timeout queue

def _occupy(port, path, out):
    out["data"], _, out["elapsed"], _ = exchange(
        port, [b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path])


def test_queue_timeout_is_503_sQ(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout queue 400ms", srv_opts="maxconn 1"), [port])
    slow = {}
    t = threading.Thread(target=_occupy, args=(port, b"/sleep/2500", slow))
    t.start()
    for _ in range(100):
        if b.active:
            break
        time.sleep(0.02)
    assert b.active == 1
    data, cport, elapsed, err = exchange(port, [b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n"])
    t.join(10)
    complete_error_page(data, 503)
    assert 0.35 <= elapsed < 2.2, elapsed
    assert status_of(slow["data"]) == 200         # the slot holder is unaffected
    assert "/name" not in b.paths
    lg = log_for(l, cport)
    # HAProxy 2.6: 503 sQ, be/<NOSRV>
    assert lg["status"] == 503 and lg["tsc"][:2] == "sQ", lg["line"]
    assert lg["backend"] == "be/<NOSRV>"


def test_queue_timeout_logs_time_spent_queued(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(http_cfg(port, b.addr, "    timeout queue 400ms", srv_opts="maxconn 1"), [port])
    slow = {}
    t = threading.Thread(target=_occupy, args=(port, b"/sleep/1500", slow))
    t.start()
    for _ in range(100):
        if b.active:
            break
        time.sleep(0.02)
    data, cport, elapsed, err = exchange(port, [b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n"])
    t.join(10)
    lg = log_for(l, cport)
    assert int(lg["timers"][1]) >= 350, lg["line"]


def test_queued_request_served_when_slot_frees_before_timeout(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(http_cfg(port, b.addr, "    timeout queue 2s", srv_opts="maxconn 1"), [port])
    slow = {}
    t = threading.Thread(target=_occupy, args=(port, b"/sleep/400", slow))
    t.start()
    for _ in range(100):
        if b.active:
            break
        time.sleep(0.02)
    data, cport, elapsed, err = exchange(
        port, [b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
    t.join(10)
    assert status_of(data) == 200 and data.endswith(b"s1")
    assert b.max_active == 1


# --------------------------------------- mode tcp: tunnel and fin timeouts

def test_tunnel_timeout_closes_idle_tcp_connection(lbd, raw_server):
    """timeout tunnel (500 ms) replaces client/server (5 s) once
    connected."""
    srv = raw_server("silent")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr, "    timeout tunnel 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [])
    assert data == b""
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["tsc"][0] in "cs" and lg["tsc"][1] == "D", lg["line"]


def test_tunnel_timeout_both_idle_logged_as_haproxy(lbd, raw_server):
    srv = raw_server("silent")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr, "    timeout tunnel 500ms"), [port])
    data, cport, elapsed, err = exchange(port, [])
    lg = log_for(l, cport)
    assert lg["tsc"] == "cD", lg["line"]


@pytest.mark.parametrize("side", ["client_fin_first", "server_fin_first"])
def test_tunnel_timeout_still_applies_after_half_close(lbd, raw_server, side):
    srv = raw_server("silent" if side == "client_fin_first" else "hello-close")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr, "    timeout tunnel 500ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    t0 = time.monotonic()
    if side == "client_fin_first":
        s.sendall(b"abc")
        s.shutdown(socket.SHUT_WR)
    took = wait_log_time(l, cport, t0, timeout=8)
    s.close()
    assert took < 2.5, took


def test_client_fin_timeout(lbd, raw_server):
    """The server sent its data and FIN; the client keeps its side open
    and silent. lbd ends the session after timeout client-fin (500 ms), not
    timeout client (5 s): logged cD (HAProxy 2.6: same)."""
    srv = raw_server("hello-close")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr, "    timeout client-fin 500ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    t0 = time.monotonic()
    data, err = read_to_eof(s)        # hello, then the forwarded FIN
    assert data == b"hello" and err is None
    took = wait_log_time(l, cport, t0)
    s.close()
    assert 0.45 <= took < 2.5, took
    lg = log_for(l, cport)
    assert lg["tsc"] == "cD" and lg["bytes"] == 5, lg["line"]


def test_server_fin_timeout(lbd, raw_server):
    """The client sent its FIN; the server keeps its side open and silent.
    lbd ends the session after timeout server-fin (500 ms), logged sD."""
    srv = raw_server("silent")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr, "    timeout server-fin 500ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    s.sendall(b"abc")
    s.shutdown(socket.SHUT_WR)
    t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    assert data == b""
    assert 0.45 <= elapsed < 2.5, elapsed
    lg = log_for(l, cport)
    assert lg["tsc"] == "sD", lg["line"]


def test_fin_timeouts_default_to_client_and_server(lbd, raw_server):
    """Without server-fin, a half-closed connection still ends after
    timeout server (800 ms here)."""
    srv = raw_server("silent")
    port = free_port()
    l = lbd(tcp_cfg(port, srv.addr).replace("timeout server 5s", "timeout server 800ms"),
            [port])
    s = socket.create_connection(("127.0.0.1", port), 10)
    cport = s.getsockname()[1]
    s.sendall(b"abc")
    s.shutdown(socket.SHUT_WR)
    t0 = time.monotonic()
    data, err = read_to_eof(s)
    elapsed = time.monotonic() - t0
    s.close()
    assert 0.75 <= elapsed < 3.0, elapsed
    assert log_for(l, cport)["tsc"] == "sD"
