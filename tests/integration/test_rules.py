"""ACLs, use_backend conditions and http-request / http-response rules,
played side by side against Debian's HAProxy 2.6 on the same configuration
and the same backends: for every request both must answer the same status,
the same rule-made headers and bodies, reach the same backend, and hand it
the same rewritten request. Then what only lbd's own behaviour can show:
configuration errors with file:line and refusals of what is not there yet.
"""
import http.client
import http.server
import json
import os
import socket
import tempfile
import time

import pytest

from conftest import HttpServerThread, Lbd, check_config, free_port
from test_log_compat import HAPROXY, Haproxy

pytestmark = pytest.mark.skipif(not os.access(HAPROXY, os.X_OK),
                                reason="HAProxy (%s) is not installed" % HAPROXY)

# headers the backends report back (what rules add, set, replace, delete)
SEEN = ("x-real-ip", "x-via", "x-forwarded-proto", "x-tag", "x-api", "x-client",
        "x-rep", "x-list", "x-drop", "user-agent", "x-from-map", "x-hit", "x-sub")
# response headers the comparison looks at
SHOWN = ("x-frame-options", "x-content-type-options", "location", "content-type",
         "server", "x-resp", "x-status-was", "content-length", "x-b")


class EchoBackend(HttpServerThread):
    """An HTTP/1.1 server that answers with its name and the request it
    received (method, target, headers) as JSON; some paths pick a status."""

    def __init__(self, name):
        self.name = name
        self.port = free_port()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True   # head and body are two writes

            def handle_one(self):
                status = 200
                if self.path.startswith("/status/"):
                    status = int(self.path.split("/")[2].split("?")[0])
                body = json.dumps({
                    "be": outer.name, "method": self.command, "target": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Server", "echo")
                self.send_header("X-List", "a, b, c")
                if self.path.startswith("/cache"):
                    self.send_header("Cache-Control", "public, max-age=60")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = do_OPTIONS = handle_one

            def log_message(self, *a):
                pass

        self.serve(H)


@pytest.fixture
def echo_backends():
    made = []

    def make(*names):
        for n in names:
            made.append(EchoBackend(n))
        return made[-len(names):]
    yield make
    for b in made:
        b.stop()


def request(port, method, target, headers=()):
    """One request on a fresh connection: (status, {header: value}, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.putrequest(method, target, skip_host=any(k.lower() == "host" for k, _ in headers),
                     skip_accept_encoding=True)
        for k, v in headers:
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            hdrs.setdefault(k.lower(), v)
        return r.status, hdrs, body
    finally:
        c.close()


def view(status, hdrs, body):
    """What must be equal between HAProxy and lbd for one request."""
    seen = {k: v for k, v in hdrs.items() if k in SHOWN}
    if hdrs.get("content-type") == "text/html" and status >= 400:
        seen.pop("content-length", None)   # error pages are each proxy's own
    try:
        j = json.loads(body)
        got = {"be": j["be"], "method": j["method"], "target": j["target"],
               "headers": {k: v for k, v in j["headers"].items() if k in SEEN}}
    except (ValueError, KeyError):
        got = body if status < 400 else None   # error pages: the status says it
    return {"status": status, "headers": seen, "body": got}


def side_by_side(template, echo_backends, cases):
    a, b, c = echo_backends("a", "b", "c")
    hport, lport = free_port(), free_port()
    text = (template.replace("{a}", str(a.port)).replace("{b}", str(b.port))
            .replace("{c}", str(c.port)))
    hap = Haproxy(text.replace("{port}", str(hport)), hport)
    try:
        lbd = Lbd(text.replace("{port}", str(lport)), [lport])
        try:
            for method, target, headers in cases:
                h = view(*request(hport, method, target, headers))
                l = view(*request(lport, method, target, headers))
                assert l == h, "%s %s %r:\n  haproxy %r\n  lbd     %r" % (
                    method, target, headers, h, l)
        finally:
            lbd.stop()
    finally:
        hap.stop(check=False)


def each_proxy(text, play):
    """Start HAProxy, then lbd, on text ({port} filled in) and play(port,
    daemon) on each; returns {"haproxy": result, "lbd": result}."""
    got = {}
    for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
        port = free_port()
        conf = text.replace("{port}", str(port))
        d = cls(conf, port) if cls is Haproxy else cls(conf, [port])
        try:
            got[name] = play(port, d)
        finally:
            d.stop(check=cls is Lbd)
    return got


BASE = """global
    maxconn 200
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
"""


def test_routing_by_path_host_and_acl_combinations(echo_backends):
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    acl is_api path_beg /api/
    acl is_static path_end .css .js .png
    acl is_static path_beg -i /static/
    acl host_b hdr(host) -i b.example www.b.example
    acl host_dom hdr_dom(host) -i c.example
    acl is_post method POST
    acl has_token url_param(token) -m found
    acl big_id url_param(id) -m int gt 100
    acl dir_img path_dir img
    acl sub_x path_sub xyz
    acl reg_v path_reg ^/v[0-9]+/
    acl short_path path_len lt 4
    acl ua_curl hdr_beg(user-agent) -i curl
    acl two_accepts hdr_cnt(accept) ge 2
    use_backend be_b if host_b || is_static
    use_backend be_c if host_dom
    use_backend be_c if is_api is_post
    use_backend be_c if has_token big_id
    use_backend be_b if dir_img || sub_x
    use_backend be_c if reg_v !ua_curl
    use_backend be_b if short_path two_accepts
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
backend be_b
    server b 127.0.0.1:{b}
backend be_c
    server c 127.0.0.1:{c}
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/", []),
        ("GET", "/x", [("Host", "b.example")]),
        ("GET", "/x", [("Host", "WWW.B.EXAMPLE")]),
        ("GET", "/x", [("Host", "api.c.example")]),
        ("GET", "/x", [("Host", "notc.example")]),
        ("GET", "/site.css", []),
        ("GET", "/STATIC/logo", []),
        ("GET", "/api/users", []),
        ("POST", "/api/users", [("Content-Length", "0")]),
        ("GET", "/q?id=101&token=", []),
        ("GET", "/q?id=100&token=x", []),
        ("GET", "/a/img/b", []),
        ("GET", "/a/imgs/b", []),
        ("GET", "/wxyzw", []),
        ("GET", "/v2/thing", [("User-Agent", "browser")]),
        ("GET", "/v2/thing", [("User-Agent", "curl/8")]),
        ("GET", "/ab", [("Accept", "a"), ("Accept", "b")]),
        ("GET", "/ab", [("Accept", "a, b")]),
        ("GET", "/ab", [("Accept", "a")]),
    ])


def test_acl_match_methods_and_predefined_acls(echo_backends):
    """The header suffixes, -m dom/len/sub/end/reg/beg on any fetch, the
    connection fetches and the predefined ACLs, each setting one letter of
    a header the backend echoes: the same letters in HAProxy and lbd."""
    acls = [
        "hdr_end(host) .test", "hdr_sub(x-a) mid", "hdr_reg(x-a) ^a[0-9]+z$",
        "hdr(host) -m dom example", "hdr(x-a) -m len 5", "path -m sub /b/",
        "path -m end .txt", "path -m reg ^/[a-c]", "hdr(x-a) -m beg -i AB",
        "dst_port gt 1", "dst 127.0.0.1", "be_conn(be) ge 0", "fe_conn gt 0",
        "FALSE", "TRUE", "METH_GET", "METH_POST", "HTTP_1.1", "HTTP_1.0",
        "LOCALHOST", "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_CONTENT", "HTTP",
        "url_param(k) -m dom b", "hdr_val(x-n) ge 10", "hdr_val(x-n) lt 10",
    ]
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGH"
    lines = []
    for i, a in enumerate(acls):
        name = a.split()[0] if a.isupper() else "a%d" % i
        if not a.isupper():
            lines.append("    acl %s %s" % (name, a))
        # one header gathering every letter (the backend keeps one of each name)
        lines.append("    http-request set-header X-Hit %%[req.hdr(x-hit)]%s if %s" % (letters[i], name))
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
%s
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
backend be
    server b 127.0.0.1:{b}
""" % "\n".join(lines)
    side_by_side(cfg, echo_backends, [
        ("GET", "/", []),
        ("GET", "/a/b/c.txt", [("Host", "www.example.test"), ("X-A", "a123z"), ("X-N", "12")]),
        ("GET", "/zz?k=a.b.c", [("Host", "example"), ("X-A", "ABmid"), ("X-N", "3")]),
        ("POST", "/c", [("Content-Length", "0"), ("X-A", "abcde")]),
        ("GET", "http://h.test/x", [("X-A", "midmid")]),
    ])


def test_track_sc1_sc2_counters_like_haproxy(echo_backends):
    """track-sc1 and track-sc2 into other proxies' tables, and the
    sc_conn_cur / sc_http_err_rate / sc_http_req_rate fetches read back in a
    header, request after request, as HAProxy counts them."""
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    http-request track-sc1 src table st
    http-request track-sc2 req.hdr(x-k) table st2 if { req.hdr(x-k) -m found }
    http-request set-header X-C %[sc_conn_cur(1),bool]/%[sc_http_err_rate(1)]/%[sc_http_req_rate(1)]/%[sc_http_req_rate(2)]/%[sc_conn_cur(2),bool]/%[sc_http_err_cnt(1)]
    http-request deny deny_status 404 if { path /nf }
    http-request deny deny_status 403 if { path /forbidden }
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
backend st
    stick-table type ip size 1k expire 1m store conn_cur,http_err_rate(10s),http_req_rate(10s),http_err_cnt
backend st2
    stick-table type string len 32 size 1k expire 1m store http_req_rate(10s),conn_cur
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/", []),
        ("GET", "/nf", []),
        ("GET", "/", [("X-K", "one")]),
        ("GET", "/forbidden", [("X-K", "one")]),
        ("GET", "/", [("X-K", "one")]),
        ("GET", "/", [("X-K", "two")]),
        ("GET", "/", []),
    ])


