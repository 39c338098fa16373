"""Test backends: small real HTTP/1.1 and TCP servers on loopback, run in a
thread of the test process. Each counts the connections it accepted and the
requests it served, so tests can assert on connection reuse and balancing.

Request behaviour is chosen by the path:
  /name            -> body is the server's name
  /size/N          -> N bytes of body (Content-Length)
  /chunked/N/K     -> N chunks of K bytes (Transfer-Encoding: chunked)
  /close/N         -> N bytes, no length, connection closed after
  /sleep/MS        -> answer after MS milliseconds
  /status/N        -> status N, empty body
  /echo            -> echoes the request body (any framing) and headers count
  /headers         -> the request head as received, as body
  /nothing         -> never answers
  /reset           -> closes without answering
  /bad             -> an invalid response
  /hang-body       -> sends half of a Content-Length body then stops
  /fail-on/NAME    -> 503 from the server called NAME, 200 from the others
  /reset-on/NAME   -> the server called NAME closes without answering
  /arm-drop        -> answers, and the next request on this connection is
                      dropped: the connection closes without an answer (as a
                      server closing an idle connection just as it is reused)
  /rst             -> aborts the connection with a TCP RST, no answer
  /trunc-body      -> sends half of a Content-Length body then closes
  /interim/N       -> an interim N (1xx) response with a Link header, then 200
  /slow-head/MS    -> sends the status line, the rest of the head MS later
"""
import asyncio
import socket
import struct
import threading


class LoopServer:
    """An asyncio TCP server running in its own thread; subclasses give
    handle(reader, writer). Stopped with stop(), which cancels every task."""

    host = "127.0.0.1"

    def __init__(self, port=0):
        self.port = port
        self.conns = 0
        self._loop = None
        self._server = None
        self._thread = None
        self._ready = threading.Event()

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(5):
            raise RuntimeError("%s did not start" % type(self).__name__)
        return self

    def _run(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)

        async def main():
            self._server = await asyncio.start_server(
                self.handle, self.host, self.port, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()
            async with self._server:
                await self._server.serve_forever()

        try:
            self._loop.run_until_complete(main())
        except (asyncio.CancelledError, RuntimeError):
            pass

    def stop(self):
        if self._loop and self._server:
            def _close():
                self._server.close()
                for t in asyncio.all_tasks(self._loop):
                    t.cancel()
            self._loop.call_soon_threadsafe(_close)
            self._thread.join(5)

    @property
    def addr(self):
        return "%s:%d" % (self.host, self.port)


class Backend(LoopServer):
    def __init__(self, name, port=0, host="127.0.0.1"):
        super().__init__(port)
        self.name = name
        self.host = host
        self.requests = 0
        self.active = 0
        self.max_active = 0
        self.paths = []

    # -- protocol --------------------------------------------------------
    async def handle(self, reader, writer):
        self.conns += 1
        state = {"drop_next": False}
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if state["drop_next"]:
                    self.dropped = getattr(self, "dropped", 0) + 1
                    break
                if b" /arm-drop " in head.split(b"\r\n", 1)[0]:
                    state["drop_next"] = True
                keep = await self._request(head, reader, writer)
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError,
                asyncio.LimitOverrunError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def _read_body(self, hdrs, reader):
        if "content-length" in hdrs:
            n = int(hdrs["content-length"])
            return await reader.readexactly(n) if n else b""
        if hdrs.get("transfer-encoding", "").lower().endswith("chunked"):
            body = b""
            while True:
                line = await reader.readuntil(b"\r\n")
                size = int(line.split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    return body
                body += await reader.readexactly(size)
                await reader.readexactly(2)
        return b""

    async def _request(self, head, reader, writer):
        lines = head.decode("latin-1").split("\r\n")
        method, path, version = lines[0].split(" ", 2)
        hdrs = {}
        for l in lines[1:]:
            if ":" in l:
                k, v = l.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        body = await self._read_body(hdrs, reader)
        self.requests += 1
        self.paths.append(path)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return await self._respond(method, path, version, hdrs, head, body, writer)
        finally:
            self.active -= 1

    async def _respond(self, method, path, version, hdrs, head, body, writer):
        parts = path.split("?")[0].strip("/").split("/")
        kind = parts[0]
        close = hdrs.get("connection", "").lower() == "close" or version == "HTTP/1.0" \
            and hdrs.get("connection", "").lower() != "keep-alive"
        extra = b"Connection: close\r\n" if close else b""
        if version == "HTTP/1.0" and not close:
            extra = b"Connection: keep-alive\r\n"

        def simple(status, payload, more=b""):
            h = b"HTTP/1.1 %d X\r\nContent-Length: %d\r\nX-Server: %s\r\n%s%s\r\n" % (
                status, len(payload), self.name.encode(), extra, more)
            writer.write(h + (b"" if method == "HEAD" else payload))

        if kind == "sleep":
            await asyncio.sleep(int(parts[1]) / 1000.0)
            simple(200, self.name.encode())
        elif kind == "size":
            simple(200, b"x" * int(parts[1]))
        elif kind == "chunked":
            n, k = int(parts[1]), int(parts[2])
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Server: %s\r\n%s\r\n"
                         % (self.name.encode(), extra))
            for _ in range(n):
                writer.write(b"%x\r\n%s\r\n" % (k, b"c" * k))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        elif kind == "close":
            writer.write(b"HTTP/1.1 200 OK\r\nX-Server: %s\r\n\r\n" % self.name.encode()
                         + b"z" * int(parts[1]))
            await writer.drain()
            return False
        elif kind == "status":
            simple(int(parts[1]), b"")
        elif kind == "fail-on":
            simple(503 if parts[1] == self.name else 200, self.name.encode())
        elif kind == "reset-on" and parts[1] == self.name:
            return False
        elif kind == "echo":
            simple(200, body, b"X-Body-Len: %d\r\n" % len(body))
        elif kind == "headers":
            simple(200, head)
        elif kind == "nothing":
            await asyncio.sleep(3600)
        elif kind == "reset":
            return False
        elif kind == "bad":
            writer.write(b"HTTP/1.1 2x0 Broken\r\n\r\n")
            await writer.drain()
            return False
        elif kind == "hang-body":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"h" * 50)
            await writer.drain()
            await asyncio.sleep(3600)
        elif kind == "rst":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        elif kind == "trunc-body":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"t" * 50)
            await writer.drain()
            return False
        elif kind == "interim":
            writer.write(b"HTTP/1.1 %d Interim\r\nLink: </style.css>; rel=preload\r\n\r\n"
                         % int(parts[1]))
            await writer.drain()
            await asyncio.sleep(0.05)
            simple(200, self.name.encode())
        elif kind == "slow-head":
            writer.write(b"HTTP/1.1 200 OK\r\n")
            await writer.drain()
            await asyncio.sleep(int(parts[1]) / 1000.0)
            writer.write(b"Content-Length: 2\r\n\r\nok")
        elif kind == "continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            simple(200, self.name.encode())
        else:
            simple(200, self.name.encode())
        await writer.drain()
        return not close


class TcpEcho(LoopServer):
    """A TCP server that echoes, and on EOF from the peer sends 'BYE' and
    half-closes itself, so tests can observe half-close propagation."""

    def __init__(self, name="echo"):
        super().__init__()
        self.name = name

    async def handle(self, reader, writer):
        self.conns += 1
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    writer.write(b"BYE")
                    await writer.drain()
                    writer.write_eof()
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
