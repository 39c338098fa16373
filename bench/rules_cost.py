#!/usr/bin/python3
"""The cost of rules: a rule-heavy configuration (50 ACLs, 20 use_backend
rules, a rate-limiting stick table, 4 header rewrites) in lbd and in
HAProxy, and lbd on the same proxy without rules, under the same wrk load
(HTTP keep-alive, small responses) against the same nginx backend.

Rounds interleave the three runs in a shuffled order; each proxy runs
alone on CPU 1 (taskset), wrk and the backend on CPU 0, as bench/run.py
does. Reported: medians of requests/s and the per-round ratios
lbd-rules / haproxy-rules (the bar: >= 1.0) and lbd-rules / lbd-plain
(the bar: the rules cost at most 15%).

Usage: bench/rules_cost.py --lbd build/lbd/lbd [--rounds 5] [--duration 5]
       [--out docs/benchmarks.md]   (replaces or appends its own section)
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as R  # noqa: E402  (the proxy benchmark's helpers)

BEGIN = "<!-- rules_cost: begin -->"
END = "<!-- rules_cost: end -->"


def plain_cfg(port, tcp_port, b1, b2):
    """The main benchmark's configuration (bench/run.py), no rules."""
    return R.haproxy_conf(port, tcp_port, b1, b2, b1)


def rules_cfg(port, tcp_port, b1, b2):
    """The same with 50 ACLs of every common kind, 20 use_backend rules
    that the bench's requests never match (so each request evaluates them
    all), a rate limit on a stick table and 4 header rewrites."""
    acls, uses, backends = [], [], []
    kinds = [
        "acl a%d path_beg /api/v%d/",
        "acl a%d path_end .x%d",
        "acl a%d hdr(host) -i host%d.example",
        "acl a%d hdr_beg(user-agent) -i bot%d",
        "acl a%d url_param(k%d) -m found",
        "acl a%d path_reg ^/re%d/[0-9]+$",
        "acl a%d method PATCH%d",
        "acl a%d src 198.51.100.%d",
        "acl a%d hdr_cnt(x-h%d) gt 2",
        "acl a%d path_sub /sub%d/",
    ]
    for i in range(50):
        acls.append("    " + kinds[i % len(kinds)] % (i, i))
    for i in range(20):
        uses.append("    use_backend be%d if a%d a%d || a%d" % (i, i, i + 20, i + 30))
        backends.append("backend be%d\n    server s 127.0.0.1:%d\n" % (i, b1))
    rules = """    stick-table type ip size 100k expire 30s store http_req_rate(10s)
    http-request track-sc0 src
    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 1000000000 }
%s
    http-request set-header X-Real-IP %%[src]
    http-request set-header X-Forwarded-Proto http
    http-request add-header X-Via lbd-bench
    http-request del-header X-Debug
%s
""" % ("\n".join(acls), "\n".join(uses))
    mark = "    default_backend be_http\n"
    text = plain_cfg(port, tcp_port, b1, b2)
    assert mark in text
    return text.replace(mark, rules + mark) + "".join(backends)


