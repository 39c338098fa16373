#!/usr/bin/python3
"""TLS termination: lbd against HAProxy and nginx with the same RSA-2048
certificate, the same ciphers and groups, each answering a small response
itself (no backend), one thread / worker pinned to CPU 1, the clients on
CPU 0.

Measured per round, each kind in a shuffled order of the three servers
then in the reverse order (A B C C B A, each run --duration seconds, the
two runs of a server summed), so that a load the machine gains or loses
during the round weighs the same on all three:
  full     new TLS 1.3 handshakes per second (openssl s_time -new, parallel
           clients, each connection one GET)
  ticket   TLS 1.3 resumptions by session ticket per second (s_time -reuse)
  sessid   TLS 1.2 resumptions by session id per second (s_time -reuse, the
           servers configured without tickets)
  keepalive requests per second over TLS keep-alive connections (wrk -c50)

Each server logs whether each request came on a resumed session, and the
counts are checked: a "full" run with resumptions in it, or a resumed run
with full handshakes past the first ones, fails the benchmark.

Reported: medians and the median of per-round ratios lbd / nginx and
lbd / haproxy (the bar: lbd >= 1.0x nginx in each).

Usage: bench/tls.py --lbd build/lbd/lbd [--rounds 5] [--duration 3]
       [--clients 4] [--out docs/benchmarks.md]   (replaces or appends its section)
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as R  # noqa: E402  (the proxy benchmark's helpers)


CIPHERS12 = "ECDHE-RSA-AES128-GCM-SHA256"
SUITES13 = "TLS_AES_128_GCM_SHA256"
GROUPS = "X25519"
KINDS = ("full", "ticket", "sessid", "keepalive")
SERVERS = ("lbd", "haproxy", "nginx")


def make_cert(d):
    key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    key, "-out", crt, "-days", "2", "-subj", "/CN=bench.test"],
                   check=True, capture_output=True, timeout=60)
    pem = os.path.join(d, "site.pem")
    with open(pem, "w") as f:
        f.write(open(crt).read() + open(key).read())
    return pem, crt, key


def proxy_cfg(port, pem, tickets, log):
    """lbd and HAProxy read the same text; with log, each request's line
    says whether its session was resumed."""
    text = """global
    nbthread 1
    maxconn 5000
    tune.ssl.cachesize 100000
    ssl-default-bind-ciphers %s
    ssl-default-bind-ciphersuites %s
defaults
    mode http
    timeout client 30s
    timeout server 30s
    timeout connect 5s
    log stdout format raw local0
    log-format "R=%%hr"
frontend tls
    bind 127.0.0.1:%d ssl crt %s curves %s%s
    http-request capture ssl_fc_is_resumed len 1
    http-request return status 200 content-type text/plain string ok
""" % (CIPHERS12, SUITES13, port, pem, GROUPS, "" if tickets else " no-tls-tickets")
    return text if log else text.replace("    log stdout format raw local0\n", "")


def nginx_cfg(d, port, crt, key, tickets, log):
    top, temps = R.nginx_common(d)
    return top + """http {
    log_format r 'R=$ssl_session_reused';
    access_log %s;
%s    keepalive_requests 1000000000;
    server {
        listen 127.0.0.1:%d ssl;
        ssl_certificate %s;
        ssl_certificate_key %s;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers %s;
        ssl_conf_command Ciphersuites %s;
        ssl_ecdh_curve %s;
        ssl_session_cache shared:SSL:20m;
        ssl_session_tickets %s;
        location / { default_type text/plain; return 200 "ok"; }
    }
}
""" % ("%s/access.log r" % d if log else "off", temps, port, crt, key, CIPHERS12,
       SUITES13, GROUPS, "on" if tickets else "off")


def count_resumed(path):
    """(resumed, full) requests in a server's log."""
    text = open(path, errors="replace").read() if os.path.exists(path) else ""
    yes = len(re.findall(r"^R=(?:\{1\}|r)$", text, re.M))
    no = len(re.findall(r"^R=(?:\{0\}|\.)$", text, re.M))
    return yes, no


def s_time(procs, tools, port, kind, args):
    """Parallel s_time clients; connections per second over all of them."""
    extra = {"full": ["-new"], "ticket": ["-reuse"], "sessid": ["-reuse", "-tls1_2"]}[kind]
    cmd = [tools["openssl"], "s_time", "-connect", "127.0.0.1:%d" % port, "-www", "/",
           "-time", str(args.duration)] + extra
    start = time.monotonic()
    ps = [procs.spawn("s_time", cmd, cpus="0", pipe=True) for _ in range(args.clients)]
    total = 0
    for p in ps:
        try:
            out, _ = p.communicate(timeout=args.duration + 30)
        except subprocess.TimeoutExpired:
            procs.stop(p)
            raise R.BenchError("s_time timed out")
        procs.stop(p)
        out = out.decode(errors="replace")
        m = re.findall(r"(\d+) connections in \d+ real seconds", out)
        if p.returncode != 0 or not m:
            raise R.BenchError("s_time %s: %s" % (kind, out.strip()[-300:]))
        total += int(m[-1])
    return total / (time.monotonic() - start), total


