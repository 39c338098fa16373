#!/usr/bin/python3
"""`make run`: the appliance demo. Two load-balancer nodes, each running lbd
and vrrpd, three web servers and a client, each in its own network
namespace on one bridge (documentation addresses: 192.0.2.0/24; nothing
leaves the machine). The client asks the VIP 192.0.2.100 twenty times a
second and a status line shows who answers. Kill or freeze lbd or vrrpd on
the Master with the commands printed and watch the VIP move; a daemon that
died is started again after a few seconds. Ctrl-C removes everything.

Configurations: config/pair/lbd.cfg (both nodes), config/pair/vrrpd-node1.conf
and vrrpd-node2.conf."""
import argparse
import os
import shutil
import signal
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from netns import Lan, wait_until  # noqa: E402
from appliance import PROBE, SERVER, VIP  # noqa: E402

RUN = "/tmp/lbd-pair"
WEB = {21: "web1", 22: "web2", 23: "web3"}
RESTART_AFTER = 4.0	# seconds before a dead daemon is started again


class Demo:
    def __init__(self, lbd, vrrpd):
        self.lbd_bin, self.vrrpd_bin = lbd, vrrpd
        self.lan = Lan(3, tag="demo")
        self.daemons = {}		# (node, "lbd"|"vrrpd") -> Proc
        self.dead_since = {}
        self.served = {"node1": 0, "node2": 0}
        self.req_seen = {}
        self.failed = 0
        self.last_ok = None
        self.worst = 0.0
        self.lock = threading.Lock()

    def start(self):
        shutil.rmtree(RUN, ignore_errors=True)
        self.lan.setup()
        for i, name in WEB.items():
            self.lan.add_node(i)
            self.lan.start(i, [sys.executable, "-c", SERVER, name, "8080",
                               "steady", "0.0.0.0"], name)
        for node in (1, 2):
            os.makedirs(os.path.join(RUN, "node%d" % node))
            self.start_daemon(node, "lbd")
            self.start_daemon(node, "vrrpd")

    def start_client(self):
        self.probe = self.lan.start(3, [sys.executable, "-u", "-c", PROBE, VIP,
                                        "80", "86400", "0.05"], "client")
        threading.Thread(target=self.follow_probe, daemon=True).start()

    def start_daemon(self, node, kind):
        d = os.path.join(RUN, "node%d" % node)
        if kind == "lbd":
            argv = ["env", "NODE=node%d" % node, self.lbd_bin, "-f",
                    os.path.join(HERE, "pair", "lbd.cfg")]
        else:
            argv = [self.vrrpd_bin, "-n", "-l", "-f",
                    os.path.join(HERE, "pair", "vrrpd-node%d.conf" % node),
                    "-p", os.path.join(d, "vrrpd.pid"),
                    "-r", os.path.join(d, "vrrpd.vrrp.pid")]
        p = self.lan.start(node, argv, "%s%d" % (kind, node))
        self.daemons[(node, kind)] = p
        self.dead_since.pop((node, kind), None)
        return p

    def follow_probe(self):
        """Tally the client's answers (one line per request)."""
        with open(self.probe.log) as f:
            while True:
                line = f.readline()
                if not line:
                    time.sleep(0.05)
                    continue
                parts = line.split()
                try:
                    t = float(parts[0])
                except (ValueError, IndexError):
                    continue
                with self.lock:
                    if len(parts) > 1 and parts[1] == "ok":
                        if self.last_ok is not None and t - self.last_ok > 0.2:
                            self.worst = t - self.last_ok
                        self.last_ok = t
                    else:
                        self.failed += 1

    def served_by(self, node):
        """Requests node's lbd answered on the VIP since the demo began
        (its frontend's counter, summed over lbd restarts)."""
        out = b""
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(os.path.join(RUN, "node%d" % node, "lbd.sock"))
                s.sendall(b"show stat -1 1 -1\n")
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    out += d
        except OSError:
            return self.served["node%d" % node]
        for line in out.decode(errors="replace").splitlines():
            f = line.split(",")
            if len(f) > 48 and f[0] == "http-in" and f[1] == "FRONTEND":
                now = int(f[48] or 0)	# req_tot
                last = self.req_seen.get(node, 0)
                self.served["node%d" % node] += now - last if now >= last else now
                self.req_seen[node] = now
        return self.served["node%d" % node]

    def supervise(self):
        """Start again what died, after a pause (so the move is seen)."""
        now = time.time()
        for key, p in list(self.daemons.items()):
            if p.proc.poll() is None:
                continue
            since = self.dead_since.setdefault(key, now)
            if now - since >= RESTART_AFTER:
                node, kind = key
                print("\n[demo] %s on node%d had stopped: starting it again"
                      % (kind, node), flush=True)
                self.start_daemon(node, kind)

    def status(self):
        holders = self.lan.holders(VIP, (1, 2))
        who = "node%d" % holders[0] if len(holders) == 1 else \
            ("nobody" if not holders else "both!")
        n1, n2 = self.served_by(1), self.served_by(2)
        with self.lock:
            return ("VIP on %-6s | answered by node1: %6d  node2: %6d | "
                    "failed: %4d | last outage: %5.2f s" %
                    (who, n1, n2, self.failed, self.worst))

    def stop(self):
        self.lan.teardown()
        shutil.rmtree(RUN, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--vrrpd", required=True)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("make run needs root: it creates network namespaces")
    demo = Demo(os.path.abspath(args.lbd), os.path.abspath(args.vrrpd))
    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        demo.start()
        if not wait_until(lambda: demo.lan.holders(VIP, (1, 2)) == [1], 30):
            print(open(demo.daemons[(1, "vrrpd")].log).read())
            sys.exit("demo: node1 did not become Master")
        demo.start_client()
        ns1 = demo.lan.ns(1)
        print("""
The appliance pair is running: node1 (priority 150) holds the VIP %s,
node2 (priority 100) is its backup; lbd on each node balances web1-3, and
vrrpd follows lbd's health through its event stream (vrrp_track_lbd).
A client asks the VIP 20 times a second. Try, in another shell:

  kill -9 $(cat %s/node1/lbd.pid)      # lbd dies: node2 takes over at once
  kill -STOP $(cat %s/node1/lbd.pid)   # lbd hangs: seen in 300 ms
  kill -CONT $(cat %s/node1/lbd.pid)
  kill -9 $(cat %s/node1/vrrpd.pid)    # the VRRP daemon dies: 3 adverts
  echo 'disable server web-servers/web1' | socat - UNIX:%s/node1/lbd.sock
  echo 'show vrrp' | socat - UNIX:%s/node1/vrrpd.sock
  echo 'show info' | socat - UNIX:%s/node1/lbd.sock | grep -i vrrp
  ip netns exec %s curl -s http://127.0.0.1:8404/stats   # node1's stats page

A stopped daemon is started again after %.0f s; node1 then takes the VIP back
once its lbd is healthy. Logs: %s/*.log. Ctrl-C stops everything.
""" % (VIP, RUN, RUN, RUN, RUN, RUN, RUN, RUN, ns1, RESTART_AFTER, demo.lan.dir),
            flush=True)
        while True:
            demo.supervise()
            sys.stdout.write("\r" + demo.status())
            sys.stdout.flush()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\n[demo] stopping and removing the namespaces")
    finally:
        demo.stop()


if __name__ == "__main__":
    main()