def run_one(procs, tools, kind, text, port, args, tmp):
    conf = os.path.join(tmp, "%s.cfg" % kind)
    with open(conf, "w") as f:
        f.write(text)
    cmd = ([tools["lbd"], "-f", conf] if kind.startswith("lbd")
           else [tools["haproxy"], "-db", "-f", conf])
    p = procs.spawn(kind, cmd, cpus="1", log=os.path.join(tmp, "%s.log" % kind))
    try:
        R.wait_listen([port], p, kind)
        url = "http://127.0.0.1:%d/" % port
        rc, out = procs.run("wrk", [tools["wrk"], "-t1", "-c50", "-d%ds" % args.duration,
                                    "--timeout", "5s", "--latency", url],
                            timeout=args.duration + 30, cpus="0")
        res = R.parse_wrk(out)
        if rc != 0 or "rps" not in res or res.get("non2xx") or p.poll() is not None:
            raise R.BenchError("%s: wrk rc %s, %s" % (kind, rc, out.strip()[-300:]))
        return res
    finally:
        procs.stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--out")
    a = ap.parse_args()
    if not 1 <= a.rounds <= 50 or not 1 <= a.duration <= 120:
        ap.error("rounds 1..50, duration 1..120")
    try:
        tools = {"lbd": R.which_or_die("lbd", a.lbd), "haproxy": R.which_or_die("haproxy"),
                 "wrk": R.which_or_die("wrk"), "nginx": R.which_or_die("nginx")}
    except R.BenchError as e:
        print("rules_cost: %s" % e, file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="lbd-rules-bench-")
    procs = R.Procs(pin=True)
    try:
        bdir = os.path.join(tmp, "backend")
        os.makedirs(os.path.join(bdir, "www"))
        b1, b2, stat, port, tcp_port = R.free_ports(5)
        with open(os.path.join(bdir, "nginx.conf"), "w") as f:
            f.write(R.backend_nginx_conf(bdir, b1, b2, stat))
        ng = procs.spawn("backend nginx", [tools["nginx"], "-p", bdir, "-c",
                                           os.path.join(bdir, "nginx.conf"), "-e",
                                           os.path.join(bdir, "error.log")], cpus="0")
        R.wait_listen([b1, b2], ng, "backend nginx")
        texts = {"lbd-rules": rules_cfg(port, tcp_port, b1, b2),
                 "haproxy-rules": rules_cfg(port, tcp_port, b1, b2),
                 "lbd-plain": plain_cfg(port, tcp_port, b1, b2)}
        rounds = []
        for r in range(a.rounds):
            order = list(texts)
            random.shuffle(order)
            res = {k: run_one(procs, tools, k, texts[k], port, a, tmp) for k in order}
            rounds.append(res)
            print("round %d: %s" % (r + 1, ", ".join("%s %.0f req/s" % (k, res[k]["rps"])
                                                      for k in texts)), flush=True)
        med = {k: R.median([x[k]["rps"] for x in rounds]) for k in texts}
        p99 = {k: R.median([x[k].get("p99", 0) for x in rounds]) for k in texts}
        vs_hap = R.median([x["lbd-rules"]["rps"] / x["haproxy-rules"]["rps"] for x in rounds])
        vs_plain = R.median([x["lbd-rules"]["rps"] / x["lbd-plain"]["rps"] for x in rounds])
        hap_ver = R.cmd_output([tools["haproxy"], "-v"]).splitlines()[0]
        text = ("## Rules cost: lbd vs HAProxy on a rule-heavy configuration\n\n"
                "Generated by `bench/rules_cost.py` (`make bench`) on %s; %d rounds of "
                "%d s, wrk -t1 -c50 keep-alive on a small response, the proxy alone on "
                "CPU 1, wrk and the nginx backend on CPU 0; %s. The rules: 50 ACLs "
                "(path_beg/end/reg/sub, hdr, hdr_beg, hdr_cnt, url_param, method, src), "
                "20 use_backend rules none of which match (each request evaluates them "
                "all), `track-sc0 src` into a stick table with a rate limit, 4 header "
                "rewrites.\n\n"
                "| run | req/s (median) | p99 |\n|---|---:|---:|\n" %
                (time.strftime("%Y-%m-%d %H:%M"), a.rounds, a.duration, hap_ver))
        for k in texts:
            text += "| %s | %.0f | %.2f ms |\n" % (k, med[k], p99[k])
        text += ("\nMedian of per-round ratios: lbd-rules / haproxy-rules **%.2f** (bar: >= "
                 "1.0); lbd-rules / lbd-plain **%.2f**, so the rules cost lbd %.0f%% "
                 "(bar: <= 15%%).\n" % (vs_hap, vs_plain, 100 * (1 - vs_plain)))
        print(text)
        if a.out:
            R.write_marked_section(a.out, BEGIN, END, text)
    except R.BenchError as e:
        print("rules_cost: %s" % e, file=sys.stderr)
        return 1
    finally:
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
