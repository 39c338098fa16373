#!/usr/bin/python3
"""Failover outage of vrrpd and keepalived, measured from a client.

The bed (tests/integration/netns.py): two routers and a client in network
namespaces on one bridge, documentation addresses only. Each router runs a
UDP echo responder on port 7 (it answers for the VIP when it holds it) and
the VRRP daemon under test (VRRPv3, the same configuration for both
daemons). The client sends a probe to the VIP every 5 ms and records the
replies. Events, each on a fresh bed:
  kill   the master's VRRP process and its responder get SIGKILL at once
         (the node dies; its VIP stays configured but nobody answers)
  stop   the master's daemon gets SIGTERM (graceful: priority 0 advert)
The outage is the longest gap between replies around the event. The
protocol's bound for "kill" is 3 x advert + Skew_Time (backup priority 100)
and for "stop" Skew_Time; the bar is that plus 50 ms.

Usage: bench/vrrp_failover.py --vrrpd build/vrrpd/vrrpd [--rounds 3]
       [--out docs/benchmarks.md]   (appends or replaces the VRRP section)
"""
import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from netns import Lan, wait_until  # noqa: E402

VIP = "192.0.2.50"
ECHO = ("import socket\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.bind(('0.0.0.0', 7))\n"
        "while True:\n"
        "    d, a = s.recvfrom(64)\n"
        "    s.sendto(d, a)\n")
PROBE = ("import socket, sys, time\n"
         "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
         "s.setblocking(False)\n"
         "end = time.time() + float(sys.argv[1])\n"
         "n = 0\n"
         "while time.time() < end:\n"
         "    try:\n"
         "        s.sendto(str(n).encode(), ('%s', 7))\n"
         "    except OSError:\n"
         "        pass\n"
         "    n += 1\n"
         "    t = time.time() + 0.005\n"
         "    while time.time() < t:\n"
         "        try:\n"
         "            s.recv(64)\n"
         "            print('%%.4f' %% time.time(), flush=True)\n"
         "        except BlockingIOError:\n"
         "            time.sleep(0.0005)\n" % VIP)


def conf(prio, advert):
    return """global_defs {
  vrrp_version 3
  vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority %d
  advert_int %s
  virtual_ipaddress {
    %s/24
  }
}
""" % (prio, advert, VIP)


def start_daemon(lan, node, kind, binary, advert):
    name = "%s%d" % (kind, node)
    path = lan.write(name + ".conf", conf(150 if node == 1 else 100, advert))
    pid, vpid = (os.path.join(lan.dir, name + s) for s in (".pid", ".vpid"))
    # -R: keepalived must not respawn the VRRP child we kill
    argv = [binary, "-n", "-l", "-R", "-f", path, "-p", pid, "-r", vpid]
    return lan.start(node, argv, name), vpid


def one_run(kind, binary, advert, event, probe_secs):
    lan = Lan(3, tag="vrb").setup()
    try:
        for n in (1, 2):
            lan.start(n, ["/usr/bin/python3", "-c", ECHO], "echo%d" % n)
        m, mvpid = start_daemon(lan, 1, kind, binary, advert)
        b, _ = start_daemon(lan, 2, kind, binary, advert)
        if not wait_until(lambda: lan.holders(VIP) == [1], 30):
            raise RuntimeError("no master on node 1")
        time.sleep(max(1.0, 4 * float(advert)))
        probe = lan.start(3, ["/usr/bin/python3", "-c", PROBE, str(probe_secs)], "probe")
        time.sleep(1.0)
        t_event = time.time()
        if event == "kill":
            # keepalived's VRRP work is done by its child: kill that one
            with open(mvpid) as f:
                vrrp_pid = int(f.read().split()[0])
            os.kill(vrrp_pid, signal.SIGKILL)
            lan.procs[0].send(signal.SIGKILL)          # node 1's responder
        else:
            m.send(signal.SIGTERM)
        probe.proc.wait(probe_secs + 30)
        times = [float(x) for x in probe.text().split()]
        # the longest gap from the last reply before the event on: a reply
        # already on its way at the event lands just after it, and the
        # outage is the gap that follows
        first = next((i for i, t in enumerate(times) if t >= t_event), None)
        if first is None or first == 0:
            return None
        return max(b - a for a, b in zip(times[first - 1:], times[first:]))
    finally:
        lan.teardown()


def bound(advert, event):
    a = float(advert)
    skew = (256 - 100) * a / 256
    return (3 * a + skew if event == "kill" else skew) + 0.05


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vrrpd", required=True)
    ap.add_argument("--keepalived", default="/usr/sbin/keepalived")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    rows = []
    for advert in ("1", "0.1"):
        for event in ("kill", "stop"):
            res = {"vrrpd": [], "keepalived": []}
            # interleaved rounds: the machine's load hits both alike
            for _ in range(args.rounds):
                for kind, binary in (("vrrpd", args.vrrpd),
                                     ("keepalived", args.keepalived)):
                    o = one_run(kind, binary, advert, event,
                                probe_secs=8 * float(advert) + 4)
                    if o is not None:
                        res[kind].append(o)
                    print("%-10s advert %-4s %-5s outage %s" % (
                        kind, advert, event, "%.0f ms" % (o * 1000) if o else "n/a"),
                        flush=True)
            rows.append((advert, event, res))
    lines = ["## VRRP failover (vrrpd vs keepalived %s)" % subprocess.run(
                 [args.keepalived, "-v"], capture_output=True, text=True).stderr.split()[1],
             "",
             "Outage seen by a client probing the VIP every 5 ms (bench/vrrp_failover.py),",
             "median of %d interleaved rounds, VRRPv3, backup priority 100. kill: the"
             % args.rounds,
             "master's VRRP process and its service get SIGKILL; stop: SIGTERM (a",
             "stopping vrrpd keeps its VIPs until the new master has advertised).",
             "",
             "| advert_int | event | vrrpd | keepalived | bound (protocol + 50 ms) | vrrpd within bound |",
             "|---|---|---|---|---|---|"]
    for advert, event, res in rows:
        med = {k: statistics.median(v) if v else None for k, v in res.items()}
        fmt = lambda v: "%.0f ms" % (v * 1000) if v is not None else "n/a"
        ok = med["vrrpd"] is not None and med["vrrpd"] <= bound(advert, event)
        lines.append("| %s s | %s | %s | %s | %s | %s |" % (
            advert, event, fmt(med["vrrpd"]), fmt(med["keepalived"]),
            fmt(bound(advert, event)), "yes" if ok else "no"))
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        text = open(args.out).read() if os.path.exists(args.out) else ""
        head, sep, rest = text.partition("## VRRP failover")
        head = head.rstrip("\n")
        # keep the sections after this one (bench/appliance_failover.py's)
        nxt = rest.find("\n## ") if sep else -1
        tail = rest[nxt + 1:] if nxt >= 0 else ""
        with open(args.out, "w") as f:
            f.write((head + "\n\n" if head else "") + table + ("\n" + tail if tail else ""))


if __name__ == "__main__":
    main()
