"""Server choice through the real lbd: each balance algorithm's distribution,
weights, backup servers, maxconn queueing, and server connection reuse
(counted on the backends)."""
import collections
import http.client
import threading
import time

import pytest

from conftest import DEFAULTS, assert_second_client_waits, free_port, raw_http


def cfg(port, servers, balance="roundrobin", extra_be="", extra_glob="", opts=None):
    opts = opts or {}
    text = "global\n    maxconn 500\n%s" % extra_glob + DEFAULTS
    text += "frontend fe\n    bind 127.0.0.1:%d\n    default_backend be\n" % port
    text += "backend be\n    balance %s\n%s" % (balance, extra_be)
    for s in servers:
        text += "    server %s %s %s\n" % (s.name, s.addr, opts.get(s.name, ""))
    return text


def spread(port, n, path="/name", conn_close=True, headers=None):
    """Send n requests, each on its own connection; count answering servers."""
    seen = collections.Counter()
    for i in range(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        p = path(i) if callable(path) else path
        c.request("GET", p, headers=headers(i) if headers else {})
        r = c.getresponse()
        r.read()
        seen[r.getheader("X-Server")] += 1
        c.close()
    return seen


def concurrent_statuses(port, n, path="/sleep/300"):
    """n clients at once, one request each; their statuses."""
    out = []

    def one():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", path)
        out.append(c.getresponse().status)
    ts = [threading.Thread(target=one) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def test_roundrobin_follows_weights(lbd, backends):
    bs = backends(3)
    port = free_port()
    lbd(cfg(port, bs, opts={"s1": "weight 1", "s2": "weight 2", "s3": "weight 3"}), [port])
    assert spread(port, 60) == {"s1": 10, "s2": 20, "s3": 30}


def test_roundrobin_on_one_keepalive_connection_balances_each_request(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    seen = collections.Counter()
    for _ in range(10):
        c.request("GET", "/name")
        r = c.getresponse()
        seen[r.read().decode()] += 1
    assert seen == {"s1": 5, "s2": 5}


def test_static_rr_follows_weights(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, "static-rr", opts={"s1": "weight 3", "s2": "weight 1"}), [port])
    assert spread(port, 40) == {"s1": 30, "s2": 10}


def test_weight_zero_server_gets_nothing(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, opts={"s1": "weight 0"}), [port])
    assert spread(port, 10) == {"s2": 10}


def test_first_fills_servers_in_order(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, "first", opts={"s1": "maxconn 2", "s2": "maxconn 10"}), [port])
    # sequential requests never exceed s1's maxconn: all go to s1
    assert spread(port, 10) == {"s1": 10}
    # 4 concurrent slow requests: s1 takes 2, the rest overflow to s2
    results = []

    def one():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/sleep/600")
        r = c.getresponse()
        results.append(r.read().decode())
    ts = [threading.Thread(target=one) for _ in range(4)]
    for t in ts:
        t.start()
        time.sleep(0.05)
    for t in ts:
        t.join()
    assert collections.Counter(results) == {"s1": 2, "s2": 2}


def test_leastconn_prefers_idle_server(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, "leastconn"), [port])
    # occupy one server with a long request, the next ones go to the other
    busy = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    busy.request("GET", "/sleep/1500")
    time.sleep(0.3)
    first = bs[0] if bs[0].active else bs[1]
    other = bs[1] if first is bs[0] else bs[0]
    seen = spread(port, 6)
    assert seen == {other.name: 6}
    busy.getresponse().read()


@pytest.mark.parametrize("algo,keyfn,reqfn", [
    ("source", None, None),
    ("uri", None, lambda i: "/name/%d" % (i % 7)),
    ("url_param user", None, lambda i: "/name?x=1&user=u%d" % (i % 7)),
    ("hdr(X-Tenant)", lambda i: {"X-Tenant": "t%d" % (i % 7)}, None),
])
@pytest.mark.parametrize("hashtype", ["map-based", "consistent"])
def test_hash_algorithms_are_sticky(lbd, backends, algo, keyfn, reqfn, hashtype):
    bs = backends(3)
    port = free_port()
    lbd(cfg(port, bs, algo, extra_be="    hash-type %s\n" % hashtype), [port])
    by_key = collections.defaultdict(set)
    for i in range(42):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", reqfn(i) if reqfn else "/name", headers=keyfn(i) if keyfn else {})
        r = c.getresponse()
        r.read()
        by_key[i % 7].add(r.getheader("X-Server"))
        c.close()
    # the same key always lands on the same server
    assert all(len(v) == 1 for v in by_key.values()), by_key
    if algo != "source":
        # seven different keys do not all land on one server
        assert len(set().union(*by_key.values())) > 1


def test_url_param_missing_falls_back_to_roundrobin(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, "url_param user"), [port])
    assert spread(port, 10, "/name?other=1") == {"s1": 5, "s2": 5}


