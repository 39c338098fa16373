#!/usr/bin/python3
"""Failover of the appliance (lbd + vrrpd) against keepalived + haproxy, as
a client of the VIP sees it.

The bed is tests/integration/appliance.py: two nodes and a client in network
namespaces on one bridge, documentation addresses only. Each node runs two
HTTP servers on its loopback, a proxy with a frontend on the VIP
(192.0.2.100:80) and a backend of those two servers (checks every 100 ms,
fall 2, rise 2), and a VRRP daemon (VRRPv3, node 1 preferred, node 2 at
priority 100). The client opens a new HTTP/1.1 connection to the VIP every
5 ms, each bounded by a 500 ms timeout, several in flight at once, and
records when each answer arrived and which node gave it.

Setups, interleaved in every round, each run on a fresh bed:
  lbd+vrrpd   vrrp_track_lbd (lbd's event stream, heartbeat_timeout 300ms,
              weight 0: FAULT and a priority 0 advert); fast_takeover is run
              as its own setup for the lbd-killed case
  recipe      keepalived + haproxy as in the seed's keepalived-primary.conf:
              vrrp_script `kill -0 $(cat haproxy.pid)` (PID-based instead of
              the seed's check by process name, which would see the other
              node's haproxy on this one host), interval 2, weight 2,
              priorities 101/100
  best        keepalived + haproxy with vrrp_track_process weight 0; the
              kernel's process connector answers only in the initial network
              namespace, so keepalived is started there with `-s <netns>`
              (it opens the connector, then enters the node's namespace)
Cases:
  kill   the Master's proxy gets SIGKILL; then it is started again and the
         requests that fail while the VIP moves back are counted
  hung   the Master's proxy gets SIGSTOP (SIGCONT at the end)
  empty  both servers of the Master's backend get SIGKILL; the outage counts
         from the moment the proxy marked the last one down (lbd: the
         `backend web usable 0` line of its event stream; haproxy: its
         "has no server available" alert)
  node   the Master's VRRP daemon and its proxy get SIGKILL (the node is
         gone, as in bench/vrrp_failover.py)
A case a setup cannot detect runs for a bounded window (longer than the
recipe's slowest detection: script interval + Master_Down_Interval + 1 s)
and is reported as not detected.

Usage: bench/appliance_failover.py --lbd build/lbd/lbd --vrrpd build/vrrpd/vrrpd
       [--rounds 4] [--adverts 1,0.1] [--out docs/benchmarks.md] [--json FILE]
       bench/appliance_failover.py --from-json FILE [--out ...] (render only)
--out replaces (or appends) the "## Appliance failover" section only.
"""
import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from appliance import Bed, PORT, SRV_PORTS, VIP, sock_path  # noqa: E402
from netns import Proc, sh, wait_until  # noqa: E402

HEADING = "## Appliance failover"
BACKUP_PRIO = 100
HB_TIMEOUT = 0.3          # vrrp_track_lbd heartbeat_timeout
SCRIPT_INTERVAL = 2       # the seed's vrrp_script interval
# keepalived started from the initial namespace acts on this interface name
# only; the host has none, so a keepalived that failed to enter the node's
# namespace finds nothing to act on
KA_IF = "afb0"

