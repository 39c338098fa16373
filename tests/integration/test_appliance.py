"""The appliance: lbd and vrrpd on each of two nodes, vrrpd tracking lbd
through its event stream (vrrp_track_lbd), a client probing the VIP over
HTTP (the bed is tests/integration/appliance.py). Each failure of the
proxy on the Master moves the VIP; the outage the client sees is checked
against a generous ceiling only (timing bars live in bench/)."""
import os
import signal
import subprocess
import time

import pytest

from appliance import Bed, VIP, outage, parse_probe
from netns import sh, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
LBD = os.environ.get("LBD_BIN", os.path.join(HERE, "../../build/lbd/lbd"))
VRRPD = os.environ.get("VRRPD_BIN", os.path.join(HERE, "../../build/vrrpd/vrrpd"))
CEILING = 2.0		# seconds of outage the client may see


@pytest.fixture
def bed():
    b = Bed(LBD, VRRPD)
    try:
        yield b
        bad = b.stop_daemons()
        assert not bad, bad
    finally:
        b.teardown()


def pair(bed, vrrp_kw=None, lbd_kw=None, modes=("steady", "steady")):
    """Both nodes up, node 1 (priority 150) Master and answering."""
    for i in (1, 2):
        n = bed.nodes[i]
        n.start_servers(modes[i - 1])
        n.start_lbd(**(lbd_kw or {}))
    bed.nodes[1].start_vrrpd(150, **(vrrp_kw or {}))
    assert bed.wait_holder(1), bed.nodes[1].vrrpd.text()
    bed.nodes[2].start_vrrpd(100, **(vrrp_kw or {}))
    assert bed.nodes[2].vrrpd.wait_log("Entering BACKUP STATE", 20), \
        bed.nodes[2].vrrpd.text()
    assert wait_until(lambda: bed.get() == "node1", 20)


def failover(bed, act, expect=2):
    """Run act() under the client's probe; the VIP must end on `expect` and
    the client's longest outage stay under the ceiling."""
    probe = bed.probe(30)
    assert wait_until(lambda: "ok node1" in probe.text(), 20), probe.text()
    t0 = time.time()
    act()
    assert bed.wait_holder(expect), (bed.nodes[1].vrrpd.text(),
                                     bed.nodes[2].vrrpd.text())
    assert wait_until(lambda: any(w == "node%d" % expect and t > t0
                                  for t, w in parse_probe(probe.text())), 20)
    time.sleep(0.3)
    probe.stop(signal.SIGKILL)
    gap, _ = outage(parse_probe(probe.text()), t0)
    assert gap < CEILING, "outage %.3f s" % gap
    return gap


def test_lbd_killed_moves_vip_and_comes_back_when_healthy(bed):
    pair(bed)
    n1 = bed.nodes[1]
    failover(bed, lambda: n1.lbd.send(signal.SIGKILL))
    assert "VRRP_Track_lbd(proxy): failed: lbd closed the connection" in n1.vrrpd.text()
    assert bed.get() == "node2"
    # lbd back on node 1: vrrpd reconnects, re-reads the state, and node 1
    # (preempt, higher priority) takes the VIP back once lbd is healthy
    n1.lbd.stop(signal.SIGKILL)
    probe = bed.probe(30)
    assert wait_until(lambda: "ok node2" in probe.text(), 20)
    n1.start_lbd()
    assert bed.wait_holder(1), n1.vrrpd.text()
    assert n1.vrrpd.wait_log("VRRP_Track_lbd(proxy): lbd (pid %d) is healthy"
                             % n1.lbd.pid, 10), n1.vrrpd.text()
    assert wait_until(lambda: parse_probe(probe.text())[-1][1] == "node1", 20)
    time.sleep(0.3)
    probe.stop(signal.SIGKILL)
    samples = parse_probe(probe.text())
    fails = [t for t, w in samples if w is None]
    # node 1 took the VIP only once its lbd was healthy again...
    log = n1.vrrpd.text()
    healthy = log.rindex("lbd (pid %d) is healthy" % n1.lbd.pid)
    assert log.rindex("Entering MASTER STATE") > healthy, log
    # ...so nothing failed but, at most, the one request the client had in
    # flight on node 2 at the instant of the move (an L2 failover does not
    # carry TCP connections over; nopreempt avoids the move back)
    assert len(fails) <= 1, "requests failed during the move back: %d" % len(fails)


def test_lbd_hung_moves_vip(bed):
    pair(bed)
    n1 = bed.nodes[1]
    failover(bed, lambda: n1.lbd.send(signal.SIGSTOP))
    assert "no heartbeat from lbd" in n1.vrrpd.text()
    n1.lbd.send(signal.SIGCONT)
    assert bed.wait_holder(1), n1.vrrpd.text()


