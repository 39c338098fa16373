"""Stick tables: the seed's rate limit (track-sc0 src, 429 past 100
requests in 10 s) played side by side with HAProxy 2.6, the counters both
show through the runtime API's "show table", and a table that stays
within its size while far more distinct keys go through it."""
import http.client
import os
import re
import socket
import time

import pytest

from conftest import cli, Lbd, check_config, free_port, sanitized
from test_log_compat import HAPROXY, Haproxy
from test_rules import EchoBackend

pytestmark = pytest.mark.skipif(not os.access(HAPROXY, os.X_OK),
                                reason="HAProxy (%s) is not installed" % HAPROXY)


class Client:
    """Keep-alive requests from a chosen loopback source address."""

    def __init__(self, port, src):
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                            source_address=(src, 0))

    def get(self, path, headers=None):
        self.c.request("GET", path, headers=headers or {})
        r = self.c.getresponse()
        r.read()
        if r.getheader("connection", "").lower() == "close":
            self.c.close()
        return r.status

    def close(self):
        self.c.close()


CFG = """global
    maxconn 200
    stats socket {sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{port}
    stick-table type ip size 100k expire 30s store http_req_rate(10s),http_req_cnt,http_err_cnt,http_err_rate(10s),conn_cur,gpc0
    http-request track-sc0 src
    http-request sc-inc-gpc0(0) if {{ path /mark }}
    http-request deny deny_status 429 if {{ sc_http_req_rate(0) gt 100 }}
    http-request return status 200 content-type text/plain string "marks %[sc0_get_gpc0]" if {{ path /marks }}
    default_backend be
backend be
    server a 127.0.0.1:{a}
"""


def run_both(tmp_path, cfg, play):
    """Run play(port, sock) on HAProxy then on lbd; returns both results."""
    be = EchoBackend("a")
    out = {}
    try:
        for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
            port = free_port()
            sock = str(tmp_path / ("%s.sock" % name))
            text = cfg.format(port=port, sock=sock, a=be.port)
            d = cls(text, port) if cls is Haproxy else cls(text, [port])
            try:
                out[name] = play(port, sock)
            finally:
                d.stop(check=cls is Lbd)
    finally:
        be.stop()
    return out["haproxy"], out["lbd"]


def entry(dump, key):
    """The data fields of one "show table <t>" entry, without use/exp."""
    for line in dump.splitlines():
        m = re.match(r"0x[0-9a-f]+: key=(\S+) use=\d+ exp=\d+ (.*)$", line)
        if m and m.group(1) == key:
            return m.group(2)
    return None


def test_rate_limit_429_past_100_requests_per_source_like_haproxy(tmp_path):
    def play(port, sock):
        a, b = Client(port, "127.0.0.1"), Client(port, "127.0.0.2")
        try:
            seq = [a.get("/") for _ in range(103)]
            other = [b.get("/") for _ in range(3)]
            a2 = Client(port, "127.0.0.1")
            again = a2.get("/")
            a2.close()
        finally:
            a.close()
            b.close()
        return seq, other, again

    (h_seq, h_other, h_again), (l_seq, l_other, l_again) = run_both(tmp_path, CFG, play)
    assert l_seq == h_seq and l_other == h_other and l_again == h_again, (
        h_seq, l_seq, h_other, l_other)
    # the bar of the seed: 100 served, then 429, while another source is served
    assert l_seq[:100] == [200] * 100 and set(l_seq[100:]) == {429}
    assert l_other == [200, 200, 200] and l_again == 429


def test_show_table_counters_match_haproxy(tmp_path):
    def play(port, sock):
        c = Client(port, "127.0.0.3")
        try:
            statuses = [c.get(p) for p in ("/", "/mark", "/status/404", "/mark",
                                           "/status/503", "/marks")]
        finally:
            c.close()
        time.sleep(0.2)
        summary = cli(sock, "show table").splitlines()[0]
        return statuses, summary, entry(cli(sock, "show table fe"), "127.0.0.3")

    h, l = run_both(tmp_path, CFG, play)
    assert l[0] == h[0]
    assert l[1] == h[1], (h[1], l[1])   # "# table: fe, type: ip, size:102400, used:1"
    assert l[2] == h[2], "\n haproxy: %s\n lbd:     %s" % (h[2], l[2])