# The client: a new connection every `step`, several in flight, each bounded
# by `tmo`; prints "start end ok NODE" or "start end fail WHY" per request.
PROBE = r'''
import errno, selectors, socket, sys, time
vip, port, secs, step, tmo = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
REQ = b"GET / HTTP/1.1\r\nHost: vip\r\nConnection: close\r\n\r\n"
sel = selectors.DefaultSelector()
live = {}
def done(s, res):
    t0 = live.pop(s)[0]
    sel.unregister(s)
    s.close()
    print("%.4f %.4f %s" % (t0, time.time(), res), flush=True)
end = time.time() + secs
nxt = time.time()
while True:
    now = time.time()
    if now >= end and not live:
        break
    if now >= nxt and now < end and len(live) < 400:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((vip, port))
        live[s] = [now, b"", 0]
        sel.register(s, selectors.EVENT_WRITE)
        nxt = max(nxt + step, now)
    for key, _ in sel.select(max(0.0, min(nxt - now, 0.002))):
        s = key.fileobj
        st = live[s]
        if st[2] == 0:
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                done(s, "fail " + errno.errorcode.get(err, str(err)))
                continue
            try:
                s.send(REQ)
            except OSError as e:
                done(s, "fail " + type(e).__name__)
                continue
            st[2] = 1
            sel.modify(s, selectors.EVENT_READ)
            continue
        try:
            d = s.recv(4096)
        except OSError as e:
            done(s, "fail " + type(e).__name__)
            continue
        st[1] += d
        head, sep, body = st[1].partition(b"\r\n\r\n")
        # complete once Content-Length bytes of body arrived, as for any
        # HTTP client: what comes after (FIN or RST) does not matter
        want = None
        for h in head.split(b"\r\n")[1:]:
            k, _, v = h.partition(b":")
            if k.strip().lower() == b"content-length" and v.strip().isdigit():
                want = int(v)
        if sep and want is not None and len(body) >= want:
            if head.startswith(b"HTTP/1.1 200") and body.strip():
                done(s, "ok " + body.decode("latin-1").split()[0])
            else:
                done(s, "fail http:" + head[:12].decode("latin-1").replace(" ", "_"))
        elif not d or len(st[1]) > 65536:
            done(s, "fail short:" + head[:12].decode("latin-1").replace(" ", "_"))
    now = time.time()
    for s in [s for s, st in live.items() if now - st[0] > tmo]:
        done(s, "fail timeout")
'''

HAPROXY_CFG = """global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 5s
    timeout http-keep-alive 30s
frontend http-in
    bind {vip}:{port}
    default_backend web
backend web
{servers}
"""

KA_INSTANCE = """vrrp_instance VI_1 {{
    state {state}
    interface {iface}
    virtual_router_id 60
    priority {prio}
    advert_int {advert}
    version 3
    virtual_ipaddress {{
        {vip}/24
    }}
{track}}}
"""


class HostProc(Proc):
    """A process started in the initial namespace (keepalived -s): netns.Proc
    without the "ip netns exec", so Lan.stop_all stops it by PID too."""

    def __init__(self, lan, argv, name):
        self.lan, self.node, self.name = lan, 0, name
        self.log = os.path.join(lan.dir, "%s.log" % name)
        self.out = open(self.log, "w+")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=subprocess.STDOUT)


class Mark(threading.Thread):
    """Stamps the first moment a line containing `needle` shows up, either
    in a log file (polled every 2 ms) or in lbd's event stream."""

    def __init__(self, needle, path=None, sock=None, limit=60):
        super().__init__(daemon=True)
        self.needle, self.path, self.sock = needle, path, sock
        self.at = None
        self.end = time.time() + limit
        self.halt = False
        self.start()
        if sock:
            wait_until(lambda: self.ready, 5, 0.01)

    ready = False

    def run(self):
        if self.sock:
            return self._stream()
        pos = os.path.getsize(self.path)
        buf = ""
        while not self.halt and time.time() < self.end:
            with open(self.path, errors="replace") as f:
                f.seek(pos)
                d = f.read()
            now = time.time()
            if d:
                pos += len(d.encode("utf-8", "replace"))
                buf += d
                if self.needle in buf:
                    self.at = now
                    return
                buf = buf[-200:]
            time.sleep(0.002)

    def _stream(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.sock)
            s.sendall(b"subscribe heartbeat 1000\n")
            s.settimeout(0.2)
            buf = b""
            while not self.halt and time.time() < self.end:
                try:
                    d = s.recv(4096)
                except socket.timeout:
                    continue
                now = time.time()
                if not d:
                    return
                buf += d
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line == b"sync":
                        self.ready = True
                    elif self.needle.encode() in line and self.ready:
                        self.at = now
                        return
        finally:
            s.close()


