"""Connection modes, reuse modes, frontend maxconn, errorfile, syslog over
UDP, and privilege dropping (user/group, chroot), each through the real lbd."""
import http.client
import os
import socket
import tempfile
import time

import pytest

from conftest import DEFAULTS, assert_second_client_waits, free_port, raw_http


def cfg(port, servers, fe="", be="", glob="", dflt=""):
    text = "global\n    maxconn 200\n%s" % glob + DEFAULTS + dflt
    text += "frontend fe\n    bind 127.0.0.1:%d\n    default_backend be\n%s" % (port, fe)
    text += "backend be\n%s" % be
    for s in servers:
        text += "    server %s %s\n" % (s.name, s.addr)
    return text


def keepalive_requests(port, n, path="/name"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    out = []
    for _ in range(n):
        c.request("GET", path)
        r = c.getresponse()
        out.append((r.read(), r.getheader("Connection")))
    c.close()
    return out


def test_http_server_close_closes_server_side_only(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], dflt="    option http-server-close\n"), [port])
    out = keepalive_requests(port, 5)
    assert [body for body, _ in out] == [b"s1"] * 5
    assert all(conn != "close" for _, conn in out)      # client stays alive
    assert b.conns == 5                                 # one server connection each


def test_httpclose_closes_both_sides(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], dflt="    option httpclose\n"), [port])
    data = raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")   # returns at close
    assert b"Connection: close" in data and data.endswith(b"s1")


@pytest.mark.parametrize("mode,first_post_reuses", [("aggressive", False), ("always", True)])
def test_reuse_aggressive_and_always(lbd, backends, mode, first_post_reuses):
    """aggressive lets a first request reuse only a connection that already
    served more than one request (proven keep-alive); always lets any first
    request reuse any idle connection."""
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], be="    http-reuse %s\n" % mode), [port])
    # warm: one connection that served one request, left idle in the pool
    keepalive_requests(port, 1)
    before = b.conns
    raw_http(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
             b"Connection: close\r\n\r\nz")
    assert (b.conns == before) == first_post_reuses
    # once proven (two requests), aggressive reuses it too
    keepalive_requests(port, 2)
    before = b.conns
    raw_http(port, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
             b"Connection: close\r\n\r\nz")
    assert b.conns == before


def test_frontend_maxconn_holds_extra_clients(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    lbd(cfg(port, [b], fe="    maxconn 1\n"), [port])
    assert_second_client_waits(port)


def test_errorfile_replaces_builtin_page(lbd):
    port = free_port()
    d = tempfile.mkdtemp()
    page = os.path.join(d, "503.http")
    with open(page, "wb") as f:
        f.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 11\r\n"
                b"Content-Type: text/plain\r\n\r\nsorry, busy")
    lbd(cfg(port, [], dflt="    errorfile 503 %s\n" % page), [port])
    data = raw_http(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 503 ") and data.endswith(b"sorry, busy")
    os.unlink(page)
    os.rmdir(d)


@pytest.mark.parametrize("fmt,check", [
    ("rfc3164", lambda line, pid: line.startswith("<134>") and ("lbd[%d]: " % pid) in line),
    ("rfc5424", lambda line, pid: line.startswith("<134>1 ") and (" lbd %d - - " % pid) in line),
])
def test_traffic_log_over_udp(lbd, backends, fmt, check):
    (b,) = backends(1)
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(5)
    port = free_port()
    l = lbd(cfg(port, [b], dflt="    log udp@127.0.0.1:%d format %s local0\n"
                "    option httplog\n    option dontlognull\n" % (rx.getsockname()[1], fmt)),
            [port])
    raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    line = rx.recv(65536).decode()
    rx.close()
    assert check(line, l.proc.pid), line
    assert 'fe be/s1 ' in line and '"GET /name HTTP/1.1"' in line


def proc_ids(pid):
    ids = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("Uid:", "Gid:")):
                ids[line[:3]] = int(line.split()[1])
    return ids


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop privileges")
def test_user_group_and_chroot_are_applied(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    jail = tempfile.mkdtemp()
    # LeakSanitizer needs /proc, which the chroot hides: no leak check here
    l = lbd(cfg(port, [b], glob="    user nobody\n    group nogroup\n    chroot %s\n" % jail),
            [port], env={"ASAN_OPTIONS": "detect_leaks=0"})
    time.sleep(0.1)
    assert proc_ids(l.proc.pid) == {"Uid": 65534, "Gid": 65534}
    assert os.readlink("/proc/%d/root" % l.proc.pid) == jail
    assert raw_http(port, b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    ).endswith(b"s1")
    os.rmdir(jail)


def test_global_maxconn_holds_extra_clients_across_frontends(lbd, backends):
    (b,) = backends(1)
    port, port2 = free_port(), free_port()
    text = cfg(port, [b]).replace("    maxconn 200\n", "    maxconn 1\n")
    text += "frontend fe2\n    bind 127.0.0.1:%d\n    default_backend be\n" % port2
    lbd(text, [port])
    # another frontend shares the process-wide limit
    assert_second_client_waits(port, port2)