def test_request_rules_deny_return_redirect_and_rewrites(echo_backends):
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    acl blocked src 192.0.2.0/24
    acl local src 127.0.0.0/8 ::1
    http-request deny if blocked
    http-request deny deny_status 429 if { path /limited }
    http-request deny if { path_beg /admin } !local
    http-request allow if { path /allowed }
    http-request return status 200 content-type text/plain string "pong" if { path /ping }
    http-request return status 404 content-type "application/json" string "{}" hdr X-B %[path] if { path /gone }
    http-request redirect location /new if { path /old }
    http-request redirect prefix /v2 code 301 if { path_beg /v1/ }
    http-request redirect prefix /v2 drop-query code 308 if { path_beg /dq/ }
    http-request redirect scheme https if { path /secure }
    http-request set-header X-Real-IP %[src]
    http-request add-header X-Via lbd-test
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Client %[src,ipmask(24)]:%[src_port,length]
    http-request set-header X-Tag %[hdr(host),lower] if { hdr(host) -m found } !{ hdr_beg(host) 127. }
    http-request replace-header User-Agent ^(\\w+)/.* \\1-replaced
    http-request replace-value X-Rep ^a(.*) z\\1
    http-request del-header X-Drop
    http-request set-path /api%[path] if { path_beg /users }
    http-request set-query q=1 if { path /setq }
    http-request set-method POST if { path /m }
    http-request set-uri /whole?x=%[url_param(y)] if { path /seturi }
    http-request set-header X-Api yes if { path_beg /api }
    http-request deny if { path /after-allow }
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/", [("Host", "h.example"), ("User-Agent", "curl/8.0"), ("X-Drop", "x"),
                      ("X-Rep", "abc, aXY, q")]),
        ("GET", "/limited", []),
        ("GET", "/admin/x", []),
        ("GET", "/allowed", [("X-Drop", "kept: allow stops the rules")]),
        ("GET", "/ping", []),
        ("GET", "/gone", []),
        ("GET", "/old", []),
        ("GET", "/v1/a/b?c=d", []),
        ("GET", "/dq/x?c=d", []),
        ("GET", "/secure?p=1", [("Host", "h.example")]),
        ("GET", "/users/7?z=1", [("Host", "Mixed.Example")]),
        ("GET", "/setq?old=2", []),
        ("GET", "/m", []),
        ("GET", "/seturi?y=abc", []),
        ("GET", "/after-allow", []),
    ])


