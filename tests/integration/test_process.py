"""Process behaviour: SIGUSR1 soft stop finishes in-flight work, SIGTERM
stops at once, daemon mode with a pidfile, nbthread with cpu-map, bind
failures reported."""
import http.client
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

from conftest import DEFAULTS, LBD, free_port, wait_port


def cfg(port, server, glob=""):
    return ("global\n    maxconn 200\n%s" % glob + DEFAULTS +
            "frontend fe\n    bind 127.0.0.1:%d\n    default_backend be\n"
            "backend be\n    server s1 %s\n" % (port, server.addr))


def test_sigusr1_finishes_inflight_request_then_exits(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, b), [port])
    result = {}

    def slow():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/sleep/800")
        r = c.getresponse()
        result["status"] = r.status
        result["body"] = r.read()
        result["conn"] = r.getheader("Connection")
    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    l.send_signal(signal.SIGUSR1)
    time.sleep(0.2)
    # no longer listening
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        refused = False
    except OSError:
        refused = True
    assert refused
    t.join(10)
    assert result["status"] == 200 and result["body"] == b"s1"
    # the in-flight keep-alive client is told the connection closes
    assert result["conn"] == "close"
    l.proc.wait(5)
    assert l.proc.returncode == 0


def test_sigusr1_answers_idle_keepalive_clients_then_closes(lbd, backends):
    """An idle keep-alive connection is not closed under its client at a
    soft stop (its next request may already be on the wire): that request
    is answered with "Connection: close", then the process exits."""
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, b), [port])
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    assert s.recv(4096).endswith(b"s1")
    l.send_signal(signal.SIGUSR1)
    time.sleep(0.3)
    assert l.proc.poll() is None
    s.sendall(b"GET /name HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(5)
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"s1"), data
    assert b"\r\nconnection: close\r\n" in data.lower()
    l.proc.wait(5)
    assert l.proc.returncode == 0


def test_hard_stop_after_bounds_soft_stop(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, b, "    hard-stop-after 500ms\n"), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/nothing")
    time.sleep(0.2)
    t0 = time.time()
    l.send_signal(signal.SIGUSR1)
    l.proc.wait(5)
    assert 0.3 < time.time() - t0 < 3
    assert l.proc.returncode == 0


def test_sigterm_stops_at_once(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, b), [port])
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/nothing")
    time.sleep(0.2)
    t0 = time.time()
    l.send_signal(signal.SIGTERM)
    l.proc.wait(5)
    assert time.time() - t0 < 1.5
    assert l.proc.returncode == 0


def daemon_config(backends):
    """A configuration with "daemon" and a pidfile in a fresh directory:
    (port, pidfile, path)."""
    (b,) = backends(1)
    port = free_port()
    d = tempfile.mkdtemp()
    pidfile = os.path.join(d, "lbd.pid")
    path = os.path.join(d, "lbd.cfg")
    with open(path, "w") as f:
        f.write(cfg(port, b, "    daemon\n    pidfile %s\n" % pidfile))
    return port, pidfile, path


def test_daemon_mode_writes_pidfile(backends):
    port, pidfile, path = daemon_config(backends)
    p = subprocess.run([LBD, "-f", path], capture_output=True, text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    try:
        assert wait_port(port)
        pid = int(open(pidfile).read())
        assert os.path.exists("/proc/%d" % pid)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/name")
        assert c.getresponse().read() == b"s1"
    finally:
        pid = int(open(pidfile).read())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not os.path.exists("/proc/%d" % pid):
                break
            time.sleep(0.05)
    assert not os.path.exists("/proc/%d" % pid)


def test_db_keeps_a_daemon_configuration_in_the_foreground(backends):
    """HAProxy's -db, as container images run it: "daemon" in the file
    and -D are overridden, the process started is the one serving."""
    port, pidfile, path = daemon_config(backends)
    p = subprocess.Popen([LBD, "-db", "-D", "-f", path], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        assert wait_port(port)
        assert p.poll() is None, p.stderr.read()
        assert int(open(pidfile).read()) == p.pid
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/name")
        assert c.getresponse().read() == b"s1"
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(10)
    assert p.returncode == 0
    p.stderr.close()


def test_nbthread_with_cpu_map(lbd, backends):
    (b,) = backends(1)
    port = free_port()
    l = lbd(cfg(port, b, "    nbthread 2\n    cpu-map auto:1/1-2 0-1\n"), [port])
    # the kernel accepts on the sockets before the threads run: wait
    for _ in range(100):
        threads = os.listdir("/proc/%d/task" % l.proc.pid)
        if len(threads) == 2:
            break
        time.sleep(0.02)
    assert len(threads) == 2
    for i in range(20):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/name")
        assert c.getresponse().read() == b"s1"
        c.close()


def test_bind_conflict_is_reported(backends):
    (b,) = backends(1)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write(cfg(port, b))
    try:
        p = subprocess.run([LBD, "-f", f.name], capture_output=True, text=True, timeout=10)
        assert p.returncode == 1
        assert "cannot bind socket" in p.stderr and "127.0.0.1:%d" % port in p.stderr
    finally:
        busy.close()
        os.unlink(f.name)
