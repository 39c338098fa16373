"""External checks: lbd runs a real script for each check, with HAProxy's
arguments and environment; its exit status (flipped through a file by the
test) moves the server DOWN and UP; a script that hangs is killed at the
check's deadline."""
import os
import re
import signal
import tempfile
import time

import pytest

from conftest import check_config, free_port
from test_checks import wait_log

SCRIPT = """#!/bin/sh
# <proxy_address> <proxy_port> <server_address> <server_port>
dir=%(dir)s
# each check rewrites these every inter: write aside, then rename, so the
# test never reads a file truncated by the next run
echo "$1|$2|$3|$4" > "$dir/.args.$$" && mv "$dir/.args.$$" "$dir/args.$HAPROXY_SERVER_NAME"
env > "$dir/.env.$$" && mv "$dir/.env.$$" "$dir/env.$HAPROXY_SERVER_NAME"
if [ -f "$dir/hang" ]; then
    echo $$ > "$dir/pid"
    sleep 60 &
    echo $! > "$dir/sleeppid"
    wait
fi
exit $(cat "$dir/state")
"""


def ext_cfg(port, servers, script, glob="    external-check\n    insecure-fork-wanted\n",
            timeout_check="2s", section="backend be"):
    text = """global
    maxconn 100
%s
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    timeout check %s
    log stdout format raw local0
frontend fe
    bind 127.0.0.1:%d
    default_backend be
%s
    option external-check
    external-check path "/usr/bin:/bin"
    external-check command %s
""" % (glob, timeout_check, port, section, script)
    for name, addr, opts in servers:
        text += "    server %s %s check inter 100 rise 2 fall 2 %s\n" % (name, addr, opts)
    return text