def test_table_stays_within_its_size_with_a_million_keys(tmp_path):
    """A million distinct keys go through a table of 1000 entries: it never
    holds more than its size, the newest keys are the ones kept, and lbd's
    memory stays flat."""
    port = free_port()
    sock = str(tmp_path / "lbd.sock")
    cfg = """global
    maxconn 100
    stats socket {sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{port}
    stick-table type string len 16 size 1000 expire 60s store http_req_cnt
    http-request track-sc0 req.hdr(x-key)
    http-request return status 200 content-type text/plain string ok
""".format(sock=sock, port=port)
    lbd = Lbd(cfg, [port])

    def rss_kb():
        with open("/proc/%d/status" % lbd.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    try:
        total, batch, mark = 1000000, 2000, b"HTTP/1.1 200"
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(60)
        got, rss_early = 0, None
        for start in range(0, total, batch):
            s.sendall(b"".join(b"GET / HTTP/1.1\r\nHost: x\r\nX-Key: k%d\r\n\r\n" % i
                               for i in range(start, start + batch)))
            n, tail = 0, b""
            while n < batch:
                d = s.recv(1 << 20)
                assert d, "lbd closed the connection"
                d = tail + d
                n += d.count(mark)
                # a mark cut by the read boundary is counted with the next read
                tail = d[-(len(mark) - 1):] if not d.endswith(mark) else b""
            got += n
            if start == 20 * batch:
                rss_early = rss_kb()
        s.close()
        assert got == total
        summary = cli(sock, "show table fe")
        m = re.search(r"size:(\d+), used:(\d+)", summary)
        assert m and int(m.group(1)) == 1000 and int(m.group(2)) == 1000, summary
        keys = re.findall(r"key=(k\d+) ", summary)
        assert len(keys) == 1000
        # least recently used went first: what is left is the last 1000
        assert sorted(int(k[1:]) for k in keys) == list(range(total - 1000, total))
        if not sanitized():  # ASan holds freed memory in quarantine
            assert rss_kb() < rss_early + 8 * 1024, (rss_early, rss_kb())
    finally:
        lbd.stop()


@pytest.mark.parametrize("line,message", [
    ("stick-table type ip", "needs a 'type' and a 'size'"),
    ("stick-table type nosuch size 1k", "unknown type 'nosuch'"),
    ("stick-table type ip size 1k store http_req_rate", "expects a period"),
    ("stick-table type ip size 1k store nosuch", "unknown data type 'nosuch'"),
    ("stick-table type ip size 1k peers p", "'stick-table peers' is not supported yet"),
    ("http-request track-sc0 src", "has no stick-table"),
    ("http-request track-sc0 src table nosuch", "no such proxy"),
    ("http-request sc-inc-gpc0(7)", "the counter is 0, 1 or 2"),
    ("tcp-request connection reject if { path /x }", "need the request's contents"),
    ("tcp-request inspect-delay 5x", "'tcp-request inspect-delay' expects <time>"),
])
def test_stick_errors(line, message):
    """Refusals with their reason (the frontend line; backend ones below)."""
    rc, out, _ = check_config("""defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:1
    %s
    default_backend be
backend be
    server s 127.0.0.1:2
""" % line)
    assert rc == 1, out
    assert message in out, out


TCP_CFG = """global
    maxconn 200
    stats socket {sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{port}
    stick-table type ip size 1k expire 30s store conn_cnt,conn_cur,conn_rate(10s),http_req_cnt,http_req_rate(10s)
    tcp-request connection reject if {{ src 127.0.0.2 }}
    tcp-request connection track-sc0 src
    tcp-request connection reject if {{ sc_conn_rate(0) gt 4 }}
    tcp-request content reject if {{ src 127.0.0.4 }}
    http-request deny deny_status 429 if {{ sc0_http_req_rate gt 6 }}
    default_backend be
backend be
    server a 127.0.0.1:{a}
"""


def outcome(port, src, requests=1):
    """What a client from src sees: the statuses on one connection, or
    'closed' when the proxy drops it without an answer."""
    try:
        c = Client(port, src)
        return [c.get("/") for _ in range(requests)]
    except (ConnectionError, http.client.HTTPException, OSError):
        return "closed"


def test_tcp_request_rules_like_haproxy(tmp_path):
    """tcp-request connection reject/track-sc0 and content reject: which
    connections are dropped, the per-connection rate limit, requests of a
    kept connection counted on its tracker, the table's counters."""
    def play(port, sock):
        seq = [outcome(port, "127.0.0.1", 2) for _ in range(6)]
        other = outcome(port, "127.0.0.2")
        content = outcome(port, "127.0.0.4")
        many = outcome(port, "127.0.0.5", 8)
        time.sleep(0.2)
        dump = cli(sock, "show table fe")
        return seq, other, content, many, entry(dump, "127.0.0.1"), entry(dump, "127.0.0.5")

    h, l = run_both(tmp_path, TCP_CFG, play)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    # the start-up probe is a connection (and, as for HAProxy, a request
    # stream) of 127.0.0.1 too: 4 connections pass, the 7th request is
    # over the rate
    assert l[0] == [[200, 200], [200, 200], [200, 429]] + ["closed"] * 3
    assert l[1] == "closed" and l[2] == "closed"
    assert l[3] == [200] * 6 + [429] * 2


@pytest.mark.parametrize("line,message", [
    ("stick store-response src", "'stick store-response' is not supported yet"),
    ("stick on src", "has no stick-table"),
    ("use-server nosuch", "no server 'nosuch'"),
    ("use-server s if { status 200 }", "uses response fetches"),
])
def test_persistence_rule_errors(line, message):
    rc, out, _ = check_config("""defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:1
    default_backend be
backend be
    %s
    server s 127.0.0.1:2
""" % line)
    assert rc == 1, out
    assert message in out, out
