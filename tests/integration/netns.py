"""A LAN of network namespaces for VRRP tests.

One namespace holds a bridge; each node namespace has an eth0 (a veth whose
peer is a port of that bridge) with documentation addresses only:
192.0.2.N/24 and 2001:db8::N/64 for node N (1-based). Everything VRRP does
(adverts, gratuitous ARP, VIPs) stays inside these namespaces. Names carry a
unique prefix; teardown deletes every namespace, which also removes the
veths and the bridge. Processes started through Lan.start are stopped by
their PID in Lan.stop_all (teardown calls it first)."""
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time

_seq = itertools.count(1)


def sh(argv, check=True, **kw):
    return subprocess.run(argv, check=check, capture_output=True, text=True,
                          timeout=30, **kw)


def wait_until(pred, timeout, step=0.05):
    """Poll pred() until it is true or timeout seconds pass; returns the
    last value."""
    end = time.time() + timeout
    while True:
        v = pred()
        if v or time.time() >= end:
            return v
        time.sleep(step)


class Proc:
    """A process in a namespace, its output in a file."""

    def __init__(self, lan, node, argv, name):
        self.lan = lan
        self.node = node
        self.name = name
        self.log = os.path.join(lan.dir, "%s.log" % name)
        self.out = open(self.log, "w+")
        self.proc = subprocess.Popen(["ip", "netns", "exec", lan.ns(node)] + argv,
                                     stdout=self.out, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.proc.pid

    def text(self):
        if not self.out.closed:
            self.out.flush()
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait_log(self, needle, timeout, count=1):
        return wait_until(lambda: self.text().count(needle) >= count, timeout)

    def send(self, sig):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signal and wait; returns the exit code (SIGKILL after timeout)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.out.close()
        return self.proc.returncode


class Lan:
    def __init__(self, nodes=2, tag="vr"):
        self.prefix = "%s%d-%d" % (tag, os.getpid(), next(_seq))
        self.n = nodes
        self.dir = tempfile.mkdtemp(prefix="vrrp-test-")
        self.procs = []
        self.created = []

    def ns(self, node):
        return "%s-n%d" % (self.prefix, node)

    @property
    def brns(self):
        return "%s-br" % self.prefix

    def ip4(self, node):
        return "192.0.2.%d" % node

    def ip6(self, node):
        return "2001:db8::%d" % node

    def _add_ns(self, name):
        sh(["ip", "netns", "add", name])
        self.created.append(name)
        sh(["ip", "-n", name, "link", "set", "lo", "up"])
        for k in ("all", "default"):
            sh(["ip", "netns", "exec", name, "sysctl", "-qw",
                "net.ipv6.conf.%s.accept_dad=0" % k])

    def setup(self):
        self._add_ns(self.brns)
        sh(["ip", "-n", self.brns, "link", "add", "br0", "type", "bridge",
            "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0"])
        sh(["ip", "-n", self.brns, "link", "set", "br0", "up"])
        for i in range(1, self.n + 1):
            self.add_node(i)
        return self

    def add_node(self, i):
        ns = self.ns(i)
        self._add_ns(ns)
        sh(["ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer",
            "name", "p%d" % i, "netns", self.brns])
        sh(["ip", "-n", self.brns, "link", "set", "p%d" % i, "master", "br0", "up"])
        sh(["ip", "-n", ns, "addr", "add", self.ip4(i) + "/24", "dev", "eth0"])
        sh(["ip", "-n", ns, "addr", "add", self.ip6(i) + "/64", "dev", "eth0",
            "nodad"])
        sh(["ip", "-n", ns, "link", "set", "eth0", "up"])

    def link(self, node, up):
        """Cut or restore node's cable (the bridge port), so eth0 loses
        carrier as a pulled cable does."""
        sh(["ip", "-n", self.brns, "link", "set", "p%d" % node,
            "up" if up else "down"])

    def isolate(self, node, cut):
        """Partition: the node keeps its carrier but the bridge drops its
        frames (port isolation via a down/up of the port's forwarding)."""
        sh(["bridge", "-n", self.brns, "link", "set", "dev", "p%d" % node,
            "state", "0" if cut else "3"])

    def exec(self, node, argv, check=True):
        return sh(["ip", "netns", "exec", self.ns(node)] + argv, check=check)

    def start(self, node, argv, name):
        p = Proc(self, node, argv, name)
        self.procs.append(p)
        return p

    def addrs(self, node, dev=None):
        """Addresses of the node, on every interface unless dev is given."""
        out = sh(["ip", "-n", self.ns(node), "-o", "addr", "show"] +
                 (["dev", dev] if dev else [])).stdout
        res = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) > 3 and parts[2] in ("inet", "inet6"):
                res.add(parts[3].split("/")[0])
        return res

    def has(self, node, addr):
        return addr in self.addrs(node)

    def holders(self, addr, nodes=None):
        return [i for i in (nodes or range(1, self.n + 1)) if self.has(i, addr)]

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def stop_all(self):
        for p in self.procs:
            try:
                p.stop(signal.SIGKILL if p.proc.poll() is None else 0)
            except Exception:
                pass

    def teardown(self):
        self.stop_all()
        for name in reversed(self.created):
            sh(["ip", "netns", "del", name], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
