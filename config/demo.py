#!/usr/bin/env python3
"""`make run`: start three demo HTTP backends on loopback, then lbd on
config/lbd.cfg in the foreground. Ctrl-C stops everything."""
import argparse
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from backend import Backend  # noqa: E402  (the same backends the tests use)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--config", required=True)
    args = ap.parse_args()

    servers = []
    try:
        for i, port in enumerate((9081, 9082, 9083)):
            servers.append(Backend("web%d" % (i + 1), port=port).start())
    except OSError as e:
        sys.exit("demo: cannot start the demo backends on 127.0.0.1:9081-9083: %s" % e)
    check = subprocess.run([args.lbd, "-c", "-f", args.config])
    if check.returncode != 0:
        sys.exit(check.returncode)
    print("""
lbd is running with %s (Ctrl-C to stop). Try:
    curl -s http://127.0.0.1:8080/name        # web1, web1, web2 ... (weights 2:1)
    curl -s http://127.0.0.1:8080/chunked/3/5 # a chunked response passes through
    printf 'GET /name HTTP/1.0\\r\\n\\r\\n' | socat - TCP:127.0.0.1:8081  # through the mode tcp listener
Stats:
    echo "show stat" | socat stdio /tmp/lbd-demo.sock   # HAProxy's runtime API
    echo "disable server web-servers/web1" | socat stdio /tmp/lbd-demo.sock
    open http://127.0.0.1:8404/stats (user demo, password demo)
    curl -s http://127.0.0.1:8404/metrics     # Prometheus
Each request's httplog line is printed below.
""" % args.config, flush=True)
    lbd = subprocess.Popen([args.lbd, "-f", args.config])
    try:
        lbd.wait()
    except KeyboardInterrupt:
        lbd.send_signal(signal.SIGTERM)
        lbd.wait(10)
    finally:
        for s in servers:
            s.stop()


if __name__ == "__main__":
    main()