def skew(advert):
    return (256 - BACKUP_PRIO) * float(advert) / 256


def window(advert):
    """How long a case is watched: longer than the recipe's slowest
    detection (a full script interval, then Master_Down_Interval)."""
    return SCRIPT_INTERVAL + 3 * float(advert) + skew(advert) + 1.0


def bound(case, advert):
    """Issue 6's bound for lbd + vrrpd, in seconds."""
    if case == "fast":
        return 0.1
    if case == "node":
        return 3 * float(advert) + skew(advert) + 0.05
    return skew(advert) + 0.1 + (HB_TIMEOUT if case == "hung" else 0)


class Run:
    """One setup on one fresh bed: both nodes up, node 1 Master."""

    def __init__(self, args, setup, advert):
        self.args, self.setup, self.advert = args, setup, advert
        self.ka = setup in ("recipe", "best")
        self.bed = Bed(args.lbd, args.vrrpd)
        self.lan = self.bed.lan
        self.proxy, self.vrrp = {}, {}

    # -- starting the nodes --
    def start(self):
        lan = self.lan
        for i in (1, 2):
            if self.ka:
                # haproxy binds the VIP it does not hold yet, as the
                # keepalived + haproxy recipes do
                lan.exec(i, ["sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1"])
            if self.setup == "best":
                ns = lan.ns(i)
                sh(["ip", "-n", ns, "link", "set", "eth0", "down"])
                sh(["ip", "-n", ns, "link", "set", "eth0", "name", KA_IF])
                sh(["ip", "-n", ns, "link", "set", KA_IF, "up"])
            self.bed.nodes[i].start_servers()
            self.start_proxy(i)
        # node 2 only once node 1 is Master: with priorities 101 and 100
        # both down timers would expire within milliseconds of each other
        self.start_vrrp(1)
        if not self.bed.wait_holder(1, 20):
            raise RuntimeError("node 1 did not become Master:\n" + self.vrrp[1].text())
        self.start_vrrp(2)
        if not self.vrrp[2].wait_log("Entering BACKUP STATE", 20):
            raise RuntimeError("node 2 not Backup:\n" + self.vrrp[2].text())
        # node 2 has heard node 1's adverts (the recipe's scripts ran at
        # start, long before node 1's down timer made it Master)
        time.sleep(max(0.3, float(self.advert) + 0.2))

    def start_proxy(self, i):
        lan = self.lan
        if not self.ka:
            self.proxy[i] = self.bed.nodes[i].start_lbd()
            return
        servers = "\n".join("    server s%d 127.0.0.1:%d check inter 100 fall 2 rise 2"
                            % (k + 1, p) for k, p in enumerate(SRV_PORTS))
        cfg = lan.write("haproxy%d.cfg" % i, HAPROXY_CFG.format(
            vip=VIP, port=PORT, servers=servers))
        p = lan.start(i, ["/usr/sbin/haproxy", "-db", "-f", cfg], "haproxy%d" % i)
        # haproxy -db writes no pidfile: the service manager's job, done here
        lan.write("haproxy%d.pid" % i, "%d\n" % p.pid)
        ok = wait_until(lambda: ":%d " % PORT in lan.exec(
            i, ["ss", "-Hltn"]).stdout or p.proc.poll() is not None, 20)
        if not ok or p.proc.poll() is not None:
            raise RuntimeError("haproxy %d: %s" % (i, p.text()))
        self.proxy[i] = p

    def start_vrrp(self, i):
        lan, prio = self.lan, (BACKUP_PRIO if i == 2 else None)
        if not self.ka:
            extra = "    fast_takeover\n" if self.setup == "fast" else ""
            self.vrrp[i] = self.bed.nodes[i].start_vrrpd(
                prio or 150, advert=self.advert, hb="%dms" % (HB_TIMEOUT * 1000),
                extra=extra)
            return
        if self.setup == "recipe":
            chk = lan.write("chk%d.sh" % i, "#!/bin/sh\nkill -0 \"$(cat %s)\"\n"
                            % os.path.join(lan.dir, "haproxy%d.pid" % i))
            os.chmod(chk, 0o755)
            head = ("vrrp_script chk_haproxy {\n    script \"%s\"\n"
                    "    interval %d\n    weight 2\n}\n" % (chk, SCRIPT_INTERVAL))
            track = "    track_script {\n        chk_haproxy\n    }\n"
            iface, prio = "eth0", prio or 101
        else:
            head = ("vrrp_track_process chk_haproxy {\n"
                    "    process /usr/sbin/haproxy -db -f %s\n"
                    "    param_match partial\n    weight 0\n}\n"
                    % os.path.join(lan.dir, "haproxy%d.cfg" % i))
            track = "    track_process {\n        chk_haproxy\n    }\n"
            iface, prio = KA_IF, prio or 101
        conf = lan.write("keepalived%d.conf" % i, head + KA_INSTANCE.format(
            state="MASTER" if i == 1 else "BACKUP", iface=iface, prio=prio,
            advert=self.advert, vip=VIP, track=track))
        name = "keepalived%d" % i
        argv = ["/usr/sbin/keepalived", "-n", "-l", "-D", "-R", "-f", conf,
                "-p", os.path.join(lan.dir, name + ".pid"),
                "-r", os.path.join(lan.dir, name + ".vpid"), "-i", name]
        if self.setup == "recipe":
            self.vrrp[i] = lan.start(i, argv, name)
            return
        if KA_IF in sh(["ip", "-o", "link", "show"]).stdout:
            raise RuntimeError("the host has an interface named %s" % KA_IF)
        p = HostProc(lan, argv + ["-s", lan.ns(i)], name)
        lan.procs.append(p)
        self.vrrp[i] = p

    @staticmethod
    def kill(p):
        """SIGKILL and reap at once, as a service manager would: a zombie
        still answers `kill -0`."""
        p.send(signal.SIGKILL)
        p.proc.wait(10)

    def vrrp_child(self, i):
        """The process doing VRRP: keepalived's VRRP child, vrrpd itself."""
        if not self.ka:
            return self.vrrp[i].pid
        path = os.path.join(self.lan.dir, "keepalived%d.vpid" % i)
        return int(open(path).read().split()[0])

    # -- the client --
    def probe(self, secs):
        return self.lan.start(3, [sys.executable, "-c", PROBE, VIP, str(PORT),
                                  str(secs), "0.005", "0.5"], "probe")

    def wait_answer(self, probe, node, since, limit):
        """Until `node` answered a request started after `since`, at most
        `limit` seconds; returns the samples."""
        end = time.time() + limit
        while time.time() < end:
            s = samples(probe)
            if any(w == "node%d" % node and t0 > since for t0, _, w in s):
                return s
            time.sleep(0.05)
        return samples(probe)

    def teardown(self):
        for p in self.proxy.values():
            p.send(signal.SIGCONT)
        names = [self.lan.ns(i) for i in (1, 2)]
        self.lan.teardown()
        if self.setup == "best":
            # keepalived -s leaves an empty /run/keepalived/<netns>
            for n in names:
                try:
                    os.rmdir(os.path.join("/run/keepalived", n))
                except OSError:
                    pass