def test_response_rules_set_delete_status_and_deny(echo_backends):
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    http-response set-header X-Frame-Options SAMEORIGIN
    http-response set-header X-Content-Type-Options nosniff
    http-response set-header X-Resp fe-%[status]
    default_backend be_a
backend be_a
    http-response del-header Server
    http-response set-status 299 if { status 200 } { res.hdr(content-type) -m sub json }
    http-response deny if { status 418 }
    http-response set-status 503 reason "Maintenance" if { status 202 }
    http-response replace-value X-List ^b$ B
    server a 127.0.0.1:{a}
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/", []),
        ("GET", "/status/404", []),
        ("GET", "/status/418", []),
        ("GET", "/status/202", []),
    ])


def test_dynamic_use_backend_and_nbsrv(echo_backends):
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    acl b_alive nbsrv(be_b) ge 1
    acl srv_up srv_is_up(be_c/c)
    use_backend be_%[req.hdr(x-be),lower] if { req.hdr(x-be) -m found }
    use_backend be_b if { path /b } b_alive
    use_backend be_c if { path /c } srv_up
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
backend be_b
    server b 127.0.0.1:{b}
backend be_c
    server c 127.0.0.1:{c}
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/", [("X-Be", "B")]),
        ("GET", "/", [("X-Be", "c")]),
        ("GET", "/", [("X-Be", "nosuch")]),
        ("GET", "/b", []),
        ("GET", "/c", []),
    ])


def test_pattern_files_and_large_string_sets(echo_backends, tmp_path):
    paths = tmp_path / "paths.lst"
    paths.write_text("# blocked paths\n/p5\n\n  /p17  \n" +
                     "".join("/gen%d\n" % i for i in range(500)))
    nets = tmp_path / "nets.lst"
    nets.write_text("198.51.100.0/24\n127.0.0.2\n")
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    acl listed path -f %s
    acl netlisted src -f %s
    http-request deny deny_status 410 if listed
    http-request deny deny_status 404 if netlisted
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
""" % (paths, nets)
    side_by_side(cfg, echo_backends, [
        ("GET", "/p5", []), ("GET", "/p17", []), ("GET", "/p6", []),
        ("GET", "/gen0", []), ("GET", "/gen499", []), ("GET", "/gen500", []),
        ("GET", "/", []),
    ])


@pytest.mark.parametrize("line,message", [
    ("acl x nosuchfetch foo", "unknown fetch method 'nosuchfetch'"),
    ("acl x src 300.1.2.3", "is not an IP address"),
    ("acl x path_reg ([a-", "invalid regex"),
    ("acl x path -m nosuch /a", "unknown matching method"),
    ("http-request deny if nosuchacl", "no such ACL : 'nosuchacl'"),
    ("http-request deny if { path /a", "missing '}'"),
    ("http-request deny if a ||", "needs a condition on each side"),
    ("http-request frobnicate", "unknown action 'frobnicate'"),
    ("http-request reject", "'http-request reject' is not supported yet"),
    ("http-request set-timeout server 5s", "is not supported yet"),
    ("http-request set-var(bad.x) str(1)", "invalid variable name"),
    ("http-request set-header Content-Length 5", "framing headers cannot be rewritten"),
    ("http-request deny if { status 200 }", "uses response fetches"),
    ("http-request set-header X %[nosuch]", "unknown fetch method 'nosuch'"),
    ("http-request set-header X %[src,nosuchconv]", "unknown converter 'nosuchconv'"),
    ("http-request set-header X %[src,table_http_req_rate(fe)]", "not supported yet"),
    ("http-request set-header X %[src,map(/nonexistent.map)]", "cannot open map file"),
    ("http-request redirect location /x code 404", "'redirect code'"),
    ("http-request deny deny_status 451", "has no default error page"),
    ("use_backend be if { nbsrv(nosuchbe) gt 0 }", "no such backend 'nosuchbe'"),
    ("acl TRUE always_false", "predefined ACL"),
])
def test_rule_errors_name_file_and_line(line, message):
    text = BASE + """
