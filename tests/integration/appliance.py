"""The appliance bed: two full nodes and a client in network namespaces
(netns.Lan, documentation addresses only). Each node runs its own HTTP
servers on its loopback, lbd with a frontend on the VIP and vrrpd tracking
lbd through vrrp_track_lbd (lbd's event stream). The client probes the VIP
over HTTP in a bounded loop and records which node answered.

Used by tests/integration/test_appliance.py and bench/appliance_failover.py;
the bench also builds the seed's keepalived + haproxy recipe on the same bed.
"""
import os
import signal
import sys

from netns import Lan, wait_until

VIP = "192.0.2.100"
PORT = 80
SRV_PORTS = (8001, 8002)

# A node's HTTP server (argv: name port mode [address, default loopback]):
# GET / answers the name, GET /slow too but after a second; GET /health
# answers 200, or in "flap" mode alternately 200 and 503 (a server whose
# checks flap faster than rise/fall).
SERVER = r'''
import http.server, sys, time
name, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
state = {"n": 0}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # one write per response (headers and body): two small writes meet
    # Nagle and the proxy's delayed ACK and stall the body up to 40 ms
    wbufsize = 65536
    def do_GET(self):
        code, body = 200, (name + "\n").encode()
        if self.path == "/slow":
            time.sleep(1)
        if self.path == "/health" and mode == "flap":
            state["n"] += 1
            code = 200 if state["n"] % 2 else 503
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((host, port), H).serve_forever()
'''

# The client: one HTTP/1.1 request per connection to the VIP every
# interval, each bounded by a timeout; prints "time ok NODE" or
# "time fail" per request, for at most `secs` seconds.
PROBE = r'''
import socket, sys, time
vip, port, secs, step = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
end = time.time() + secs
while time.time() < end:
    t = time.time()
    res = "fail"
    try:
        s = socket.create_connection((vip, port), timeout=0.25)
        s.settimeout(0.25)
        s.sendall(b"GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
        s.close()
        if data.startswith(b"HTTP/1.1 200"):
            res = "ok " + data.split(b"\r\n\r\n", 1)[1].decode().strip()
    except (OSError, ValueError, IndexError) as e:
        res = "fail %s" % type(e).__name__
    print("%.4f %s" % (t, res), flush=True)
    left = t + step - time.time()
    if left > 0:
        time.sleep(left)
'''


def lbd_cfg(lan, node, check="inter 100 fall 2 rise 2", chk_opt="",
            extra_global=""):
    servers = "\n".join(
        "    server s%d 127.0.0.1:%d check %s" % (i + 1, p, check)
        for i, p in enumerate(SRV_PORTS))
    return """global
    stats socket %s level admin
    pidfile %s
    vrrpd-socket %s
    on-address-loss close-idle
%s
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 5s
    timeout http-keep-alive 30s
frontend http-in
    bind %s:%d
    default_backend web
frontend monitor
    bind 127.0.0.1:8404
    stats uri /stats
    http-request use-service prometheus-exporter if { path /metrics }
backend web
%s
%s
""" % (sock_path(lan, node), os.path.join(lan.dir, "lbd%d.pid" % node),
       ctl_path(lan, node), extra_global, VIP, PORT, chk_opt, servers)


def sock_path(lan, node):
    return os.path.join(lan.dir, "lbd%d.sock" % node)


def ctl_path(lan, node):
    return os.path.join(lan.dir, "vrrpd%d.sock" % node)


def vrrpd_cfg(lan, node, prio, advert="0.2", min_up=1, hb="300ms",
              weight=None, extra="", ctl_level="admin"):
    return """global_defs {
    control_socket %s level %s
}
vrrp_track_lbd proxy {
    socket %s
    backend web min_up %d
    frontend http-in
    heartbeat_timeout %s
%s}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 60
    priority %d
    advert_int %s
    version 3
    virtual_ipaddress {
        %s/24
    }
    track_lbd {
        proxy
    }
%s}
""" % (ctl_path(lan, node), ctl_level, sock_path(lan, node), min_up, hb,
       "    weight %d\n" % weight if weight is not None else "",
       prio, advert, VIP, extra)


