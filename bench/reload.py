#!/usr/bin/python3
"""Reloads under load: lbd (master-worker, -W) beside Debian's HAProxy
(haproxy -W -S), the same configuration, the same nginx backend and the
same client: Python threads of keep-alive clients (a connection reused
until the server says "Connection: close") and of new-connection clients
(tests/integration/reload_load.py), every request checked whole.

Each run starts the proxy, lets the load run, then sends SIGUSR2 to the
master N times, each once the previous reload finished (the master CLI's
"show proc" names a new worker) plus a short pause with load. Reported
per proxy: requests served, requests lost (sent on an open connection
and never answered whole, or answered non-200), connections refused or
reset at connect, and the reload time (SIGUSR2 to the new worker listed),
median and max. Runs interleave lbd and haproxy over rounds in a
shuffled order.

Usage: bench/reload.py --lbd build/lbd/lbd [--rounds 3] [--reloads 20]
       [--out docs/benchmarks.md]   (replaces or appends its own section)
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import run as R  # noqa: E402  (the proxy benchmark's helpers)
from reload_load import Load  # noqa: E402

PAUSE = 0.1     # seconds of load between two reloads


def cfg(port, be_port, sock):
    return """global
    maxconn 2000
    hard-stop-after 10s
    stats socket %s level admin expose-fd listeners
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout http-keep-alive 10s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    server s1 127.0.0.1:%d
""" % (sock, port, be_port)


def mcli(path, line, timeout=2.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        s.shutdown(socket.SHUT_WR)      # HAProxy's master CLI answers then
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")
    finally:
        s.close()


def current_worker(path):
    """The pid under '# workers' in the master's "show proc", or None
    (the master CLI may be away while HAProxy's master re-executes)."""
    try:
        out = mcli(path, "show proc")
    except OSError:
        return None
    sect = None
    for line in out.splitlines():
        if line.startswith("# workers"):
            sect = "cur"
        elif line.startswith("#"):
            sect = None
        elif sect == "cur" and re.match(r"^\d+\s+worker", line):
            return int(line.split()[0])
    return None


def wait_worker(path, other, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        w = current_worker(path)
        if w and w != other:
            return w
        time.sleep(0.002)
    raise R.BenchError("no new worker within %.0f s" % timeout)


def run_one(procs, tools, kind, port, be_port, reloads, tmp):
    d = tempfile.mkdtemp(prefix=kind + "-", dir=tmp)
    msock, ssock = os.path.join(d, "master.sock"), os.path.join(d, "admin.sock")
    path = os.path.join(d, "proxy.cfg")
    with open(path, "w") as f:
        f.write(cfg(port, be_port, ssock))
    p = procs.spawn(kind, [tools[kind], "-W", "-S", msock, "-f", path], cpus="1",
                    log=os.path.join(d, "proxy.log"))
    load = None
    try:
        R.wait_listen([port], p, kind)
        worker = wait_worker(msock, None)
        load = Load(port, keepalive=4, fresh=2, path="/", max_seconds=120).start()
        start = time.monotonic()
        time.sleep(0.5)
        times = []
        for _ in range(reloads):
            t0 = time.monotonic()
            os.kill(p.pid, signal.SIGUSR2)
            worker = wait_worker(msock, worker)
            times.append(time.monotonic() - t0)
            time.sleep(PAUSE)
        time.sleep(0.5)
        load.stop()
        return {"secs": time.monotonic() - start, "ok": load.ok, "lost": load.failed, "refused": load.conn_failed,
                "conns": load.conns, "times": times, "errors": load.errors[:3]}
    finally:
        if load:
            load.stop()
        procs.stop(p, timeout=15)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reloads", type=int, default=20)
    ap.add_argument("--out")
    a = ap.parse_args()
    if not 1 <= a.rounds <= 20 or not 1 <= a.reloads <= 200:
        ap.error("rounds 1..20, reloads 1..200")
    try:
        tools = {"lbd": R.which_or_die("lbd", a.lbd), "haproxy": R.which_or_die("haproxy"),
                 "nginx": R.which_or_die("nginx")}
    except R.BenchError as e:
        print("reload: %s" % e, file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="lbd-reload-bench-")
    procs = R.Procs(pin=True)
    try:
        bdir = os.path.join(tmp, "backend")
        os.makedirs(os.path.join(bdir, "www"))
        b1, b2, stat, port = R.free_ports(4)
        with open(os.path.join(bdir, "nginx.conf"), "w") as f:
            f.write(R.backend_nginx_conf(bdir, b1, b2, stat))
        ng = procs.spawn("backend nginx", [tools["nginx"], "-p", bdir, "-c",
                                           os.path.join(bdir, "nginx.conf"), "-e",
                                           os.path.join(bdir, "error.log")], cpus="0")
        R.wait_listen([b1, b2], ng, "backend nginx")
        total = {k: {"secs": 0.0, "ok": 0, "lost": 0, "refused": 0, "conns": 0, "times": [],
                     "errors": []} for k in ("lbd", "haproxy")}
        for r in range(a.rounds):
            order = list(total)
            random.shuffle(order)
            for k in order:
                res = run_one(procs, tools, k, port, b1, a.reloads, tmp)
                for f in ("secs", "ok", "lost", "refused", "conns"):
                    total[k][f] += res[f]
                total[k]["times"] += res["times"]
                total[k]["errors"] += res["errors"]
                print("round %d %s: %d requests, %d lost, %d refused, reload median "
                      "%.1f ms" % (r + 1, k, res["ok"], res["lost"], res["refused"],
                                   1000 * R.median(res["times"])), flush=True)
        hap_ver = R.cmd_output([tools["haproxy"], "-v"]).splitlines()[0]
        n = a.rounds * a.reloads
        text = ("## Reloads under load: lbd -W beside HAProxy -W\n\n"
                "Generated by `bench/reload.py` (`make bench`) on %s; %d rounds, each "
                "proxy %d reloads per round (SIGUSR2 to the master, the next one once the "
                "master CLI lists the new worker, then %.0f ms of load), %d in all; the "
                "load: 4 keep-alive clients and 2 new-connection clients (Python threads, "
                "`tests/integration/reload_load.py`) on one nginx backend; the proxy "
                "alone on CPU 1; %s. Same configuration for both (`hard-stop-after 10s`, "
                "`timeout http-keep-alive 10s`, `expose-fd listeners`).\n\n"
                "| proxy | requests served | under load | requests lost | "
                "connects refused/reset | reload time (median) | reload time (max) |\n"
                "|---|---:|---:|---:|---:|---:|---:|\n" %
                (time.strftime("%Y-%m-%d %H:%M"), a.rounds, a.reloads, PAUSE * 1000, n,
                 hap_ver))
        for k in ("lbd", "haproxy"):
            t = total[k]
            text += "| %s | %d | %.1f s | %d | %d | %.1f ms | %.1f ms |\n" % (
                k, t["ok"], t["secs"], t["lost"], t["refused"],
                1000 * R.median(t["times"]), 1000 * max(t["times"]))
        lost = {k: total[k]["lost"] + total[k]["refused"] for k in total}
        text += ("\nThe runs last as long as their reloads take (\"under load\"), so "
                 "the requests served say how long the load ran, not how fast either "
                 "proxy is (bench/run.py measures that). "
                 "Requests lost per reload: lbd %.3f, haproxy %.3f. HAProxy 2.6 closes "
                 "its idle keep-alive connections when the old worker stops, so a "
                 "client that sends its next request at that moment loses it (2.7's "
                 "`idle-close-on-response` addresses this); lbd's stopping worker "
                 "answers that next request with `Connection: close` instead. "
                 "lbd's reload time includes the configuration check (`lbd -c` run by "
                 "the master) and the hand-over of the runtime state.\n" %
                 (lost["lbd"] / n, lost["haproxy"] / n))
        if total["haproxy"]["errors"]:
            text += "\nHAProxy's first failures as the client saw them: %s.\n" % (
                "; ".join("`%s`" % e for e in total["haproxy"]["errors"][:3]))
        print(text)
        if a.out:
            R.write_section(a.out, "reload", text)
    except R.BenchError as e:
        print("reload: %s" % e, file=sys.stderr)
        return 1
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
