#!/usr/bin/python3
"""lbd benchmark harness: lbd against HAProxy and nginx on loopback.

Invoked by `make bench` as

    /usr/bin/python3 bench/run.py --lbd build/lbd/lbd --out docs/benchmarks.md

It starts one nginx instance as the backends (two HTTP ports plus a
stub_status port), an iperf3 server per TCP run, and the three proxies with
equivalent configurations (lbd and HAProxy read the very same config text).
Every scenario runs against every proxy in every round, the proxy order
rotated per round, so background noise hits all three alike. The report is
written as markdown to --out and a summary is printed on stdout.

Everything is bounded in time; every process is started in its own session
and stopped by its PID in a finally block (also on Ctrl-C / SIGTERM); the
temporary directory is removed at the end (unless --keep-tmp).

Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PROXIES = ("lbd", "haproxy", "nginx")
CLK_TCK = os.sysconf("SC_CLK_TCK")
NGINX_STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"
BIG_SIZE = 64 * 1024

SCENARIOS = {
    # key: (title, kind, path, extra wrk headers)
    "ka-small": ("HTTP keep-alive, small responses (3 bytes)", "wrk", "/", []),
    "close-small": ("One request per connection (Connection: close), small responses",
                    "wrk", "/", ["-H", "Connection: close"]),
    "ka-64k": ("HTTP keep-alive, 64 KiB responses", "wrk", "/64k.bin", []),
    "tcp-bulk": ("TCP bulk stream (iperf3, client to server)", "iperf3", None, None),
    "idle-mem": ("Memory per idle keep-alive client connection", "idle", None, None),
}
SCENARIO_ORDER = ("ka-small", "close-small", "ka-64k", "tcp-bulk", "idle-mem")


class BenchError(Exception):
    pass


def _sig_to_interrupt(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


# ----------------------------------------------------------------------------
# small helpers

def which_or_die(tool, path=None):
    p = path if path else shutil.which(tool)
    if tool == "lbd" and (not p or not os.access(p, os.X_OK)):
        raise BenchError("lbd binary not found at %s: build it first with `make`" % path)
    if not p or not os.path.isfile(p) or not os.access(p, os.X_OK):
        raise BenchError("required tool '%s' not found%s (Debian package: %s; `make deps` "
                         "installs it)" % (tool, " at " + path if path else " in PATH",
                                           {"wrk": "wrk", "iperf3": "iperf3",
                                            "nginx": "nginx-light",
                                            "haproxy": "haproxy",
                                            "taskset": "util-linux"}.get(tool, tool)))
    return os.path.abspath(p)


def free_ports(n):
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def listening_ports():
    """Ports in LISTEN state on 127.0.0.1/0.0.0.0 (read from /proc, so that
    probing never opens a connection: an `iperf3 -s -1` would take a probe
    for its one test)."""
    ports = set()
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(f) as fh:
                next(fh)
                for line in fh:
                    parts = line.split()
                    if parts[3] == "0A":
                        ports.add(int(parts[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def wait_listen(ports, proc, what, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise BenchError("%s exited with status %s before listening" % (what, proc.returncode))
        if set(ports) <= listening_ports():
            return
        time.sleep(0.02)
    raise BenchError("%s did not listen on %s within %.0fs" % (what, ports, timeout))


def tail(path, n=30):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        return "\n".join(lines[-n:])
    except OSError:
        return ""


def proc_cpu_seconds(pid):
    """utime+stime of all threads of pid, in seconds (None if gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_tcp_conns_to(pid, ports):
    """Established TCP connections owned by pid whose remote port is in
    ports (matches the process's socket inodes against /proc/net/tcp)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                inodes.add(t[8:-1])
    except OSError:
        return None
    n = 0
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(f) as fh:
                next(fh)
                for line in fh:
                    parts = line.split()
                    if (parts[3] == "01" and parts[9] in inodes
                            and int(parts[2].rsplit(":", 1)[1], 16) in ports):
                        n += 1
        except OSError:
            pass
    return n


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def cmd_output(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=10, stdin=subprocess.DEVNULL)
        return p.stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def read_http_response(sock):
    """Read one HTTP/1.1 response with Content-Length; returns (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise BenchError("connection closed before the response head")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    clen = None
    for l in lines[1:]:
        k, _, v = l.partition(":")
        if k.strip().lower() == "content-length":
            clen = int(v.strip())
    if clen is None:
        raise BenchError("response without Content-Length: %r" % lines[0])
    while len(body) < clen:
        chunk = sock.recv(65536)
        if not chunk:
            raise BenchError("connection closed in the response body")
        body += chunk
    return status, body


# ----------------------------------------------------------------------------
# process bookkeeping

class Procs:
    """Every child is started in its own session (Ctrl-C does not reach it)
    and remembered by PID so that stop_all() can end it."""

    def __init__(self, pin):
        self.pin = pin
        self.live = {}

    def spawn(self, name, cmd, cpus=None, log=None, pipe=False):
        if self.pin and cpus is not None:
            cmd = ["taskset", "-c", cpus] + list(cmd)  # taskset execs: same PID
        if pipe:
            out = subprocess.PIPE
        elif log:
            out = open(log, "ab")
        else:
            out = subprocess.DEVNULL
        try:
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            if log and not pipe:
                out.close()
        p.bench_name = name
        self.live[p.pid] = p
        return p

    def stop(self, p, timeout=5.0):
        if p is None:
            return
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        if p.stdout:
            try:
                p.stdout.close()
            except OSError:
                pass
        self.live.pop(p.pid, None)

    def run(self, name, cmd, timeout, cpus=None):
        """Run to completion (bounded); returns (rc, output)."""
        p = self.spawn(name, cmd, cpus=cpus, pipe=True)
        try:
            out, _ = p.communicate(timeout=timeout)
            return p.returncode, out.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            self.stop(p)
            return None, "%s timed out after %ss" % (name, timeout)
        finally:
            self.stop(p)

    def stop_all(self):
        for p in list(self.live.values())[::-1]:
            self.stop(p)


# ----------------------------------------------------------------------------
# configurations

TEMP_DIRS = ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
             "uwsgi_temp_path", "scgi_temp_path")


def nginx_common(d):
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    temps = "".join("    %s %s/tmp/%s;\n" % (t, d, t.split("_")[0]) for t in TEMP_DIRS)
    return ("daemon off;\nmaster_process off;\nworker_processes 1;\n"
            "pid %s/nginx.pid;\nerror_log %s/error.log error;\n"
            "worker_rlimit_nofile 19000;\nevents { worker_connections 9000; }\n" % (d, d),
            temps)


def backend_nginx_conf(d, b1, b2, stat):
    top, temps = nginx_common(d)
    srv = ""
    for port in (b1, b2):
        srv += """    server {
        listen 127.0.0.1:%d backlog=4096;
        root %s/www;
        location = / { default_type text/plain; return 200 "ok\\n"; }
        location / { }
    }
""" % (port, d)
    return top + """http {
    access_log off;
    default_type application/octet-stream;
%s    sendfile on;
    keepalive_timeout 300s;
    keepalive_requests 1000000000;
%s    server {
        listen 127.0.0.1:%d;
        location / { stub_status; }
    }
}
""" % (temps, srv, stat)


def haproxy_conf(http_port, tcp_port, b1, b2, iperf_port):
    """The one config text that lbd and HAProxy both run."""
    return """global
    nbthread 1
    maxconn 8000

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    timeout http-request 10s
    timeout http-keep-alive 120s

frontend fe_http
    bind 127.0.0.1:%d
    default_backend be_http

backend be_http
    balance roundrobin
    http-reuse safe
    server web1 127.0.0.1:%d
    server web2 127.0.0.1:%d

listen tcp_bulk
    mode tcp
    bind 127.0.0.1:%d
    server iperf 127.0.0.1:%d
""" % (http_port, b1, b2, tcp_port, iperf_port)


def nginx_proxy_conf(d, http_port, tcp_port, b1, b2, iperf_port):
    top, temps = nginx_common(d)
    return "load_module %s;\n" % NGINX_STREAM_MODULE + top + """http {
    access_log off;
%s    keepalive_timeout 120s;
    keepalive_requests 1000000000;
    upstream be_http {
        server 127.0.0.1:%d;
        server 127.0.0.1:%d;
        keepalive 32;
        keepalive_requests 1000000000;
        keepalive_timeout 120s;
    }
    server {
        listen 127.0.0.1:%d;
        location / {
            proxy_pass http://be_http;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 5s;
            proxy_send_timeout 120s;
            proxy_read_timeout 120s;
        }
    }
}
stream {
    upstream iperf { server 127.0.0.1:%d; }
    server {
        listen 127.0.0.1:%d;
        proxy_pass iperf;
        proxy_connect_timeout 5s;
        proxy_timeout 120s;
    }
}
""" % (temps, b1, b2, http_port, iperf_port, tcp_port)


# ----------------------------------------------------------------------------
# backends and proxies

class Backends:
    def __init__(self, bench):
        self.b = bench
        self.dir = os.path.join(bench.tmp, "backend")
        os.makedirs(os.path.join(self.dir, "www"))
        with open(os.path.join(self.dir, "www", "64k.bin"), "wb") as f:
            f.write(bytes((i * 7 + 3) & 0xFF for i in range(BIG_SIZE)))
        self.b1, self.b2, self.stat, self.iperf = free_ports(4)
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(backend_nginx_conf(self.dir, self.b1, self.b2, self.stat))
        self.proc = None
        self.iperf_proc = None

    def start(self):
        self.proc = self.b.procs.spawn(
            "backend nginx", [self.b.tools["nginx"], "-p", self.dir, "-c", self.conf,
                              "-e", os.path.join(self.dir, "error.log")],
            cpus=self.b.aux_cpus, log=os.path.join(self.dir, "stdout.log"))
        wait_listen([self.b1, self.b2, self.stat], self.proc, "backend nginx")

    def ensure(self):
        if self.proc is None or self.proc.poll() is not None:
            self.b.problem("backend nginx had exited (status %s); restarted"
                           % (self.proc.returncode if self.proc else None))
            self.start()

    def stub(self):
        """nginx stub_status counters; the query itself is one accepted
        connection and one request, which the caller subtracts."""
        c = http.client.HTTPConnection("127.0.0.1", self.stat, timeout=5)
        try:
            c.request("GET", "/", headers={"Connection": "close"})
            text = c.getresponse().read().decode()
        finally:
            c.close()
        m = re.search(r"Active connections:\s*(\d+).*?\n\s*(\d+)\s+(\d+)\s+(\d+)", text, re.S)
        if not m:
            raise BenchError("cannot parse stub_status: %r" % text)
        return {"active": int(m.group(1)), "accepts": int(m.group(2)),
                "requests": int(m.group(4))}

    def start_iperf(self):
        self.stop_iperf()
        self.iperf_proc = self.b.procs.spawn(
            "iperf3 server", [self.b.tools["iperf3"], "-s", "-1", "-p", str(self.iperf)],
            cpus=self.b.aux_cpus, log=os.path.join(self.dir, "iperf3-server.log"))
        wait_listen([self.iperf], self.iperf_proc, "iperf3 server")

    def stop_iperf(self):
        if self.iperf_proc is not None:
            self.b.procs.stop(self.iperf_proc)
            self.iperf_proc = None


CGROUP_CPU = "/sys/fs/cgroup/cpu"


def pids_where(pred):
    """Every process whose /proc/PID/stat fields after the name (state,
    ppid, pgrp, session, ...) satisfy pred."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pred(fields):
            pids.append(int(d))
    return pids


def session_pids(sid):
    """Every process of a session (nginx's workers with their master)."""
    return pids_where(lambda f: int(f[3]) == sid)


def cpu_cap(name, pids, pct):
    """Put pids in a cgroup (v1 cpu controller) allowed pct% of one core,
    in 10 ms periods so that throttling stays short. Returns its path."""
    path = os.path.join(CGROUP_CPU, "lbd-bench-%d-%s" % (os.getpid(), name))
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "cpu.cfs_period_us"), "w") as f:
        f.write("10000")
    with open(os.path.join(path, "cpu.cfs_quota_us"), "w") as f:
        f.write(str(int(10000 * pct / 100)))
    for pid in pids:
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(pid))
    return path