frontend fe
    bind 127.0.0.1:1
    acl a path /a
    %s
    default_backend be
backend be
    server s 127.0.0.1:2
""" % line
    rc, out, path = check_config(text)
    assert rc == 1, out
    assert message in out, out
    # the line of the offending keyword (the nosuchbe one is found later)
    lineno = text.splitlines().index("    " + line) + 1
    if "nosuchbe" not in line:
        assert ":%d]" % lineno in out, out


def test_captures_reach_the_log_like_haproxy(echo_backends):
    """capture request/response header, declare capture, http-request and
    http-response capture: the %hr and %hs fields of the log line."""
    (a,) = echo_backends("a")
    cfg = LOGGED_HEAD + """frontend fe
    bind 127.0.0.1:{port}
    log-format "%hr %hs %{+Q}r"
    capture request header Host len 12
    capture request header User-Agent len 100
    capture response header Content-Type len 20
    declare capture response len 8
    http-request capture req.hdr(x-id) len 5
    http-request capture path,upper len 30
    http-response capture res.hdr(x-list) id 1
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))
    def play(port, d):
        n0 = len(d.logs(1))
        request(port, "GET", "/a/b?c", [("Host", "a-very-long-host.example"),
                                        ("User-Agent", "ua|{x}#1"), ("X-Id", "1234567")])
        request(port, "GET", "/", [("Host", "h"), ("User-Agent", "")])
        return d.logs(n0 + 2)[n0:]
    lines = each_proxy(cfg, play)
    assert lines["lbd"] == lines["haproxy"], lines
    assert len(lines["lbd"]) == 2
    # the values are there, cut at their length, encoded as HAProxy does
    assert lines["lbd"][0].startswith("{a-very-long-|ua#7C#7Bx#7D#231|12345|/A/B} "), lines


# global and defaults of the tests that compare log lines with HAProxy's
LOGGED_HEAD = """global
    maxconn 100
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
"""


COOKIE_CFG = """global
    maxconn 100
    stats socket {sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
frontend fe
    bind 127.0.0.1:{port}
    log-format "%b/%s %ST %tsc"
    default_backend be
backend be
    balance first
    option redispatch
    {directive}
    server web1 127.0.0.1:{a} cookie w1
    server web2 127.0.0.1:{b} cookie w2
    server web3 127.0.0.1:{c}
"""


@pytest.mark.parametrize("directive,extra", [
    ("cookie SERVERID insert indirect nocache httponly secure", ""),
    ("cookie SERVERID insert", ""),
    ("cookie SERVERID insert domain .example.com postonly", ""),
    ("cookie SERVERID insert preserve", ""),
    ("cookie JSESSIONID prefix", ""),
    ("cookie SERVERID rewrite", ""),
    ("cookie SERVERID", ""),
    ("cookie SERVERID insert indirect", "option persist"),
])
def test_cookie_persistence_like_haproxy(echo_backends, tmp_path, directive, extra):
    """The seed's cookie line and its variants: which server a cookie
    leads to, what the client gets back, what the server sees, the
    %tsc letters; then with the cookie's server disabled (redispatch, or
    option persist)."""
    a, b, c = echo_backends("a", "b", "c")
    cases = [
        ("GET", "/", []),
        ("GET", "/", []),
        ("GET", "/", [("Cookie", "SERVERID=w2")]),
        ("GET", "/", [("Cookie", "a=1; SERVERID=w1; b=2")]),
        ("GET", "/", [("Cookie", "SERVERID=nosuch")]),
        ("POST", "/", [("Cookie", "SERVERID=w2"), ("Content-Length", "0")]),
        ("GET", "/", [("Cookie", "JSESSIONID=w1~abc; x=y")]),
        ("GET", "/", [("Cookie", "JSESSIONID=w2~")]),
        ("GET", "/cache", [("Cookie", "SERVERID=w2")]),
        ("GET", "/cache", []),
        ("HEAD", "/cache", [("Cookie", "SERVERID=nosuch")]),
    ]
    results = {}
    for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
        port = free_port()
        sock = str(tmp_path / ("%s.sock" % name))
        text = (COOKIE_CFG.replace("{directive}", directive + ("\n    " + extra if extra else ""))
                .replace("{port}", str(port)).replace("{sock}", sock)
                .replace("{a}", str(a.port)).replace("{b}", str(b.port))
                .replace("{c}", str(c.port)))
        d = cls(text, port) if cls is Haproxy else cls(text, [port])
        try:
            n0 = len(d.logs(1))
            got = []
            for phase in ("up", "down"):
                if phase == "down":
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(sock)
                    s.sendall(b"disable server be/web2\n")
                    s.recv(4096)
                    s.close()
                for method, target, headers in cases:
                    st, hdrs, body = request(port, method, target, headers)
                    j = json.loads(body) if body else {"be": None, "headers": {}}
                    got.append((st, j["be"], j["headers"].get("cookie"),
                                hdrs.get("set-cookie"), hdrs.get("cache-control")))
            # every request and the "going DOWN" line
            logs = d.logs(n0 + 2 * len(cases) + 1)[n0:]
            results[name] = (got, logs)
        finally:
            d.stop(check=cls is Lbd)
    h, l = results["haproxy"], results["lbd"]
    for i, (hg, lg) in enumerate(zip(h[0], l[0])):
        assert lg == hg, "request %d %r:\n  haproxy %r\n  lbd     %r" % (
            i, cases[i % len(cases)], hg, lg)
    assert l[1] == h[1], "\n".join("%s | %s" % x for x in zip(h[1], l[1]))


