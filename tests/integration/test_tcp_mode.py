"""mode tcp: bidirectional forwarding, half-close in both directions,
timeouts, and the tcplog line."""
import socket
import time

from conftest import free_port


def cfg(port, server, extra=""):
    return """
defaults
    mode tcp
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
    option tcplog
    option dontlognull
%s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    server echo %s
""" % (extra, port, server.addr)


def recv_until(s, n, timeout=5):
    s.settimeout(timeout)
    data = b""
    while len(data) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_bytes_flow_both_ways(lbd, echo_server):
    port = free_port()
    lbd(cfg(port, echo_server), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    payload = bytes(range(256)) * 4000
    s.sendall(payload)
    assert recv_until(s, len(payload)) == payload
    s.close()


def test_client_half_close_reaches_server_and_reply_still_arrives(lbd, echo_server):
    port = free_port()
    lbd(cfg(port, echo_server), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"hello")
    assert recv_until(s, 5) == b"hello"
    s.shutdown(socket.SHUT_WR)
    # the echo server answers our FIN with BYE then its own FIN
    rest = recv_until(s, 100)
    assert rest == b"BYE"
    s.close()


def test_tcplog_line(lbd, echo_server):
    port = free_port()
    l = lbd(cfg(port, echo_server), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"abc")
    recv_until(s, 3)
    s.shutdown(socket.SHUT_WR)
    recv_until(s, 100)
    s.close()
    lines = l.logs(1)
    assert len(lines) == 1, lines
    f = lines[0].split()
    # 127.0.0.1:PORT [date] fe be/echo Tw/Tc/Tt bytes ts ac/fc/bc/sc/rc sq/bq
    assert f[0].startswith("127.0.0.1:")
    assert f[2] == "fe" and f[3] == "be/echo"
    tw, tc, tt = f[4].split("/")
    assert tw == "0" and int(tc) >= 0 and int(tt) >= 0
    assert f[5] == "6"          # "abc" echoed + "BYE"
    assert f[6] == "--"
    assert len(f[7].split("/")) == 5 and f[8] == "0/0"


def test_server_timeout_closes_idle_tunnel(lbd, echo_server):
    port = free_port()
    l = lbd(cfg(port, echo_server).replace("timeout server 5s", "timeout server 300ms")
            .replace("timeout client 5s", "timeout client 300ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"x")
    recv_until(s, 1)
    t0 = time.time()
    s.settimeout(5)
    assert s.recv(10) == b""
    assert time.time() - t0 < 3
    lines = l.logs(1)
    assert lines and lines[0].split()[6][0] in "cs"


def test_tunnel_timeout_overrides_client_and_server(lbd, echo_server):
    port = free_port()
    lbd(cfg(port, echo_server, "    timeout tunnel 1500ms")
        .replace("timeout server 5s", "timeout server 200ms")
        .replace("timeout client 5s", "timeout client 200ms"), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"x")
    recv_until(s, 1)
    time.sleep(0.6)        # beyond client/server timeouts, within tunnel
    s.sendall(b"y")
    assert recv_until(s, 1) == b"y"
    s.close()


def test_connect_to_dead_server_is_refused_cleanly(lbd):
    port = free_port()
    dead = free_port()

    class Dead:
        addr = "127.0.0.1:%d" % dead
    l = lbd(cfg(port, Dead).replace("    option dontlognull\n", ""), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.settimeout(5)
    assert s.recv(10) == b""
    lines = l.logs(2)
    # the readiness probe and this connection: both refused after retries
    assert len(lines) == 2
    for line in lines:
        f = line.split()
        assert f[3] == "be/echo" and f[6] == "SC", line
        assert f[7].endswith("/3"), line     # three retries, as configured