def samples(probe):
    res = []
    for line in probe.text().splitlines():
        parts = line.split()
        if len(parts) >= 4:
            res.append((float(parts[0]), float(parts[1]),
                        parts[3] if parts[2] == "ok" else None))
    return res


def outage(res, since, until):
    """The longest time without an answer from `since` (or the last answer
    before it) to `until`; answers counted when they arrive."""
    oks = sorted(t1 for _, t1, w in res if w)
    before = [t for t in oks if t <= since]
    last = before[-1] if before else since
    worst = 0.0
    for t in oks:
        if t <= last or t > until:
            continue
        worst = max(worst, t - last)
        last = t
    return max(worst, until - last)


def phase(rnd, rounds, advert):
    """The wait before the event in round rnd: spread evenly over the
    recipe's script interval (which also spans whole advert intervals), so
    that the medians do not depend on when a script or an advert last ran
    relative to a bed's start."""
    return max(SCRIPT_INTERVAL, float(advert)) * (rnd + 0.5) / rounds


def one_run(args, setup, case, advert, delay=0.0):
    """Returns {"outage": s, "detected": bool, "back_fails": n or None}."""
    r = Run(args, setup, advert)
    try:
        r.start()
        w = window(advert)
        probe = r.probe(1.0 + delay + w + (25 if case == "kill" else 0))
        if not r.wait_answer(probe, 1, 0, 10):
            raise RuntimeError("no answer from node 1")
        time.sleep(0.3 + delay)
        mark = None
        if case == "empty":
            mark = (Mark("backend web usable 0", sock=sock_path(r.lan, 1))
                    if not r.ka else Mark("has no server available", path=r.proxy[1].log))
        t_ev = time.time()
        if case in ("kill", "fast"):
            r.kill(r.proxy[1])
        elif case == "hung":
            r.proxy[1].send(signal.SIGSTOP)
        elif case == "empty":
            r.bed.nodes[1].stop_servers()
        elif case == "node":
            os.kill(r.vrrp_child(1), signal.SIGKILL)
            r.kill(r.vrrp[1])
            r.kill(r.proxy[1])
        if mark:
            wait_until(lambda: mark.at, 10, 0.01)
            mark.halt = True
            if mark.at is None:
                raise RuntimeError("the proxy never marked the backend empty")
            t_ev = mark.at
        res = r.wait_answer(probe, 2, t_ev, w)
        detected = any(w_ == "node2" and t0 > t_ev for t0, _, w_ in res)
        if detected:
            time.sleep(0.3)
            res = samples(probe)
            first = min(t1 for t0, t1, w_ in res if w_ == "node2" and t0 > t_ev)
            gap = outage(res, t_ev, first)
        else:
            gap = outage(res, t_ev, time.time())
        if case == "empty" and detected:
            # counted from the mark: the answers in flight before it do not
            # shorten the outage
            gap = first - t_ev
        out = {"outage": gap, "detected": detected, "back_fails": None}
        if case == "kill" and detected:
            # the proxy comes back on node 1, which takes the VIP back once
            # its tracking says healthy (preempt): nothing may fail meanwhile
            t_back = time.time()
            if r.ka:
                r.proxy[1].out.close()
                r.start_proxy(1)
            else:
                r.proxy[1] = r.bed.nodes[1].start_lbd()
            res = r.wait_answer(probe, 1, t_back, 20)
            time.sleep(0.5)
            probe.stop(signal.SIGKILL)
            res = samples(probe)
            back = [x for x in res if x[0] > t_back]
            if any(w_ == "node1" for _, _, w_ in back):
                out["back_fails"] = sum(1 for _, _, w_ in back if w_ is None)
                out["back_time"] = min(t1 for t0, t1, w_ in back if w_ == "node1") - t_back
        probe.stop(signal.SIGKILL)
        return out
    finally:
        r.teardown()