CK_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def ck_date(offset):
    """A cookie date offset seconds from now: 4-second units, 5 base64
    characters (HAProxy's maxidle/maxlife stamp)."""
    d = (int(time.time()) + offset + 3) // 4
    return "".join(CK_B64[(d >> (6 * (4 - i))) & 63] for i in range(5))


def ck_relative(text):
    """Set-Cookie with its dates made relative: NOW, or +/-minutes."""
    import re

    def rel(m):
        d = 0
        for ch in m.group(1):
            d = d * 64 + CK_B64.index(ch)
        delta = d * 4 - time.time()
        return "|NOW" if abs(delta) < 12 else "|%+dm" % round(delta / 60)
    return re.sub(r"\|([A-Za-z0-9+/]{5})(?=[|;]|$)", rel, text) if text else text


@pytest.mark.parametrize("directive", [
    "cookie SERVERID insert indirect maxidle 30m maxlife 2h",
    "cookie SERVERID insert maxidle 1800",
    "cookie SERVERID insert nocache maxlife 7200s",
])
def test_cookie_maxidle_maxlife_like_haproxy(echo_backends, tmp_path, directive):
    """Dated cookies: a cookie idle past maxidle or older than maxlife (or a
    day in the future) is ignored and replaced; a valid one is refreshed
    when its date is behind; the dates HAProxy writes are read and written
    the same way (so a pair can switch), with the same %tsc letters."""
    a, b, c = echo_backends("a", "b", "c")
    cases = [
        [],
        [("Cookie", "SERVERID=w2")],
        [("Cookie", "SERVERID=w2|%s|%s" % (ck_date(-600), ck_date(-3600)))],
        [("Cookie", "SERVERID=w2|%s|%s" % (ck_date(-2400), ck_date(-3600)))],
        [("Cookie", "SERVERID=w2|%s|%s" % (ck_date(60), ck_date(-10800)))],
        [("Cookie", "SERVERID=w2|%s|%s" % (ck_date(60), ck_date(-600)))],
        [("Cookie", "SERVERID=w2|%s|%s" % (ck_date(172800), ck_date(-60)))],
        [("Cookie", "SERVERID=w2||%s" % ck_date(-600))],
        [("Cookie", "SERVERID=w2|%s" % ck_date(-300))],
        [("Cookie", "SERVERID=w2|zz!")],
        [("Cookie", "SERVERID=nosuch|%s" % ck_date(-60))],
    ]
    text = (COOKIE_CFG.replace("{directive}", directive).replace("{sock}", str(tmp_path / "s"))
            .replace("{a}", str(a.port)).replace("{b}", str(b.port))
            .replace("{c}", str(c.port)))

    def play(port, d):
        n0 = len(d.logs(1))
        got = []
        for headers in cases:
            st, hdrs, body = request(port, "GET", "/", headers)
            j = json.loads(body)
            got.append((st, j["be"], ck_relative(j["headers"].get("cookie")),
                        ck_relative(hdrs.get("set-cookie"))))
        return got, d.logs(n0 + len(cases))[n0:]
    results = each_proxy(text, play)
    h, l = results["haproxy"], results["lbd"]
    for i, (hg, lg) in enumerate(zip(h[0], l[0])):
        assert lg == hg, "request %d %r:\n  haproxy %r\n  lbd     %r" % (i, cases[i], hg, lg)
    assert l[1] == h[1], "\n".join("%s | %s" % x for x in zip(h[1], l[1]))
    # the cases did exercise refusal and refresh
    assert any(line.split()[-1][2] in "EO" for line in l[1]), l[1]
    assert any(line.split()[-1][3] == "U" for line in l[1]), l[1]


