#!/usr/bin/python3
"""Cost of health checks: 1000 servers checked every second (TCP connect
checks), lbd against HAProxy, in the same run, interleaved over rounds.

    /usr/bin/python3 bench/checks_cost.py --lbd build/lbd/lbd \
        [--servers 1000] [--seconds 20] [--rounds 3] [--out docs/benchmarks.md]

The servers all point at one loopback listener that accepts and closes
(counting the checks it sees). Each proxy runs alone, with one thread; its
CPU time (user + system, from /proc) over the measuring window is divided
by the window: the share of one core the checks cost. The bar (issue 3):
under 5% of one core for lbd. --out replaces the "## Health check cost"
section of the report (written after bench/run.py's, before the VRRP one).

Python 3 standard library only; every process is stopped by its PID.
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
HEADING = "## Health check cost"


def active_opens():
    """TCP connections opened on the machine so far (/proc/net/snmp): the
    checks' rate, whichever way each proxy closes them (HAProxy resets its
    check connections before the listener can accept them)."""
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Tcp:")]
    return int(rows[1][rows[0].index("ActiveOpens")])


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Acceptor:
    """A listener that accepts and closes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:		# a check that gave up first: go on
                continue
            c.close()
            self.count += 1

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.sock.close()


def config(port, servers, fe_port):
    lines = ["global", "    maxconn 4000", "    nbthread 1",
             "defaults", "    mode tcp", "    timeout connect 1s",
             "    timeout client 5s", "    timeout server 5s", "    timeout check 1s",
             "frontend fe", "    bind 127.0.0.1:%d" % fe_port, "    default_backend be",
             "backend be"]
    for i in range(servers):
        lines.append("    server s%d 127.0.0.1:%d check inter 1s" % (i + 1, port))
    return "\n".join(lines) + "\n"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def measure(argv, cfg_path, acc, warmup, seconds):
    p = subprocess.Popen(argv + ["-f", cfg_path], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(warmup)
        if p.poll() is not None:
            raise RuntimeError("%s exited with %s" % (argv[0], p.returncode))
        c0, n0, t0 = cpu_seconds(p.pid), active_opens(), time.monotonic()
        time.sleep(seconds)
        c1, n1, t1 = cpu_seconds(p.pid), active_opens(), time.monotonic()
        return (c1 - c0) / (t1 - t0), (n1 - n0) / (t1 - t0)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--haproxy", default="/usr/sbin/haproxy")
    ap.add_argument("--servers", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()

    acc = Acceptor()
    d = tempfile.mkdtemp(prefix="lbd-checks-bench-")
    cfg = os.path.join(d, "checks.cfg")
    with open(cfg, "w") as f:
        f.write(config(acc.port, a.servers, free_port()))
    progs = {"lbd": [os.path.abspath(a.lbd), "-q"], "haproxy": [a.haproxy, "-q", "-db"]}
    res = {k: [] for k in progs}
    try:
        for r in range(a.rounds):
            order = list(progs) if r % 2 == 0 else list(reversed(list(progs)))
            for k in order:
                cpu, rate = measure(progs[k], cfg, acc, a.warmup, a.seconds)
                res[k].append((cpu, rate))
                print("round %d %-8s %5.2f%% of a core, %6.0f checks/s" %
                      (r + 1, k, cpu * 100, rate), flush=True)
    finally:
        acc.close()
        os.unlink(cfg)
        os.rmdir(d)
    med = {k: (statistics.median(c for c, _ in v), statistics.median(n for _, n in v))
           for k, v in res.items()}
    ratio = med["lbd"][0] / med["haproxy"][0] if med["haproxy"][0] else float("nan")
    table = [HEADING, "",
             "Generated by `bench/checks_cost.py` (`make bench`): %d servers with "
             "`check inter 1s` (TCP connect checks) against one loopback listener, "
             "one thread, %d interleaved rounds of %.0f s after %.0f s of warm-up; "
             "CPU time of the proxy process over the window (user + system). The bar "
             "is under 5%% of one core for lbd." % (a.servers, a.rounds, a.seconds,
                                                     a.warmup), "",
             "| proxy | CPU, % of one core (median) | TCP connections opened per second (machine) | rounds |",
             "|---|---:|---:|---|"]
    for k in progs:
        table.append("| %s | %.2f | %.0f | %s |" % (
            k, med[k][0] * 100, med[k][1],
            ", ".join("%.2f%%" % (c * 100) for c, _ in res[k])))
    table += ["", "lbd/haproxy CPU: %.2f (lower is better for lbd); lbd under 5%%: %s." %
              (ratio, "yes" if med["lbd"][0] < 0.05 else "no"), ""]
    text = "\n".join(table)
    print(text)
    if a.out:
        old = open(a.out).read() if os.path.exists(a.out) else ""
        head, sep, rest = old.partition(HEADING)
        tail = ""
        if sep and "\n## VRRP failover" in rest:
            tail = rest[rest.index("\n## VRRP failover") + 1:]
        elif not sep and "## VRRP failover" in old:
            head, _, t = old.partition("## VRRP failover")
            tail = "## VRRP failover" + t
        with open(a.out, "w") as f:
            f.write(head.rstrip("\n") + "\n\n" + text + ("\n" + tail if tail else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
