"""Running as a service: `make install` lays out binaries, units, configs
and man pages (never overwriting an operator's configuration);
systemd-analyze verifies the installed units and rates their hardening;
both daemons speak the service manager's notify protocol (READY once they
serve, STATUS, RELOADING/READY around vrrpd's reload, STOPPING) to a real
datagram socket in $NOTIFY_SOCKET, as systemd's Type=notify expects."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import LBD, Lbd, free_port, wait_port
from test_reload import Master
from netns import Lan, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
VRRPD = os.environ.get("VRRPD_BIN", os.path.join(ROOT, "build/vrrpd/vrrpd"))
VIP = "192.0.2.50"


def make_install(prefix, destdir=""):
    """Install the binaries under test (not rebuilt: -o keeps them as
    they are, sanitizer build included) with the given layout."""
    lbd, vrrpd = os.path.abspath(LBD), os.path.abspath(VRRPD)
    build = os.path.dirname(os.path.dirname(lbd))
    argv = ["make", "-s", "-C", ROOT, "install", "BUILD=" + build,
            "PREFIX=" + prefix, "-o", lbd, "-o", vrrpd]
    if destdir:
        argv.append("DESTDIR=" + destdir)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.fixture
def tmpdir_():
    d = tempfile.mkdtemp(prefix="lbd-install-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_make_install_lays_out_the_appliance_and_keeps_edited_configs(tmpdir_):
    dest = os.path.join(tmpdir_, "root")
    make_install("/usr", dest)
    for f in ("usr/sbin/lbd", "usr/sbin/vrrpd"):
        assert os.access(os.path.join(dest, f), os.X_OK), f
    for f in ("usr/lib/systemd/system/lbd.service", "usr/lib/systemd/system/vrrpd.service",
              "usr/share/man/man8/lbd.8", "usr/share/man/man8/vrrpd.8",
              "usr/share/man/man5/lbd.cfg.5", "usr/share/man/man5/vrrpd.conf.5",
              "etc/lbd/lbd.cfg", "etc/keepalived/keepalived.conf",
              "etc/lbd/errors/503.http"):
        assert os.path.isfile(os.path.join(dest, f)), f
    unit = open(os.path.join(dest, "usr/lib/systemd/system/lbd.service")).read()
    assert "ExecStart=/usr/sbin/lbd -Ws -S $MASTER_SOCKET -f $CONFIG" in unit
    # a reload checks first (a bad configuration fails it), then signals
    assert unit.index("ExecReload=/usr/sbin/lbd -c -q -f $CONFIG") < \
        unit.index("ExecReload=/bin/kill -USR2 $MAINPID")
    assert "CONFIG=/etc/lbd/lbd.cfg" in unit and "@" not in unit.replace("@SBINDIR", "")
    # the installed defaults are valid as they stand
    p = subprocess.run([LBD, "-c", "-f", os.path.join(dest, "etc/lbd/lbd.cfg")],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run([VRRPD, "-t", "-f", os.path.join(dest, "etc/keepalived/keepalived.conf")],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 0, p.stderr
    # an operator's edit survives a second install; uninstall leaves it
    cfg = os.path.join(dest, "etc/lbd/lbd.cfg")
    with open(cfg, "a") as f:
        f.write("# edited by the operator\n")
    make_install("/usr", dest)
    assert open(cfg).read().endswith("# edited by the operator\n")
    p = subprocess.run(["make", "-s", "-C", ROOT, "uninstall", "PREFIX=/usr",
                        "DESTDIR=" + dest], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert not os.path.exists(os.path.join(dest, "usr/sbin/lbd"))
    assert not os.path.exists(os.path.join(dest, "usr/lib/systemd/system/vrrpd.service"))
    assert os.path.isfile(cfg)


def test_systemd_analyze_verifies_the_units_and_their_hardening(tmpdir_):
    prefix = os.path.join(tmpdir_, "usr")
    make_install(prefix)
    units = os.path.join(prefix, "lib/systemd/system")
    env = dict(os.environ, MANPATH=os.path.join(prefix, "share/man"))
    p = subprocess.run(["systemd-analyze", "verify", "lbd.service", "vrrpd.service"],
                       cwd=units, env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stderr.strip(), p.stdout + p.stderr
    for name, cap in (("lbd", "CAP_NET_BIND_SERVICE"), ("vrrpd", "CAP_NET_RAW")):
        unit = open(os.path.join(units, name + ".service")).read()
        for line in ("Type=notify", "ProtectSystem=strict", "ProtectHome=yes",
                     "PrivateTmp=yes", "NoNewPrivileges=yes", "Restart=on-failure"):
            assert line in unit, (name, line)
        assert re.search(r"^AmbientCapabilities=.*%s" % cap, unit, re.M), name
        p = subprocess.run(["systemd-analyze", "security", "--offline=true",
                            name + ".service"], cwd=units, env=env,
                           capture_output=True, text=True, timeout=60)
        m = re.search(r"Overall exposure level for %s.service: ([0-9.]+)" % name, p.stdout)
        assert m, p.stdout + p.stderr
        # systemd's scale: 10 is an unprotected root service
        assert float(m.group(1)) <= 6.5, p.stdout
    vrrpd = open(os.path.join(units, "vrrpd.service")).read()
    assert "After=network-online.target lbd.service" in vrrpd
    assert "ExecReload=/bin/kill -HUP $MAINPID" in vrrpd


class Notify:
    """What systemd's side of Type=notify sees: a datagram socket bound at
    the path (or abstract name) given to the daemon as $NOTIFY_SOCKET."""

    def __init__(self, abstract=False):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = "lbd-test-notify-%d-%d" % (os.getpid(), time.monotonic_ns())
            self.s.bind("\0" + name)
            self.env = "@" + name
            self.dir = None
        else:
            self.dir = tempfile.mkdtemp(prefix="lbd-notify-")
            self.env = os.path.join(self.dir, "notify")
            self.s.bind(self.env)
        self.s.settimeout(0.2)
        self.msgs = []

    def wait(self, pred, timeout=15.0):
        """The first message (a dict of its lines) that pred accepts."""
        end = time.time() + timeout
        while time.time() < end:
            for m in self.msgs:
                if pred(m):
                    return m
            try:
                data = self.s.recv(4096).decode()
            except socket.timeout:
                continue
            self.msgs.append(dict(l.split("=", 1) for l in data.split("\n") if "=" in l))
        raise AssertionError("no such notification; got %r" % self.msgs)

    def close(self):
        self.s.close()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def http_cfg(port, server):
    return """defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:%d
    default_backend be