SETUPS = ("ours", "fast", "recipe", "best")
CASES = {"ours": ("kill", "hung", "empty", "node"), "fast": ("fast",),
         "recipe": ("kill", "hung", "empty", "node"),
         "best": ("kill", "hung", "empty", "node")}
CASE_TITLE = {
    "kill": "proxy SIGKILLed on the Master",
    "fast": "lbd SIGKILLed, `fast_takeover`",
    "hung": "proxy hung (SIGSTOP) on the Master",
    "empty": "every server of the backend down (from the proxy's mark)",
    "node": "VRRP daemon SIGKILLed (node gone)",
}


def fmt(v):
    return "%.0f ms" % (v * 1000)


def cell(results):
    """Median of a setup's rounds for one case."""
    if not results:
        return "n/a"
    got = [x for x in results if x is not None]
    if len(got) < len(results):
        return "failed in %d of %d rounds" % (len(results) - len(got), len(results))
    if not all(x["detected"] for x in got):
        n = sum(1 for x in got if not x["detected"])
        low = min(x["outage"] for x in got if not x["detected"])
        return "not detected%s (outage ≥ %.1f s, window end)" % (
            "" if n == len(got) else " in %d of %d rounds" % (n, len(got)), low)
    return fmt(statistics.median(x["outage"] for x in got))


