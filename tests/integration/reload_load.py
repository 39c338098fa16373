"""A bounded HTTP/1.1 load for reload tests and the reload benchmark:
threads of keep-alive clients (one connection reused until the server
answers "Connection: close") and threads of new-connection clients (one
request per connection), each request checked whole. Every failure is
counted: a refused or reset connect, a request sent on an open connection
that got no complete answer, a non-200 answer."""
import socket
import threading
import time


def read_response(sock, buf=b""):
    """One response (Content-Length framing): (status, close?, rest)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response head")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length, close = 0, False
    for l in lines[1:]:
        k, _, v = l.partition(b":")
        k = k.strip().lower()
        if k == b"content-length":
            length = int(v.strip())
        elif k == b"connection" and v.strip().lower() == b"close":
            close = True
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in a response body")
        rest += chunk
    return status, close, rest[length:]


class Load:
    """keepalive + fresh client threads against 127.0.0.1:port until stop();
    at most max_seconds in any case."""

    def __init__(self, port, keepalive=4, fresh=2, path="/", max_seconds=60,
                 pause=0.0, tls=None):
        self.port, self.path, self.pause = port, path, pause
        self.tls = tls              # an ssl.SSLContext: every connection is TLS
        self.req = ("GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path).encode()
        self.lock = threading.Lock()
        self.ok = self.failed = self.conns = self.conn_failed = 0
        self.closes = 0             # "Connection: close" answers seen
        self.errors = []
        self.end = time.time() + max_seconds
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._ka, daemon=True)
                        for _ in range(keepalive)]
        self.threads += [threading.Thread(target=self._fresh, daemon=True)
                         for _ in range(fresh)]

    def _count(self, **kw):
        with self.lock:
            for k, v in kw.items():
                if k == "error":
                    if len(self.errors) < 20:
                        self.errors.append(v)
                else:
                    setattr(self, k, getattr(self, k) + v)

    def _running(self):
        return not self.stopping.is_set() and time.time() < self.end

    def _connect(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), 5)
            if self.tls:
                s = self.tls.wrap_socket(s, server_hostname="t.test")
        except OSError as e:
            self._count(conn_failed=1, error="connect: %r" % e)
            return None
        self._count(conns=1)
        return s

    def _one(self, s, buf):
        try:
            s.sendall(self.req)
            status, close, buf = read_response(s, buf)
        except (OSError, ValueError, IndexError) as e:
            self._count(failed=1, error="request: %r" % e)
            return None, b""
        if status != 200:
            self._count(failed=1, error="status %d" % status)
        else:
            self._count(ok=1)
        if close:
            self._count(closes=1)
            return None, b""
        return s, buf

    def _ka(self):
        s, buf = None, b""
        while self._running():
            if s is None:
                s = self._connect()
                buf = b""
                if s is None:
                    time.sleep(0.01)
                    continue
            s2, buf = self._one(s, buf)
            if s2 is None:
                s.close()
            s = s2
            if self.pause:
                time.sleep(self.pause)
        if s:
            s.close()

    def _fresh(self):
        while self._running():
            s = self._connect()
            if s is None:
                time.sleep(0.01)
                continue
            self._one(s, b"")
            s.close()
            if self.pause:
                time.sleep(self.pause)

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(10)
        return self

    def lost(self):
        return self.failed + self.conn_failed