def test_log_format_samples_like_haproxy(echo_backends):
    """%[expr] in log-format: what the transaction keeps until its line is
    written (method, status, variables, addresses, counters, converters,
    arithmetic) prints as HAProxy prints it; fetches of the heads are
    refused at load time with HAProxy's message."""
    (a,) = echo_backends("a")
    cfg = LOGGED_HEAD + """frontend fe
    bind 127.0.0.1:{port}
    http-request set-var(txn.p) path,lower
    http-request set-var(txn.n) req.hdr_cnt(x-n)
    http-response set-var(txn.c) res.hdr(content-type)
    capture request header Host len 12
    capture response header Content-Type len 40
    http-response set-header X-Host %[capture.req.hdr(0)]-%[method]
    http-request set-header X-Names %[fe_name]/%[fe_id]
    http-response set-header X-Srv %[srv_name]/%[srv_id]/%[be_name]
    log-format "%[fe_name] %[be_name] %[srv_name] %[srv_id] %[be_id] %[fe_id] %[capture.req.hdr(0)] %[capture.res.hdr(0)] %[capture.req.hdr(5)] %[method] %[status] %{+Q}[var(txn.p)] %[var(txn.none)] %{+Q}[var(txn.none)] %[var(txn.c)] %[src] %[src,ipmask(8)] %[str(a-b),upper] %[int(7),add(3),mul(-2)] %[int(9),div(0)] %[int(9),mod(4)] %[var(txn.n),add(txn.n)] %[int(5),sub(txn.none)] %[int(0),not] %[int(6),and(3)] %[int(6),or(3)] %[int(6),xor(3)] %[int(5),neg] %[int(5),cpl] %[nbsrv(be)] %[srv_is_up(be/a)] %ST"
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))

    def play(port, d):
        n0 = len(d.logs(1))
        _, hdrs, body = request(port, "GET", "/A/b", [("X-N", "1"), ("X-N", "2"),
                                                  ("Host", "www.example.com")])
        request(port, "POST", "/x", [("Content-Length", "0"), ("Host", "b.test")])
        request(port, "GET", "/nosuch", [("Host", "c.test")])
        return d.logs(n0 + 3)[n0:] + [hdrs.get("x-host"), hdrs.get("x-srv"),
                                      json.loads(body)["headers"].get("x-names")]
    got = each_proxy(cfg, play)
    assert got["lbd"] == got["haproxy"], "\n".join("%s | %s" % x for x in zip(*got.values()))
    assert got["lbd"][0].startswith('fe be a 1 2 1 www.example. application/json - GET 200 "/a/b" '), got
    assert got["lbd"][-3:] == ["www.example.-GET", "a/1/be", "fe/1"], got
    for fetch in ("req.hdr(host)", "res.hdr(server)", "path"):
        rc, out, _ = check_config(cfg.replace("{port}", "1").replace(
            '"%[fe_name] ', '"%%[%s] %%[fe_name] ' % fetch))
        assert rc != 0 and "may not be reliably used here" in out, out
    # a response rule cannot read the request head either (HAProxy's refusal)
    for rule in ("http-response set-header X %[req.hdr(host)]",
                 "http-response set-var(txn.h) path"):
        rc, out, _ = check_config(cfg.replace("{port}", "1").replace(
            "    http-response set-var(txn.c)", "    %s\n    http-response set-var(txn.c)" % rule))
        assert rc != 0 and "needs 'HTTP request headers'" in out, out


def test_unique_id_reaches_server_log_and_rules(echo_backends):
    """unique-id-format and unique-id-header: the same id in the request
    the server gets, in %ID of the log line and in the unique-id fetch;
    built from the log variables like HAProxy's."""
    (a,) = echo_backends("a")
    cfg = LOGGED_HEAD + """frontend fe
    bind 127.0.0.1:{port}
    log-format "id=%ID %ST"
    unique-id-format %{+X}o\\ %ci:%fp_%[req.hdr(x-n)]
    unique-id-header X-Request-ID
    http-request set-header X-Copy %[unique-id]
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))
    got = {}
    for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
        port = free_port()
        text = cfg.replace("{port}", str(port))
        d = cls(text, port) if cls is Haproxy else cls(text, [port])
        try:
            n0 = len(d.logs(1))
            st, hdrs, body = request(port, "GET", "/", [("X-N", "seven")])
            j = json.loads(body)["headers"]
            line = d.logs(n0 + 1)[n0]
            hexport = "%04X" % port   # %{+X} prints the port in hex
            got[name] = (j["x-request-id"].replace(hexport, "P"),
                         j["x-copy"].replace(hexport, "P"),
                         line.replace(hexport, "P"))
        finally:
            d.stop(check=cls is Lbd)
    assert got["lbd"] == got["haproxy"], got
    assert got["lbd"][0] == "7F000001:P_seven", got


@pytest.mark.parametrize("rules", [
    "stick-table type ip size 1k expire 30s\n    stick on src",
    "stick-table type string len 16 size 1k expire 30s\n"
    "    stick match req.hdr(x-user)\n    stick store-request req.hdr(x-user)",
    "use-server web2 if { path /two }\n    use-server web3 if { hdr(x-srv) web3 }",
])
def test_stick_rules_and_use_server_like_haproxy(echo_backends, rules):
    """Persistence through a stick table's server_id (stick on, match,
    store-request) and use-server: the server each request reaches."""
    a, b, c = echo_backends("a", "b", "c")
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    balance roundrobin
    %s
    server web1 127.0.0.1:{a}
    server web2 127.0.0.1:{b}
    server web3 127.0.0.1:{c}
""" % rules
    cases = []
    for i in range(4):
        for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            cases.append((src, "/", [("X-User", "u%d" % (i % 2))]))
    cases += [("127.0.0.1", "/two", []), ("127.0.0.2", "/", [("X-Srv", "web3")])]
    got = {}
    for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
        port = free_port()
        text = (cfg.replace("{port}", str(port)).replace("{a}", str(a.port))
                .replace("{b}", str(b.port)).replace("{c}", str(c.port)))
        d = cls(text, port) if cls is Haproxy else cls(text, [port])
        try:
            seq = []
            for src, path, headers in cases:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                                  source_address=(src, 0))
                conn.request("GET", path, headers=dict(headers))
                seq.append(json.loads(conn.getresponse().read())["be"])
                conn.close()
            got[name] = seq
        finally:
            d.stop(check=cls is Lbd)
    assert got["lbd"] == got["haproxy"], got