def test_backend_without_servers_moves_vip(bed):
    pair(bed)
    n1 = bed.nodes[1]
    failover(bed, n1.stop_servers)
    assert "backend web has 0 usable servers (min_up 1)" in n1.vrrpd.text()
    n1.start_servers()
    assert bed.wait_holder(1), n1.vrrpd.text()


def test_vrrpd_killed_moves_vip(bed):
    pair(bed)
    n1 = bed.nodes[1]

    def kill():
        n1.vrrpd.send(signal.SIGKILL)
        # the node is gone: its address goes with it
        bed.lan.exec(1, ["ip", "addr", "del", VIP + "/24", "dev", "eth0"])
    failover(bed, kill)


def cli(bed, node, cmd, daemon="lbd"):
    return sh(["socat", "-t", "5", "-", "UNIX-CONNECT:" + os.path.join(
        bed.lan.dir, "%s%d.sock" % (daemon, node))], input=cmd + "\n").stdout


def test_frontend_paused_moves_vip(bed):
    pair(bed)
    n1 = bed.nodes[1]
    failover(bed, lambda: cli(bed, 1, "disable frontend http-in"))
    assert "frontend http-in is not listening" in n1.vrrpd.text()
    cli(bed, 1, "enable frontend http-in")
    assert bed.wait_holder(1), n1.vrrpd.text()


def test_flapping_server_does_not_move_vip(bed):
    """Checks that fail every other time never reach fall 3 or rise 3:
    lbd keeps the servers up, so the VIP must stay where it is."""
    pair(bed, vrrp_kw={"min_up": 2},
         lbd_kw={"check": "inter 50 fall 3 rise 3",
                 "chk_opt": "    option httpchk GET /health"},
         modes=("flap", "steady"))
    n1 = bed.nodes[1]
    probe = bed.probe(3)
    probe.proc.wait(30)
    samples = parse_probe(probe.text())
    assert samples and all(w == "node1" for _, w in samples), \
        [s for s in samples if s[1] != "node1"][:5]
    assert "failed" not in n1.vrrpd.text()
    assert "is DOWN" not in n1.lbd.text()


def test_subscribe_stream_shows_state_changes(bed):
    """The event stream itself: full state, sync, heartbeats, then a line
    per change of a backend's usable servers."""
    n1 = bed.nodes[1]
    n1.start_servers()
    n1.start_lbd()
    sock = os.path.join(bed.lan.dir, "lbd1.sock")
    out = os.path.join(bed.lan.dir, "stream.txt")
    with open(out, "w") as f:
        p = subprocess.Popen(["socat", "-", "UNIX-CONNECT:" + sock],
                             stdin=subprocess.PIPE, stdout=f)
        p.stdin.write(b"subscribe heartbeat 50\n")
        p.stdin.flush()
        try:
            assert wait_until(lambda: "hb 3" in open(out).read(), 10)
            cli(bed, 1, "set server web/s1 state maint")
            assert wait_until(lambda: "backend web usable 1" in open(out).read(), 10)
        finally:
            p.kill()
            p.wait()
    text = open(out).read()
    lines = text.splitlines()
    assert lines[0].startswith("lbd 1 pid %d " % n1.lbd.pid)
    assert "frontend http-in up" in lines
    assert "backend web usable 2 active 2 backup 0 total 2" in lines
    assert lines.index("sync") < lines.index("hb 1")


def test_vrrpd_control_socket_and_levels(bed):
    """vrrpd's own socket: show vrrp, levels enforced as on lbd's, and
    "disable vrrp" hands the VIP over at once."""
    pair(bed)
    line = [l for l in cli(bed, 1, "show vrrp", "vrrpd").splitlines() if l][0]
    assert line.startswith("instance VI_1 state MASTER priority 150 base 150 "
                           "vrid 60 version 3 interface eth0 advert_ms 200 "
                           "master 192.0.2.1 admin up vips 192.0.2.100/24"), line
    assert wait_until(lambda: " state BACKUP priority 100 base 100 " in
                      cli(bed, 2, "show vrrp", "vrrpd") and " master 192.0.2.1 "
                      in cli(bed, 2, "show vrrp", "vrrpd"), 10), \
        cli(bed, 2, "show vrrp", "vrrpd")
    # a session lowered to user (or operator) may read but not act, on
    # either daemon
    for daemon, cmd in (("vrrpd", "disable vrrp VI_1"),
                        ("lbd", "disable frontend http-in")):
        for lvl in ("user", "operator"):
            out = cli(bed, 1, "%s; show cli level; %s" % (lvl, cmd), daemon)
            assert lvl + "\n" in out and "Permission denied" in out, out
    assert bed.holder() == 1
    failover(bed, lambda: cli(bed, 1, "disable vrrp VI_1", "vrrpd"))
    assert " admin down " in cli(bed, 1, "show vrrp VI_1", "vrrpd")
    cli(bed, 1, "enable vrrp VI_1", "vrrpd")
    assert bed.wait_holder(1), bed.nodes[1].vrrpd.text()


