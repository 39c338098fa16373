"""Response compression side by side with HAProxy 2.6: which responses are
compressed (Accept-Encoding with q-values, status, type, no-transform,
already encoded, HEAD, HTTP/1.0), the headers that say so (Content-
Encoding, chunked framing, Vary, a weakened ETag), bodies that gzip -d and
zlib give back whole (fixed length, chunked, larger than a buffer), and
compression offload."""
import gzip
import http.client
import http.server
import os
import socket
import subprocess
import zlib

import pytest

from conftest import HttpServerThread, Lbd, free_port
from test_log_compat import HAPROXY, Haproxy

pytestmark = pytest.mark.skipif(not os.access(HAPROXY, os.X_OK),
                                reason="HAProxy (%s) is not installed" % HAPROXY)

TEXT = b"".join(b"line %06d: the quick brown fox jumps over the lazy dog\n" % i
                for i in range(4000))          # ~220 KB, many buffers


class Origin(HttpServerThread):
    """/<kind>: a text body; kinds pick headers and framing. It also
    reports the Accept-Encoding it received in X-Seen-AE."""

    def __init__(self):
        self.port = free_port()

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self):
                kind = self.path.strip("/").split("?")[0]
                body = TEXT if kind != "small" else b"hello"
                status = 404 if kind == "missing" else 200
                ctype = {"json": "application/json", "multi": "multipart/mixed; b=x",
                         "image": "image/png"}.get(kind, "text/plain; charset=utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("X-Seen-AE", self.headers.get("Accept-Encoding", "-"))
                if kind == "notransform":
                    self.send_header("Cache-Control", "public, no-transform")
                if kind == "encoded":
                    self.send_header("Content-Encoding", "br")
                if kind in ("etag", "json"):
                    self.send_header("ETag", '"v1"')
                if kind == "vary":
                    self.send_header("Vary", "Cookie")
                if kind == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    if self.command != "HEAD":
                        for i in range(0, len(body), 7000):
                            part = body[i:i + 7000]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                        self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *a):
                pass

        self.serve(H)


def fetch(port, path, ae=None, method="GET", v10=False):
    """(status, headers, body decoded as Content-Encoding says)"""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if v10:
        c._http_vsn, c._http_vsn_str = 10, "HTTP/1.0"
    try:
        c.putrequest(method, path, skip_accept_encoding=True)
        if ae is not None:
            c.putheader("Accept-Encoding", ae)
        c.endheaders()
        r = c.getresponse()
        raw = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
    finally:
        c.close()
    enc = h.get("content-encoding")
    body = raw
    if enc == "gzip":
        body = gzip.decompress(raw)
    elif enc == "deflate":
        body = zlib.decompress(raw)
    return r.status, h, body, raw


CFG = """global
    maxconn 100
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    compression algo gzip deflate
    compression type text/plain application/json
    %s
    server o 127.0.0.1:{o}
"""

CASES = [
    ("/plain", "gzip", "GET", False), ("/plain", "deflate", "GET", False),
    ("/plain", "gzip;q=0.2, deflate;q=0.8", "GET", False),
    ("/plain", "gzip;q=0, identity", "GET", False), ("/plain", "*", "GET", False),
    ("/plain", None, "GET", False), ("/plain", "br", "GET", False),
    ("/chunked", "gzip", "GET", False), ("/json", "gzip", "GET", False),
    ("/etag", "gzip", "GET", False), ("/vary", "gzip", "GET", False),
    ("/small", "gzip", "GET", False), ("/missing", "gzip", "GET", False),
    ("/notransform", "gzip", "GET", False), ("/encoded", "gzip", "GET", False),
    ("/multi", "gzip", "GET", False), ("/image", "gzip", "GET", False),
    ("/plain", "gzip", "HEAD", False), ("/plain", "gzip", "GET", True),
]
SHOWN = ("content-encoding", "transfer-encoding", "content-length", "vary", "etag",
         "x-seen-ae", "content-type")


@pytest.mark.parametrize("extra", ["", "compression offload"])
def test_compression_like_haproxy(extra):
    o = Origin()
    got = {}
    try:
        for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
            port = free_port()
            text = (CFG % extra).replace("{port}", str(port)).replace("{o}", str(o.port))
            d = cls(text, port) if cls is Haproxy else cls(text, [port])
            try:
                res = []
                for path, ae, method, v10 in CASES:
                    st, h, body, raw = fetch(port, path, ae, method, v10)
                    res.append((st, {k: v for k, v in h.items() if k in SHOWN
                                     and not (k == "content-length" and "content-encoding" in h)},
                                body))
                    if h.get("content-encoding") in ("gzip", "deflate") and method == "GET":
                        # a real peer reads it too, and it is smaller
                        if h["content-encoding"] == "gzip" and len(body) > 1000:
                            p = subprocess.run(["gzip", "-d", "-c"], input=raw,
                                               capture_output=True, timeout=10)
                            assert p.returncode == 0 and p.stdout == body
                            assert len(raw) < len(body) / 10
                got[name] = res
            finally:
                d.stop(check=cls is Lbd)
    finally:
        o.stop()
    for i, (h, l) in enumerate(zip(got["haproxy"], got["lbd"])):
        assert l == h, "%r:\n  haproxy %r\n  lbd     %r" % (
            CASES[i], (h[0], h[1], len(h[2])), (l[0], l[1], len(l[2])))


def test_minsize_leaves_tiny_responses_alone():
    """compression minsize-res (HAProxy 3.x): a known length below it is
    sent as it is; the larger ones are compressed."""
    o = Origin()
    port = free_port()
    cfg = (CFG % "compression minsize-res 1k").replace("{port}", str(port)).replace(
        "{o}", str(o.port))
    d = Lbd(cfg, [port])
    try:
        st, h, body, raw = fetch(port, "/small", "gzip")
        assert "content-encoding" not in h and body == b"hello"
        st, h, body, raw = fetch(port, "/plain", "gzip")
        assert h.get("content-encoding") == "gzip" and body == TEXT
    finally:
        d.stop()
        o.stop()
