"""SNMP: vrrpd's VRRPv3-MIB and lbd's LBD-MIB through a real snmpd.

Each test starts Debian's snmpd as a private AgentX master on loopback
(snmp.py) and walks it with snmpwalk while the daemons change state; a
snmptrapd on loopback receives the notifications. VRRP runs in network
namespaces (netns.py); the AgentX socket is a unix socket, reachable from
the namespaces through the file system."""
import os
import shutil
import signal

import pytest

from netns import wait_until
from snmp import HAVE_SNMP, Snmpd, Snmptrapd
from test_vrrp import VRRPD, instance, lans  # noqa: F401

KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"

pytestmark = pytest.mark.skipif(not HAVE_SNMP, reason="snmpd, snmptrapd or snmpwalk missing")

VRRPV3 = ".1.3.6.1.2.1.207"
OPER = VRRPV3 + ".1.1.1.1"        # vrrpv3OperationsEntry
ADDR = VRRPV3 + ".1.1.2.1"        # vrrpv3AssociatedIpAddrEntry
ROUTER = VRRPV3 + ".1.2"          # vrrpv3RouterStatistics scalars
STATS = VRRPV3 + ".1.2.5.1"       # vrrpv3StatisticsEntry
NEW_MASTER = VRRPV3 + ".0.1"
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"

# columns whose values depend on timing (uptime, advert counts)
OPER_UPTIME = 12
STATS_RCVD = 3


def vrrp_conf(prio, snmp_socket=None, traps=False, vips=("192.0.2.50/24", "192.0.2.51/24")):
    g = "global_defs {\n  router_id n%d\n  vrrp_version 3\n" % prio
    if snmp_socket:
        g += "  enable_snmp_rfcv3\n  snmp_socket %s\n" % snmp_socket
    if traps:
        g += "  enable_traps\n"
    return g + "}\n" + instance(prio=prio, advert="0.5", vips=vips)


def start_vrrpd(lan, node, conf, name, args=()):
    path = lan.write(name + ".conf", conf)
    return lan.start(node, [VRRPD, "-n", "-l", "-f", path,
                            "-p", os.path.join(lan.dir, name + ".pid"),
                            "-r", os.path.join(lan.dir, name + ".vpid")] + list(args),
                     name)


def row(walk, entry, col, index):
    return walk.get("%s.%d.%s" % (entry, col, index))


def stable(walk):
    """The walk without the columns that move with time."""
    out = {}
    for oid, v in walk.items():
        if oid.startswith(OPER + ".%d." % OPER_UPTIME) or \
           oid.startswith(STATS + ".%d." % STATS_RCVD):
            continue
        out[oid] = v
    return out


def test_vrrpv3_mib_same_as_keepalived(lans, tmp_path):
    """The same instance, run by keepalived -x and then by vrrpd -x on the
    same node, preempting the same peer: the same OIDs and values, except
    the address table's index, where vrrpd follows RFC 6527 (an InetAddress
    index carries its length) and keepalived 2.2.7 leaves the length out."""
    if not os.path.exists(KEEPALIVED):
        pytest.skip("keepalived is not installed")
    lan = lans(2)
    peer = start_vrrpd(lan, 2, vrrp_conf(100), "peer")
    assert peer.wait_log("Entering MASTER STATE", 10), peer.text()
    walks = {}
    for who in ("keepalived", "vrrpd"):
        snmpd = Snmpd(str(tmp_path), "snmpd-" + who)
        try:
            conf = vrrp_conf(150)
            path = lan.write(who + ".conf", conf)
            if who == "keepalived":
                p = lan.start(1, [KEEPALIVED, "-n", "-l", "-P", "-x",
                                  "-A", snmpd.socket, "-f", path,
                                  "-p", os.path.join(lan.dir, "ka.pid"),
                                  "-r", os.path.join(lan.dir, "ka.vpid"), "-i", "ka"],
                              who)
            else:
                p = start_vrrpd(lan, 1, conf, who, ["-x", "-A", snmpd.socket])
            assert p.wait_log("Entering MASTER STATE", 15), p.text()
            w = snmpd.wait_walk(VRRPV3, lambda w: any(k.startswith(STATS) for k in w))
            walks[who] = w
            assert p.stop(signal.SIGTERM) == 0, p.text()
            # the peer takes the VIPs back before the next round
            assert peer.wait_log("Entering MASTER STATE", 10,
                                 count=2 if who == "keepalived" else 3), peer.text()
        finally:
            snmpd.stop()
    ka, ours = walks["keepalived"], walks["vrrpd"]
    # keepalived: <ifindex>.51.1.192.0.2.50; RFC 6527 / vrrpd: ...51.1.4.192.0.2.50
    ka_fixed = {}
    for oid, v in ka.items():
        if oid.startswith(ADDR + "."):
            parts = oid[len(ADDR) + 1:].split(".")
            oid = ".".join([ADDR] + parts[:4] + ["4"] + parts[4:])
        ka_fixed[oid] = v
    assert sorted(ka_fixed) == sorted(ours)
    assert stable(ka_fixed) == stable(ours)
    # and what they say: node 1 is Master by preemption, holding both VIPs
    idx = next(k for k in ours if k.startswith(OPER + ".6.")).split(OPER + ".6.")[1]
    assert row(ours, OPER, 6, idx) == 3                    # master(3)
    assert row(ours, OPER, 3, idx) == bytes([192, 0, 2, 1])  # MasterIpAddr: us
    assert row(ours, OPER, 7, idx) == 150
    assert row(ours, OPER, 8, idx) == 2                    # AddrCount
    assert row(ours, OPER, 9, idx) == 50                   # centiseconds
    assert row(ours, STATS, 1, idx) == 1                   # MasterTransitions
    assert row(ours, STATS, 2, idx) == 2                   # preempted(2)
    assert row(ours, ADDR, 2, idx + ".4.192.0.2.51") == 1  # RowStatus active


