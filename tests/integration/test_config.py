"""lbd -c: HAProxy's configuration language, errors with file:line, and
warnings where HAProxy gives them."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import LBD, check_config

SEED = os.path.join(os.path.dirname(__file__), "seed")


def test_valid_config_exits_zero():
    rc, out, _ = check_config("""
defaults
    mode http
    timeout connect 5s
    timeout client 50s
    timeout server 50s
frontend web
    bind 127.0.0.1:8080
    default_backend app
backend app
    balance roundrobin
    server a 127.0.0.1:9001 weight 10 maxconn 50
    server b 127.0.0.1:9002 backup
""")
    assert rc == 0, out
    assert "Configuration file is valid" in out


@pytest.mark.parametrize("text,line,msg", [
    ("frontend f\n  bind :8080\n  foo bar\n", 3, "unknown keyword 'foo' in 'frontend' section"),
    ("global\n  maxconn abc\n", 2, "'abc' is not a valid number"),
    ("defaults\n  timeout client 10x\n", 2, "timeout"),
    ("backend b\n  balance nothing\n", 2, "balance"),
    ("backend b\n  server s1\n", 2, "expects <name> and <addr>"),
    ("frontend f\n  bind 127.0.0.1:99999\n", 2, "invalid port"),
    ("backend b\n  server s1 127.0.0.1:80 weight 300\n", 2, "out of range"),
    ("frontend f\n  bind :80\n  http-request reject\n", 3, "not supported yet"),
    ("backend b\n  server s1 127.0.0.1:80 track b/s2\n", 2, "not supported yet"),
    ("frontend f\n  bind :80 ssl crt /x.pem\n", 2, "crt '/x.pem'"),
    ('frontend f\n  bind :80\n  log-format "%{+Q}zz"\n', 3, "zz"),
    ("listen l\n  bind :80\n  mode ftp\n", 3, "unknown proxy mode"),
    ("frontend f 'x\n", 1, "quote"),
])
def test_errors_name_file_and_line(text, line, msg):
    rc, out, path = check_config(text)
    assert rc == 1, out
    assert "[%s:%d]" % (path, line) in out, out
    assert msg in out, out


def test_every_error_is_reported_not_only_the_first():
    rc, out, path = check_config("global\n  maxconn x\n  nbthread y\nfrontend f\n  bogus\n")
    assert rc == 1
    for line in (2, 3, 5):
        assert "[%s:%d]" % (path, line) in out


def test_unknown_backend_reference():
    rc, out, _ = check_config("""
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend f
    bind 127.0.0.1:8080
    default_backend nowhere
""")
    assert rc == 1
    assert "unable to find required default_backend: 'nowhere'" in out


def test_use_backend_unknown_and_mode_mismatch():
    rc, out, _ = check_config("""
defaults
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend f
    mode http
    bind 127.0.0.1:8080
    use_backend missing
    default_backend tcpbe
backend tcpbe
    mode tcp
    server s 127.0.0.1:1
""")
    assert rc == 1
    assert "unable to find required use_backend: 'missing'" in out
    assert "incompatible" in out


def test_duplicate_proxy_names():
    rc, out, path = check_config("""
backend b
    server s 127.0.0.1:1
backend b
    server s 127.0.0.1:2
frontend b
    bind 127.0.0.1:1234
""")
    assert rc == 1
    assert "backend 'b' has the same name as backend 'b' declared at %s:2" % path in out
    # a frontend may share a backend's name, as in HAProxy
    assert out.count("has the same name") == 1


def test_missing_timeouts_warn_like_haproxy():
    rc, out, _ = check_config("frontend f\n  bind 127.0.0.1:8080\n  default_backend b\n"
                              "backend b\n  server s 127.0.0.1:1\n")
    assert rc == 0, out
    assert "missing timeouts for frontend 'f'" in out
    assert "missing timeouts for backend 'b'" in out


def test_named_defaults_and_from():
    rc, out, _ = check_config("""
defaults tcpdef
    mode tcp
    timeout connect 1s
    timeout client 1s
    timeout server 1s
defaults httpdef
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend f from tcpdef
    bind 127.0.0.1:8080
    default_backend b
backend b from tcpdef
    server s 127.0.0.1:1
""")
    assert rc == 0, out


def test_conditional_blocks_and_diagnostics(monkeypatch):
    monkeypatch.setenv("LBD_TEST_FLAG", "1")
    rc, out, path = check_config("""
.if defined(LBD_TEST_FLAG)
.notice "flag is set"
global
    maxconn 100
.else
global
    this-is-not-parsed
.endif
.if streq("${LBD_TEST_FLAG}",2)
.alert "never"
.elif version_atleast(2.4)
.warning "newer than 2.4"
.endif
""")
    assert rc == 0, out
    assert "flag is set" in out and "newer than 2.4" in out
    rc, out, path = check_config('.alert "stop here"\n')
    assert rc == 1 and "stop here" in out


def test_environment_and_quoting(monkeypatch):
    monkeypatch.setenv("LBD_TEST_PORT", "18123")
    rc, out, _ = check_config("""
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend "f"
    bind "127.0.0.1:${LBD_TEST_PORT}"   # comment
    default_backend b
backend b
    server 's1' 127.0.0.1:1
""")
    assert rc == 0, out


def test_deprecated_httpchk_with_headers_in_version_warns():
    rc, out, path = check_config("backend b\n"
                                 "  option httpchk GET /health HTTP/1.1\\r\\nHost:\\ example.com\n")
    assert "http-check send hdr" in out and "[%s:2]" % path in out


def test_directory_loads_cfg_files_in_order():
    d = tempfile.mkdtemp()
    try:
        with open(os.path.join(d, "10-defaults.cfg"), "w") as f:
            f.write("defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n"
                    "  timeout server 1s\n")
        with open(os.path.join(d, "20-fe.cfg"), "w") as f:
            f.write("frontend f\n  bind 127.0.0.1:8080\n  default_backend b\n")
        with open(os.path.join(d, "30-be.cfg"), "w") as f:
            f.write("backend b\n  server s 127.0.0.1:1\n")
        with open(os.path.join(d, "ignored.txt"), "w") as f:
            f.write("garbage\n")
        p = subprocess.run([LBD, "-c", "-f", d], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    finally:
        shutil.rmtree(d)


def test_maxconn_beyond_fd_limit_is_refused_clearly():
    rc, out, _ = check_config("global\n  maxconn 100000\n")
    assert rc == 1
    assert "maxconn 100000" in out and "file descriptors" in out


SEED_FILES = sorted(f for f in os.listdir(SEED) if f.endswith(".cfg")) if os.path.isdir(SEED) else []


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_configs_structure_parses(name):
    """Every seed config parses: the only errors are features refused as
    'not supported yet' (later issues) or the things HAProxy itself refuses."""
    with open(os.path.join(SEED, name)) as f:
        text = f.read()
    rc, out, _ = check_config(text)
    for line in out.splitlines():
        if not line.startswith("[ALERT]"):
            continue
        ok = ("not supported yet" in line or "Fatal errors" in line
              or "is not an HAProxy keyword" in line
              or "file descriptors" in line or "already declared" in line
              or "has the same name" in line or "unable to find required" in line
              # the guide's certificate is not on this machine (HAProxy
              # refuses a missing one too; test_tls.py runs these lines)
              or "crt '/etc/haproxy/certs/site.pem': No such file" in line)
        assert ok, line