def run_one(procs, tools, server, kind, port, pem, crt, key, args, tmp, half):
    d = os.path.join(tmp, "%s-%s-%d" % (server, kind, half))
    os.makedirs(d)
    log = os.path.join(d, "access.log")
    tickets = kind != "sessid"
    # keep-alive runs measure TLS records, not log writing: no log lines
    logged = kind != "keepalive"
    if server == "nginx":
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_cfg(d, port, crt, key, tickets, logged))
        cmd = [tools["nginx"], "-p", d, "-c", conf, "-e", os.path.join(d, "error.log")]
    else:
        conf = os.path.join(d, "p.cfg")
        with open(conf, "w") as f:
            f.write(proxy_cfg(port, pem, tickets, logged))
        cmd = [tools["lbd"], "-f", conf] if server == "lbd" else \
              [tools["haproxy"], "-db", "-f", conf]
    p = procs.spawn(server, cmd, cpus="1", log=None if server == "nginx" else log)
    try:
        R.wait_listen([port], p, server)
        cpu0 = R.proc_cpu_seconds(p.pid)
        if kind == "keepalive":
            rc, out = procs.run("wrk", [tools["wrk"], "-t1", "-c50", "-d%ds" % args.duration,
                                        "--timeout", "5s", "https://127.0.0.1:%d/" % port],
                                timeout=args.duration + 30, cpus="0")
            res = R.parse_wrk(out)
            if rc != 0 or "rps" not in res or res.get("non2xx"):
                raise R.BenchError("%s keepalive: %s" % (server, out.strip()[-300:]))
            rate, n = res["rps"], res.get("requests")
        else:
            rate, n = s_time(procs, tools, port, kind, args)
        cpu1 = R.proc_cpu_seconds(p.pid)
        if p.poll() is not None or cpu0 is None or cpu1 is None or not n:
            raise R.BenchError("%s exited: %s" % (server, R.tail(log)))
    finally:
        procs.stop(p)
    resumed, full = count_resumed(log)
    if kind == "full" and resumed:
        raise R.BenchError("%s: %d resumptions in a full-handshake run" % (server, resumed))
    if kind in ("ticket", "sessid") and full > 2 * args.clients:
        raise R.BenchError("%s %s: %d full handshakes in a resumption run"
                           % (server, kind, full))
    # the server's own CPU per handshake or request: what other loads on
    # the machine disturb least
    return {"rate": rate, "n": n, "resumed": resumed, "full": full,
            "us": (cpu1 - cpu0) * 1e6 / n}


def merge_halves(runs):
    """One server's two runs of a round as one: operations over time, CPU
    over operations."""
    n = [x["n"] for x in runs]
    secs = sum(x["n"] / x["rate"] for x in runs)
    return {"rate": sum(n) / secs, "n": sum(n),
            "us": sum(x["us"] * x["n"] for x in runs) / sum(n),
            "resumed": sum(x["resumed"] for x in runs), "full": sum(x["full"] for x in runs)}