@pytest.fixture
def script():
    d = tempfile.mkdtemp(prefix="lbd-extcheck-")
    path = os.path.join(d, "check.sh")
    with open(path, "w") as f:
        f.write(SCRIPT % {"dir": d})
    os.chmod(path, 0o755)
    with open(os.path.join(d, "state"), "w") as f:
        f.write("0\n")
    yield d, path
    for n in ("sleeppid", "pid"):
        try:
            os.kill(int(open(os.path.join(d, n)).read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def set_state(d, code):
    tmp = os.path.join(d, "state.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % code)
    os.rename(tmp, os.path.join(d, "state"))


def wait_file(path, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return open(path).read()    # written aside, then renamed
        time.sleep(0.05)
    raise AssertionError("%s never appeared" % path)


@pytest.mark.parametrize("nbthread", [1, 3])
def test_exit_status_moves_the_server_down_and_up(lbd, backends, script, nbthread):
    """With several threads, SIGCHLD may reach any of them: the exit is
    still seen by the checks' loop."""
    d, path = script
    (b,) = backends(1)
    port = free_port()
    l = lbd(ext_cfg(port, [("s1", b.addr, "")], path,
                    glob="    external-check\n    insecure-fork-wanted\n"
                         "    nbthread %d\n" % nbthread), [port])
    wait_file(os.path.join(d, "env.s1"))
    time.sleep(0.5)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()
    set_state(d, 3)
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert re.search(r"reason: External check error, code: 3, check duration: \d+ms\. "
                     r"0 active and 0 backup servers left\.", line), line
    set_state(d, 0)
    line = wait_log(l, r"Server be/s1 is UP")
    assert "reason: External check passed" in line, line


def test_arguments_and_environment_are_haproxys(lbd, backends, script):
    d, path = script
    (b,) = backends(1)
    port = free_port()
    lbd(ext_cfg(port, [("web1", b.addr, "id 7 maxconn 42")], path), [port])
    args = wait_file(os.path.join(d, "args.web1")).strip()
    assert args == "NOT_USED|NOT_USED|127.0.0.1|%d" % b.port
    env = dict(l.split("=", 1) for l in
               wait_file(os.path.join(d, "env.web1")).splitlines() if "=" in l)
    assert env["PATH"] == "/usr/bin:/bin"
    assert env["HAPROXY_PROXY_NAME"] == "be"
    assert env["HAPROXY_PROXY_ID"].isdigit()
    assert env["HAPROXY_PROXY_ADDR"] == "" and env["HAPROXY_PROXY_PORT"] == ""
    assert env["HAPROXY_SERVER_NAME"] == "web1"
    assert env["HAPROXY_SERVER_ID"] == "7"
    assert env["HAPROXY_SERVER_ADDR"] == "127.0.0.1"
    assert env["HAPROXY_SERVER_PORT"] == str(b.port)
    assert env["HAPROXY_SERVER_MAXCONN"] == "42"
    assert env["HAPROXY_SERVER_CURCONN"] == "0"
    # nothing of lbd's own environment leaks without preserve-env
    assert "HOME" not in env and "LBD_TEST_MARK" not in env


def test_listen_section_passes_its_first_bind_and_preserve_env(lbd, backends, script):
    d, path = script
    (b,) = backends(1)
    port = free_port()
    text = ext_cfg(port, [("s1", b.addr, "")], path,
                   glob="    external-check preserve-env\n    insecure-fork-wanted\n",
                   section="listen be\n    bind 127.0.0.1:%d" % free_port())
    text = text.replace("frontend fe\n    bind 127.0.0.1:%d\n    default_backend be\n" % port, "")
    lport = int(re.search(r"listen be\n    bind 127.0.0.1:(\d+)", text).group(1))
    lbd(text, [lport], env={"LBD_TEST_MARK": "kept"})
    args = wait_file(os.path.join(d, "args.s1")).strip()
    assert args == "127.0.0.1|%d|127.0.0.1|%d" % (lport, b.port)
    env = dict(l.split("=", 1) for l in
               wait_file(os.path.join(d, "env.s1")).splitlines() if "=" in l)
    assert env["HAPROXY_PROXY_ADDR"] == "127.0.0.1"
    assert env["HAPROXY_PROXY_PORT"] == str(lport)
    assert env["LBD_TEST_MARK"] == "kept"
    assert env["PATH"] == "/usr/bin:/bin"      # ours wins over lbd's own


def pid_gone(pid, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_hanging_script_is_killed_at_the_deadline(lbd, backends, script):
    d, path = script
    (b,) = backends(1)
    open(os.path.join(d, "hang"), "w").close()
    port = free_port()
    l = lbd(ext_cfg(port, [("s1", b.addr, "")], path, timeout_check="300ms"), [port])
    line = wait_log(l, r"Server be/s1 is DOWN")
    assert "reason: External check timeout" in line, line
    pid = int(wait_file(os.path.join(d, "pid")))
    spid = int(wait_file(os.path.join(d, "sleeppid")))
    os.unlink(os.path.join(d, "hang"))
    # the script and what it started were killed (and reaped by lbd)
    assert pid_gone(pid) and pid_gone(spid)
    wait_log(l, r"Server be/s1 is UP")


def test_external_check_needs_the_global_keyword_and_a_command(script):
    d, path = script
    rc, out, _ = check_config(ext_cfg(free_port(), [("s1", "127.0.0.1:1", "")], path,
                                      glob=""))
    assert rc != 0 and "'option external-check' needs 'external-check' in the global " \
                       "section" in out, out
    text = ext_cfg(free_port(), [("s1", "127.0.0.1:1", "")], path).replace(
        "    external-check command %s\n" % path, "")
    rc, out, _ = check_config(text)
    assert rc != 0 and "needs 'external-check command <command>'" in out, out
    rc, out, _ = check_config(ext_cfg(free_port(), [("s1", "127.0.0.1:1", "")], path,
                                      glob="    external-check\n"))
    assert rc == 0 and "insecure-fork-wanted" in out, out


def test_runtime_api_shows_external_check_results(lbd, backends, script):
    """show stat names the result (PROCOK, PROCERR) and show servers state
    gives HAProxy's numbers for it (20 passed, 18 failed)."""
    from test_cli import cli, csv_rows
    d, path = script
    (b,) = backends(1)
    port = free_port()
    sock = os.path.join(d, "admin.sock")
    l = lbd(ext_cfg(port, [("s1", b.addr, "")], path,
                    glob="    external-check\n    insecure-fork-wanted\n"
                         "    stats socket %s level admin\n" % sock), [port])
    wait_file(os.path.join(d, "env.s1"))

    def state():
        line = [x for x in cli(sock, "show servers state be").splitlines()
                if " s1 " in x][0].split()
        return line[10], line[11]           # srv_check_status, srv_check_result
    end = time.time() + 5
    while state() != ("20", "3") and time.time() < end:
        time.sleep(0.05)
    assert state() == ("20", "3")
    hdr = cli(sock, "show stat").splitlines()[0][2:].split(",")
    row = csv_rows(cli(sock, "show stat"))[("be", "s1")]
    assert row[hdr.index("check_status")] == "PROCOK"
    set_state(d, 1)
    wait_log(l, r"Server be/s1 is DOWN")
    assert state() == ("18", "2")
    row = csv_rows(cli(sock, "show stat"))[("be", "s1")]
    assert row[hdr.index("check_status")] == "PROCERR"