def test_vrrpd_snmp_failover_trap_and_snmpd_restart(lans, tmp_path):
    """vrrpd as the Backup: the walk follows it to Master when the peer
    dies, snmptrapd receives vrrpv3NewMaster (masterNoResponse), and after
    snmpd restarts the subagent registers again and answers."""
    lan = lans(2)
    trapd = Snmptrapd(str(tmp_path))
    snmpd = Snmpd(str(tmp_path), trap_port=trapd.port)
    try:
        peer = start_vrrpd(lan, 2, vrrp_conf(150), "peer")
        assert peer.wait_log("Entering MASTER STATE", 10), peer.text()
        ours = start_vrrpd(lan, 1, vrrp_conf(100, snmpd.socket, traps=True), "ours")
        assert ours.wait_log("Entering BACKUP STATE", 10), ours.text()
        w = snmpd.wait_walk(OPER, lambda w: any(
            k.startswith(OPER + ".3.") and v == bytes([192, 0, 2, 2]) for k, v in w.items()))
        idx = next(k for k in w if k.startswith(OPER + ".6.")).split(OPER + ".6.")[1]
        assert row(w, OPER, 6, idx) == 2, w                    # backup(2)
        assert row(w, OPER, 3, idx) == bytes([192, 0, 2, 2])   # the peer
        assert row(w, OPER, 4, idx) == bytes([192, 0, 2, 1])   # our primary
        assert row(w, OPER, 7, idx) == 100
        # the Master dies: we take over
        peer.stop(signal.SIGKILL)
        assert ours.wait_log("Entering MASTER STATE", 10), ours.text()
        w = snmpd.wait_walk(VRRPV3, lambda w: row(w, OPER, 6, idx) == 3)
        assert row(w, OPER, 3, idx) == bytes([192, 0, 2, 1])
        assert row(w, STATS, 1, idx) == 1                      # MasterTransitions
        assert row(w, STATS, 2, idx) == 3                      # masterNoResponse(3)
        assert row(w, STATS, 3, idx) > 0                       # adverts heard before
        assert wait_until(lambda: NEW_MASTER in trapd.text(), 10), trapd.text()
        trap = trapd.text()
        assert "%s = OID: %s" % (TRAP_OID, NEW_MASTER) in trap
        assert "%s.3.%s = Hex-STRING: C0 00 02 01" % (OPER, idx) in trap
        assert "%s.2.%s = INTEGER: 3" % (STATS, idx) in trap
        # snmpd restarts: the subagent comes back by itself
        snmpd.restart()
        w = snmpd.wait_walk(OPER, lambda w: row(w, OPER, 6, idx) == 3, timeout=15)
        assert row(w, OPER, 6, idx) == 3, (w, ours.text())
        assert ours.proc.poll() is None
    finally:
        snmpd.stop()
        trapd.stop()