class Proxy:
    def __init__(self, bench, kind, tag="main"):
        self.b = bench
        self.kind = kind
        self.dir = os.path.join(bench.tmp, "%s-%s" % (kind, tag))
        os.makedirs(self.dir)
        self.http_port, self.tcp_port = free_ports(2)
        be = bench.backends
        self.log = os.path.join(self.dir, "output.log")
        if kind == "nginx":
            self.conf = os.path.join(self.dir, "nginx.conf")
            text = nginx_proxy_conf(self.dir, self.http_port, self.tcp_port, be.b1, be.b2, be.iperf)
            self.cmd = [bench.tools["nginx"], "-p", self.dir, "-c", self.conf,
                        "-e", os.path.join(self.dir, "error.log")]
        else:
            self.conf = os.path.join(self.dir, "proxy.cfg")
            text = haproxy_conf(self.http_port, self.tcp_port, be.b1, be.b2, be.iperf)
            if kind == "lbd":
                self.cmd = [bench.tools["lbd"], "-f", self.conf]
            else:
                self.cmd = [bench.tools["haproxy"], "-db", "-f", self.conf]
        with open(self.conf, "w") as f:
            f.write(text)
        self.conf_text = text
        self.proc = None
        self.restarts = 0

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        with open(self.log, "ab") as f:
            f.write(("=== start %s: %s\n" % (time.strftime("%H:%M:%S"), " ".join(self.cmd))).encode())
        self.proc = self.b.procs.spawn(self.kind, self.cmd, cpus=self.b.proxy_cpus, log=self.log)
        wait_listen([self.http_port, self.tcp_port], self.proc, self.kind)
        if self.b.args.cpu_cap:
            self.b.cgroups.add(cpu_cap(self.kind, session_pids(self.proc.pid),
                                       self.b.args.cpu_cap))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_desc(self):
        rc = self.proc.returncode
        if rc is None:
            return "running"
        if rc < 0:
            try:
                return "killed by signal %s (%d)" % (signal.Signals(-rc).name, -rc)
            except ValueError:
                return "killed by signal %d" % -rc
        return "exited with status %d" % rc

    def stop(self):
        self.b.procs.stop(self.proc)

    def cpu(self):
        return proc_cpu_seconds(self.pid)

    def rss_kb(self):
        return proc_rss_kb(self.pid)


