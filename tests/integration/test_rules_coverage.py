"""The fetches, match methods, converters and actions of the rules issue
that the other rule tests leave out, each played side by side with
Debian's HAProxy 2.6 where it behaves the same: match flags and integer
operators, source ports, header IPs, condition operators, live connection
counts, map defaults, ipmask/field/word/json/regsub forms, uuid()/rand()/
date(), the response rewrites, "return ... file", tcp-request accept and
content tracking, the stick-table key types and stored data types,
compression algo identity, ranged responses and old browsers; then lbd's
own least-recently-used eviction. Each test names what it proves.
"""
import gzip
import http.client
import http.server
import json
import os
import re
import socket
import time
import uuid

import pytest

from conftest import HttpServerThread, Lbd, cli, free_port
from test_log_compat import HAPROXY, Haproxy
from test_rules import EchoBackend

pytestmark = pytest.mark.skipif(not os.access(HAPROXY, os.X_OK),
                                reason="HAProxy (%s) is not installed" % HAPROXY)

HEAD = """global
    maxconn 200
    stats socket {sock} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
"""


@pytest.fixture
def echo():
    made = []

    def make(name="a"):
        made.append(EchoBackend(name))
        return made[-1]
    yield make
    for b in made:
        b.stop()


class Conn(http.client.HTTPConnection):
    """A client connection from a chosen source (address, port): the port
    may be reused at once (SO_REUSEADDR) towards another proxy."""

    def connect(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(self.timeout)
        s.bind(self.source_address)
        s.connect((self.host, self.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = s


def request(port, method, target, headers=(), src=("127.0.0.1", 0), body=None):
    """One request on a fresh connection: (status, {header: value}, body)."""
    c = Conn("127.0.0.1", port, timeout=5, source_address=src)
    try:
        c.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        if not any(k.lower() == "host" for k, _ in headers):
            c.putheader("Host", "h.example")
        for k, v in headers:
            c.putheader(k, v)
        if body is not None:
            c.putheader("Content-Length", str(len(body)))
        c.endheaders(body)
        r = c.getresponse()
        data = r.read()
        hdrs = {}
        for k, v in r.getheaders():
            k = k.lower()
            hdrs[k] = hdrs[k] + "\n" + v if k in hdrs else v
        return r.status, hdrs, data
    finally:
        c.close()


def hits(body):
    """The letters of the ACLs found true (see letters_cfg)."""
    h = seen(body)
    return "".join(c for i, c in enumerate(LETTERS) if "x-h%d" % i in h)


def seen(body):
    """The X- headers the echo backend received (the rules' work)."""
    j = json.loads(body)
    return {k: v for k, v in j["headers"].items() if k.startswith("x-")}


def each_proxy(text, play, tmp_path):
    """Start HAProxy, then lbd, on text ({port} and {sock} filled in) and
    play(port, sock) on each; returns (haproxy's result, lbd's result)."""
    got = {}
    for name, cls in (("haproxy", Haproxy), ("lbd", Lbd)):
        port = free_port()
        sock = str(tmp_path / ("%s.sock" % name))
        conf = text.replace("{port}", str(port)).replace("{sock}", sock)
        d = cls(conf, port) if cls is Haproxy else cls(conf, [port])
        try:
            got[name] = play(port, sock)
        finally:
            d.stop(check=cls is Lbd)
    return got["haproxy"], got["lbd"]


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def letters_cfg(acls, backend_port, pre=""):
    """A frontend setting header X-H<i> for each true ACL i of acls (a
    predefined ACL is used by its name); hits() reads them back."""
    assert len(acls) <= len(LETTERS)
    lines = []
    for i, a in enumerate(acls):
        if re.fullmatch(r"[A-Z_0-9.]+", a):
            lines.append("    http-request set-header X-H%d 1 if %s" % (i, a))
        else:
            lines.append("    acl a%d %s" % (i, a))
            lines.append("    http-request set-header X-H%d 1 if a%d" % (i, i))
    return HEAD + """frontend fe
    bind 127.0.0.1:{port}
%s
%s
    default_backend be
backend be
    server a 127.0.0.1:%d
""" % (pre, "\n".join(lines), backend_port)


def test_match_flags_and_integer_operators_like_haproxy(echo, tmp_path):
    """-m dir / ip / str / int (with ranges), -i with every method, the
    integer operators eq ge gt le lt, hdr_ip against networks, src_port,
    dst_port, cook / req.cook, url_param, query, base, url and -f files
    with flags: the same ACLs true in HAProxy and lbd, and the expected
    ones for a known request."""
    be = echo()
    words = tmp_path / "words.lst"
    words.write_text("/API/\n/Docs/\n")
    sport = free_port()
    acls = [
        "hdr(x-d) -m dir img",                       # a
        "hdr(x-ip) -m ip 198.51.100.0/24",           # b
        "hdr_ip(x-ip) 198.51.100.0/24 203.0.113.7",  # c
        "hdr_ip(x-ip) 2001:db8::/32",                # d
        "hdr(x-s) -m str -i HeLLo",                  # e
        "hdr(x-s) -m str HeLLo",                     # f
        "hdr_val(x-n) eq 42",                        # g
        "hdr_val(x-n) le 42",                        # h
        "hdr_val(x-n) ge 43",                        # i
        "hdr_val(x-n) gt 41",                        # j
        "hdr_val(x-n) lt 42",                        # k
        "hdr(x-n) -m int 40:50",                     # l
        "hdr(x-n) -m int 50:",                       # m
        "path_len eq 12",                            # n
        "src_port eq %d" % sport,                    # o
        "src_port lt 1024",                          # p
        "dst_port eq {port}",                        # q
        "cook(sid) -m found",                        # r
        "cook(sid) -m beg ab",                       # s
        "req.cook(x) -m len 3",                      # t
        "url_param(q) -m sub oo",                    # u
        "query -m reg ^q=",                          # v
        "base -m beg h.example/docs/",               # w
        "url -m end .json?q=foo",                    # x
        "hdr(host) -m end -i .EXAMPLE",              # y
        "hdr_cnt(x-none) eq 0",                      # z
        "hdr_sub(x-s) -i ELL",                       # A
        "hdr_reg(x-s) -i ^hel",                      # B
        "path -i -m beg -f %s" % words,              # C
        "path -m beg -f %s" % words,                 # D
        "src -m ip 127.0.0.0/8",                     # E
        "src 198.51.100.0/24",                       # F
        "hdr_beg(x-d) -i /IMG",                      # G
        "hdr_end(x-d) -i .PNG",                      # H
        "url_param(q) -m found",                     # I
        "url_param(nope) -m found",                  # J
        "path_dir -i DOCS",                          # K
        "hdr(x-s) -m len ge 5",                      # L
        "var(txn.v) -m str set",                     # M
        "nbsrv(be) eq 1",                            # N
        "srv_is_up(be/a)",                           # O
        "always_true",                               # P
        "ssl_fc",                                    # Q
        "METH_PUT",                                  # R
        "METH_DELETE",                               # S
        "METH_OPTIONS",                              # T
        "HTTP_URL_STAR",                             # U
        "METH_HEAD",                                 # V
    ]
    cfg = letters_cfg(acls, be.port, "    http-request set-var(txn.v) str(set) if { path_beg /docs }")
    cases = [
        ("GET", "/docs/a.json?q=foo", [("X-D", "/img/x.png"), ("X-IP", "198.51.100.7"),
                                       ("X-S", "hello"), ("X-N", "42"),
                                       ("Cookie", "sid=abc; x=123")], sport),
        ("GET", "/API/", [("X-IP", "2001:db8::1"), ("X-S", "HeLLo"), ("X-N", "43"),
                          ("X-D", "/IMG"), ("Cookie", "x=12")], 0),
        ("PUT", "/x", [("X-IP", "203.0.113.7, 198.51.100.1"), ("X-N", "55"),
                       ("X-S", "shell"), ("Host", "www.Example")], 0),
        ("DELETE", "/a", [("X-N", "-3"), ("X-IP", "nonsense")], 0),
        ("OPTIONS", "*", [("X-N", "x")], 0),
        ("HEAD", "/", [], 0),
    ]

    def play(port, sock):
        out = []
        for method, target, headers, sp in cases:
            st, hdrs, body = request(port, method, target, headers, ("127.0.0.1", sp))
            out.append((st, hits(body) if body else None))
        return out

    h, l = each_proxy(cfg, play, tmp_path)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    assert l == [(200, "abceghjlnoqrstuvwxyzABCEGHIKLMNOP"), (200, "defijlqyzABCDEGLNOP"),
                 (200, "bcijmqyzAELNOPR"), (200, "hkqyzENOPS"), (200, "hkqyzENOPTU"),
                 (200, None)], l


def test_converters_and_generated_values_like_haproxy(echo, tmp_path):
    """map_str with and without a default, ipmask with a dotted mask and an
    IPv6 one, field/word with a count, regsub with flags, json of UTF-8,
    chains of converters, src_port's value: the same strings from HAProxy
    and lbd. uuid(), rand() and date() differ per request by nature: their
    shapes and ranges are checked on both."""
    be = echo()
    (tmp_path / "str.map").write_text("# exact keys\n/a one\n/b two words\n")
    sports = [free_port() for _ in range(3)]
    exprs = [
        "%[path,map_str({m})]", "%[path,map_str({m},dflt)]", "%[path,map({m},none)]",
        "%[hdr(x-ip),ipmask(255.255.0.0)]", "%[src,ipmask(255.0.0.0)]",
        "%[hdr(x-w),field(2,/,2)]", "%[hdr(x-w),word(1,/,2)]", "%[hdr(x-w),field(-2,/)]",
        "%[hdr(x-w),regsub(^/a,X,i)]", "%[hdr(x-w),regsub(b,Y,g)]",
        "%[hdr(x-u),json]", "%[hdr(x-u),json(ascii)]", "%[hdr(x-s),upper,lower,base64]",
        "%[hdr(x-s),hex,lower]", "%[src_port]", "%[src_port,add(1)]",
        "%[hdr(x-s),length]", "%[str(a:b:c),field(2,:)]",
        "%[hdr(x-ip),ipmask(255.0.255.0)]", "%[hdr(x-ip),ipmask(24,ffff:ffff::)]",
        "%[hdr(x-ip),ipmask(16,64)]", "%[hdr(x-ip),ipmask(8)]",
        "%[hdr(x-u),json(utf8)]", "%[hdr(x-u),json(utf8s)]", "%[hdr(x-u),json(utf8p)]",
        "%[hdr(x-u),json(utf8ps)]",
    ]
    # field/word with a count, at the edges (HAProxy's results are the bar)
    for s in ("f1_f2_f3__f5", "_f1_f2_f3__f5_"):
        for conv in ("field", "word"):
            parts = []
            for args in ("4", "5", "6", "7", "-1", "-4", "-6", "-7", "2,_,0", "2,_,2",
                         "-2,_,3", "-3,_,0", "2,_,10", "-2,_,10", "1,_,4", "1,_,3",
                         "-1,_,4", "-1,_,3", "6,_,2", "-6,_,6", "2,_,-1"):
                if "," not in args:
                    args += ",_"
                parts.append("%%[str(%s),%s(%s)]" % (s, conv, args))
            exprs.append("|".join(parts))
    rules = "\n".join("    http-request set-header X-E%d %s" % (i, e.replace("{m}", str(tmp_path / "str.map")))
                      for i, e in enumerate(exprs))
    cfg = HEAD + """frontend fe
    bind 127.0.0.1:{port}
%s
    http-request set-header X-Uuid %%[uuid()]
    http-request set-header X-Uuid4 %%[uuid(4)]
    http-request set-header X-Rand %%[rand(10)]
    http-request set-header X-Rand-All %%[rand()]
    http-request set-header X-Date %%[date()]
    http-request set-header X-Date-Plus %%[date(3600)]
    default_backend be
backend be
    server a 127.0.0.1:%d
""" % (rules, be.port)
    def raw(b):
        return b.decode("latin-1")    # bytes as they go on the wire
    cases = [("/a", [("X-IP", "198.51.100.77"), ("X-W", "/a/b/c/b"), ("X-S", "MiXed"),
                     ("X-U", raw("caf\u00e9 \"q\" \\ /x\t\u20ac\ufffd\u06cd".encode()))]),
             ("/b", [("X-IP", "2001:db8::1"), ("X-W", "/A/bb"), ("X-S", "x"),
                     ("X-U", raw(b"o\xc0\xafo|c\xc3z|\xed\xa0\x80|\xef\xbf\xbf|\xf0\x9f\x98\x80|"
                                 b"\xc3\xbf\xbf|\xe0\x80\xaf|\xbf"))]),
             ("/c", [("X-U", raw(b"bad\xe9utf\xc3"))])]

    def play(port, sock):
        out, gen = [], []
        for i, (path, headers) in enumerate(cases):
            t0 = int(time.time())
            st, hdrs, body = request(port, "GET", path, headers, ("127.0.0.1", sports[i]))
            assert st == 200, (st, body)
            got = seen(body)
            gen.append((t0, {k: got.pop(k, None) for k in ("x-uuid", "x-uuid4", "x-rand",
                                                             "x-rand-all", "x-date",
                                                             "x-date-plus")}))
            out.append((st, {k: v for k, v in got.items() if k.startswith("x-e")}))
        return out, gen

    h, l = each_proxy(cfg, play, tmp_path)
    assert l[0] == h[0], "\n haproxy %r\n lbd     %r" % (h[0], l[0])
    first = l[0][0][1]
    assert first["x-e0"] == "one" and first["x-e1"] == "one" and first["x-e3"] == "198.51.0.0"
    assert l[0][2][1]["x-e1"] == "dflt" and l[0][2][1]["x-e0"] == ""
    assert first["x-e14"] == str(sports[0]) and first["x-e15"] == str(sports[0] + 1)
    for name, (rows_h, rows_l) in (("gen", (h[1], l[1])),):
        for t0, g in rows_h + rows_l:
            for k in ("x-uuid", "x-uuid4"):
                u = uuid.UUID(g[k])
                assert str(u) == g[k] and u.version == 4, g
            assert 0 <= int(g["x-rand"]) < 10, g
            assert 0 <= int(g["x-rand-all"]) < 2 ** 32, g
            assert t0 <= int(g["x-date"]) <= t0 + 2, g
            assert int(g["x-date-plus"]) == int(g["x-date"]) + 3600, g
    uuids = [g["x-uuid"] for _, g in l[1]]
    assert len(set(uuids)) == len(uuids), uuids


def test_response_rewrites_and_return_file_like_haproxy(echo, tmp_path):
    """http-response add-header (a second value kept beside the first),
    replace-header (the whole value, with a back-reference), set-header
    with a response fetch, del-header; http-request return with a body
    from a file, its content-type and an extra header."""
    be = echo()
    page = tmp_path / "page.txt"
    page.write_bytes(b"from a file\nline 2\n")
    cfg = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    http-request return status 503 content-type "text/plain; charset=utf-8" file %s hdr X-Why maintenance if { path /maint }
    http-request return status 200 content-type text/plain file %s if { path /file }
    http-response add-header X-List added
    http-response add-header X-Two %%[status]-%%[res.hdr(server)]
    http-response replace-header Server ^(ec)(ho)$ \\2-\\1 if { status 200 }
    http-response replace-header Content-Type ^application/(.*)$ text/\\1-x
    http-response del-header X-Missing
    default_backend be
backend be
    server a 127.0.0.1:%d
""" % (page, page, be.port)

    def play(port, sock):
        out = []
        for path in ("/", "/status/404", "/maint", "/file"):
            st, hdrs, body = request(port, "GET", path)
            keep = {k: v for k, v in hdrs.items()
                    if k in ("x-list", "x-two", "server", "content-type", "x-why",
                             "content-length")}
            out.append((st, keep, body if path in ("/maint", "/file") else None))
        return out

    h, l = each_proxy(cfg, play, tmp_path)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    # (http.server sends a Server header of its own before the backend's)
    assert l[0][1]["x-list"] == "a, b, c\nadded" and l[0][1]["server"].endswith("\nho-ec"), l[0]
    assert l[0][1]["x-two"] == "200-echo" and l[0][1]["content-type"] == "text/json-x", l[0]
    assert l[1][1]["server"].endswith("\necho"), l[1]
    # (the response rules do not see what "return" answers)
    assert l[2] == (503, {"content-type": "text/plain; charset=utf-8", "x-why": "maintenance",
                          "content-length": "19"},
                    b"from a file\nline 2\n"), l[2]
    assert l[3][2] == b"from a file\nline 2\n", l[3]


TCP_CFG = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    stick-table type ip size 1k expire 30s store conn_cnt,conn_cur,http_req_cnt
    tcp-request connection accept if { src 127.0.0.3 }
    tcp-request connection reject if { src 127.0.0.2 } || { src 127.0.0.3 }
    tcp-request content accept if { src 127.0.0.5 }
    tcp-request content reject if { src 127.0.0.4 } || { src 127.0.0.5 }
    tcp-request content track-sc1 src table st
    tcp-request content track-sc2 src,ipmask(24)
    http-request set-header X-Sc %[sc1_conn_cur]/%[sc1_conn_cnt]/%[sc2_http_req_cnt]/%[sc_conn_cnt(1)]
    default_backend be
backend be
    server a 127.0.0.1:{a}
backend st
    stick-table type ip size 1k expire 30s store conn_cnt,conn_cur,http_req_cnt
"""


def test_tcp_request_accept_and_content_tracking_like_haproxy(echo, tmp_path):
    """tcp-request connection accept stops the connection rules (a later
    reject is not reached), tcp-request content accept likewise for the
    content rules; tcp-request content track-sc1 / track-sc2 (into another
    table and this one) count what the sc fetches read back; the tables'
    entries in "show table"."""
    be = echo()
    cfg = TCP_CFG.replace("{a}", str(be.port))

    def play(port, sock):
        out = []
        for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
                    "127.0.0.1"):
            try:
                st, hdrs, body = request(port, "GET", "/", src=(src, 0))
                out.append((src, st, seen(body).get("x-sc")))
            except (ConnectionError, http.client.HTTPException, OSError):
                out.append((src, "closed", None))
        time.sleep(0.2)
        tables = [table_entries(cli(sock, "show table %s" % t)) for t in ("st", "fe")]
        return out, tables

    h, l = each_proxy(cfg, play, tmp_path)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    assert [x[1] for x in l[0]] == [200, "closed", 200, "closed", 200, 200], l[0]
    # 127.0.0.5 was accepted before the tracking rules; the start-up probe
    # sent no request, so the content rules did not count it
    assert [x[2] for x in l[0]] == ["1/1/1/1", None, "1/1/2/1", None, "///", "1/2/3/2"], l[0]
    assert set(l[1][0]) == {"127.0.0.1", "127.0.0.3"} and set(l[1][1]) == {"127.0.0.0"}, l[1]


def table_entries(dump):
    """{key: data fields} of a "show table <t>" dump, without use/exp."""
    out = {}
    for line in dump.splitlines():
        m = re.match(r"0x[0-9a-f]+: key=(\S+) use=\d+ exp=\d+ (.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


STICK_CFG = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    http-request track-sc0 src table t_data
    http-request track-sc1 src table t_ip6
    http-request track-sc2 req.hdr(x-n) table t_int if { req.hdr(x-n) -m found }
    http-request track-sc2 req.hdr(x-k) table t_bin if { req.hdr(x-k) -m found }
    http-request sc-inc-gpc0(0) if { path /mark }
    http-request set-header X-Sc %[sc0_get_gpc0]/%[sc0_gpc0_rate]/%[sc0_conn_rate]/%[sc2_http_req_cnt]
    default_backend be
backend be
    balance roundrobin
    stick-table type ip size 1k expire 30s
    stick on src
    server a 127.0.0.1:{a}
    server b 127.0.0.1:{b}
backend t_data
    stick-table type ip size 1k expire 30s store conn_cnt,conn_rate(10s),bytes_in_rate(10s),bytes_out_rate(10s),gpc0,gpc0_rate(10s),http_err_cnt,http_err_rate(10s)
backend t_ip6
    stick-table type ipv6 size 1k expire 30s store http_req_cnt
backend t_int
    stick-table type integer size 1k expire 30s store http_req_cnt,http_req_rate(10s)
backend t_bin
    stick-table type binary len 8 size 1k expire 30s store http_req_cnt
"""


def test_stick_table_key_types_and_stored_data_like_haproxy(echo, tmp_path):
    """Keys of type ipv6 (an IPv4 source mapped), integer (from a header's
    text), binary (padded to its length); the data types gpc0 and
    gpc0_rate (sc-inc-gpc0), conn_cnt and conn_rate, bytes_in_rate and
    bytes_out_rate, http_err_cnt and http_err_rate, and the server_id a
    "stick on" stores: "show table" of each table and the sc fetches
    read the same in HAProxy and lbd."""
    a, b = echo("a"), echo("b")
    cfg = STICK_CFG.replace("{a}", str(a.port)).replace("{b}", str(b.port))
    cases = [("127.0.0.1", "/", [("X-N", "42")]), ("127.0.0.1", "/mark", [("X-K", "ab")]),
             ("127.0.0.2", "/status/404", [("X-N", "42")]), ("127.0.0.2", "/mark", []),
             ("127.0.0.1", "/mark", [("X-K", "abcdefgh")]), ("127.0.0.3", "/", [("X-N", "-7")])]

    def play(port, sock):
        out = []
        for src, path, headers in cases:
            st, hdrs, body = request(port, "GET", path, headers, src=(src, 0))
            j = json.loads(body)
            out.append((st, j["be"], j["headers"].get("x-sc")))
        time.sleep(0.2)
        return out, {t: table_entries(cli(sock, "show table %s" % t))
                     for t in ("be", "t_data", "t_ip6", "t_int", "t_bin")}

    h, l = each_proxy(cfg, play, tmp_path)
    assert l[0] == h[0], "\n haproxy %r\n lbd     %r" % (h[0], l[0])
    # HAProxy counts bytes of its internal form of the messages (HTX
    # blocks); lbd the bytes on the wire: compared apart
    nbytes = {}
    for name, got in (("haproxy", h), ("lbd", l)):
        for key, fields in got[1]["t_data"].items():
            m = re.search(r" bytes_in_rate\(10000\)=(\d+) bytes_out_rate\(10000\)=(\d+)$",
                          fields)
            assert m, fields
            nbytes[name, key] = (int(m.group(1)), int(m.group(2)))
            got[1]["t_data"][key] = fields[:m.start()]
    for t in h[1]:
        assert l[1][t] == h[1][t], "%s:\n haproxy %r\n lbd     %r" % (t, h[1][t], l[1][t])
    # the request of 127.0.0.3 as sent, and about the same responses
    req = b"GET / HTTP/1.1\r\nHost: h.example\r\nX-N: -7\r\n\r\n"
    assert nbytes["lbd", "127.0.0.3"][0] == len(req), nbytes
    for key in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        hb, lb = nbytes["haproxy", key], nbytes["lbd", key]
        assert abs(lb[0] - hb[0]) < hb[0] * 0.3 and abs(lb[1] - hb[1]) < hb[1] * 0.1, nbytes
    assert set(l[1]["t_ip6"]) == {"::ffff:127.0.0.1", "::ffff:127.0.0.2", "::ffff:127.0.0.3"}
    assert set(l[1]["t_int"]) == {"42", "4294967289"}   # 32-bit: -7
    assert set(l[1]["t_bin"]) == {"6162000000000000", "6162636465666768"}   # padded
    assert l[1]["t_data"]["127.0.0.1"].startswith("gpc0=2 gpc0_rate(10000)=2 conn_cnt=")


class RangeOrigin(HttpServerThread):
    """A text body; a Range request is answered 206 with that part."""

    BODY = b"".join(b"row %05d of a text that compresses well\n" % i for i in range(500))

    def __init__(self):
        self.port = free_port()
        body = self.BODY

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self):
                rng = self.headers.get("Range")
                part, status = body, 200
                if rng and self.path != "/ignore-range":
                    lo, hi = (int(x) for x in rng.split("=")[1].split("-"))
                    part, status = body[lo:hi + 1], 206
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("ETag", '"v1"')
                if status == 206:
                    self.send_header("Content-Range", "bytes %d-%d/%d" % (lo, hi, len(body)))
                self.send_header("Content-Length", str(len(part)))
                self.end_headers()
                self.wfile.write(part)

            def log_message(self, *a):
                pass

        self.serve(H)


@pytest.mark.parametrize("algo", ["gzip", "identity"])
def test_compression_identity_and_ranges_like_haproxy(tmp_path, algo):
    """compression algo identity (chosen like any algorithm, the body
    left as it is), and ranged responses: a 206 part is never compressed,
    a Range the server ignored (200) is; User-Agent Mozilla/4 is left
    alone as in HAProxy."""
    o = RangeOrigin()
    cfg = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    default_backend be
backend be
    compression algo %s
    compression type text/plain
    server o 127.0.0.1:%d
""" % (algo, o.port)
    cases = [("/", [("Accept-Encoding", "gzip")]),
             ("/", [("Accept-Encoding", "identity")]),
             ("/", []), ("/", [("Accept-Encoding", "identity;q=0, gzip")]),
             ("/", [("Accept-Encoding", "*;q=0, br")]),
             ("/", [("Accept-Encoding", "gzip"), ("Range", "bytes=0-99")]),
             ("/ignore-range", [("Accept-Encoding", "gzip"), ("Range", "bytes=0-99")]),
             ("/", [("Accept-Encoding", "gzip"), ("User-Agent", "Mozilla/4.0 (old)")])]

    def play(port, sock):
        out = []
        for path, headers in cases:
            st, hdrs, body = request(port, "GET", path, headers)
            if hdrs.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            out.append((st, {k: v for k, v in hdrs.items()
                             if k in ("content-encoding", "transfer-encoding", "vary",
                                      "content-range", "content-length", "etag")}, body))
        return out

    try:
        h, l = each_proxy(cfg, play, tmp_path)
    finally:
        o.stop()
    for i, (hc, lc) in enumerate(zip(h, l)):
        assert lc == hc, "%r:\n haproxy %r\n lbd     %r" % (cases[i], hc[:2], lc[:2])
    full = RangeOrigin.BODY
    assert [x[2] for x in l] == [full] * 5 + [full[:100], full, full]
    assert ("content-encoding" in l[0][1]) == (algo == "gzip"), l[0]
    assert "content-encoding" not in l[5][1] and "content-encoding" not in l[7][1]


def test_condition_operators_like_haproxy(echo, tmp_path):
    """if / unless, implicit AND binding tighter than || and "or", "!" on
    a named and an anonymous ACL, an ACL declared twice ORing its
    patterns, use_backend ... unless: the same outcomes in both."""
    a, b = echo("a"), echo("b")
    conds = [
        "if A B || C", "if A or B C", "unless A || B", "unless A B", "if !A !{ path_end /z }",
        "if { path_beg /x } or !{ hdr(x-b) -m found }", "if D", "unless !D",
        "if A !B or !C D", "if { src 127.0.0.1 } { dst_port {port} } { method GET }",
    ]
    rules = "\n".join("    http-request set-header X-H%d 1 %s" % (i, c) for i, c in enumerate(conds))
    cfg = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    acl A path_beg /a
    acl B hdr(x-b) -m found
    acl C hdr(x-c) -m found
    acl D path_end .d
    acl D hdr(x-d) yes
%s
    use_backend be_b unless { path_beg /a } || { hdr(x-b) -m found }
    default_backend be
backend be
    server a 127.0.0.1:%d
backend be_b
    server b 127.0.0.1:%d
""" % (rules, a.port, b.port)
    cases = [("/a", []), ("/a", [("X-B", "1")]), ("/q", [("X-C", "1")]), ("/x/z", []),
             ("/f.d", []), ("/g", [("X-D", "yes")]), ("/a/z", [("X-B", "1"), ("X-C", "1"),
                                                           ("X-D", "no")])]

    def play(port, sock):
        out = []
        for path, headers in cases:
            st, hdrs, body = request(port, "GET", path, headers)
            out.append((st, json.loads(body)["be"], hits(body)))
        return out

    h, l = each_proxy(cfg, play, tmp_path)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    assert l == [(200, "a", "bdfij"), (200, "a", "abj"), (200, "b", "acdefj"),
                 (200, "b", "cdfj"), (200, "b", "cdefghij"), (200, "b", "cdefghij"),
                 (200, "a", "abj")], l


def test_stick_table_evicts_the_least_recently_used_entry(echo, tmp_path):
    """A table of size 3: a fourth key evicts the entry used least
    recently (not the oldest one, which was just used again); the table
    never holds more than its size. lbd's documented policy (HAProxy
    trashes entries by expiry date, in batches: not compared)."""
    be = echo()
    sock = str(tmp_path / "lbd.sock")
    port = free_port()
    cfg = (HEAD + """frontend fe
    bind 127.0.0.1:{port}
    stick-table type string len 8 size 3 expire 60s store http_req_cnt
    http-request track-sc0 req.hdr(x-k)
    default_backend be
backend be
    server a 127.0.0.1:%d
""" % be.port).replace("{port}", str(port)).replace("{sock}", sock)
    d = Lbd(cfg, [port])
    try:
        def send(key):
            assert request(port, "GET", "/", [("X-K", key)])[0] == 200

        for key in ("k1", "k2", "k3", "k1", "k4"):
            send(key)
        time.sleep(0.1)
        dump = cli(sock, "show table fe")
        assert table_entries(dump) == {"k1": "http_req_cnt=2", "k3": "http_req_cnt=1",
                                       "k4": "http_req_cnt=1"}, dump
        for key in ("k5", "k3", "k6"):
            send(key)
        time.sleep(0.1)
        dump = cli(sock, "show table fe")
        assert set(table_entries(dump)) == {"k3", "k5", "k6"}, dump
        assert "size:3, used:3" in dump.splitlines()[0], dump
    finally:
        d.stop()


def test_be_conn_fe_conn_and_nbsrv_count_live_connections_like_haproxy(echo, backends, tmp_path):
    """be_conn, fe_conn, nbsrv and srv_is_up read while a slow request
    holds a connection of backend be: one there, two on the frontend;
    with the server disabled, nbsrv drops to 0 and srv_is_up is false."""
    (slow,) = backends(1)
    e = echo()
    cfg = HEAD + """frontend fe
    bind 127.0.0.1:{port}
    use_backend be if { path_beg /sleep }
    http-request set-header X-C %%[be_conn(be)]/%%[fe_conn]/%%[nbsrv(be)]/%%[srv_is_up(be/s1)]/%%[be_conn(be_echo)]
    acl busy be_conn(be) ge 1
    http-request set-header X-Busy 1 if busy
    default_backend be_echo
backend be
    server s1 %s
backend be_echo
    server e 127.0.0.1:%d
""" % (slow.addr, e.port)

    def play(port, sock):
        import threading
        out = {}
        t = threading.Thread(target=lambda: out.setdefault(
            "slow", request(port, "GET", "/sleep/700")[0]))
        t.start()
        time.sleep(0.3)
        busy = seen(request(port, "GET", "/")[2])
        t.join()
        time.sleep(0.1)
        idle = seen(request(port, "GET", "/")[2])
        cli(sock, "disable server be/s1")
        down = seen(request(port, "GET", "/")[2])
        return out["slow"], busy, idle, down

    h, l = each_proxy(cfg, play, tmp_path)
    assert l == h, "\n haproxy %r\n lbd     %r" % (h, l)
    assert l[0] == 200
    assert l[1] == {"x-c": "1/2/1/1/0", "x-busy": "1"}, l
    assert l[2] == {"x-c": "0/1/1/1/0"} and l[3] == {"x-c": "0/1/0/0/0"}, l