backend be
    server s1 %s
""" % (port, server)


@pytest.mark.parametrize("abstract", [False, True])
def test_lbd_tells_the_service_manager_when_it_serves_and_when_it_stops(backends, abstract):
    (b,) = backends(1)
    port = free_port()
    cfg = "global\n    nbthread 2\n" + http_cfg(port, b.addr)
    n = Notify(abstract)
    try:
        l = Lbd(cfg, env={"NOTIFY_SOCKET": n.env})
        try:
            ready = n.wait(lambda m: m.get("READY") == "1")
            # READY means serving: the port answers at once
            assert wait_port(port, timeout=0.5)
            assert ready["MAINPID"] == str(l.proc.pid)
            assert "2 threads" in ready.get("STATUS", ""), ready
            l.send_signal(signal.SIGUSR1)
            n.wait(lambda m: m.get("STOPPING") == "1")
        finally:
            l.stop()
    finally:
        n.close()


def test_lbd_master_notifies_ready_reloading_and_a_failed_reload(backends):
    """lbd -W as the unit runs it: the master is MAINPID, READY=1 comes
    once its worker serves, RELOADING=1 then READY=1 around a reload, and
    a refused reload says why in STATUS while the old worker serves on."""
    (b,) = backends(1)
    port = free_port()
    cfg = http_cfg(port, b.addr)
    n = Notify()
    try:
        m = Master(cfg, env={"NOTIFY_SOCKET": n.env})
        try:
            ready = n.wait(lambda x: x.get("READY") == "1")
            assert wait_port(port, timeout=0.5)
            assert ready["MAINPID"] == str(m.proc.pid)
            worker = m.procs()["current"]
            i = len(n.msgs)
            m.send_signal(signal.SIGUSR2)
            n.wait(lambda x: x.get("RELOADING") == "1" and "MONOTONIC_USEC" in x)
            done = n.wait(lambda x: x.get("READY") == "1" and n.msgs.index(x) >= i)
            assert "reloaded" in done.get("STATUS", ""), done
            assert m.procs()["current"] != worker
            m.write_cfg(cfg + "    no-such-thing\n")
            i = len(n.msgs)
            m.send_signal(signal.SIGUSR2)
            done = n.wait(lambda x: x.get("READY") == "1" and n.msgs.index(x) >= i)
            assert "reload failed" in done["STATUS"], done
            assert "no-such-thing" in done["STATUS"], done
            assert wait_port(port, timeout=0.5)
            m.send_signal(signal.SIGUSR1)
            n.wait(lambda x: x.get("STOPPING") == "1")
            assert m.proc.wait(10) == 0
        finally:
            m.stop()
    finally:
        n.close()


def test_lbd_without_a_manager_and_with_a_bad_socket_still_runs(backends):
    (b,) = backends(1)
    port = free_port()
    cfg = """defaults
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen li
    bind 127.0.0.1:%d
    server s1 %s
""" % (port, b.addr)
    l = Lbd(cfg, [port], env={"NOTIFY_SOCKET": "relative/not-a-socket"})
    try:
        assert "NOTIFY_SOCKET" in l.stderr()
    finally:
        l.stop()


@pytest.fixture
def lan():
    made = Lan(1, tag="sv")
    made.setup()
    yield made
    made.teardown()


def test_vrrpd_notifies_ready_status_reload_and_stop(lan, monkeypatch):
    conf = lan.write("v.conf", """global_defs {
  vrrp_version 3
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 0.2
  virtual_ipaddress {
    %s
  }
}
""" % VIP)
    n = Notify()
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", n.env)
        d = lan.start(1, [VRRPD, "-n", "-l", "-f", conf], "vrrpd")
        monkeypatch.delenv("NOTIFY_SOCKET")
        ready = n.wait(lambda m: m.get("READY") == "1")
        assert ready["MAINPID"] == str(d.pid)   # ip netns exec execs vrrpd
        # alone on its LAN it becomes Master, and says so in its status
        n.wait(lambda m: m.get("STATUS") == "VI_1 MASTER")
        assert wait_until(lambda: lan.has(1, VIP), 5)
        n.msgs.clear()
        d.send(signal.SIGHUP)
        rel = n.wait(lambda m: m.get("RELOADING") == "1")
        assert int(rel["MONOTONIC_USEC"]) > 0
        n.wait(lambda m: m.get("READY") == "1")
        # the unchanged instance kept its state through the reload
        n.wait(lambda m: m.get("STATUS") == "VI_1 MASTER")
        assert lan.has(1, VIP)
        d.send(signal.SIGTERM)
        n.wait(lambda m: m.get("STOPPING") == "1")
        assert d.stop() == 0
        assert not lan.has(1, VIP)
    finally:
        n.close()