# ----------------------------------------------------------------------------
# the benchmark

class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="lbd-bench-")
        self.procs = Procs(pin=args.pin == "split")
        self.proxy_cpus = "1" if args.pin == "split" else None
        self.cgroups = set()
        self.aux_cpus = "0" if args.pin == "split" else None
        self.problems = []
        self.results = {s: {p: [] for p in PROXIES} for s in SCENARIO_ORDER}
        self.orders = []
        self.round_load = []
        self.tools = {}
        self.proxies = {}
        self.sanity = {}

    def problem(self, msg):
        stamp = time.strftime("%H:%M:%S")
        self.problems.append("[%s] %s" % (stamp, msg))
        print("PROBLEM: %s" % msg, file=sys.stderr, flush=True)

    # -- setup ---------------------------------------------------------------

    def find_tools(self):
        a = self.args
        lbd = which_or_die("lbd", a.lbd)
        # snapshot the binary: other people rebuild build/lbd/lbd while we run
        snap = os.path.join(self.tmp, "lbd")
        shutil.copy2(lbd, snap)
        with open(snap, "rb") as f:
            self.lbd_sha = hashlib.sha256(f.read()).hexdigest()[:16]
        self.lbd_src = lbd
        self.lbd_mtime = datetime.datetime.fromtimestamp(os.path.getmtime(lbd)).isoformat(" ", "seconds")
        self.tools = {
            "lbd": snap,
            "haproxy": which_or_die("haproxy", a.haproxy),
            "nginx": which_or_die("nginx", a.nginx),
            "wrk": which_or_die("wrk"),
            "iperf3": which_or_die("iperf3"),
        }
        if a.pin == "split":
            which_or_die("taskset")
            if (os.cpu_count() or 1) < 2:
                raise BenchError("--pin split needs 2 CPUs; use --pin none")
        if not os.path.exists(NGINX_STREAM_MODULE):
            raise BenchError("%s missing (Debian package libnginx-mod-stream)" % NGINX_STREAM_MODULE)

    def machine_info(self):
        model = "unknown"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        model = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        mem = "?"
        try:
            with open("/proc/meminfo") as f:
                mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576)
        except OSError:
            pass
        try:
            nofile = " / ".join(str(x) for x in __import__("resource").getrlimit(
                __import__("resource").RLIMIT_NOFILE))
        except Exception:
            nofile = "?"
        git = cmd_output(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "log", "-1",
                          "--format=%h %s"])
        dirty = cmd_output(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "status",
                            "--porcelain", "--untracked-files=no"])
        return {
            "date": datetime.datetime.now().isoformat(" ", "seconds"),
            "nproc": os.cpu_count(),
            "cpu": model,
            "kernel": "%s %s" % (os.uname().sysname, os.uname().release),
            "memory": mem,
            "nofile": nofile,
            "python": sys.version.split()[0],
            "git": git + (" (working tree has uncommitted changes)" if dirty.strip() else ""),
        }

    def versions(self):
        t = self.tools
        return {
            "lbd": "%s (binary %s, built %s, sha256 %s)" % (
                cmd_output([t["lbd"], "-v"]).splitlines()[0], self.lbd_src, self.lbd_mtime,
                self.lbd_sha),
            "haproxy": cmd_output([t["haproxy"], "-v"]).splitlines()[0],
            "nginx": cmd_output([t["nginx"], "-v"]).splitlines()[0],
            "wrk": cmd_output([t["wrk"], "-v"]).splitlines()[0].strip(),
            "iperf3": cmd_output([t["iperf3"], "-v"]).splitlines()[0],
        }

    def sanity_check(self, px):
        """A few requests through the proxy before measuring anything."""
        notes = []
        try:
            c = http.client.HTTPConnection("127.0.0.1", px.http_port, timeout=5)
            for path, want in (("/", b"ok\n"), ("/64k.bin", None), ("/", b"ok\n")):
                c.request("GET", path)
                r = c.getresponse()
                body = r.read()
                if r.status != 200:
                    notes.append("GET %s: status %d" % (path, r.status))
                elif want is not None and body != want:
                    notes.append("GET %s: body %r" % (path, body[:40]))
                elif want is None and len(body) != BIG_SIZE:
                    notes.append("GET %s: %d bytes instead of %d" % (path, len(body), BIG_SIZE))
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", px.http_port, timeout=5)
            c.request("GET", "/", headers={"Connection": "close"})
            r = c.getresponse()
            if r.status != 200 or r.read() != b"ok\n":
                notes.append("GET / with Connection: close: status %d" % r.status)
            c.close()
        except (OSError, http.client.HTTPException, BenchError) as e:
            notes.append("request failed: %s" % e)
        if not px.alive():
            notes.append("proxy %s during the sanity check" % px.exit_desc())
        for n in notes:
            self.problem("%s sanity check: %s" % (px.kind, n))
        self.sanity[px.kind] = notes or ["ok"]

    def ensure_proxy(self, px):
        if not px.alive():
            self.problem("%s had %s; log tail:\n%s\n(restarted)" % (
                px.kind, px.exit_desc(), tail(px.log)))
            px.restarts += 1
            px.start()

    # -- scenario runners ----------------------------------------------------

    def run_wrk(self, px, key):
        a = self.args
        _, _, path, extra = SCENARIOS[key]
        url = "http://127.0.0.1:%d%s" % (px.http_port, path)
        cmd = [self.tools["wrk"], "-t1", "-c%d" % a.connections, "-d%ds" % a.duration,
               "--timeout", "5s", "--latency"] + extra + [url]
        be = self.b_backends
        st0 = be.stub()
        cpu0 = px.cpu()
        t0 = time.time()
        rc, out = self.procs.run("wrk", cmd, timeout=a.duration + 30, cpus=self.aux_cpus)
        wall = time.time() - t0
        cpu1 = px.cpu() if px.alive() else None
        st1 = be.stub()
        res = {"cmd": shlex.join(cmd), "wall": wall}
        res.update(parse_wrk(out))
        res["rc"] = rc
        res["backend_accepts"] = st1["accepts"] - st0["accepts"] - 1
        res["backend_requests"] = st1["requests"] - st0["requests"] - 1
        res["srv_conn_per_req"] = ratio(res["backend_accepts"], res["backend_requests"])
        if cpu0 is not None and cpu1 is not None:
            res["proxy_cpu"] = cpu1 - cpu0
            res["proxy_cpu_pct"] = 100.0 * (cpu1 - cpu0) / a.duration
            res["req_per_cpu_s"] = ratio(res.get("requests"), cpu1 - cpu0)
        if not px.alive():
            res["failed"] = "proxy %s during the run" % px.exit_desc()
        elif rc != 0 or res.get("rps") is None:
            res["failed"] = "wrk failed (rc %s): %s" % (rc, out.strip()[-300:])
        errs = res.get("socket_errors", 0) + res.get("non2xx", 0)
        if errs:
            res["note"] = "%d socket errors %s, %d non-2xx" % (
                res.get("socket_errors", 0), res.get("socket_errors_detail", ""), res.get("non2xx", 0))
        res["value"] = None if "failed" in res else res.get("rps")
        return res

    def run_iperf(self, px):
        a = self.args
        be = self.b_backends
        be.start_iperf()
        cmd = [self.tools["iperf3"], "-c", "127.0.0.1", "-p", str(px.tcp_port),
               "-t", str(a.duration), "-J", "--connect-timeout", "5000"]
        cpu0 = px.cpu()
        rc, out = self.procs.run("iperf3 client", cmd, timeout=a.duration + 30, cpus=self.aux_cpus)
        cpu1 = px.cpu() if px.alive() else None
        be.stop_iperf()
        res = {"cmd": shlex.join(cmd), "rc": rc}
        try:
            j = json.loads(out)
            if "error" in j:
                res["failed"] = "iperf3: %s" % j["error"]
            else:
                res["bps"] = j["end"]["sum_received"]["bits_per_second"]
                res["bytes"] = j["end"]["sum_received"]["bytes"]
                res["retransmits"] = j["end"].get("sum_sent", {}).get("retransmits")
        except (ValueError, KeyError, TypeError):
            res["failed"] = "iperf3 output unreadable (rc %s): %s" % (rc, out.strip()[-300:])
        if cpu0 is not None and cpu1 is not None:
            res["proxy_cpu"] = cpu1 - cpu0
            res["proxy_cpu_pct"] = 100.0 * (cpu1 - cpu0) / a.duration
            if res.get("bytes"):
                res["gbit_per_cpu_s"] = res["bytes"] * 8 / 1e9 / max(cpu1 - cpu0, 1e-9)
        if not px.alive():
            res["failed"] = "proxy %s during the run" % px.exit_desc()
        res["value"] = None if "failed" in res else res["bps"] / 1e9
        return res

    def run_idle(self, kind, rnd):
        """Fresh proxy instance: RSS before, then N idle keep-alive
        connections that each completed one request, RSS after."""
        a = self.args
        n = a.idle_conns
        px = Proxy(self, kind, tag="idle%d" % rnd)
        res = {"n": n}
        socks = []
        try:
            px.start()
            c = http.client.HTTPConnection("127.0.0.1", px.http_port, timeout=5)
            for _ in range(20):
                c.request("GET", "/")
                c.getresponse().read()
            c.close()
            time.sleep(0.5)
            rss0 = px.rss_kb()
            st0 = self.b_backends.stub()
            req = b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n"
            fails = 0
            first_err = None
            deadline = time.time() + 60
            for _ in range(n):
                if time.time() > deadline:
                    fails += 1
                    continue
                s = None
                try:
                    s = socket.create_connection(("127.0.0.1", px.http_port), timeout=5)
                    s.sendall(req)
                    status, body = read_http_response(s)
                    if status != 200 or body != b"ok\n":
                        raise BenchError("status %d body %r" % (status, body[:20]))
                    socks.append(s)
                except (OSError, BenchError) as e:
                    fails += 1
                    first_err = first_err or str(e)
                    if s is not None:
                        s.close()
                if not px.alive():
                    break
            time.sleep(1.0)
            rss1 = px.rss_kb()
            st1 = self.b_backends.stub()
            # connections the proxy already closed show up as readable (EOF)
            poller = select.poll()
            for s in socks:
                poller.register(s, select.POLLIN | select.POLLRDHUP)
            closed = len(poller.poll(0))
            # the idle connections must still work
            reuse_fail = 0
            for s in socks[:20]:
                try:
                    s.sendall(req)
                    status, _ = read_http_response(s)
                    if status != 200:
                        reuse_fail += 1
                except (OSError, BenchError):
                    reuse_fail += 1
            res.update({
                "rss0_kb": rss0, "rss1_kb": rss1, "open": len(socks), "fails": fails,
                "closed_by_proxy": closed, "reuse_fail": reuse_fail,
                "backend_conns_held": proc_tcp_conns_to(
                    px.pid, {self.b_backends.b1, self.b_backends.b2}),
                "backend_accepts": st1["accepts"] - st0["accepts"] - 1,
            })
            if not px.alive():
                res["failed"] = "proxy %s while opening idle connections; log tail: %s" % (
                    px.exit_desc(), tail(px.log, 10))
            elif not socks:
                res["failed"] = "no connection could be opened (%s)" % first_err
            elif rss0 is None or rss1 is None:
                res["failed"] = "could not read VmRSS"
            else:
                res["bytes_per_conn"] = (rss1 - rss0) * 1024.0 / len(socks)
            notes = []
            if fails:
                notes.append("%d of %d connections failed (first: %s)" % (fails, n, first_err))
            if closed:
                notes.append("%d idle connections closed by the proxy" % closed)
            if reuse_fail:
                notes.append("%d of %d idle connections failed a 2nd request" % (
                    reuse_fail, min(20, len(socks))))
            if notes:
                res["note"] = "; ".join(notes)
        except BenchError as e:
            res["failed"] = str(e)
        finally:
            for s in socks:
                s.close()
            px.stop()
        res["value"] = res.get("bytes_per_conn") if "failed" not in res else None
        return res

    # -- main loop -----------------------------------------------------------

    def run(self):
        a = self.args
        self.find_tools()
        self.machine = self.machine_info()
        self.vers = self.versions()
        if a.pin == "split":
            os.sched_setaffinity(0, {0})  # the harness and its helpers on CPU 0
        self.b_backends = self.backends = Backends(self)
        self.backends.start()
        for k in PROXIES:
            self.proxies[k] = Proxy(self, k)
        for k in PROXIES:
            try:
                self.proxies[k].start()
            except BenchError as e:
                raise BenchError("%s: %s\nlog:\n%s" % (k, e, tail(self.proxies[k].log)))
            self.sanity_check(self.proxies[k])

        scen = [s for s in SCENARIO_ORDER if s in a.scenarios]
        est = a.rounds * 3 * (sum(a.duration + 0.7 for s in scen if s != "idle-mem")
                              + (2.5 + a.idle_conns / 1000 if "idle-mem" in scen else 0))
        print("lbd bench: %d round(s), %d s per run, scenarios %s; estimated %.0f s"
              % (a.rounds, a.duration, ", ".join(scen), est), flush=True)
        # warm-up (not recorded)
        for k in PROXIES:
            px = self.proxies[k]
            self.procs.run("wrk warm-up", [self.tools["wrk"], "-t1", "-c%d" % a.connections,
                                           "-d1s", "http://127.0.0.1:%d/" % px.http_port],
                           timeout=30, cpus=self.aux_cpus)
        self.t_start = time.time()
        for rnd in range(a.rounds):
            order = list(PROXIES[rnd % 3:] + PROXIES[:rnd % 3])
            self.orders.append(order)
            load0 = os.getloadavg()[0]
            for key in scen:
                for k in order:
                    self.backends.ensure()
                    if key == "idle-mem":
                        res = self.run_idle(k, rnd)
                    else:
                        px = self.proxies[k]
                        self.ensure_proxy(px)
                        if key == "tcp-bulk":
                            res = self.run_iperf(px)
                        else:
                            res = self.run_wrk(px, key)
                        if not px.alive():
                            res.setdefault("failed", "proxy %s" % px.exit_desc())
                            res["log_tail"] = tail(px.log, 20)
                    res["round"] = rnd + 1
                    self.results[key][k].append(res)
                    if "failed" in res:
                        self.problem("round %d, %s, %s: %s" % (rnd + 1, key, k, res["failed"]))
                        if res.get("log_tail"):
                            self.problem("%s log tail:\n%s" % (k, res["log_tail"]))
                    elif res.get("note"):
                        self.problem("round %d, %s, %s: %s" % (rnd + 1, key, k, res["note"]))
                    print("  round %d  %-12s %-8s %s" % (rnd + 1, key, k, short(key, res)),
                          flush=True)
            self.round_load.append((load0, os.getloadavg()[0]))
        self.t_total = time.time() - self.t_start
        for k in PROXIES:
            px = self.proxies[k]
            if not px.alive():
                self.problem("%s %s at the end of the run" % (k, px.exit_desc()))
            px.stop()
            if px.proc.returncode not in (0, -signal.SIGTERM, 143):
                self.problem("%s did not exit cleanly on SIGTERM: %s; log tail:\n%s" % (
                    k, px.exit_desc(), tail(px.log, 10)))

    def cleanup(self):
        self.procs.stop_all()
        for path in self.cgroups:
            try:
                os.rmdir(path)
            except OSError:
                pass
        if self.args.keep_tmp:
            print("temporary files kept in %s" % self.tmp, file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ----------------------------------------------------------------------------
# parsing and reporting

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def parse_wrk(out):
    r = {}
    m = re.search(r"Requests/sec:\s*([\d.]+)", out)
    if m:
        r["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+\w+) read", out)
    if m:
        r["requests"] = int(m.group(1))
    for pct in ("50", "99"):
        m = re.search(r"^\s*%s(?:\.0+)?%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % pct, out, re.M)
        if m:
            r["p" + pct] = float(m.group(1)) * UNIT_MS[m.group(2)]
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        vals = [int(x) for x in m.groups()]
        r["socket_errors"] = sum(vals)
        r["socket_errors_detail"] = "(connect %d, read %d, write %d, timeout %d)" % tuple(vals)
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        r["non2xx"] = int(m.group(1))
    return r


def short(key, res):
    if "failed" in res:
        return "FAILED: " + res["failed"].splitlines()[0][:150]
    if key == "tcp-bulk":
        s = "%.2f Gbit/s, proxy CPU %.0f%%" % (res["value"], res.get("proxy_cpu_pct", 0))
    elif key == "idle-mem":
        s = "%.0f bytes/conn (RSS %d -> %d kB, %d conns, %d backend conns held)" % (
            res["value"], res["rss0_kb"], res["rss1_kb"], res["open"], res["backend_conns_held"])
    else:
        s = "%.0f req/s, p99 %s, proxy CPU %.0f%%, server conns/req %s" % (
            res["value"], fmt_ms(res.get("p99")), res.get("proxy_cpu_pct", 0),
            fmt_f(res.get("srv_conn_per_req"), 4))
    if res.get("note"):
        s += "  [%s]" % res["note"]
    return s


def fmt_ms(v):
    if v is None:
        return "n/a"
    return "%.2f ms" % v if v < 100 else "%.0f ms" % v


def fmt_f(v, nd=2):
    return "n/a" if v is None else "%.*f" % (nd, v)


def fmt_ratio(v):
    return "n/a" if v is None else "%.2f" % v


def fmt_val(key, v):
    if v is None:
        return "FAIL"
    if key == "tcp-bulk":
        return "%.2f" % v
    return "%.0f" % v


UNITS = {"ka-small": "req/s", "close-small": "req/s", "ka-64k": "req/s",
         "tcp-bulk": "Gbit/s", "idle-mem": "bytes/conn"}


def efficiency(res):
    if "failed" in res:
        return None
    return res.get("req_per_cpu_s", res.get("gbit_per_cpu_s"))


def summarize(bench):
    """Median ratios per scenario: {key: (lbd/haproxy, lbd/nginx)}."""
    out = {}
    for key in SCENARIO_ORDER:
        rows = bench.results[key]
        if not rows["lbd"]:
            continue
        rh, rn = [], []
        for i in range(len(rows["lbd"])):
            v = {k: rows[k][i]["value"] for k in PROXIES}
            rh.append(ratio(v["lbd"], v["haproxy"]))
            rn.append(ratio(v["lbd"], v["nginx"]))
        out[key] = (rh, rn, median(rh), median(rn))
    return out


# Headings of the sections other benchmarks write into the same file.
FOREIGN_SECTIONS = ("## Health check cost", "<!-- rules_cost: begin -->", "## Rules cost",
                    "<!-- reload: begin -->", "<!-- tls_bench: begin -->",
                    "## VRRP failover", "## Appliance failover")


def write_section(path, name, text):
    """Replace this benchmark's section of a results file (between
    <!-- name: begin --> and <!-- name: end -->), or append it; the other
    sections stay as they are."""
    begin, end = "<!-- %s: begin -->" % name, "<!-- %s: end -->" % name
    old = open(path).read() if os.path.exists(path) else ""
    block = begin + "\n" + text + end + "\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    with open(path, "w") as f:
        f.write(new)


def write_report(bench, path):
    a = bench.args
    L = []
    w = L.append
    summ = summarize(bench)
    w("# lbd benchmarks: lbd vs HAProxy vs nginx%s" % (
        ", each proxy capped at %d%% of one core" % a.cpu_cap if a.cpu_cap else ""))
    w("")
    if a.cpu_cap:
        w("Every proxy process (nginx: master and workers) runs in its own cgroup "
          "allowed %d%% of one core (`cpu.cfs_quota_us` over 10 ms periods), so the "
          "proxy saturates before the load generator and the backends, which keep "
          "the rest of the machine: the throughput is what each proxy does with the "
          "same CPU budget." % a.cpu_cap)
        w("")
    w("Generated by `bench/run.py` (`make bench`) on %s; %d round(s) of %d s per run, "
      "%d wrk connections, %d idle connections; measured part took %.0f s." % (
          bench.machine["date"], a.rounds, a.duration, a.connections, a.idle_conns,
          bench.t_total))
    if a.quick:
        w("")
        w("**Quick smoke run (`--quick`): one short round, not a measurement to quote.**")
    w("")
    w("## Summary")
    w("")
    w("Ratios are lbd divided by the other proxy, median over the rounds of the per-round "
      "ratios. For throughput higher is better for lbd; for memory per idle connection "
      "lower is better for lbd.")
    w("")
    w("| scenario | unit | lbd | haproxy | nginx | lbd/haproxy | lbd/nginx |")
    w("|---|---|---:|---:|---:|---:|---:|")
    for key in SCENARIO_ORDER:
        if key not in summ:
            continue
        meds = [median([r["value"] for r in bench.results[key][k]]) for k in PROXIES]
        w("| %s | %s | %s | %s | %s | %s | %s |" % (
            SCENARIOS[key][0], UNITS[key], *[fmt_val(key, m) for m in meds],
            fmt_ratio(summ[key][2]), fmt_ratio(summ[key][3])))
    w("")
    wrk_keys = [k for k in ("ka-small", "close-small", "ka-64k") if k in summ]
    if wrk_keys:
        w("Median p99 latency (wrk `--latency`) and server connections per request "
          "(new backend connections / requests the backends served):")
        w("")
        w("| scenario | p99 lbd | p99 haproxy | p99 nginx "
          "| server conns per request lbd / haproxy / nginx |")
        w("|---|---:|---:|---:|---:|")
        for key in wrk_keys:
            rs = bench.results[key]
            p99 = [fmt_ms(median([r.get("p99") for r in rs[k] if "failed" not in r])) for k in PROXIES]
            scr = " / ".join(fmt_f(median([r.get("srv_conn_per_req") for r in rs[k]
                                           if "failed" not in r]), 4) for k in PROXIES)
            w("| %s | %s | %s | %s | %s |" % (SCENARIOS[key][0], *p99, scr))
        w("")
    eff_keys = [k for k in ("ka-small", "close-small", "ka-64k", "tcp-bulk") if k in summ]
    if eff_keys:
        w("Proxy CPU efficiency (work done per CPU-second the proxy process used; the "
          "proxy is not always the saturated party on 2 shared cores, so this is the "
          "fairest per-proxy cost figure). Median of per-round ratios:")
        w("")
        w("| scenario | unit | lbd | haproxy | nginx | lbd/haproxy | lbd/nginx |")
        w("|---|---|---:|---:|---:|---:|---:|")
        for key in eff_keys:
            rs = bench.results[key]
            n = len(rs["lbd"])
            e = {k: [efficiency(rs[k][i]) for i in range(n)] for k in PROXIES}
            w("| %s | %s | %s | %s | %s | %s | %s |" % (
                SCENARIOS[key][0], "Gbit per CPU-s" if key == "tcp-bulk" else "req per CPU-s",
                *[fmt_f(median(e[k]), 2 if key == "tcp-bulk" else 0) for k in PROXIES],
                fmt_ratio(median([ratio(e["lbd"][i], e["haproxy"][i]) for i in range(n)])),
                fmt_ratio(median([ratio(e["lbd"][i], e["nginx"][i]) for i in range(n)]))))
        w("")
    if "close-small" in summ:
        w("Note on *one request per connection*: lbd's `http-reuse safe` lets the first "
          "request of a client connection use an idle server connection when the request "
          "is idempotent and has no body (it is replayed on a new connection if the reused "
          "one turns out closed; see lbd/backend.c). HAProxy 2.6's `safe` always sends the "
          "first request of a session over its own new server connection, hence its ~1 "
          "server connection per request here. Part of the throughput gap in this scenario "
          "is that policy difference, not raw speed.")
        w("")
    if bench.problems:
        w("**Problems seen during this run** (details in [Problems](#problems)): %d." % len(
            bench.problems))
        w("")

    w("## Machine")
    w("")
    m = bench.machine
    w("| | |")
    w("|---|---|")
    for k in ("nproc", "cpu", "kernel", "memory", "nofile", "python", "git"):
        w("| %s | %s |" % ({"nofile": "open files (soft / hard)", "cpu": "CPU model",
                            "git": "repository HEAD"}.get(k, k), m[k]))
    w("| load average (1 min) at start / end of each round | %s |" % ", ".join(
        "%.2f/%.2f" % x for x in bench.round_load))
    w("")
    w("## Versions")
    w("")
    for k, v in bench.vers.items():
        w("- **%s**: `%s`" % (k, v))
    w("")

    w("## Method")
    w("")
    w("- **Backends**: one nginx instance (`master_process off`, one worker process, "
      "`access_log off`, `keepalive_requests` unlimited, `keepalive_timeout 300s`) on two "
      "loopback ports. `GET /` answers `return 200 \"ok\\n\"` (3-byte body); `GET /64k.bin` is "
      "a 65536-byte static file (sendfile). A third port serves `stub_status`. The TCP "
      "scenario's backend is a fresh `iperf3 -s -1` per run (one server only: iperf3's control "
      "and data connections must reach the same server).")
    w("- **Proxies**: lbd and HAProxy run the *same* configuration text (`nbthread 1`, mode "
      "http, `balance roundrobin`, `http-reuse safe`, timeouts set, no logging; the TCP "
      "listener is a `listen` section in mode tcp). nginx runs one process "
      "(`master_process off`), an upstream with `keepalive 32`, `proxy_http_version 1.1`, "
      "`proxy_set_header Connection \"\"`, and a `stream {}` server for TCP. Both sides' "
      "`keepalive_requests` are raised so that nginx, like HAProxy, never closes a "
      "keep-alive connection after 1000 requests; buffers are left at their defaults. "
      "With 50 concurrent client connections and `keepalive 32`, nginx closes server "
      "connections beyond the 32 it may keep idle, which shows in its server connections "
      "per request. "
      "The configurations are listed at the end.")
    if a.pin == "split":
        w("- **CPU placement** (`--pin split`): the machine has %s CPUs shared by the load "
          "generator, the proxy and the backend. Each proxy is pinned with `taskset -c 1` and "
          "has that CPU to itself; wrk, the nginx backend, iperf3 (client and server) and this "
          "harness are pinned to CPU 0. This keeps the proxy under test from competing with "
          "the load generator, and the same placement is used for all three proxies. Other "
          "processes on the machine are not controlled; the load averages above show how "
          "busy it was." % m["nproc"])
    else:
        w("- **CPU placement** (`--pin none`): no pinning; the kernel schedules wrk, the "
          "proxy and the backend over %s CPUs." % m["nproc"])
    w("- **Rounds**: %d rounds. In each round every scenario runs against every proxy in "
      "turn; the proxy order rotates each round (%s), so slow drifts and background noise "
      "hit all three alike. Ratios are computed per round, then the median is taken. "
      "The three main proxy processes stay up for the whole run (a 1 s unrecorded wrk "
      "warm-up each at the start); the idle-memory scenario uses a fresh process." % (
          a.rounds, "; ".join("round %d: %s" % (i + 1, ", ".join(o))
                              for i, o in enumerate(bench.orders))))
    w("- **HTTP scenarios**: `wrk -t1 -c%d -d%ds --timeout 5s --latency URL` (plus "
      "`-H \"Connection: close\"` for one request per connection). Throughput is wrk's "
      "Requests/sec, p99 is wrk's 99%% latency line. **Proxy CPU** is utime+stime of the "
      "proxy process from `/proc/PID/stat` over the run; *req per proxy CPU-s* = requests / "
      "proxy CPU seconds, a measure of efficiency that does not depend on who saturates "
      "first." % (a.connections, a.duration))
    w("- **Server connections per request**: the backend nginx's `stub_status` counters "
      "(`accepts`, `requests`) are read before and after each run; the difference of "
      "accepts divided by the difference of requests (the two status queries themselves "
      "are subtracted) is the number of new backend connections the proxy opened per "
      "request it forwarded. 0 means perfect reuse of already-open server connections; "
      "1 means a new server connection per request.")
    w("- **TCP bulk**: `iperf3 -c 127.0.0.1 -p PROXYPORT -t %d -J`; the value is "
      "`end.sum_received.bits_per_second` (one stream, client to server, through the "
      "proxy's TCP listener)." % a.duration)
    w("- **Memory per idle connection**: a fresh proxy process is started, 20 requests "
      "warm it up, VmRSS is read from `/proc/PID/status`; then %d client connections are "
      "opened, each sends one full `GET /` request, reads the whole response and stays "
      "open; after 1 s VmRSS is read again. Value = (RSS after - RSS before) / connections. "
      "This is user-space memory only (kernel socket buffers are not in RSS), and it "
      "includes whatever the proxy keeps per client (for example idle server connections "
      "it holds: the number of server connections the proxy process has open at that moment, "
      "counted from its socket inodes in /proc, is listed). "
      "The harness then checks that none of the connections was closed by the proxy and "
      "that 20 of them can serve a second request." % a.idle_conns)
    w("")

    for key in SCENARIO_ORDER:
        if key not in summ:
            continue
        title, kind, _, _ = SCENARIOS[key]
        rs = bench.results[key]
        rh, rn, mh, mn = summ[key]
        w("## %s" % title)
        w("")
        if kind == "wrk":
            w("Command: `%s`" % re.sub(r":\d+/", ":PORT/", rs["lbd"][0]["cmd"].replace(
                bench.tools["wrk"], "wrk")))
            w("")
        w("| round | order | lbd | haproxy | nginx | lbd/haproxy | lbd/nginx |")
        w("|---|---|---:|---:|---:|---:|---:|")
        for i in range(len(rs["lbd"])):
            w("| %d | %s | %s | %s | %s | %s | %s |" % (
                i + 1, ", ".join(bench.orders[i]),
                *[fmt_val(key, rs[k][i]["value"]) for k in PROXIES],
                fmt_ratio(rh[i]), fmt_ratio(rn[i])))
        w("| **median** | | %s | %s | %s | **%s** | **%s** |" % (
            *[fmt_val(key, median([r["value"] for r in rs[k]])) for k in PROXIES],
            fmt_ratio(mh), fmt_ratio(mn)))
        w("")
        w("Values in %s." % UNITS[key])
        w("")
        if kind == "wrk":
            w("| per proxy (median over rounds) | lbd | haproxy | nginx |")
            w("|---|---:|---:|---:|")
            ok = {k: [r for r in rs[k] if "failed" not in r] for k in PROXIES}
            w("| p50 latency | %s | %s | %s |" % tuple(
                fmt_ms(median([r.get("p50") for r in ok[k]])) for k in PROXIES))
            w("| p99 latency | %s | %s | %s |" % tuple(
                fmt_ms(median([r.get("p99") for r in ok[k]])) for k in PROXIES))
            w("| p99 per round | %s | %s | %s |" % tuple(
                ", ".join(fmt_ms(r.get("p99")) if "failed" not in r else "FAIL" for r in rs[k])
                for k in PROXIES))
            w("| proxy CPU (%% of one core) | %s | %s | %s |" % tuple(
                fmt_f(median([r.get("proxy_cpu_pct") for r in ok[k]]), 0) for k in PROXIES))
            w("| requests per proxy CPU-second | %s | %s | %s |" % tuple(
                fmt_f(median([r.get("req_per_cpu_s") for r in ok[k]]), 0) for k in PROXIES))
            w("| server connections per request | %s | %s | %s |" % tuple(
                fmt_f(median([r.get("srv_conn_per_req") for r in ok[k]]), 4) for k in PROXIES))
            w("| backend accepts / requests, round 1 | %s | %s | %s |" % tuple(
                "%d / %d" % (rs[k][0]["backend_accepts"], rs[k][0]["backend_requests"])
                if "backend_accepts" in rs[k][0] else "n/a" for k in PROXIES))
            w("| wrk errors (all rounds) | %s | %s | %s |" % tuple(
                "%d" % sum(r.get("socket_errors", 0) + r.get("non2xx", 0) for r in rs[k])
                for k in PROXIES))
            w("")
        elif kind == "iperf3":
            ok = {k: [r for r in rs[k] if "failed" not in r] for k in PROXIES}
            w("| per proxy (median over rounds) | lbd | haproxy | nginx |")
            w("|---|---:|---:|---:|")
            w("| proxy CPU (%% of one core) | %s | %s | %s |" % tuple(
                fmt_f(median([r.get("proxy_cpu_pct") for r in ok[k]]), 0) for k in PROXIES))
            w("| Gbit per proxy CPU-second | %s | %s | %s |" % tuple(
                fmt_f(median([r.get("gbit_per_cpu_s") for r in ok[k]]), 2) for k in PROXIES))
            w("")
        elif kind == "idle":
            w("| per proxy | lbd | haproxy | nginx |")
            w("|---|---:|---:|---:|")
            ok = {k: [r for r in rs[k] if "rss0_kb" in r] for k in PROXIES}
            w("| RSS before, kB (median) | %s | %s | %s |" % tuple(
                fmt_f(median([r["rss0_kb"] for r in ok[k]]), 0) for k in PROXIES))
            w("| RSS with idle connections, kB (median) | %s | %s | %s |" % tuple(
                fmt_f(median([r["rss1_kb"] for r in ok[k]]), 0) for k in PROXIES))
            w("| bytes per idle connection (median) | %s | %s | %s |" % tuple(
                fmt_f(median([r["value"] for r in rs[k]]), 0) for k in PROXIES))
            w("| idle connections open / failed | %s | %s | %s |" % tuple(
                "%s / %s" % (fmt_f(median([r["open"] for r in ok[k]]), 0),
                             sum(r["fails"] for r in ok[k])) for k in PROXIES))
            w("| server connections held by the proxy while idle (median) | %s | %s | %s |" % tuple(
                fmt_f(median([r["backend_conns_held"] for r in ok[k]]), 0) for k in PROXIES))
            w("| backend connections opened for the %d first requests (median) | %s | %s | %s |" % (
                a.idle_conns, *tuple(fmt_f(median([r["backend_accepts"] for r in ok[k]]), 0)
                                     for k in PROXIES)))
            w("")
        notes = ["round %d, %s: %s" % (r["round"], k, r.get("failed") or r.get("note"))
                 for k in PROXIES for r in rs[k] if r.get("failed") or r.get("note")]
        if notes:
            w("Notes:")
            w("")
            for n in notes:
                w("- %s" % n.splitlines()[0])
            w("")

    w("## Problems")
    w("")
    w("Sanity check before measuring (GET / and GET /64k.bin keep-alive, GET / with "
      "Connection: close): %s." % "; ".join("%s: %s" % (k, ", ".join(v))
                                            for k, v in bench.sanity.items()))
    w("")
    if bench.problems:
        for p in bench.problems:
            w("```")
            w(p)
            w("```")
    else:
        w("None: no proxy crashed, no run failed, no wrk errors.")
    w("")
    w("## Configurations")
    w("")
    w("lbd and HAProxy (identical text; ports as used in this run):")
    w("")
    w("```")
    w(bench.proxies["lbd"].conf_text.rstrip())
    w("```")
    w("")
    w("nginx (reverse proxy):")
    w("")
    w("```nginx")
    w(re.sub(r"/tmp/lbd-bench-[^/]+", "TMP", open(bench.proxies["nginx"].conf).read()).rstrip())
    w("```")
    w("")
    w("nginx (backends):")
    w("")
    w("```nginx")
    w(re.sub(r"/tmp/lbd-bench-[^/]+", "TMP", open(bench.backends.conf).read()).rstrip())
    w("```")
    w("")
    # the other benchmarks' sections (checks_cost.py, rules_cost.py,
    # vrrp_failover.py, appliance_failover.py) follow ours: keep them
    tail = ""
    if os.path.exists(path):
        old = open(path).read()
        starts = [old.find(m) for m in FOREIGN_SECTIONS if old.find(m) >= 0]
        if starts:
            tail = "\n" + old[min(starts):]
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(L) + tail)
    os.replace(path + ".tmp", path)


def print_summary(bench):
    summ = summarize(bench)
    print()
    print("== summary (median of per-round ratios; throughput: higher is better for lbd, "
          "memory: lower) ==")
    print("%-66s %12s %12s %12s %9s %9s" % ("scenario", "lbd", "haproxy", "nginx",
                                            "lbd/hap", "lbd/ngx"))
    for key in SCENARIO_ORDER:
        if key not in summ:
            continue
        meds = [median([r["value"] for r in bench.results[key][k]]) for k in PROXIES]
        print("%-66s %12s %12s %12s %9s %9s" % (
            "%s [%s]" % (SCENARIOS[key][0], UNITS[key]),
            *[fmt_val(key, v) for v in meds], fmt_ratio(summ[key][2]), fmt_ratio(summ[key][3])))
    for key in ("ka-small", "close-small", "ka-64k"):
        if key not in summ:
            continue
        rs = bench.results[key]
        ok = {k: [r for r in rs[k] if "failed" not in r] for k in PROXIES}
        print("%-12s p99 %s; server conns/request %s" % (
            key, " / ".join("%s %s" % (k, fmt_ms(median([r.get("p99") for r in ok[k]])))
                            for k in PROXIES),
            " / ".join("%s %s" % (k, fmt_f(median([r.get("srv_conn_per_req") for r in ok[k]]), 4))
                       for k in PROXIES)))
    if bench.problems:
        print("%d problem(s) recorded; see the report." % len(bench.problems))


# ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lbd", default="build/lbd/lbd", help="lbd binary (copied before use)")
    ap.add_argument("--haproxy", default=None, help="haproxy binary (default: from PATH)")
    ap.add_argument("--nginx", default=None, help="nginx binary (default: from PATH)")
    ap.add_argument("--out", default="docs/benchmarks.md", help="markdown report to write")
    ap.add_argument("--json", default=None, help="also write the raw results as JSON here")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=7, help="seconds per run")
    ap.add_argument("--connections", type=int, default=50, help="wrk connections")
    ap.add_argument("--idle-conns", type=int, default=2000,
                    help="idle connections for the memory scenario")
    ap.add_argument("--pin", choices=("split", "none"), default="split",
                    help="split: proxy on CPU 1, everything else on CPU 0 (default)")
    ap.add_argument("--scenarios", default=",".join(SCENARIO_ORDER),
                    help="comma-separated subset of: " + ", ".join(SCENARIO_ORDER))
    ap.add_argument("--quick", action="store_true", help="smoke run: 1 round, 3 s per run, "
                    "500 idle connections")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory")
    ap.add_argument("--cpu-cap", type=int, default=0,
                    help="give each proxy this percent of one core (cgroup cpu quota), "
                    "so that the proxy, not the load generator, is what saturates")
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.duration, a.idle_conns = 1, 3, min(a.idle_conns, 500)
    a.scenarios = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    bad = [s for s in a.scenarios if s not in SCENARIOS]
    if bad:
        ap.error("unknown scenario(s): %s" % ", ".join(bad))
    if not 1 <= a.rounds <= 50 or not 1 <= a.duration <= 120:
        ap.error("--rounds must be 1..50 and --duration 1..120")
    if not 1 <= a.idle_conns <= 6000:
        ap.error("--idle-conns must be 1..6000 (open files are capped)")
    if not 1 <= a.connections <= 2000:
        ap.error("--connections must be 1..2000")

    signal.signal(signal.SIGINT, _sig_to_interrupt)
    signal.signal(signal.SIGTERM, _sig_to_interrupt)
    signal.signal(signal.SIGHUP, _sig_to_interrupt)
    bench = Bench(a)
    rc = 0
    try:
        bench.run()
        write_report(bench, a.out)
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"machine": bench.machine, "versions": bench.vers,
                           "orders": bench.orders, "results": bench.results,
                           "problems": bench.problems}, f, indent=1)
        print_summary(bench)
        print("report written to %s" % a.out)
    except BenchError as e:
        print("bench: error: %s" % e, file=sys.stderr)
        rc = 1
    except KeyboardInterrupt:
        print("bench: interrupted; stopping everything", file=sys.stderr)
        rc = 130
    finally:
        bench.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