def test_vrrpd_stream(bed):
    """vrrpd's event stream: the full state, then a line per change."""
    pair(bed)
    out = os.path.join(bed.lan.dir, "vstream.txt")
    with open(out, "w") as f:
        p = subprocess.Popen(["socat", "-", "UNIX-CONNECT:" +
                              os.path.join(bed.lan.dir, "vrrpd2.sock")],
                             stdin=subprocess.PIPE, stdout=f)
        p.stdin.write(b"subscribe heartbeat 50\n")
        p.stdin.flush()
        try:
            assert wait_until(lambda: "hb 2" in open(out).read(), 10)
            bed.nodes[1].lbd.send(signal.SIGKILL)
            assert wait_until(lambda: "state MASTER" in open(out).read(), 20)
        finally:
            p.kill()
            p.wait()
    lines = open(out).read().splitlines()
    assert lines[0].startswith("vrrpd 1 pid ")
    assert " state BACKUP " in lines[1] and lines[2] == "sync", lines
    assert any(" state MASTER " in l and " master 192.0.2.2 " in l
               for l in lines[3:]), lines


KEEPALIVE = r"""
import socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n")
print(s.recv(4096).split(b"\r\n")[0].decode(), flush=True)
time.sleep(60)
"""


def test_lbd_shows_vrrp_state_and_closes_idle_on_demotion(bed):
    """lbd follows vrrpd (vrrpd-socket): show info, show vrrp, the stats
    page and /metrics carry the instances' state, priority and Master; on
    demotion the VIP leaves node 1 and lbd closes the idle keep-alive
    connection that was on it (on-address-loss close-idle)."""
    import sys
    pair(bed)

    def info(node):
        return cli(bed, node, "show info")
    assert wait_until(lambda: "Vrrp.VI_1.State: MASTER" in info(1), 10), info(1)
    assert "Vrrpd: up\nVrrp.VI_1.State: MASTER\nVrrp.VI_1.Priority: 150\n" \
        "Vrrp.VI_1.Master: 192.0.2.1\n" in info(1), info(1)
    assert wait_until(lambda: "Vrrp.VI_1.Master: 192.0.2.1" in info(2) and
                      "Vrrp.VI_1.State: BACKUP" in info(2), 10), info(2)
    assert "instance VI_1 state MASTER priority 150 master 192.0.2.1 vips " \
        "192.0.2.100/24" in cli(bed, 1, "show vrrp")
    page = bed.lan.exec(1, ["curl", "-s", "http://127.0.0.1:8404/stats"]).stdout
    assert "<td>VI_1</td><td>MASTER</td><td>150</td><td>192.0.2.1</td>" in page
    metrics = bed.lan.exec(1, ["curl", "-s", "http://127.0.0.1:8404/metrics"]).stdout
    assert 'lbd_vrrp_instance_state{instance="VI_1",state="MASTER"} 1' in metrics
    assert 'lbd_vrrp_instance_state{instance="VI_1",state="BACKUP"} 0' in metrics
    assert 'lbd_vrrp_instance_priority{instance="VI_1"} 150' in metrics
    assert 'lbd_vrrp_instance_master_info{instance="VI_1",master="192.0.2.1"} 1' in metrics
    r = subprocess.run(["promtool", "check", "metrics"], input=metrics,
                       capture_output=True, text=True)
    assert "error" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr

    ka = bed.lan.start(3, [sys.executable, "-c", KEEPALIVE, VIP], "keepalive")
    assert ka.wait_log("HTTP/1.1 200", 10), ka.text()
    assert wait_until(lambda: "CurrConns: 1\n" in info(1), 10), info(1)
    cli(bed, 1, "disable vrrp VI_1", "vrrpd")
    assert bed.wait_holder(2)
    n1 = bed.nodes[1]
    assert n1.lbd.wait_log("192.0.2.100:80 left this node", 10), n1.lbd.text()
    assert n1.lbd.wait_log("closed 1 idle keep-alive connection", 10), n1.lbd.text()
    assert wait_until(lambda: "CurrConns: 0\n" in info(1), 10), info(1)
    assert wait_until(lambda: "Vrrp.VI_1.State: FAULT" in info(1), 10), info(1)
    assert wait_until(lambda: "Vrrp.VI_1.State: MASTER" in info(2), 10), info(2)
    ka.stop(signal.SIGKILL)