def back_cell(results):
    got = [x for x in results if x is not None and x.get("back_fails") is not None]
    if not got:
        return "n/a"
    return "%d (rounds: %s); back in %s" % (
        max(x["back_fails"] for x in got),
        ", ".join(str(x["back_fails"]) for x in got),
        fmt(statistics.median(x["back_time"] for x in got)))


def pkg_version(name):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name],
                       capture_output=True, text=True)
    return r.stdout.strip() or "?"


def report(args, table, started, took):
    adverts = [a for a in args.adverts.split(",")]
    L = [HEADING + " (lbd + vrrpd vs keepalived + haproxy)", "",
         "Generated by `bench/appliance_failover.py --lbd build/lbd/lbd --vrrpd build/vrrpd/vrrpd",
         "--out docs/benchmarks.md` (`make bench`) on %s in %.0f s;"
         % (started, took),
         "median of %d interleaved rounds, every run on a fresh bed. Machine: %d CPUs"
         % (args.rounds, os.cpu_count()),
         "(`nproc`), Linux %s, haproxy %s, keepalived %s (Debian packages)."
         % (platform.release(), pkg_version("haproxy"), pkg_version("keepalived")), "",
         "The bed (tests/integration/appliance.py): two nodes and a client in network",
         "namespaces on one bridge. Each node runs two HTTP servers on its loopback,",
         "a proxy with a frontend on the VIP and a backend of those servers (checks",
         "every 100 ms, fall 2, rise 2) and a VRRP daemon: VRRPv3, node 1 the",
         "Master, node 2 the Backup at priority 100 (so Skew_Time is the same for",
         "every setup). The client opens a new HTTP connection to the VIP every",
         "5 ms (500 ms timeout, several in flight); the outage is the longest time",
         "without an answer around the event, answers counted when they arrive",
         "(complete once Content-Length bytes of body are in). The event comes",
         "0.3 s after the first answer plus a wait spread evenly over the rounds",
         "across the recipe's 2 s script interval, so no setup gains from a fixed",
         "phase of its script or adverts.",
         "The servers write each answer in one piece (headers and body in two",
         "writes met Nagle and the proxy's delayed ACK: up to 40 ms per answer).", "",
         "Setups:", "",
         "- **lbd + vrrpd**: `vrrp_track_lbd` with `backend web min_up 1`,",
         "  `frontend http-in`, `heartbeat_timeout 300ms`, weight 0 (FAULT: a",
         "  priority 0 advert); priorities 150/100. The `fast_takeover` row adds",
         "  that option to both nodes.",
         "- **keepalived recipe**: the seed's keepalived-primary.conf: `vrrp_script`",
         "  `interval 2`, `weight 2` (fall and rise left at keepalived's 1),",
         "  priorities 101/100, with the seed's check by process name made",
         "  PID-based: `kill -0 $(cat haproxy.pid)` (both nodes share one host, so",
         "  a check by name would find the other node's haproxy). VRRPv3 without the seed's",
         "  `authentication` block (v3 has none; advert_int 0.1 needs v3).",
         "- **keepalived best**: `vrrp_track_process` on the node's own haproxy",
         "  command line (`param_match partial`), weight 0, priorities 101/100.",
         "  track_process listens to the kernel's process connector, which answers",
         "  only in the initial network namespace: inside `ip netns exec` keepalived",
         "  logs `Failed to set/clear process event listen - errno 111 - Connection",
         "  refused` and the instance stays in FAULT for good. Debian's keepalived 2.2.7 does",
         "  not accept the `net_namespace` keyword of global_defs (\"Unknown",
         "  keyword\": it stays in the initial namespace), but its command line",
         "  `-s <netns>` works: it opens the connector first, then enters the",
         "  namespace. That is how it runs here, so this column is the real",
         "  track_process.", "",
         "Cases: the Master's proxy (lbd or haproxy) gets SIGKILL, or SIGSTOP",
         "(hung), or both servers of its backend get SIGKILL (the outage counts",
         "from the moment the proxy marked the last one down: lbd's event stream",
         "line `backend web usable 0`, haproxy's \"has no server available\"",
         "alert), or its VRRP daemon and its proxy get SIGKILL at once (the node is",
         "gone). A case a setup cannot detect is watched for a bounded window",
         "(script interval + Master_Down_Interval + 1 s: %s) and reported as not"
         % ", ".join("%.1f s at advert_int %s" % (window(a), a) for a in adverts),
         "detected. After the SIGKILL case the proxy is started again on node 1,",
         "which takes the VIP back once healthy (preempt); the last row counts the",
         "client's failed requests from the restart until node 1 answers again",
         "(the worst round, each round, and the median time until node 1 answered).", "",
         "Bounds (issue 6, for lbd + vrrpd): Skew_Time + 100 ms after the event for",
         "SIGKILL and an empty backend, heartbeat_timeout + Skew_Time + 100 ms for",
         "hung, Master_Down_Interval + 50 ms for a node gone, under 100 ms with",
         "fast_takeover, no failed request on the move back.", ""]
    for advert in adverts:
        L += ["### advert_int %s s" % advert, "",
              "| case | lbd + vrrpd | keepalived recipe (script, interval 2) "
              "| keepalived best (track_process) | bound | lbd + vrrpd within bound |",
              "|---|---|---|---|---|---|"]
        for case in ("kill", "fast", "hung", "empty", "node"):
            setup = "fast" if case == "fast" else "ours"
            ours = table[advert][setup][case]
            ka = ["n/a (no such option)" if case == "fast" else cell(table[advert][s][case])
                  for s in ("recipe", "best")]
            good = [x for x in ours if x]
            ok = (good and len(good) == len(ours) and all(x["detected"] for x in good) and
                  statistics.median(x["outage"] for x in good) <= bound(case, advert))
            L.append("| %s | %s | %s | %s | %s | %s |" % (
                CASE_TITLE[case], cell(ours), ka[0], ka[1], fmt(bound(case, advert)),
                "yes" if ok else "no"))
        ours = table[advert]["ours"]["kill"]
        fails = [x["back_fails"] for x in ours if x and x.get("back_fails") is not None]
        L.append("| failed requests while the VIP moves back (proxy restarted) | %s | %s | %s | 0 | %s |" % (
            back_cell(ours), back_cell(table[advert]["recipe"]["kill"]),
            back_cell(table[advert]["best"]["kill"]),
            "yes" if fails and len(fails) == len(ours) and max(fails) == 0 else "no"))
        L.append("")
    L += ["How each setup behaves (the mechanisms behind the numbers):", "",
          "- Priority 0 (lbd + vrrpd; keepalived best, whose track_process is weight 0):",
          "  the Master enters FAULT, sends a priority 0 advert and drops the VIP; the",
          "  Backup takes over after its Skew_Time, or at once with `fast_takeover`. On",
          "  a killed proxy the two are alike; they differ in what they can see (a",
          "  hung proxy, an empty backend) and in where track_process can run.",
          "- The recipe: its script notices a dead haproxy within its 2 s interval,",
          "  node 1 drops from 103 to 101, below node 2's 102, and node 2 discards the",
          "  lower-priority adverts (\"received lower priority (101) advert ...",
          "  discarding\") until its Master_Down_Interval runs out: 0-2 s of script",
          "  phase + 3 x advert_int + Skew_Time.",
          "- Hung proxy, empty backend: a process check sees a live process, so",
          "  keepalived keeps the VIP on a node that answers nothing (SIGSTOP) or 503",
          "  (no server) until someone intervenes.",
          "- Node gone: nothing is sent any more, so every setup waits out",
          "  Master_Down_Interval from the last advert it heard (between 2 and 3",
          "  advert intervals + Skew_Time after the kill): the same for all.",
          "- Move back: node 2 drops the VIP when it hears node 1's advert. A request",
          "  node 2 is still serving at that instant (about a millisecond each here)",
          "  loses its answer when the proxy's socket is a plain one: the kernel sends",
          "  nothing more from an address the node no longer has, and a VRRP move",
          "  carries no TCP connection. lbd makes its listeners on a VIP",
          "  IP_TRANSPARENT (it runs with CAP_NET_ADMIN here), which lets those",
          "  answers leave; haproxy would with `bind ... transparent`, which the",
          "  keepalived + haproxy recipes do not use (they set",
          "  net.ipv4.ip_nonlocal_bind, as here). `nopreempt` avoids the move back.",
          ""]
    L += ["Every round, per case (ms; `nd` = not detected within the window):", ""]
    for advert in adverts:
        for setup in SETUPS:
            for case in CASES[setup]:
                vals = ["fail" if x is None else ("nd" if not x["detected"] else
                        "%.0f" % (x["outage"] * 1000)) for x in table[advert][setup][case]]
                L.append("- advert_int %s, %s, %s: %s" % (advert, setup, case, ", ".join(vals)))
    return "\n".join(L) + "\n"


