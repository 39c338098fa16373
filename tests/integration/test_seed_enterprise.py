"""The seed's "Enterprise HTTP/HTTPS Load Balancing" and "API Backend"
blocks (seed/02-enterprise-http.cfg) run line by line on real backends:
addresses rewritten to loopback, the static-servers and admin-servers
backends the guide leaves out supplied here, small maxconn values, and a
throwaway certificate for the :443 bind (made with the openssl CLI). The
TLS lines run as written: clients are served over HTTPS, the plain port
answers with the redirect to https, and the API servers are HTTPS servers
reached (and health-checked) with "ssl verify none"; everything else is
the seed's text.

What the guide says each block does, checked: routing by path and Host,
the four security headers, Host and User-Agent captured in the log line,
429 past 100 requests in 10 s from one source while another is served,
X-Forwarded-For / X-Real-IP / X-Request-ID reaching the API servers,
cookie persistence (also across a server going down), gzip responses
that gzip -d reads, none when the client does not ask, and the health
checks of both backends keeping their servers UP."""
import gzip
import http.client
import http.server
import json
import os
import re
import socket
import ssl
import subprocess
import time
import uuid

import pytest

from conftest import HttpServerThread, cli, Lbd, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "seed", "02-enterprise-http.cfg")


class SeedBackend(HttpServerThread):
    """/health answers 200, /api/health the JSON the API check expects;
    anything else: JSON naming the server, the path and the headers."""

    def __init__(self, name, tls=None):
        self.name = name
        self.port = free_port()
        outer = self
        self.tls = tls

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self):
                if self.path == "/health":
                    body = b"ok"
                elif self.path == "/api/health":
                    body = b'{"status":"healthy"}'
                else:
                    body = json.dumps({
                        "server": outer.name, "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "pad": "x" * 2000}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.serve(H, tls)      # tls: HTTPS with (certificate, key)


def seed_config(port, tls_port, pem, sock, ports):
    """The seed's text, addresses to our ports and backends, our certificate."""
    out = []
    for line in open(SEED).read().splitlines():
        line = line.replace("bind *:443 ssl crt /etc/haproxy/certs/site.pem",
                            "bind 127.0.0.1:%d ssl crt %s" % (tls_port, pem))
        m = re.match(r"(server (\w+)) [\d.]+:\d+ (.*)$", line)
        if m:
            line = "%s 127.0.0.1:%d %s" % (m.group(1), ports[m.group(2)], m.group(3))
        line = line.replace("maxconn 5000", "maxconn 50").replace("maxconn 2000", "maxconn 50")
        line = line.replace("bind *:80", "bind 127.0.0.1:%d" % port)
        line = line.replace("check inter 2000", "check inter 200")
        out.append(line)
    head = """global
    maxconn 500
    stats socket %s level admin
defaults
    mode http
    log stdout format raw local0
    option httplog
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout check 1s
""" % sock
    tail = """
backend static-servers
    server static1 127.0.0.1:%d
backend admin-servers
    server admin1 127.0.0.1:%d
""" % (ports["static1"], ports["admin1"])
    return head + "\n".join(out) + "\n" + tail


CLIENT_TLS = ssl.create_default_context()
CLIENT_TLS.check_hostname = False
CLIENT_TLS.verify_mode = ssl.CERT_NONE      # the throwaway certificate


def https(port, src="127.0.0.1"):
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=CLIENT_TLS,
                                       source_address=(src, 0))


def get(port, path, headers=None, src="127.0.0.1", conn=None):
    """Over HTTPS, as the seed's redirect sends every client there."""
    c = conn or https(port, src)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    raw = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    if not conn:
        c.close()
    body = gzip.decompress(raw) if h.get("content-encoding") == "gzip" else raw
    return r.status, h, body, raw


@pytest.fixture
def seed_lb(tmp_path):
    names = ("web1", "web2", "web3", "api1", "api2", "api3", "static1", "admin1")
    key, crt = str(tmp_path / "site.key"), str(tmp_path / "site.crt")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
                        "-days", "2", "-subj", "/CN=www.example.com"],
                       capture_output=True, timeout=20)
    assert p.returncode == 0, p.stderr
    pem = str(tmp_path / "site.pem")
    with open(pem, "w") as f:
        f.write(open(crt).read() + open(key).read())
    backs = {n: SeedBackend(n, (crt, key) if n.startswith("api") else None) for n in names}
    plain, port = free_port(), free_port()
    sock = str(tmp_path / "admin.sock")
    lbd = Lbd(seed_config(plain, port, pem, sock, {n: b.port for n, b in backs.items()}),
              [plain, port])
    lbd.plain_port = plain
    try:
        # every checked server UP (web3 is a backup, also checked)
        def all_up():
            st = cli(sock, "show stat")
            return st.count(",UP,") >= 6
        end = time.time() + 10
        while time.time() < end and not all_up():
            time.sleep(0.1)
        assert all_up(), cli(sock, "show stat")
        yield port, sock, lbd, backs
    finally:
        lbd.stop()
        for b in backs.values():
            b.stop()