def report(rounds, a, tools):
    med = {(s, k): R.median([r[s][k]["rate"] for r in rounds]) for s in SERVERS for k in KINDS}
    ratio = {(o, k): R.median([r["lbd"][k]["rate"] / r[o][k]["rate"] for r in rounds])
             for o in ("nginx", "haproxy") for k in KINDS}
    us = {(s, k): R.median([r[s][k]["us"] for r in rounds]) for s in SERVERS for k in KINDS}
    us_ratio = {(o, k): R.median([r[o][k]["us"] / r["lbd"][k]["us"] for r in rounds])
                for o in ("nginx", "haproxy") for k in KINDS}
    counts = {(s, k): (sum(r[s][k]["resumed"] for r in rounds),
                       sum(r[s][k]["full"] for r in rounds)) for s in SERVERS for k in KINDS}
    hap = R.cmd_output([tools["haproxy"], "-v"]).splitlines()[0]
    ngx = R.cmd_output([tools["nginx"], "-v"]).strip()
    ossl = R.cmd_output([tools["openssl"], "version"]).strip()
    text = ("## TLS termination: lbd vs HAProxy vs nginx\n\n"
            "Generated by `bench/tls.py` (`make bench`) on %s; %d rounds, each kind run "
            "%d s per server in a shuffled order then %d s in the reverse order, each "
            "server alone on CPU 1 with one "
            "thread / worker, the clients on CPU 0; %s; %s; %s. Same RSA-2048 "
            "certificate, TLS 1.3 %s / TLS 1.2 %s, group %s; each server answers `ok` "
            "itself. full: `openssl s_time -new` (%d parallel clients, one GET per "
            "connection); ticket: `s_time -reuse` (TLS 1.3 tickets); sessid: "
            "`s_time -reuse -tls1_2` with tickets off on the server (session cache); "
            "keepalive: `wrk -t1 -c50` over TLS, no log lines.\n\n"
            "| run | lbd | haproxy | nginx | lbd/nginx | lbd/haproxy |\n"
            "|---|---:|---:|---:|---:|---:|\n" %
            (time.strftime("%Y-%m-%d %H:%M"), a.rounds, a.duration, a.duration, ossl, hap, ngx,
             SUITES13, CIPHERS12, GROUPS, a.clients))
    unit = {"keepalive": "req/s"}
    for k in KINDS:
        text += "| %s (%s) | %.0f | %.0f | %.0f | **%.2f** | %.2f |\n" % (
            k, unit.get(k, "handshakes/s"), med[("lbd", k)], med[("haproxy", k)],
            med[("nginx", k)], ratio[("nginx", k)], ratio[("haproxy", k)])
    text += ("\nThe servers' own CPU time per handshake (per request for keepalive), "
             "in microseconds (`/proc/<pid>/stat` before and after each run), and "
             "how much more the others spend than lbd (medians of per-round ratios; "
             "above 1.0 lbd is cheaper):\n\n"
             "| run | lbd | haproxy | nginx | nginx/lbd | haproxy/lbd |\n"
             "|---|---:|---:|---:|---:|---:|\n")
    for k in KINDS:
        text += "| %s | %.0f | %.0f | %.0f | **%.2f** | %.2f |\n" % (
            k, us[("lbd", k)], us[("haproxy", k)], us[("nginx", k)], us_ratio[("nginx", k)],
            us_ratio[("haproxy", k)])
    text += ("\nResumed / full requests the servers logged (all rounds; lbd and HAProxy "
             "`http-request capture ssl_fc_is_resumed`, nginx `$ssl_session_reused`):\n\n"
             "| run | lbd | haproxy | nginx |\n|---|---|---|---|\n")
    for k in KINDS[:3]:
        text += "| %s | %s |\n" % (k, " | ".join("%d / %d" % counts[(s, k)] for s in SERVERS))
    text += ("\nThe bar: lbd >= 1.0x nginx in each run (ratios are medians of per-round "
             "ratios). The machine is shared: rates swing between rounds with the other "
             "loads on it, CPU per operation much less.\n")
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=3)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--out")
    a = ap.parse_args()
    if not 1 <= a.rounds <= 50 or not 1 <= a.duration <= 120 or not 1 <= a.clients <= 16:
        ap.error("rounds 1..50, duration 1..120, clients 1..16")
    try:
        tools = {"lbd": R.which_or_die("lbd", a.lbd), "haproxy": R.which_or_die("haproxy"),
                 "wrk": R.which_or_die("wrk"), "nginx": R.which_or_die("nginx"),
                 "openssl": R.which_or_die("openssl")}
    except R.BenchError as e:
        print("tls: %s" % e, file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="lbd-tls-bench-")
    procs = R.Procs(pin=True)
    try:
        pem, crt, key = make_cert(tmp)
        rounds = []
        for r in range(a.rounds):
            res = {s: {} for s in SERVERS}
            for k in KINDS:
                # A B C then C B A: a load that grows or fades during the
                # round weighs the same on every server
                order = list(SERVERS)
                random.shuffle(order)
                halves = {sv: [] for sv in SERVERS}
                for h, sv in enumerate(order + order[::-1]):
                    port = R.free_ports(1)[0]
                    halves[sv].append(run_one(procs, tools, sv, k, port, pem, crt, key, a,
                                              os.path.join(tmp, "r%d" % r), h))
                for sv in SERVERS:
                    res[sv][k] = merge_halves(halves[sv])
            rounds.append(res)
            print("round %d: %s" % (r + 1, "; ".join(
                "%s %s" % (k, " ".join("%s %.0f" % (s, res[s][k]["rate"]) for s in SERVERS))
                for k in KINDS)), flush=True)
        text = report(rounds, a, tools)
        print(text)
        if a.out:
            R.write_section(a.out, "tls_bench", text)
    except R.BenchError as e:
        print("tls: %s" % e, file=sys.stderr)
        return 1
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
