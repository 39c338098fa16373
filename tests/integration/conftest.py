"""Shared fixtures: the real lbd binary on loopback, real backends, and a
raw client. Every process started here is stopped by its PID, also when a
test fails; lbd must then exit 0 (under the sanitizer build a leak or an
error report makes that fail)."""
import http.server
import os
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import tempfile
import threading
import time

import pytest

from backend import Backend, TcpEcho

LBD = os.environ.get("LBD_BIN", os.path.join(os.path.dirname(__file__), "../../build/lbd/lbd"))


def sanitized():
    """Whether the lbd under test is the ASan build (its allocator keeps
    freed memory in quarantine: resident size says nothing there)."""
    with open(LBD, "rb") as f:
        return b"AddressSanitizer" in f.read()


# Ports for the daemons under test come from below the kernel's ephemeral
# range (32768-60999), where no client socket of another test can take one
# between free_port() and the daemon's bind; each pytest-xdist worker has
# its own slice, so two test files running at once never pick the same.
_PORT_SLICE = 5000
_port_next = [None]


def free_port():
    if _port_next[0] is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        index = int(worker[2:]) if worker[2:].isdigit() else 0
        _port_next[0] = 20000 + (index % 2) * _PORT_SLICE + os.getpid() % 1000
    base = 20000 + (_port_next[0] - 20000) // _PORT_SLICE * _PORT_SLICE
    for _ in range(_PORT_SLICE):
        port = _port_next[0]
        _port_next[0] = base + (port + 1 - base) % _PORT_SLICE
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port in %d-%d" % (base, base + _PORT_SLICE - 1))


def wait_port(port, timeout=5.0, host="127.0.0.1"):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection((host, port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def cli(path, line, timeout=5.0):
    """One line to a stats socket (unix path or (host, port)); all replies."""
    if isinstance(path, tuple):
        s = socket.create_connection(path, timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
    s.sendall(line.encode() + b"\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data.decode()


def check_config(text, *extra):
    """Run lbd -c on a config text; returns (exit code, stderr+stdout)."""
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        p = subprocess.run([LBD, "-c", "-f", path, *extra], capture_output=True,
                           text=True, timeout=20)
        return p.returncode, p.stdout + p.stderr, path
    finally:
        os.unlink(path)


class HttpServerThread:
    """A threaded http.server on self.port, loopback: subclasses build their
    request handler and call serve(); stop() ends it."""

    def serve(self, handler, tls=None):
        """tls: (certificate file, key file[, CA file]) for an HTTPS server;
        with a CA file, clients must show a certificate it signed."""
        class Srv(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.srv = Srv(("127.0.0.1", self.port), handler)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls[:2])
            if len(tls) > 2:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(tls[2])
            if getattr(self, "sni_callback", None):
                ctx.sni_callback = self.sni_callback
            self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


class Daemon:
    """A proxy process in the foreground, its config in a temp dir, stdout
    and stderr in files; stopped by its PID."""

    name = "daemon"

    def __init__(self, argv, cfg_text, ports=(), env=None):
        self.dir = tempfile.mkdtemp(prefix="%s-test-" % self.name)
        self.cfg = os.path.join(self.dir, "%s.cfg" % self.name)
        with open(self.cfg, "w") as f:
            f.write(cfg_text)
        self.out = open(os.path.join(self.dir, "stdout"), "w+")
        self.err = open(os.path.join(self.dir, "stderr"), "w+")
        self.proc = subprocess.Popen(argv + ["-f", self.cfg], stdout=self.out,
                                     stderr=self.err,
                                     env=dict(os.environ, **(env or {})))
        for p in ports:
            if not wait_port(p, timeout=15.0):
                err = self.stderr()
                self.stop(check=False)
                raise RuntimeError("%s did not listen on %d: %s" % (self.name, p, err))

    def stderr(self):
        self.err.flush()
        with open(self.err.name) as f:
            return f.read()

    def logs(self, wait_for=0, timeout=3.0):
        """Traffic log lines (log stdout format raw)."""
        end = time.time() + timeout
        while True:
            with open(self.out.name) as f:
                lines = [l.rstrip("\n") for l in f if l.strip()]
            if len(lines) >= wait_for or time.time() > end:
                return lines
            time.sleep(0.02)

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, check=True, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        rc = self.proc.returncode
        err = self.stderr()
        self.out.close()
        self.err.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if check:
            self.check_exit(rc, err)
        return rc

    def check_exit(self, rc, err):
        pass


class Lbd(Daemon):
    """The lbd under test; it must exit 0 without a sanitizer report."""

    name = "lbd"

    def __init__(self, cfg_text, ports=(), env=None):
        super().__init__([LBD, "-d"], cfg_text, ports, env)

    def check_exit(self, rc, err):
        assert "Sanitizer" not in err and "runtime error" not in err, err
        assert rc == 0, "lbd exited with %r: %s" % (rc, err)


@pytest.fixture
def backends():
    started = []

    def make(n, prefix="s"):
        for i in range(n):
            started.append(Backend("%s%d" % (prefix, i + 1)).start())
        return started[-n:]
    yield make
    for b in started:
        b.stop()


@pytest.fixture
def echo_server():
    e = TcpEcho().start()
    yield e
    e.stop()


@pytest.fixture
def lbd():
    running = []

    def start(cfg_text, ports=(), env=None):
        l = Lbd(cfg_text, ports, env)
        running.append(l)
        return l
    yield start
    for l in running:
        l.stop()


def raw_http(port, raw, timeout=5.0, read_all=True):
    """Send raw bytes, return everything received until close or timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout)
    s.sendall(raw)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if not read_all:
                break
    except socket.timeout:
        pass
    s.close()
    return data


def proxy_cfg(port, server_addr, mode="http", glob="", dflt="", be="", srv_opts=""):
    """One frontend on 127.0.0.1:port to one backend with server s1, logging
    to stdout (raw), 5s timeouts; extra lines for each section."""
    return """global
    maxconn 100
%s
defaults
    mode %s
    timeout connect 5s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
    option %s
%s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
%s
    server s1 %s %s
""" % (glob, mode, "httplog" if mode == "http" else "tcplog", dflt, port, be,
       server_addr, srv_opts)


def assert_second_client_waits(port, port2=None, body=b"s1"):
    """A connection limit of one: a first client keeps its keep-alive
    connection; a second one (on port2, or the same port) is accepted by the
    kernel but not served until the first closes."""
    first = socket.create_connection(("127.0.0.1", port), 5)
    first.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    assert first.recv(4096).endswith(body)
    second = socket.create_connection(("127.0.0.1", port2 or port), 5)
    second.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    second.settimeout(0.5)
    try:
        early = second.recv(4096)
    except socket.timeout:
        early = None
    assert early is None, "the second client was served at once: %r" % early
    first.close()
    second.settimeout(5)
    assert second.recv(4096).endswith(body)
    second.close()


DEFAULTS = """
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
"""
