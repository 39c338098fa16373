"""Client -> lbd (mode http) -> real backends: basic forwarding, keep-alive,
pipelining, chunked bodies, and the connection semantics of HTTP/1.0/1.1."""
import http.client
import socket

from conftest import DEFAULTS, free_port, raw_http


def cfg(port, servers, extra_be="", extra_fe="", log=True):
    lines = ["global", "    maxconn 500"]
    text = "\n".join(lines) + DEFAULTS
    if log:
        text += "    log stdout format raw local0\n    option httplog\n    option dontlognull\n"
    text += "frontend fe\n    bind 127.0.0.1:%d\n    default_backend be\n%s" % (port, extra_fe)
    text += "backend be\n%s" % extra_be
    for s in servers:
        text += "    server %s %s\n" % (s.name, s.addr)
    return text


def test_get_is_forwarded_and_answered(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/name")
    r = c.getresponse()
    assert r.status == 200
    assert r.read() == b"s1"
    assert r.getheader("X-Server") == "s1"
    assert b.paths == ["/name"]


def test_keep_alive_reuses_one_server_connection(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for _ in range(20):
        c.request("GET", "/name")
        r = c.getresponse()
        assert r.read() == b"s1"
    assert b.requests == 20
    assert b.conns == 1


def test_pipelined_requests_answered_in_order(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    raw = b"".join(b"GET /size/%d HTTP/1.1\r\nHost: x\r\n\r\n" % n for n in (1, 2, 3))
    raw += b"GET /size/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    data = raw_http(port, raw)
    assert data.count(b"HTTP/1.1 200") == 4
    bodies = [part.split(b"\r\n\r\n", 1)[1][:n] for part, n in
              zip(data.split(b"HTTP/1.1 200")[1:], (1, 2, 3, 4))]
    assert bodies == [b"x", b"xx", b"xxx", b"xxxx"]


def test_chunked_response_forwarded_intact(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/chunked/50/1000")
    r = c.getresponse()
    assert r.getheader("Transfer-Encoding") == "chunked"
    assert r.read() == b"c" * 50000


def test_chunked_request_body_streamed(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    body = b"".join(b"%x\r\n%s\r\n" % (700, b"q" * 700) for _ in range(100)) + b"0\r\n\r\n"
    data = raw_http(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\n" + body)
    assert b"X-Body-Len: 70000" in data


def test_large_content_length_bodies_both_ways(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    payload = b"p" * 300000
    c.request("POST", "/echo", body=payload)
    r = c.getresponse()
    assert r.read() == payload
    c.request("GET", "/size/1048576")
    assert len(c.getresponse().read()) == 1048576


def test_close_delimited_response_closes_client(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    data = raw_http(port, b"GET /close/5000 HTTP/1.1\r\nHost: x\r\n\r\n")
    head, body = data.split(b"\r\n\r\n", 1)
    assert b"Connection: close" in head
    assert body == b"z" * 5000


def test_head_and_204_have_no_body(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"HEAD /size/100 HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /size/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.count(b"HTTP/1.1 ") == 3
    assert data.endswith(b"\r\n\r\nxxx")


def test_http10_client_gets_close_by_default(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    data = raw_http(port, b"GET /name HTTP/1.0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200")
    assert b"Connection: close" in data
    assert data.endswith(b"s1")


def test_http10_keep_alive_honoured(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET /name HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    data = s.recv(4096)
    assert b"Connection: keep-alive" in data
    s.sendall(b"GET /name HTTP/1.0\r\n\r\n")
    data = s.recv(4096)
    assert data.endswith(b"s1")
    s.close()


def test_expect_100_continue(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    data = raw_http(port, b"POST /continue HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")


def test_forwardfor_adds_client_address(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], extra_fe="    option forwardfor\n"), [port])
    data = raw_http(port, b"GET /headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"X-Forwarded-For: 127.0.0.1\r\n" in data


def test_hop_by_hop_headers_not_forwarded(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b]), [port])
    data = raw_http(port, b"GET /headers HTTP/1.1\r\nHost: x\r\nConnection: X-Secret, close\r\n"
                b"X-Secret: 1\r\nKeep-Alive: timeout=5\r\nX-Kept: yes\r\n\r\n")
    body = data.split(b"\r\n\r\n", 1)[1]
    assert b"X-Kept: yes" in body
    assert b"X-Secret" not in body and b"Keep-Alive" not in body