def write_section(path, text):
    old = open(path).read() if os.path.exists(path) else ""
    head, sep, rest = old.partition(HEADING)
    tail = ""
    if sep:
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1:] if nxt >= 0 else ""
    with open(path, "w") as f:
        f.write((head.rstrip("\n") + "\n\n" if head.strip() else "") + text +
                ("\n" + tail if tail else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd")
    ap.add_argument("--vrrpd")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--adverts", default="1,0.1")
    ap.add_argument("--setups", default=",".join(SETUPS))
    ap.add_argument("--cases", default="kill,fast,hung,empty,node")
    ap.add_argument("--out")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--from-json", help="render the report of an earlier run's --json")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            raw = json.load(f)
        args.rounds, args.adverts = raw["rounds"], raw["adverts"]
        text = report(args, raw["table"], raw["started"], raw["took"])
        print(text)
        if args.out:
            write_section(args.out, text)
        return
    if not (args.lbd and args.vrrpd):
        ap.error("--lbd and --vrrpd are required")
    setups = args.setups.split(",")
    cases = args.cases.split(",")
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    t0 = time.time()
    table = {a: {s: {c: [] for c in CASES[s]} for s in SETUPS}
             for a in args.adverts.split(",")}
    for rnd in range(args.rounds):
        for advert in args.adverts.split(","):
            # interleaved: every setup and case once per round, so the
            # machine's load hits them alike
            for case in ("kill", "fast", "hung", "empty", "node"):
                for setup in SETUPS:
                    if case not in CASES[setup] or setup not in setups or case not in cases:
                        continue
                    try:
                        res = one_run(args, setup, case, advert,
                                      phase(rnd, args.rounds, advert))
                    except Exception as e:  # a broken run is reported, not fatal
                        print("round %d advert %s %s %s: error %s" % (
                            rnd + 1, advert, setup, case, e), flush=True)
                        res = None
                    table[advert][setup][case].append(res)
                    if res:
                        print("round %d advert %-3s %-6s %-5s outage %6.0f ms%s%s" % (
                            rnd + 1, advert, setup, case, res["outage"] * 1000,
                            "" if res["detected"] else " (not detected)",
                            "" if res.get("back_fails") is None else
                            ", move back: %d failed, %.0f ms" % (res["back_fails"],
                                                                 res["back_time"] * 1000)),
                            flush=True)
    took = time.time() - t0
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rounds": args.rounds, "adverts": args.adverts, "started": started,
                       "took": took, "table": table}, f, indent=1)
    text = report(args, table, started, took)
    print(text)
    if args.out:
        write_section(args.out, text)


if __name__ == "__main__":
    main()
