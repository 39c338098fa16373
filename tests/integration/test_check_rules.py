"""Several check steps, as HAProxy 2.6 allows: http-check connect/send/expect
sequences (two connections, or two requests on one keep-alive connection)
and tcp-check sequences, run by one rule engine; a defaults section's rules
are replaced, not extended, by a backend's own."""
import time

from backend import TcpEcho
from conftest import check_config, free_port
from test_checks import cfg, tcp_cfg, wait_log


def no_down(l, wait=1.5):
    time.sleep(wait)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()


def test_two_connections_each_with_its_request_and_expect(lbd, backends):
    s1, side = backends(2)
    port = free_port()
    rules = ("    option httpchk\n"
             "    http-check connect\n"
             "    http-check send meth GET uri /name\n"
             "    http-check expect string s1\n"
             "    http-check connect port %d\n"
             "    http-check send meth GET uri /status/%%d\n"
             "    http-check expect status 200-299\n" % side.port)
    l = lbd(cfg(port, [("s1", s1.addr, "")], check=rules % 204), [port])
    no_down(l)
    assert side.conns > 0       # the second connection went to the port given
    port2 = free_port()
    l2 = lbd(cfg(port2, [("s1", s1.addr, "")], check=rules % 503), [port2])
    line = wait_log(l2, r"Server be/s1 is DOWN")
    assert "reason: Layer7 wrong status, code: 503" in line, line


def test_two_requests_on_one_keep_alive_connection(lbd, backends):
    (s1,) = backends(1)
    rules = ("    http-check send meth GET uri /name ver HTTP/1.1 hdr Host lbd\n"
             "    http-check expect status 200\n"
             "    http-check send meth GET uri /status/404 ver HTTP/1.1 hdr Host lbd\n"
             "    http-check expect status %s\n")
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "")], check=rules % "404"), [port])
    no_down(l)
    conns, reqs = s1.conns, s1.requests
    assert reqs >= 2 * conns > 0, (conns, reqs)   # both requests on each connection
    port2 = free_port()
    l2 = lbd(cfg(port2, [("s1", s1.addr, "")], check=rules % "200"), [port2])
    line = wait_log(l2, r"Server be/s1 is DOWN")
    assert "reason: Layer7 wrong status, code: 404" in line, line


def test_tcp_check_two_sequences_on_two_connections(lbd):
    a, b = TcpEcho("a").start(), TcpEcho("b").start()
    try:
        rules = ("    tcp-check connect\n"
                 "    tcp-check send hello\\n\n"
                 "    tcp-check expect string hello\n"
                 "    tcp-check connect port %d\n"
                 "    tcp-check send world\\n\n"
                 "    tcp-check expect string %s\n")
        port = free_port()
        l = lbd(tcp_cfg(port, [("e1", a.addr)], rules % (b.port, "world")), [port])
        no_down(l)
        assert b.conns > 0
        port2 = free_port()
        l2 = lbd(tcp_cfg(port2, [("e1", a.addr)], rules % (b.port, "nope")), [port2])
        line = wait_log(l2, r"Server be/e1 is DOWN")
        # the echo never says "nope": the second sequence's expect times out
        assert 'Layer7 timeout, info: "TCPCHK timeout waiting for content at step 6"' \
            in line, line
    finally:
        a.stop()
        b.stop()


def test_backend_rules_replace_the_defaults_rules(lbd, backends):
    (s1,) = backends(1)
    port = free_port()
    text = cfg(port, [("s1", s1.addr, "")], check="    http-check expect status 200\n")
    text = text.replace("    log stdout format raw local0\n",
                        "    log stdout format raw local0\n    option httpchk GET /name\n"
                        "    http-check expect status 500\n", 1)
    l = lbd(text, [port])
    no_down(l)


def test_defaults_rules_apply_when_the_backend_has_none(lbd, backends):
    (s1,) = backends(1)
    port = free_port()
    text = cfg(port, [("s1", s1.addr, "")])
    text = text.replace("    log stdout format raw local0\n",
                        "    log stdout format raw local0\n    option httpchk GET /name\n"
                        "    http-check expect status 500\n", 1)
    l = lbd(text, [port])
    wait_log(l, r"Server be/s1 is DOWN, reason: Layer7 wrong status, code: 200")


def test_unsupported_http_check_forms_are_refused():
    for line, what in [("http-check send-state", "'http-check send-state' is not "
                        "supported yet"),
                       ("http-check connect ssl", "'http-check connect ssl' is not "
                        "supported yet"),
                       ("http-check expect min-recv 10 status 200", "'http-check "
                        "expect min-recv' is not supported yet"),
                       ("http-check expect hdr name-lf x", "'name-lf' is not "
                        "supported yet"),
                       ("http-check send uri-lf /x", "'http-check send uri-lf' is not "
                        "supported yet")]:
        rc, out, _ = check_config("backend be\n    option httpchk\n    %s\n"
                                  "    server s1 127.0.0.1:1 check\n" % line)
        assert rc != 0 and what in out and ".cfg:3]" in out, (line, out)


def test_expect_hdr_and_fhdr_on_response_headers(lbd, backends):
    """The test backends answer with "X-Server: <name>"."""
    (s1,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, [("s1", s1.addr, "")],
                check="    option httpchk GET /name\n"
                      "    http-check send\n"
                      "    http-check expect hdr name x-server value s1\n"
                      "    http-check connect\n"
                      "    http-check send\n"
                      "    http-check expect fhdr name -m reg ^x-serv value -m beg s\n"
                      "    http-check connect\n"
                      "    http-check send\n"
                      "    http-check expect ! hdr name x-nothing-like-this\n"), [port])
    no_down(l)
    assert s1.requests >= 6
    port2 = free_port()
    l2 = lbd(cfg(port2, [("s1", s1.addr, "")],
                 check="    option httpchk GET /name\n"
                       "    http-check expect hdr name X-Server value -m sub zz\n"), [port2])
    line = wait_log(l2, r"Server be/s1 is DOWN")
    assert 'reason: Layer7 invalid response, code: 200, info: "header X-Server did not ' \
           'match"' in line, line