def test_random_uses_every_server(lbd, backends):
    bs = backends(3)
    port = free_port()
    lbd(cfg(port, bs, "random(2)"), [port])
    seen = spread(port, 60)
    assert set(seen) == {"s1", "s2", "s3"}
    assert all(v >= 5 for v in seen.values())


def test_backup_used_only_when_no_active_server(lbd, backends):
    bs = backends(3)
    port = free_port()
    dead = "127.0.0.1:%d" % free_port()
    # an active server in maintenance: 'disabled'; the other active one works
    lbd(cfg(port, bs, opts={"s2": "backup", "s3": "backup"}), [port])
    assert spread(port, 6) == {"s1": 6}
    port2 = free_port()
    lbd(cfg(port2, bs, opts={"s1": "disabled", "s2": "backup", "s3": "backup"}), [port2])
    # only the first backup serves, unless allbackups
    assert spread(port2, 6) == {"s2": 6}
    port3 = free_port()
    lbd(cfg(port3, bs, extra_be="    option allbackups\n",
            opts={"s1": "disabled", "s2": "backup", "s3": "backup"}), [port3])
    assert spread(port3, 6) == {"s2": 3, "s3": 3}
    del dead


def test_no_usable_server_gives_503(lbd, backends):
    bs = backends(1)
    port = free_port()
    lbd(cfg(port, bs, opts={"s1": "disabled"}), [port])
    data = raw_http(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 503 ")


def test_maxconn_queues_and_serves_in_turn(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], extra_be="    timeout queue 5s\n", opts={"s1": "maxconn 2"}), [port])
    assert concurrent_statuses(port, 6) == [200] * 6
    assert b.max_active == 2          # never more than maxconn at the server


def test_queue_timeout_gives_503(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], extra_be="    timeout queue 300ms\n", opts={"s1": "maxconn 1"}), [port])
    busy = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    busy.request("GET", "/sleep/1500")
    time.sleep(0.2)
    t0 = time.time()
    data = raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 503 ")
    assert 0.2 < time.time() - t0 < 1.5
    assert busy.getresponse().status == 200


def test_server_connections_are_reused_across_clients(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    # 30 clients, one GET each, one after the other: http-reuse safe lets an
    # idempotent first request use the idle server connection
    for _ in range(30):
        raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b.requests == 30
    assert b.conns <= 2


def test_non_idempotent_first_request_never_reuses(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    for _ in range(5):
        raw_http(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                 b"Connection: close\r\n\r\nz")
    assert b.requests == 5
    assert b.conns == 5


def test_http_reuse_never_opens_a_connection_per_request(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], extra_be="    http-reuse never\n"), [port])
    for _ in range(5):
        raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b.conns == 5


def test_reused_connection_dropped_by_server_is_retried_transparently(lbd, backends):
    """The server drops the pooled connection as lbd reuses it for a first
    request: the GET (idempotent, no body) is sent again on a new connection
    and the client sees a normal 200."""
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    for _ in range(3):
        data = raw_http(port, b"GET /arm-drop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200")
        data = raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"s1"), data
    assert getattr(b, "dropped", 0) == 3


def test_redispatch_moves_to_a_working_server(lbd, backends):
    (b,) = backends(1)
    port = free_port()

    class Dead:
        name = "dead"
        addr = "127.0.0.1:%d" % free_port()
    lbd(cfg(port, [Dead, b], extra_be="    option redispatch\n    retries 2\n"), [port])
    for _ in range(4):
        data = raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"s1")


def test_nbthread_serves_on_every_thread(lbd, backends):
    bs = backends(2)
    port = free_port()
    lbd(cfg(port, bs, extra_glob="    nbthread 2\n"), [port])
    seen = spread(port, 40)
    assert sum(seen.values()) == 40 and set(seen) == {"s1", "s2"}


@pytest.mark.parametrize("fullconn,expect_max", [(100, 1), (1, 3)])
def test_minconn_grows_with_backend_load_up_to_maxconn(lbd, backends, fullconn, expect_max):
    """minconn/maxconn/fullconn: under a light backend load (relative to
    fullconn) a server gets only minconn concurrent requests, the rest wait
    in the queue; once the load reaches fullconn it gets maxconn."""
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], extra_be="    fullconn %d\n    timeout queue 5s\n" % fullconn,
            opts={"s1": "minconn 1 maxconn 3"}), [port])
    assert concurrent_statuses(port, 3) == [200] * 3
    assert b.max_active == expect_max


def test_bind_maxconn_limits_concurrent_clients(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    text = cfg(port, [b]).replace("    bind 127.0.0.1:%d\n" % port,
                                  "    bind 127.0.0.1:%d maxconn 1\n" % port)
    lbd(text, [port])
    assert_second_client_waits(port)