class Node:
    def __init__(self, bed, i):
        self.bed, self.i = bed, i
        self.lbd = self.vrrpd = None
        self.servers = []

    def start_servers(self, mode="steady"):
        lan = self.bed.lan
        for k, port in enumerate(SRV_PORTS):
            self.servers.append(lan.start(
                self.i, [sys.executable, "-c", SERVER, "node%d" % self.i,
                         str(port), mode], "srv%d-%d" % (self.i, k + 1)))
        for port in SRV_PORTS:
            assert wait_until(lambda: self.bed.lan.exec(
                self.i, ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/%d" % port],
                check=False).returncode == 0, 20), "server %d" % port

    def stop_servers(self):
        for p in self.servers:
            p.stop(signal.SIGKILL)
        self.servers = []

    def start_lbd(self, cfg=None, master=False, **kw):
        """lbd on this node; master=True: lbd -W (master-worker), its
        master CLI at self.master_sock."""
        lan = self.bed.lan
        path = lan.write("lbd%d.cfg" % self.i, cfg or lbd_cfg(lan, self.i, **kw))
        sock = sock_path(lan, self.i)
        if os.path.exists(sock):
            os.unlink(sock)
        self.master_sock = os.path.join(lan.dir, "lbd%d-master.sock" % self.i)
        argv = [self.bed.lbd_bin] + (["-W", "-S", self.master_sock] if master else [])
        self.lbd = lan.start(self.i, argv + ["-f", path], "lbd%d" % self.i)
        assert wait_until(lambda: os.path.exists(sock) or
                          self.lbd.proc.poll() is not None, 20)
        assert self.lbd.proc.poll() is None, self.lbd.text()
        return self.lbd

    def start_vrrpd(self, prio, **kw):
        lan = self.bed.lan
        path = lan.write("vrrpd%d.conf" % self.i, vrrpd_cfg(lan, self.i, prio, **kw))
        self.vrrpd = lan.start(self.i, [self.bed.vrrpd_bin, "-n", "-l", "-f", path,
                                        "-p", os.path.join(lan.dir, "v%d.pid" % self.i),
                                        "-r", os.path.join(lan.dir, "v%d.vpid" % self.i)],
                               "vrrpd%d" % self.i)
        return self.vrrpd


class Bed:
    """Nodes 1 and 2 are the pair, node 3 the client."""

    def __init__(self, lbd_bin, vrrpd_bin):
        self.lbd_bin, self.vrrpd_bin = lbd_bin, vrrpd_bin
        self.lan = Lan(3, tag="ap").setup()
        self.nodes = {1: Node(self, 1), 2: Node(self, 2)}

    def holder(self):
        h = self.lan.holders(VIP, (1, 2))
        return h[0] if len(h) == 1 else None

    def wait_holder(self, node, timeout=20):
        return wait_until(lambda: self.lan.holders(VIP, (1, 2)) == [node], timeout)

    def get(self):
        """One request from the client: the answering node's name or None."""
        r = self.lan.exec(3, ["curl", "-s", "-m", "2", "http://%s:%d/" % (VIP, PORT)],
                          check=False)
        return r.stdout.strip() if r.returncode == 0 else None

    def probe(self, secs, step=0.01):
        return self.lan.start(3, [sys.executable, "-c", PROBE, VIP, str(PORT),
                                  str(secs), str(step)], "probe")

    def stop_daemons(self):
        """SIGTERM every lbd and vrrpd still running; returns the
        sanitizer reports found in their output (leaks are reported at a
        clean exit only)."""
        bad = []
        for n in self.nodes.values():
            for p in (n.vrrpd, n.lbd):
                if p is None:
                    continue
                p.stop(signal.SIGTERM)
                text = p.text()
                for mark in ("AddressSanitizer", "LeakSanitizer",
                             "runtime error:"):
                    if mark in text:
                        bad.append("%s: %s" % (p.name, text[max(0, text.index(mark) - 200):][:3000]))
        return bad

    def teardown(self):
        self.lan.teardown()


def parse_probe(text):
    """[(time, node or None)] from the probe's output."""
    res = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            res.append((float(parts[0]), parts[2] if parts[1] == "ok" and
                        len(parts) > 2 else None))
    return res


def outage(samples, since):
    """The longest run without a successful answer after `since`, in
    seconds, and the number of failed requests in it."""
    worst, fails, last_ok, run_fails = 0.0, 0, None, 0
    for t, who in samples:
        if t < since:
            if who:
                last_ok = t
            continue
        if who:
            if last_ok is not None and t - last_ok > worst:
                worst, fails = t - last_ok, run_fails
            last_ok, run_fails = t, 0
        else:
            run_fails += 1
    return worst, fails