def test_variables_like_haproxy(echo_backends):
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    http-request set-var(txn.host) req.hdr(host),lower
    http-request set-var(txn.n) int(41)
    http-request set-var(req.path) path
    http-request set-var(sess.seen) str(yes) if { path /first }
    http-request unset-var(txn.n) if { path /unset }
    http-request deny deny_status 403 if { var(txn.host) -m str blocked.example }
    http-request set-header X-Tag %[var(txn.host)]-%[var(txn.n)]-%[var(req.path)]-%[var(sess.seen)]
    http-response set-header X-Resp %[var(txn.host)]
    http-response set-var(res.st) status
    http-response set-header X-Status-Was %[var(res.st)]
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
"""
    side_by_side(cfg, echo_backends, [
        ("GET", "/first", [("Host", "A.Example")]),
        ("GET", "/unset", [("Host", "b.example")]),
        ("GET", "/x", [("Host", "blocked.example")]),
        ("GET", "/status/404", [("Host", "c.example")]),
    ])


def test_map_converters_like_haproxy(echo_backends, tmp_path):
    (tmp_path / "hosts.map").write_text("# host -> backend\nb.example be_b\nc.example be_c\n")
    (tmp_path / "nets.map").write_text("127.0.0.0/8 loop\n127.0.0.1 exact\n198.51.100.0/24 doc\n")
    (tmp_path / "paths.map").write_text("/api/ api\n/static/ static\n/ root\n")
    (tmp_path / "re.map").write_text("^/v[0-9]+/ versioned\n")
    (tmp_path / "ends.map").write_text(".css style\n/y script\n")
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    use_backend %%[req.hdr(host),lower,map(%s,be_a)]
    http-request set-header X-Tag %%[src,map_ip(%s)]:%%[path,map_beg(%s,none)]:%%[path,map_reg(%s)]
    http-request set-header X-Sub %%[path,map_sub(%s,none)]:%%[path,map_end(%s,none)]:%%[req.hdr(host),map_dom(%s,none)]
    default_backend be_a
backend be_a
    server a 127.0.0.1:{a}
backend be_b
    server b 127.0.0.1:{b}
backend be_c
    server c 127.0.0.1:{c}
""" % (tmp_path / "hosts.map", tmp_path / "nets.map", tmp_path / "paths.map",
       tmp_path / "re.map", tmp_path / "paths.map", tmp_path / "ends.map", tmp_path / "hosts.map")
    side_by_side(cfg, echo_backends, [
        ("GET", "/api/x", [("Host", "B.example")]),
        ("GET", "/static/y", [("Host", "c.example")]),
        ("GET", "/v2/z", [("Host", "d.example")]),
        ("GET", "/other", [("Host", "x")]),
        ("GET", "/a/static/b.css", [("Host", "www.c.example")]),
    ])


def test_tarpit_holds_then_answers_like_haproxy(echo_backends):
    """tarpit: nothing until timeout tarpit, then the status (500 by
    default), logged as PT; the other requests go through meanwhile."""
    (a,) = echo_backends("a")
    cfg = BASE + """    timeout tarpit 600ms
    log stdout format raw local0
frontend fe
    bind 127.0.0.1:{port}
    log-format "%ST %tsc"
    http-request tarpit if { path /slow }
    http-request tarpit deny_status 429 if { path /slow429 }
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))
    def play(port, d):
        n0 = len(d.logs(1))
        res = []
        for path in ("/slow", "/slow429", "/ok"):
            t0 = time.time()
            st = request(port, "GET", path)[0]
            res.append((st, time.time() - t0 >= 0.5))
        return (res, d.logs(n0 + 3)[n0:])
    got = each_proxy(cfg, play)
    assert got["lbd"] == got["haproxy"], got
    assert got["lbd"][0] == [(500, True), (429, True), (200, False)]


def test_userlist_and_auth_like_haproxy(echo_backends):
    """userlist users (a crypt(3) SHA-512 hash and a clear-text password)
    and groups; http-request auth asks for credentials, http_auth() and
    http_auth_group() decide."""
    import base64
    import subprocess as sp
    hashed = sp.run(["openssl", "passwd", "-6", "-salt", "abcdefgh", "s3cret"],
                    capture_output=True, text=True, check=True).stdout.strip()
    (a,) = echo_backends("a")
    cfg = BASE + """
userlist staff
    group admin
    group ops users carol
    user alice password %s groups admin
    user carol insecure-password plain