def test_seed_enterprise_blocks_do_what_the_guide_says(seed_lb):
    port, sock, lbd, backs = seed_lb
    # plain HTTP is sent to https, HTTPS is served
    c = http.client.HTTPConnection("127.0.0.1", lbd.plain_port, timeout=5)
    c.request("GET", "/api/users?x=1", headers={"Host": "www.example.com"})
    r = c.getresponse()
    assert r.status == 302
    assert r.getheader("location") == "https://www.example.com/api/users?x=1"
    c.close()
    # routing by path and Host
    assert json.loads(get(port, "/api/users")[2])["server"].startswith("api")
    assert json.loads(get(port, "/static/app.css")[2])["server"] == "static1"
    assert json.loads(get(port, "/images/a.png")[2])["server"] == "static1"
    assert json.loads(get(port, "/x", {"Host": "ADMIN.example.com"})[2])["server"] == "admin1"
    st, h, body, _ = get(port, "/", {"Host": "www.example.com", "User-Agent": "seed-test/1.0"})
    assert json.loads(body)["server"] in ("web1", "web2")
    # the four security headers on every response
    assert h["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert h["x-frame-options"] == "SAMEORIGIN"
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-xss-protection"] == "1; mode=block"
    # Host and User-Agent captured in the log line
    # (the line is written when the request ends: let it land)
    end = time.time() + 5
    while time.time() < end and not any("{www.example.com|seed-test/1.0}" in l
                                        for l in lbd.logs(1)):
        time.sleep(0.05)
    assert any("{www.example.com|seed-test/1.0}" in l for l in lbd.logs(1)), lbd.logs(1)
    # the API servers get the client address and a request id
    j = json.loads(get(port, "/api/items")[2])["headers"]
    assert j["x-forwarded-for"] == "127.0.0.1" and j["x-real-ip"] == "127.0.0.1"
    assert str(uuid.UUID(j["x-request-id"])) == j["x-request-id"]
    assert json.loads(get(port, "/api/items")[2])["headers"]["x-request-id"] != j["x-request-id"]
    # balance uri + hash-type consistent: one URI, one server
    assert len({json.loads(get(port, "/api/same")[2])["server"] for _ in range(6)}) == 1
    # gzip when asked (gzip -d reads it), none when not
    st, h, body, raw = get(port, "/api/big", {"Accept-Encoding": "gzip"})
    assert h.get("content-encoding") == "gzip" and len(raw) < len(body)
    p = subprocess.run(["gzip", "-d", "-c"], input=raw, capture_output=True, timeout=10)
    assert p.returncode == 0 and json.loads(p.stdout)["path"] == "/api/big"
    assert "content-encoding" not in get(port, "/api/big")[1]


def test_seed_cookie_persistence_and_redispatch(seed_lb):
    port, sock, lbd, backs = seed_lb
    st, h, body, _ = get(port, "/")
    first = json.loads(body)["server"]
    cookie = h["set-cookie"]
    assert cookie == "SERVERID=%s; path=/; HttpOnly; Secure" % first
    assert h.get("cache-control") is None       # not cacheable: nothing to mark
    value = cookie.split(";")[0]
    for _ in range(5):
        st, h, body, _ = get(port, "/", {"Cookie": value})
        j = json.loads(body)
        assert j["server"] == first and "set-cookie" not in h
        assert "cookie" not in j["headers"]     # indirect: the server never sees it
    # its server goes down: the other one serves, with a new cookie
    assert cli(sock, "disable server web-servers/%s" % first) == "\n"
    st, h, body, _ = get(port, "/", {"Cookie": value})
    other = json.loads(body)["server"]
    assert other != first and other in ("web1", "web2")
    assert h["set-cookie"].startswith("SERVERID=%s;" % other)


def test_seed_rate_limit_429_per_source(seed_lb):
    port, sock, lbd, backs = seed_lb
    c = https(port, "127.0.0.9")
    statuses = [get(port, "/", conn=c)[0] for _ in range(103)]
    c.close()
    assert statuses[:100] == [200] * 100 and statuses[100:] == [429] * 3
    # another source is served meanwhile
    assert get(port, "/", src="127.0.0.10")[0] == 200
    assert "127.0.0.9" in cli(sock, "show table https-frontend")