def test_answer_in_flight_when_the_vip_leaves_is_delivered(bed):
    """A request node 1 is still serving when its VIP leaves (here
    "disable vrrp"; a move back after preemption is the same) gets its
    answer: lbd's listener on the VIP is IP_TRANSPARENT, so the accepted
    connection may still send from the address once it is gone."""
    pair(bed)
    slow = bed.lan.start(3, ["curl", "-s", "-m", "5", "-w", " %{http_code}",
                             "http://%s/slow" % VIP], "slow")
    assert wait_until(lambda: "CurrConns: 1\n" in cli(bed, 1, "show info"), 5)
    cli(bed, 1, "disable vrrp VI_1", "vrrpd")
    assert bed.wait_holder(2)
    slow.proc.wait(10)
    assert slow.text().split() == ["node1", "200"], slow.text()
    assert slow.proc.returncode == 0


def test_make_run_configurations_are_valid():
    """The appliance demo's files (config/pair/, used by make run)."""
    cfg = os.path.join(HERE, "..", "..", "config", "pair")
    r = subprocess.run([LBD, "-c", "-f", os.path.join(cfg, "lbd.cfg")],
                       env=dict(os.environ, NODE="node1"),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    for n in (1, 2):
        r = subprocess.run([VRRPD, "-t", "-f", os.path.join(cfg, "vrrpd-node%d.conf" % n)],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr


def test_fast_takeover_moves_vip(bed):
    """fast_takeover (two-node pairs): the backup takes over on the priority
    0 advert without waiting its skew."""
    pair(bed, vrrp_kw={"extra": "    fast_takeover\n"})
    n1, n2 = bed.nodes[1], bed.nodes[2]
    failover(bed, lambda: n1.lbd.send(signal.SIGKILL))
    assert "(VI_1) Entering MASTER STATE" in n2.vrrpd.text()


def test_vrrpd_reload_keeps_mastership(bed):
    """A SIGHUP reload re-reads the file and reconnects to lbd, but the
    tracker keeps its verdict meanwhile: the Master never lets go."""
    pair(bed)
    n1 = bed.nodes[1]
    probe = bed.probe(30)
    assert wait_until(lambda: "ok node1" in probe.text(), 20)
    before = n1.vrrpd.text().count("Entering")
    for _ in range(3):
        n1.vrrpd.send(signal.SIGHUP)
        assert n1.vrrpd.wait_log("Reloading configuration",
                                 10, count=_ + 1), n1.vrrpd.text()
        time.sleep(0.5)
    time.sleep(1)
    probe.stop(signal.SIGKILL)
    assert n1.vrrpd.text().count("Entering") == before, n1.vrrpd.text()
    samples = parse_probe(probe.text())
    assert samples and all(w == "node1" for _, w in samples), \
        [s for s in samples if s[1] != "node1"][:5]


def test_lbd_reload_keeps_mastership(bed):
    """lbd -W reloading on the Master: the old worker's subscribers hear
    "bye reloading", vrrpd keeps its verdict and reconnects to the new
    worker; the VIP never moves and the client sees every answer."""
    pair(bed, lbd_kw={"master": True})
    n1 = bed.nodes[1]
    probe = bed.probe(30)
    assert wait_until(lambda: "ok node1" in probe.text(), 20)
    before = n1.vrrpd.text().count("Entering")
    for i in range(5):
        n1.lbd.send(signal.SIGUSR2)
        assert wait_until(lambda: n1.vrrpd.text().count("lbd is reloading") == i + 1
                          and n1.lbd.text().count(" ready (") == i + 2, 10), \
            n1.vrrpd.text() + n1.lbd.text()
    # longer than heartbeat_timeout: a tracker that did not get its new
    # worker's sync by then would have failed
    time.sleep(0.6)
    probe.stop(signal.SIGKILL)
    text = n1.vrrpd.text()
    assert text.count("Entering") == before, text
    assert "VRRP_Track_lbd(proxy): failed" not in text.split("Entering MASTER")[-1], text
    samples = parse_probe(probe.text())
    assert samples and all(w == "node1" for _, w in samples), \
        [x for x in samples if x[1] != "node1"][:5]
