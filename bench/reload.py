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

Then a reload storm per proxy: one reload a second for --storm seconds
(60 by default) under the same load, with one more idle keep-alive
client opened on each new worker so that every generation has a reason
to stay (`hard-stop-after 10s`, `mworker-max-reloads 3`); sampled each
second: how many old workers are alive, the master's resident memory and
that of all the proxy's processes.

Usage: bench/reload.py --lbd build/lbd/lbd [--rounds 3] [--reloads 20]
       [--storm 60] [--out docs/benchmarks.md]
       (replaces or appends its own section)
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


def cfg(port, be_port, sock, glob=""):
    return """global
    maxconn 2000
    hard-stop-after 10s
%s    stats socket %s level admin expose-fd listeners
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
""" % (glob, sock, port, be_port)


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


def rss_kib(pid):
    """VmRSS of pid in KiB, 0 once it is gone."""
    return R.proc_rss_kb(pid) or 0


def children(pid):
    """The live (not zombie) children of pid."""
    return R.pids_where(lambda f: int(f[1]) == pid and f[0] != "Z")


def hold_idle(port):
    """One keep-alive connection that made a request and stays idle."""
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    s.settimeout(5)
    s.recv(65536)
    return s


def run_storm(procs, tools, kind, port, be_port, seconds, tmp):
    """One reload a second for `seconds` under load, an idle client held
    on each generation; samples taken just before each reload."""
    d = tempfile.mkdtemp(prefix=kind + "-storm-", dir=tmp)
    msock, ssock = os.path.join(d, "master.sock"), os.path.join(d, "admin.sock")
    path = os.path.join(d, "proxy.cfg")
    with open(path, "w") as f:
        f.write(cfg(port, be_port, ssock, "    mworker-max-reloads 3\n"))
    p = procs.spawn(kind, [tools[kind], "-W", "-S", msock, "-f", path], cpus="1",
                    log=os.path.join(d, "proxy.log"))
    load, held, samples = None, [], []
    try:
        R.wait_listen([port], p, kind)
        worker = wait_worker(msock, None)
        load = Load(port, keepalive=4, fresh=2, path="/", max_seconds=seconds + 60).start()
        held.append(hold_idle(port))
        t_next = time.monotonic() + 1.0
        for _ in range(seconds):
            time.sleep(max(0.0, t_next - time.monotonic()))
            t_next += 1.0
            kids = children(p.pid)
            samples.append({"old": max(0, len(kids) - 1), "master": rss_kib(p.pid),
                            "all": rss_kib(p.pid) + sum(rss_kib(k) for k in kids)})
            os.kill(p.pid, signal.SIGUSR2)
            worker = wait_worker(msock, worker)
            held.append(hold_idle(port))
        load.stop()
        return {"samples": samples, "lost": load.failed + load.conn_failed,
                "ok": load.ok}
    finally:
        if load:
            load.stop()
        for s in held:
            s.close()
        procs.stop(p, timeout=15)


def storm_text(storm, seconds):
    text = ("\n### Reload storm\n\nOne reload a second for %d s under the same load, "
            "`hard-stop-after 10s` and `mworker-max-reloads 3`, a new idle keep-alive "
            "client held on each new worker (so no old worker leaves on its own); "
            "sampled once a second before each reload. Resident memory in KiB, "
            "\"early\" is the median of the samples of the storm's second 5 to 15, "
            "\"late\" of its last ten seconds.\n\n"
            "| proxy | requests served | lost | old workers (max) | old workers (median) "
            "| master early | master late | all processes early | all processes late |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n" % seconds)
    for k in ("lbd", "haproxy"):
        r = storm[k]
        sm = r["samples"]
        early, late = sm[4:15] or sm, sm[-10:]
        text += "| %s | %d | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f |\n" % (
            k, r["ok"], r["lost"], max(x["old"] for x in sm), R.median([x["old"] for x in sm]),
            R.median([x["master"] for x in early]), R.median([x["master"] for x in late]),
            R.median([x["all"] for x in early]), R.median([x["all"] for x in late]))
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reloads", type=int, default=20)
    ap.add_argument("--storm", type=int, default=60)
    ap.add_argument("--out")
    a = ap.parse_args()
    if not 1 <= a.rounds <= 20 or not 1 <= a.reloads <= 200 or not 0 <= a.storm <= 600:
        ap.error("rounds 1..20, reloads 1..200, storm 0..600")
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
        storm = {}
        if a.storm:
            order = ["lbd", "haproxy"]
            random.shuffle(order)
            for k in order:
                storm[k] = run_storm(procs, tools, k, port, b1, a.storm, tmp)
                sm = storm[k]["samples"]
                print("storm %s: %d lost, old workers max %d, master %d -> %d KiB" % (
                    k, storm[k]["lost"], max(x["old"] for x in sm), sm[0]["master"],
                    sm[-1]["master"]), flush=True)
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
        if storm:
            text += storm_text(storm, a.storm)
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