frontend fe
    bind 127.0.0.1:{port}
    acl authed http_auth(staff)
    acl is_admin http_auth_group(staff) admin
    http-request auth realm Staff\\ area if !authed
    http-request deny if { path_beg /admin } !is_admin
    http-request set-header X-Tag %%[http_auth_group(staff)]
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port)) % hashed

    def basic(user, pw):
        return [("Authorization", "Basic " + base64.b64encode(
            ("%s:%s" % (user, pw)).encode()).decode())]
    def play(port, d):
        res = []
        for path, hdrs in (("/", []), ("/", basic("alice", "wrong")),
                           ("/", basic("alice", "s3cret")), ("/", basic("carol", "plain")),
                           ("/admin/x", basic("alice", "s3cret")),
                           ("/admin/x", basic("carol", "plain")),
                           ("/", [("Authorization", "Bearer xyz")])):
            st, h, body = request(port, "GET", path, hdrs)
            tag = json.loads(body)["headers"].get("x-tag") if st == 200 else None
            res.append((st, h.get("www-authenticate"), tag))
        return res
    got = each_proxy(cfg, play)
    assert got["lbd"] == got["haproxy"], got
    assert got["lbd"][0] == (401, 'Basic realm="Staff area"', None)
    assert got["lbd"][2][0] == 200 and got["lbd"][5][0] == 403


def test_set_log_level_like_haproxy(echo_backends):
    """set-log-level: a request raised above the target's level is logged,
    a silent one never, the others as usual."""
    (a,) = echo_backends("a")
    cfg = """global
    maxconn 100
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0 notice
frontend fe
    bind 127.0.0.1:{port}
    log-format "%HU %ST"
    http-request set-log-level err if { path /important }
    http-request set-log-level info if { path /important2 }
    http-request set-log-level err if { path /important2 }
    http-request set-log-level silent if { path /quiet }
    default_backend be
backend be
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))
    def play(port, d):
        for p in ("/normal", "/important", "/quiet", "/important2", "/normal2"):
            request(port, "GET", p)
        time.sleep(0.3)
        return d.logs(2)
    got = each_proxy(cfg, play)
    assert got["lbd"] == got["haproxy"], got
    assert got["lbd"] == ["/important 200", "/important2 200"], got


def test_fetches_and_converters_like_haproxy(echo_backends):
    """The values of the fetches and converters a rule can use, rendered
    into a header by HAProxy and by lbd for the same requests."""
    exprs = [
        "%[dst]", "%[method]", "%[url]", "%[query]",
        "%[base]", "%[path]", "%[req.ver]", "%[url_param(a)]", "%[url_param(b,;)]",
        "%[hdr(x-l)]", "%[hdr(x-l,1)]", "%[hdr(x-l,-1)]", "%[req.fhdr(x-l)]",
        "%[hdr_cnt(x-l)]", "%[hdr_ip(x-ip)]", "%[hdr_val(x-n)]", "%[cook(c1)]",
        "%[req.cook(c2)]", "%[nbsrv(be)]", "%[srv_is_up(be/a)]", "%[always_true]",
        "%[always_false]", "%[ssl_fc]", "%[int(7)]", "%[str(abc)]",
        "%[hdr(x-s),lower]", "%[hdr(x-s),upper]", "%[hdr(x-s),hex]", "%[hdr(x-s),base64]",
        "%[hdr(x-s),length]", "%[hdr(x-s),json]", "%[hdr(x-w),word(2,/)]",
        "%[hdr(x-w),field(3,/)]", "%[hdr(x-w),word(-1,/)]", "%[hdr(x-w),regsub(/,_,g)]",
        "%[hdr(x-ip),ipmask(16)]", "%[src,ipmask(24)]",
        # the previous connection may not be closed yet on a busy machine
        "%[fe_conn,bool]",
    ]
    rules = "\n".join("    http-request set-header X-E%d %s" % (i, e)
                      for i, e in enumerate(exprs))
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
%s
    default_backend be
backend be
    server a 127.0.0.1:{a}
""" % rules
    global SEEN
    saved = SEEN
    SEEN = tuple("x-e%d" % i for i in range(len(exprs)))
    try:
        side_by_side(cfg, echo_backends, [
            ("GET", "/p/q?a=1&b=2;c=3", [("Host", "h.example"), ("X-L", "one, two"),
                                         ("X-L", "three"), ("X-IP", "198.51.100.77"),
                                         ("X-N", "42"), ("Cookie", "c1=v1; c2=v2"),
                                         ("X-S", 'Mixed "Case"'), ("X-W", "/a/b//c")]),
            ("GET", "/", [("Host", "x")]),
        ])
    finally:
        SEEN = saved


def test_tcp_response_rules_like_haproxy(echo_backends):
    """tcp-response content reject drops the response and its connection;
    accept lets it through; in mode http and mode tcp."""
    (a,) = echo_backends("a")
    cfg = BASE + """
frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    tcp-response content accept if { src 127.0.0.3 }
    tcp-response content reject if { src 127.0.0.2 } || { src 127.0.0.3 }
    server a 127.0.0.1:{a}
""".replace("{a}", str(a.port))

    def play(port, d):
        res = []
        for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(src, 0))
            try:
                c.request("GET", "/")
                res.append(c.getresponse().status)
            except (ConnectionError, http.client.HTTPException, OSError):
                res.append("closed")
            finally:
                c.close()
        return res
    got = each_proxy(cfg, play)
    assert got["lbd"] == got["haproxy"], got
    assert got["lbd"][0] == 200 and got["lbd"][2] == 200
