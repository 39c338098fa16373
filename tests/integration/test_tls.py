"""TLS on both sides of lbd, against real peers: openssl s_client and curl as
clients, a Python ssl server as a TLS backend. A throwaway PKI (root CA,
intermediate, RSA and ECDSA leaves, a client certificate) is made with the
openssl CLI in a temporary directory; one lbd serves every scenario.

Shown: the chain served, SNI choosing the certificate (exact, wildcard,
default) and RSA or ECDSA by what the client accepts, versions below the
minimum refused, only the configured ciphers negotiated, resumption by
ticket and by session id, ALPN (h2 left out, with its warning), the ssl_fc*
and ssl_c_* fetches, client certificates accepted and refused, the HTTPS
redirect, backend TLS verified against the test CA (and refused for a
wrong name), TLS health checks, "show ssl cert", a wrong key refused at
"lbd -c", and garbage on the TLS port never hurting lbd."""
import http.server
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from backend import Backend
from conftest import Lbd, check_config, cli, free_port, HttpServerThread


def run(*args, inp=b"", timeout=10):
    p = subprocess.run(args, input=inp, capture_output=True, timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def mkcert(d, name, cn, san=None, issuer=None, ec=False, ca=False, serial=1):
    key, crt = os.path.join(d, name + ".key"), os.path.join(d, name + ".crt")
    newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if ec else \
             ["-newkey", "rsa:2048"]
    ext = os.path.join(d, name + ".ext")
    with open(ext, "w") as f:
        if ca:
            f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n")
        else:
            f.write("basicConstraints=CA:FALSE\n")
            if san:
                f.write("subjectAltName=" + ",".join("DNS:" + s for s in san) + "\n")
    if issuer is None:
        rc, out = run("openssl", "req", "-x509", *newkey, "-nodes", "-keyout", key,
                      "-out", crt, "-days", "2", "-subj", "/CN=" + cn,
                      "-extensions", "v3_ca" if ca else "usr_cert",
                      "-addext", "basicConstraints=critical,CA:TRUE" if ca else
                      "basicConstraints=CA:FALSE")
        assert rc == 0, out
        return key, crt
    csr = os.path.join(d, name + ".csr")
    rc, out = run("openssl", "req", *newkey, "-nodes", "-keyout", key, "-out", csr,
                  "-subj", "/CN=" + cn)
    assert rc == 0, out
    rc, out = run("openssl", "x509", "-req", "-in", csr, "-CA", issuer[1], "-CAkey",
                  issuer[0], "-set_serial", str(serial), "-days", "2", "-out", crt,
                  "-extfile", ext)
    assert rc == 0, out
    return key, crt


def cat(d, name, *files):
    path = os.path.join(d, name)
    with open(path, "w") as out:
        for f in files:
            out.write(open(f).read())
    return path


class TlsBackend(HttpServerThread):
    """An HTTPS server answering with the SNI it saw."""

    def __init__(self, crt, key, client_ca=None):
        self.port = free_port()
        self.sni = []
        self.sni_callback = lambda s, name, c: self.sni.append(name)

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = b"tls-backend"
                self.send_response(200)
                self.send_header("X-Resumed", "%d" % self.request.session_reused)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.serve(H, (crt, key, client_ca) if client_ca else (crt, key))


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("pki"))
    root = mkcert(d, "root", "lbd test root", ca=True)
    inter = mkcert(d, "inter", "lbd test intermediate", issuer=root, ca=True, serial=2)
    rsa = mkcert(d, "rsa", "www.example.test", ["www.example.test", "example.test"],
                 issuer=inter, serial=3)
    ecd = mkcert(d, "ecdsa", "www.example.test", ["www.example.test", "example.test"],
                 issuer=inter, ec=True, serial=4)
    other = mkcert(d, "other", "other.test", ["other.test"], issuer=inter, serial=5)
    wild = mkcert(d, "wild", "*.wild.test", ["*.wild.test"], issuer=inter, ec=True, serial=6)
    back = mkcert(d, "back", "backend.test", ["backend.test"], issuer=root, serial=7)
    client = mkcert(d, "client", "client one", issuer=root, serial=8)
    client2 = mkcert(d, "client2", "client two", issuer=root, serial=9)
    rogue = mkcert(d, "rogue", "client rogue")
    os.mkdir(os.path.join(d, "certdir"))
    p = {"dir": d, "ca": root[1], "client": client, "client2": client2, "rogue": rogue,
         "back": back}
    p["client_pem"] = cat(d, "client.pem", client[1], client[0])
    # a CRL from the root revoking client two
    open(os.path.join(d, "ca_index.txt"), "w").close()
    with open(os.path.join(d, "crlnumber"), "w") as f:
        f.write("01\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = %s/ca_index.txt\ncrlnumber = "
                "%s/crlnumber\ncertificate = %s\nprivate_key = %s\ndefault_md = sha256\n"
                "default_crl_days = 2\n" % (d, d, root[1], root[0]))
    for args in (("-revoke", client2[1]), ("-gencrl", "-out", os.path.join(d, "crl.pem"))):
        rc, out = run("openssl", "ca", "-config", os.path.join(d, "ca.cnf"), *args)
        assert rc == 0, out
    p["crl"] = os.path.join(d, "crl.pem")
    p["rsa"] = cat(d, "rsa.pem", rsa[1], inter[1], rsa[0])
    # an OCSP response about rsa.crt from its issuer, to staple (the
    # responder knows no certificate: a successful response, status unknown)
    open(os.path.join(d, "index.txt"), "w").close()
    rc, out = run("openssl", "ocsp", "-issuer", inter[1], "-cert", rsa[1], "-no_nonce",
                  "-reqout", os.path.join(d, "req.der"))
    assert rc == 0, out
    rc, out = run("openssl", "ocsp", "-index", os.path.join(d, "index.txt"), "-rsigner",
                  inter[1], "-rkey", inter[0], "-CA", inter[1], "-reqin",
                  os.path.join(d, "req.der"), "-respout", p["rsa"] + ".ocsp", "-ndays", "1")
    assert rc == 0, out
    cat(d, "certdir/ecdsa.pem", ecd[1], inter[1], ecd[0])
    cat(d, "certdir/other.pem", other[1], inter[1], other[0])
    # key beside the certificate, in wild.pem.key
    cat(d, "certdir/wild.pem", wild[1], inter[1])
    cat(d, "certdir/wild.pem.key", wild[0])
    p["mismatch"] = cat(d, "mismatch.pem", rsa[1], other[0])
    # a ClientHello as openssl sends it, SNI other.test, to replay by hand
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cl = subprocess.Popen(["openssl", "s_client", "-connect", "127.0.0.1:%d" %
                           srv.getsockname()[1], "-servername", "other.test"],
                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    c, _ = srv.accept()
    c.settimeout(5)
    hello = b""
    while len(hello) < 5 or len(hello) < 5 + int.from_bytes(hello[3:5], "big"):
        hello += c.recv(65536)
    c.close()
    srv.close()
    cl.kill()
    cl.wait()
    with open(os.path.join(d, "hello.bin"), "wb") as f:
        f.write(hello)
    return p


CFG = """
global
    maxconn 200
    stats socket {sock} level admin
    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256
    tune.ssl.cachesize 1000
    tune.ssl.lifetime 60
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend main
    bind 127.0.0.1:{main} ssl crt {rsa} crt {dir}/certdir alpn h2,http/1.1 ssl-min-ver TLSv1.2
    bind 127.0.0.1:{plain}
    http-request redirect scheme https unless {{ ssl_fc }}
    http-request set-header X-SSL %[ssl_fc]
    http-request set-header X-SNI %[ssl_fc_sni]
    http-request set-header X-Proto %[ssl_fc_protocol]
    http-request set-header X-Cipher %[ssl_fc_cipher]
    http-request set-header X-ALPN %[ssl_fc_alpn]
    default_backend echo
frontend strict
    bind 127.0.0.1:{strict} ssl crt {rsa} ssl-max-ver TLSv1.2 ciphers ECDHE-RSA-AES128-GCM-SHA256 no-tls-tickets
    default_backend echo
frontend prefs
    bind 127.0.0.1:{srvpref} ssl crt {rsa} ssl-max-ver TLSv1.2 ciphers ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
    bind 127.0.0.1:{clipref} ssl crt {rsa} ssl-max-ver TLSv1.2 ciphers ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256 prefer-client-ciphers
    default_backend echo
frontend mtls
    bind 127.0.0.1:{req} ssl crt {rsa} verify required ca-file {ca}
    bind 127.0.0.1:{opt} ssl crt {rsa} verify optional ca-file {ca}
    http-request set-header X-CUsed %[ssl_c_used]
    http-request set-header X-Verify %[ssl_c_verify]
    http-request set-header X-SDN %[ssl_c_s_dn]
    http-request set-header X-IDN %[ssl_c_i_dn]
    default_backend echo
frontend revoked
    bind 127.0.0.1:{revoked} ssl crt {rsa} verify required ca-file {ca} crl-file {crlfile}
    default_backend echo
frontend tobe
    bind 127.0.0.1:{tobe}
    use_backend tlsbad if {{ path_beg /bad }}
    use_backend mtls_ok if {{ path_beg /mtls-ok }}
    use_backend tlsnew if {{ path_beg /new }}
    use_backend mtls_none if {{ path_beg /mtls-none }}
    default_backend tlsbe
frontend sniroute
    mode tcp
    bind 127.0.0.1:{route}
    tcp-request inspect-delay 3s
    tcp-request content reject unless {{ req.ssl_hello_type 1 }}
    use_backend pass_main if {{ req.ssl_sni -i other.test }}
    default_backend pass_py
frontend tlstcp
    mode tcp
    bind 127.0.0.1:{tlstcp} ssl crt {rsa} crt {dir}/certdir
    tcp-request inspect-delay 2s
    tcp-request content accept
    use_backend tcp_echo if {{ ssl_fc_sni -i other.test }}
    default_backend tcp_none
backend tcp_echo
    mode tcp
    server e 127.0.0.1:{echo}
backend tcp_none
    mode tcp
    server n 127.0.0.1:1
backend pass_main
    mode tcp
    server m 127.0.0.1:{main}
backend pass_py
    mode tcp
    server p 127.0.0.1:{tlsport}
backend echo
    server e1 127.0.0.1:{echo}
backend tlsbe
    server t1 127.0.0.1:{tlsport} ssl verify required ca-file {ca} sni str(backend.test) check inter 200
backend mtls_ok
    server c1 127.0.0.1:{mtlsport} ssl verify required ca-file {ca} sni str(backend.test) crt {client_pem}
backend mtls_none
    server c2 127.0.0.1:{mtlsport} ssl verify required ca-file {ca} sni str(backend.test)
backend tlsnew
    http-reuse never
    server t3 127.0.0.1:{tlsport} ssl verify required ca-file {ca} sni str(backend.test)
backend tlsbad
    server t2 127.0.0.1:{tlsport} ssl verify required ca-file {ca} sni str(wrong.test)
"""


@pytest.fixture(scope="module")
def env(pki, tmp_path_factory):
    echo = Backend("e1").start()
    tb = TlsBackend(pki["back"][1], pki["back"][0])
    mtb = TlsBackend(pki["back"][1], pki["back"][0], client_ca=pki["ca"])
    ports = {k: free_port() for k in ("main", "plain", "strict", "req", "opt", "tobe", "route",
                                       "revoked", "tlstcp", "srvpref", "clipref")}
    sock = str(tmp_path_factory.mktemp("sock") / "admin.sock")
    cfg = CFG.format(sock=sock, rsa=pki["rsa"], dir=pki["dir"], ca=pki["ca"],
                     echo=echo.port, tlsport=tb.port, mtlsport=mtb.port,
                     crlfile=pki["crl"], client_pem=pki["client_pem"], **ports)
    lbd = Lbd(cfg, list(ports.values()))
    try:
        yield dict(ports, sock=sock, lbd=lbd, tb=tb, **pki)
    finally:
        lbd.stop()
        tb.stop()
        mtb.stop()
        echo.stop()


def s_client(port, *args, inp=b"Q\n"):
    return run("openssl", "s_client", "-connect", "127.0.0.1:%d" % port, *args, inp=inp)


def curl(env, port, path="/headers", host="www.example.test", *args):
    rc, out = run("curl", "-sS", "--max-time", "10", "--cacert", env["ca"], "--resolve",
                  "%s:%d:127.0.0.1" % (host, port), "-w", "\n%{http_code} %{http_version}",
                  *args, "https://%s:%d%s" % (host, port, path))
    return rc, out


def subject(out):
    for line in out.splitlines():
        if line.startswith("subject="):
            return line
    return ""


def test_chain_and_sni_pick_the_certificate(env):
    rc, out = s_client(env["main"], "-servername", "www.example.test", "-showcerts",
                       "-CAfile", env["ca"], "-verify_return_error")
    assert rc == 0, out
    assert out.count("-----BEGIN CERTIFICATE-----") == 2     # leaf + intermediate
    assert "Verify return code: 0 (ok)" in out
    assert "CN = www.example.test" in subject(out)
    for name, cn in (("other.test", "other.test"), ("a.wild.test", "*.wild.test"),
                     ("unknown.test", "www.example.test")):
        rc, out = s_client(env["main"], "-servername", name)
        assert rc == 0 and "CN = " + cn in subject(out), (name, out)
    # two labels are not covered by the wildcard: the default certificate
    rc, out = s_client(env["main"], "-servername", "b.a.wild.test")
    assert "CN = www.example.test" in subject(out)


def test_ocsp_response_stapled(env, pki, tmp_path):
    rc, out = s_client(env["main"], "-servername", "www.example.test", "-status",
                       "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")     # rsa.pem has one
    assert "OCSP Response Status: successful" in out and "Cert Status: unknown" in out, out
    rc, out = s_client(env["main"], "-servername", "other.test", "-status")
    assert "OCSP response: no response sent" in out, out
    # a response about another certificate is refused at load
    other = cat(str(tmp_path), "other.pem", os.path.join(pki["dir"], "other.crt"),
                os.path.join(pki["dir"], "inter.crt"), os.path.join(pki["dir"], "other.key"))
    shutil.copy(pki["rsa"] + ".ocsp", other + ".ocsp")
    rc, out, _ = check_config("frontend f\n    bind 127.0.0.1:1 ssl crt %s\n" % other)
    assert rc != 0 and "the response is not about" in out, out


def test_rsa_or_ecdsa_by_client_capability(env):
    rc, out = s_client(env["main"], "-servername", "www.example.test", "-sigalgs",
                       "ECDSA+SHA256")
    assert rc == 0 and "Peer signature type: ECDSA" in out, out
    rc, out = s_client(env["main"], "-servername", "www.example.test", "-sigalgs",
                       "RSA-PSS+SHA256:RSA+SHA256")
    assert rc == 0 and "Peer signature type: RSA" in out, out


def test_versions_below_minimum_and_above_maximum_refused(env):
    for v in ("-tls1", "-tls1_1"):
        rc, out = s_client(env["main"], v, "-cipher", "DEFAULT:@SECLEVEL=0")
        assert rc != 0, out
    rc, out = s_client(env["main"], "-tls1_2")
    assert rc == 0 and "Protocol  : TLSv1.2" in out, out
    rc, out = s_client(env["strict"], "-tls1_3")
    assert rc != 0, out
    rc, out = s_client(env["strict"], "-tls1_2")
    assert rc == 0 and "Protocol  : TLSv1.2" in out, out


def test_only_configured_ciphers(env):
    rc, out = s_client(env["strict"], "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384")
    assert rc != 0, out
    rc, out = s_client(env["strict"], "-tls1_2")
    assert "Cipher    : ECDHE-RSA-AES128-GCM-SHA256" in out, out
    # whose order wins: the server's, unless prefer-client-ciphers
    order = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"
    rc, out = s_client(env["srvpref"], "-tls1_2", "-cipher", order)
    assert "Cipher    : ECDHE-RSA-AES256-GCM-SHA384" in out, out
    rc, out = s_client(env["clipref"], "-tls1_2", "-cipher", order)
    assert "Cipher    : ECDHE-RSA-AES128-GCM-SHA256" in out, out
    # TLS 1.3 suites from ssl-default-bind-ciphersuites
    rc, out = s_client(env["main"], "-ciphersuites", "TLS_AES_256_GCM_SHA384")
    assert rc != 0, out
    rc, out = s_client(env["main"], "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
    assert rc == 0 and "TLS_CHACHA20_POLY1305_SHA256" in out, out


REQ = b"GET /name HTTP/1.0\r\n\r\n"


def test_resumption_by_ticket_and_by_session_id(env, tmp_path):
    sess = str(tmp_path / "sess")
    for port, how in ((env["main"], "ticket"), (env["strict"], "session id")):
        for args in (("-tls1_2",), ()):
            if port == env["strict"] and not args:
                continue
            # a request read to its end: TLS 1.3 tickets follow the handshake
            rc, out = s_client(port, *args, "-ign_eof", "-sess_out", sess, inp=REQ)
            assert rc == 0 and "New," in out, out
            rc, out = s_client(port, *args, "-ign_eof", "-sess_in", sess, inp=REQ)
            assert rc == 0 and "Reused," in out, (how, args, out)
    # a session made on a certificate chosen by SNI resumes there too
    rc, out = s_client(env["main"], "-servername", "other.test", "-ign_eof", "-sess_out",
                       sess, inp=REQ)
    assert rc == 0 and "New," in out, out
    rc, out = s_client(env["main"], "-servername", "other.test", "-ign_eof", "-sess_in",
                       sess, inp=REQ)
    assert rc == 0 and "Reused," in out, out
    # no ticket from the no-tls-tickets line: the resumption was by id
    rc, out = s_client(env["strict"], "-tls1_2", "-reconnect")
    assert out.count("Reused,") >= 4 and "TLS session ticket:" not in out, out
    # what lbd reports (HAProxy's show info fields)
    info = dict(l.split(": ", 1) for l in cli(env["sock"], "show info").splitlines()
                if ": " in l)
    assert int(info["CumSslConns"]) >= 12
    assert 0 < int(info["SslFrontendSessionReuse_pct"]) < 100
    assert int(info["CurrSslConns"]) < int(info["CumSslConns"])


def test_alpn_h2_left_out(env):
    rc, out = s_client(env["main"], "-alpn", "h2,http/1.1")
    assert "ALPN protocol: http/1.1" in out, out
    rc, out = s_client(env["main"], "-alpn", "h2")
    assert "No ALPN negotiated" in out, out
    rc, out = curl(env, env["main"], "/headers", "www.example.test", "--http2")
    assert rc == 0 and out.endswith("200 1.1"), out
    assert "x-alpn: http/1.1" in out.lower()
    assert "h2 is left out" in env["lbd"].stderr()


def test_fetches_and_redirect(env):
    rc, out = curl(env, env["main"], "/headers", "other.test", "--tlsv1.3")
    assert rc == 0 and out.endswith("200 1.1"), out
    low = out.lower()
    assert "x-ssl: 1" in low and "x-sni: other.test" in low
    assert "x-proto: tlsv1.3" in low and "x-cipher: tls_" in low
    rc, out = run("curl", "-sS", "-i", "http://127.0.0.1:%d/some/path" % env["plain"])
    assert "302" in out.splitlines()[0] and "location: https://" in out.lower(), out


def test_large_bodies_both_ways(env, tmp_path):
    """Records bigger than the buffers, partial TLS writes, decrypted bytes
    waiting while the other side is slow: every byte arrives."""
    rc, out = curl(env, env["main"], "/size/3000000", "www.example.test",
                   "-o", str(tmp_path / "dl"))
    assert rc == 0 and out.endswith("200 1.1"), out
    assert os.path.getsize(tmp_path / "dl") == 3000000
    up = tmp_path / "up"
    up.write_bytes(os.urandom(2000000))
    rc, out = curl(env, env["main"], "/echo", "www.example.test", "--data-binary",
                   "@%s" % up, "-H", "Content-Type: application/octet-stream",
                   "-o", str(tmp_path / "echo"))
    assert rc == 0 and out.endswith("200 1.1"), out
    assert (tmp_path / "echo").read_bytes().startswith(up.read_bytes()[:1000])


GATHER_CFG = """global
    tune.sndbuf.client 8192
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend small
    bind 127.0.0.1:{port} ssl crt {rsa}
    http-request return status 200 content-type text/plain string ok if {{ path /ok }}
    default_backend b
backend b
    server s1 127.0.0.1:{be}
"""


@pytest.fixture(scope="module")
def small_sndbuf(pki):
    """lbd with a small client send buffer (tune.sndbuf.client): its TLS
    records meet a full socket at once."""
    be = Backend("s1").start()
    port = free_port()
    lbd = Lbd(GATHER_CFG.format(port=port, rsa=pki["rsa"], be=be.port), [port])
    try:
        yield dict(port=port, ca=pki["ca"], lbd=lbd)
    finally:
        lbd.stop()
        be.stop()


def slow_reader(env):
    """A TLS client with a small receive window that reports an end
    without close_notify as an error."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.settimeout(10)
    raw.connect(("127.0.0.1", env["port"]))
    ctx = ssl.create_default_context(cafile=env["ca"])
    return ctx.wrap_socket(raw, server_hostname="www.example.test",
                           suppress_ragged_eofs=False)


def read_to_close(s):
    data = b""
    while True:
        chunk = s.recv(65536)            # SSLEOFError without close_notify
        if not chunk:
            break
        data += chunk
    s.close()
    return data


@pytest.mark.parametrize("kind", ["large", "pipelined"])
def test_gathered_records_wait_for_a_slow_reader_before_the_close(small_sndbuf, kind):
    """lbd gathers a pass's small TLS records and sends them together; when
    the socket is full they wait for it (the next transaction and the close
    too), and the connection closes with close_notify after the last byte:
    a close-mode response with a small last record, and two thousand small
    pipelined answers the client reads only later."""
    s = slow_reader(small_sndbuf)
    n = 2000 if kind == "pipelined" else 300000 + 37
    if kind == "pipelined":
        reqs = (b"GET /ok HTTP/1.1\r\nHost: t\r\n\r\n" * (n - 1) +
                b"GET /ok HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    else:
        reqs = (b"GET /size/%d HTTP/1.1\r\nHost: t\r\n"
                b"Connection: close\r\n\r\n" % n)
    s.sendall(reqs)                      # fits in the sockets' buffers
    time.sleep(1.0)                      # lbd fills the socket and waits
    data = read_to_close(s)
    if kind == "pipelined":
        assert data.count(b"HTTP/1.1 200") == n, data[-300:]
        assert data.endswith(b"ok"), data[-300:]
    else:
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head[:200]
        assert len(body) == n


def test_pipelined_requests_over_tls(env):
    """Several requests in one write: each answered, none left in the TLS
    layer unread."""
    reqs = b"".join(b"GET /name HTTP/1.1\r\nHost: x\r\n%s\r\n" % c
                    for c in (b"", b"", b"Connection: close\r\n"))
    rc, out = s_client(env["main"], "-quiet", "-ign_eof", inp=reqs)
    assert out.count("HTTP/1.1 200") == 3, out


def test_crt_list(pki, tmp_path):
    """A crt-list names files and, optionally, the names they answer for."""
    lst = tmp_path / "list"
    lst.write_text("# comment\n%s\n%s other.test *.alias.test\n" % (
        pki["rsa"], os.path.join(pki["dir"], "certdir", "wild.pem")))
    port = free_port()
    cfg = ("defaults\n    mode http\n    timeout client 2s\n    timeout server 2s\n"
           "    timeout connect 2s\nfrontend f\n    bind 127.0.0.1:%d ssl crt-list %s "
           "strict-sni\n    http-request return status 200\n" % (port, lst))
    lbd = Lbd(cfg, [port])
    try:
        for name, cn in (("other.test", "*.wild.test"), ("x.alias.test", "*.wild.test"),
                         ("www.example.test", "www.example.test")):
            rc, out = s_client(port, "-servername", name)
            assert rc == 0 and "CN = " + cn in subject(out), (name, out)
        # strict-sni: a name no certificate answers for is refused (a.wild.test:
        # the filters replaced the file's own names)
        for name in ("unknown.test", "a.wild.test"):
            rc, out = s_client(port, "-servername", name)
            assert rc != 0 and "unrecognized name" in out, out
    finally:
        lbd.stop()
    lst.write_text("%s [ssl-min-ver TLSv1.2]\n" % pki["rsa"])
    rc, out, _ = check_config(cfg)
    assert rc != 0 and "per-certificate options" in out, out


def test_client_certificate_verification(env):
    key, crt = env["client"]
    rc, out = curl(env, env["req"], "/headers", "www.example.test", "--cert", crt,
                   "--key", key)
    assert rc == 0 and out.endswith("200 1.1"), out
    low = out.lower()
    assert "x-cused: 1" in low and "x-verify: 0" in low
    assert "x-sdn: /cn=client one" in low and "x-idn: /cn=lbd test root" in low
    rc, out = curl(env, env["req"])                      # no certificate
    assert rc != 0, out
    rk, rcrt = env["rogue"]
    rc, out = curl(env, env["req"], "/headers", "www.example.test", "--cert", rcrt,
                   "--key", rk)
    assert rc != 0, out
    rc, out = curl(env, env["opt"])                      # optional: none is fine
    assert rc == 0 and "x-cused: 0" in out.lower(), out
    # the CRL: client one passes, client two is revoked
    rc, out = curl(env, env["revoked"], "/headers", "www.example.test", "--cert", crt,
                   "--key", key)
    assert rc == 0 and out.endswith("200 1.1"), out
    k2, c2 = env["client2"]
    rc, out = curl(env, env["revoked"], "/headers", "www.example.test", "--cert", c2,
                   "--key", k2)
    assert rc != 0, out


def test_req_ssl_sni_routes_without_terminating(env):
    """mode tcp: the ClientHello is read in place, TLS goes through."""
    rc, out = s_client(env["route"], "-servername", "other.test")
    assert rc == 0 and "CN = other.test" in subject(out), out      # lbd's main bind
    rc, out = s_client(env["route"], "-servername", "elsewhere.test")
    assert rc == 0 and "CN = backend.test" in subject(out), out    # the Python server
    assert "elsewhere.test" in env["tb"].sni
    # a hello sent in pieces is waited for
    raw = open(os.path.join(env["dir"], "hello.bin"), "rb").read()
    s = socket.create_connection(("127.0.0.1", env["route"]), timeout=5)
    s.sendall(raw[:7])
    time.sleep(0.2)
    s.sendall(raw[7:])
    rec = s.recv(5)
    assert rec[:1] == b"\x16", rec            # a ServerHello record came back
    s.close()
    # not TLS: rejected as soon as the first bytes say so
    s = socket.create_connection(("127.0.0.1", env["route"]), timeout=5)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    t0 = time.time()
    assert s.recv(100) == b"" and time.time() - t0 < 2
    s.close()


def test_mode_tcp_terminated_routes_by_sni(env):
    """bind ssl in mode tcp: the rules run after the handshake (ssl_fc_sni)."""
    rc, out = s_client(env["tlstcp"], "-servername", "other.test", "-ign_eof", inp=REQ)
    assert "CN = other.test" in subject(out) and "\r\n\r\ne1" in out, out
    rc, out = s_client(env["tlstcp"], "-servername", "www.example.test", "-ign_eof",
                       inp=REQ)
    assert "e1" not in out.split("---")[-1], out       # no server there


def test_backend_tls_verified_and_checked(env):
    def up():
        return ",UP," in [l for l in cli(env["sock"], "show stat").splitlines()
                          if l.startswith("tlsbe,t1,")][0]
    end = time.time() + 5
    while time.time() < end and not up():
        time.sleep(0.05)
    assert up(), cli(env["sock"], "show stat")
    rc, out = run("curl", "-sS", "-w", "\n%{http_code}",
                  "http://127.0.0.1:%d/x" % env["tobe"])
    assert out.endswith("tls-backend\n200"), out
    assert "backend.test" in env["tb"].sni
    # a new connection for each request: the second resumes the first's session
    resumed = []
    for _ in range(3):
        rc, out = run("curl", "-sS", "-i", "http://127.0.0.1:%d/new" % env["tobe"])
        assert rc == 0 and " 200 " in out.splitlines()[0], out
        resumed.append(re.search(r"(?im)^x-resumed: (\d)", out).group(1))
    assert resumed[0] == "0" and resumed[1:] == ["1", "1"], resumed
    # a server asking for a client certificate: "crt" gives it one
    rc, out = run("curl", "-sS", "-w", "\n%{http_code}",
                  "http://127.0.0.1:%d/mtls-ok" % env["tobe"])
    assert out.endswith("tls-backend\n200"), out
    rc, out = run("curl", "-sS", "-w", "\n%{http_code}",
                  "http://127.0.0.1:%d/mtls-none" % env["tobe"])
    # TLS 1.3: the server's refusal (an alert) comes after lbd's side of the
    # handshake is over, in answer to the request: a broken answer
    assert out.endswith("502"), out
    # the certificate is not for wrong.test: verification refuses it
    rc, out = run("curl", "-sS", "-w", "\n%{http_code}",
                  "http://127.0.0.1:%d/bad" % env["tobe"])
    assert out.endswith("503"), out


def test_show_ssl_cert(env):
    out = cli(env["sock"], "show ssl cert")
    lines = out.split("\n")
    assert lines[0] == "# filename" and env["rsa"] in lines
    assert os.path.join(env["dir"], "certdir", "wild.pem") in lines
    assert lines.count(env["rsa"]) == 1          # loaded by four lines, listed once
    out = cli(env["sock"], "show ssl cert " + env["rsa"])
    assert "notAfter:" in out and "Subject: /CN=www.example.test" in out, out
    assert "Not found" in cli(env["sock"], "show ssl cert /nonexistent")


def test_garbage_on_the_tls_port(env):
    rnd = random.Random(8)
    hello = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
    payloads = [bytes(rnd.getrandbits(8) for _ in range(n)) for n in (1, 5, 300, 20000)]
    payloads += [hello, hello + bytes(40),                       # truncated
                 bytes([0x16, 0x03, 0x01, 0xff, 0xff]) + bytes(70000),   # oversized
                 bytes([0x16, 0x03, 0x03, 0x00, 0x05, 0x01, 0xff, 0xff, 0xff, 0xff]),
                 b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"]
    for p in payloads:
        s = socket.create_connection(("127.0.0.1", env["main"]), timeout=5)
        try:
            s.sendall(p)
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
        except OSError:
            pass
        s.close()
    rc, out = curl(env, env["main"])
    assert rc == 0 and out.endswith("200 1.1"), out
    assert env["lbd"].proc.poll() is None


def test_wrong_key_and_bad_settings_refused_at_check(pki):
    base = "defaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n" \
           "    timeout connect 1s\nfrontend f\n    bind 127.0.0.1:1 %s\n" \
           "    default_backend b\nbackend b\n    server s 127.0.0.1:2 %s\n"
    rc, out, _ = check_config(base % ("ssl crt " + pki["mismatch"], ""))
    assert rc != 0 and "does not match" in out, out
    rc, out, _ = check_config(base % ("ssl", ""))
    assert rc != 0 and "needs a certificate" in out, out
    rc, out, _ = check_config(base % ("ssl crt %s npn http/1.1" % pki["rsa"], ""))
    assert rc != 0 and "use 'alpn'" in out, out
    rc, out, _ = check_config(base % ("ssl crt %s ciphers NOPE" % pki["rsa"], ""))
    assert rc != 0 and "ciphers 'NOPE'" in out, out
    rc, out, _ = check_config(base % ("", "ssl"))
    assert rc != 0 and "verify none" in out, out
    rc, out, _ = check_config(base % ("ssl crt %s verify required" % pki["rsa"], ""))
    assert rc != 0 and "needs a 'ca-file'" in out, out
    glob = "global\n    ssl-engine rdrand\n"
    rc, out, _ = check_config(glob + base % ("", "ssl verify none"))
    assert rc == 0 and "no engines" in out, out


def test_seed_05_tls_lines_warn_and_run(pki):
    """The seed's tuning guide: its TLS lines load, ssl-engine and ssl-reuse
    with a warning saying what they do here."""
    seed = os.path.join(os.path.dirname(__file__), "seed", "05-performance-tuning.cfg")
    keep = ("tune.ssl.", "ssl-engine", "bind *:443", "ssl-reuse", "frontend https")
    lines = [l.replace("/etc/haproxy/certs/site.pem", pki["rsa"])
                .replace("*:443", "127.0.0.1:%d" % free_port())
             for l in open(seed).read().splitlines() if l.startswith(keep)]
    assert len(lines) == 7, lines
    text = "global\n%s\ndefaults\n    mode http\n    timeout client 1s\n" \
           "    timeout server 1s\n    timeout connect 1s\n%s\n    " \
           "http-request return status 200\n" % ("\n".join(lines[:4]), "\n".join(lines[4:]))
    rc, out, _ = check_config(text)
    assert rc == 0, out
    assert "'ssl-engine' is ignored: OpenSSL 3 has no engines" in out
    assert "'ssl-reuse' is not an HAProxy keyword and is ignored" in out
    assert "h2 is left out" in out
