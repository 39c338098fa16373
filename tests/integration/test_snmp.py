"""SNMP: vrrpd's VRRPv3-MIB and lbd's LBD-MIB through a real snmpd.

Each test starts Debian's snmpd as a private AgentX master on loopback
(snmp.py) and walks it with snmpwalk while the daemons change state; a
snmptrapd on loopback receives the notifications. VRRP runs in network
namespaces (netns.py); the AgentX socket is a unix socket, reachable from
the namespaces through the file system."""
import glob
import http.client
import os
import shutil
import signal
import subprocess
import tempfile

import pytest

from conftest import backends, check_config, cli, free_port, lbd  # noqa: F401
from netns import wait_until
from snmp import HAVE_SNMP, Snmpd, Snmptrapd, check_walk_against_mib, mib_objects
from test_vrrp import VRRPD, instance, lans  # noqa: F401

KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
VRRPV3_MIB_TXT = "/usr/share/snmp/mibs/VRRPv3-MIB.txt"     # shipped by Debian's keepalived
LBD_MIB_TXT = os.path.join(os.path.dirname(__file__), "../../docs/mibs/LBD-MIB.txt")

pytestmark = pytest.mark.skipif(not HAVE_SNMP, reason="snmpd, snmptrapd or snmpwalk missing")

VRRPV3 = ".1.3.6.1.2.1.207"
OPER = VRRPV3 + ".1.1.1.1"        # vrrpv3OperationsEntry
ADDR = VRRPV3 + ".1.1.2.1"        # vrrpv3AssociatedIpAddrEntry
ROUTER = VRRPV3 + ".1.2"          # vrrpv3RouterStatistics scalars
STATS = VRRPV3 + ".1.2.5.1"       # vrrpv3StatisticsEntry
NEW_MASTER = VRRPV3 + ".0.1"
PROTO_ERROR = VRRPV3 + ".0.2"
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"

# columns whose values depend on timing (uptime, advert counts)
OPER_UPTIME = 12
STATS_RCVD = 3


def vrrp_conf(prio, snmp_socket=None, traps=False, vips=("192.0.2.50/24", "192.0.2.51/24")):
    g = "global_defs {\n  router_id n%d\n  vrrp_version 3\n" % prio
    if snmp_socket:
        # keepalived's usual line where traps are wanted (it warns that
        # KEEPALIVED-MIB is not served), the RFC's own switch elsewhere
        g += "  %s\n  snmp_socket %s\n" % (
            "enable_snmp_vrrp" if traps else "enable_snmp_rfcv3", snmp_socket)
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


@pytest.mark.parametrize("role", ["master", "backup"])
def test_vrrpv3_mib_same_as_keepalived(lans, tmp_path, role):
    """The same instance, run by keepalived -x and then by vrrpd -x on the
    same node, preempting the same peer (or backing it up): the same OIDs
    and values, except the address table's index, where vrrpd follows RFC
    6527 (an InetAddress index carries its length) and keepalived 2.2.7
    leaves the length out."""
    if not os.path.exists(KEEPALIVED):
        pytest.skip("keepalived is not installed")
    lan = lans(2)
    peer = start_vrrpd(lan, 2, vrrp_conf(100), "peer")
    assert peer.wait_log("Entering MASTER STATE", 10), peer.text()
    walks, types = {}, {}
    master = role == "master"
    for who in ("keepalived", "vrrpd"):
        snmpd = Snmpd(str(tmp_path), "snmpd-" + who)
        try:
            conf = vrrp_conf(150 if role == "master" else 50)
            path = lan.write(who + ".conf", conf)
            if who == "keepalived":
                p = lan.start(1, [KEEPALIVED, "-n", "-l", "-P", "-x",
                                  "-A", snmpd.socket, "-f", path,
                                  "-p", os.path.join(lan.dir, "ka.pid"),
                                  "-r", os.path.join(lan.dir, "ka.vpid"), "-i", "ka"],
                              who)
            else:
                p = start_vrrpd(lan, 1, conf, who, ["-x", "-A", snmpd.socket])
            assert p.wait_log("Entering %s STATE" % role.upper(), 15), p.text()
            # a Backup knows its Master from the first advert it hears
            peer_ip = bytes([192, 0, 2, 2])
            snmpd.wait_walk(VRRPV3, lambda w: any(k.startswith(STATS) for k in w) and (
                master or any(k.startswith(OPER + ".3.") and v == peer_ip for k, v in w.items())))
            types[who] = {}
            walks[who] = snmpd.walk(VRRPV3, types[who])
            assert p.stop(signal.SIGTERM) == 0, p.text()
            # the peer takes the VIPs back before the next round
            if role == "master":
                assert peer.wait_log("Entering MASTER STATE", 10,
                                     count=2 if who == "keepalived" else 3), peer.text()
        finally:
            snmpd.stop()
    ka, ours = walks["keepalived"], walks["vrrpd"]
    # every object of RFC 6527's module that can be read is there, typed as
    # the module says (Debian's keepalived ships the module's text)
    if os.path.exists(VRRPV3_MIB_TXT):
        objs = mib_objects(VRRPV3_MIB_TXT)
        readable = {v[0] for v in objs.values()
                    if v[1] == "OBJECT-TYPE" and v[3] in ("read-only", "read-create")}
        assert check_walk_against_mib(ours, types["vrrpd"], objs) == readable
    # keepalived: <ifindex>.51.1.192.0.2.50; RFC 6527 / vrrpd: ...51.1.4.192.0.2.50
    ka_fixed = {}
    for oid, v in ka.items():
        if oid.startswith(ADDR + "."):
            parts = oid[len(ADDR) + 1:].split(".")
            oid = ".".join([ADDR] + parts[:4] + ["4"] + parts[4:])
        ka_fixed[oid] = v
    assert sorted(ka_fixed) == sorted(ours)
    assert stable(ka_fixed) == stable(ours)
    # and what they say: node 1 is Master by preemption, or Backup of node 2
    idx = next(k for k in ours if k.startswith(OPER + ".6.")).split(OPER + ".6.")[1]
    assert row(ours, OPER, 6, idx) == (3 if master else 2)          # status
    assert row(ours, OPER, 3, idx) == bytes([192, 0, 2, 1 if master else 2])
    assert row(ours, OPER, 4, idx) == bytes([192, 0, 2, 1])         # PrimaryIpAddr
    assert row(ours, OPER, 7, idx) == (150 if master else 50)
    assert row(ours, OPER, 8, idx) == 2                    # AddrCount
    assert row(ours, OPER, 9, idx) == 50                   # centiseconds
    assert row(ours, STATS, 1, idx) == (1 if master else 0)         # MasterTransitions
    assert row(ours, STATS, 2, idx) == (2 if master else 0)         # preempted / notMaster
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
        # a VRRPv2 router on the same VRID: version errors, counted for the
        # router and notified (vrrpv3ProtoError, versionError(2))
        start_vrrpd(lan, 2, "global_defs {\n  vrrp_version 2\n}\n" +
                    instance(prio=255, advert="1", version=2), "v2peer")   # adverts at once
        assert wait_until(lambda: PROTO_ERROR in trapd.text(), 10), trapd.text()
        assert "%s.6.%s = INTEGER: 2" % (STATS, idx) in trapd.text()
        w = snmpd.wait_walk(ROUTER, lambda w: w.get(ROUTER + ".2.0", 0) > 0)
        assert w[ROUTER + ".2.0"] > 0                          # vrrpv3RouterVersionErrors
        assert ours.stop() == 0, ours.text()
        assert "Sanitizer" not in ours.text()
    finally:
        snmpd.stop()
        trapd.stop()


# ---- lbd: LBD-MIB ----

# the defaults section of the lbd tests here and in test_syslog.py
HTTP_DEFAULTS = """defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
"""

LBD_MIB = ".1.3.6.1.4.1.32473.1"
LBD_PROC = LBD_MIB + ".1.1"
LBD_FE = LBD_MIB + ".1.2.1"
LBD_BE = LBD_MIB + ".1.3.1"
LBD_SV = LBD_MIB + ".1.4.1"
LBD_VRRP = LBD_MIB + ".1.5.1"
LBD_SRV_DOWN = LBD_MIB + ".0.2"
LBD_BE_EMPTY = LBD_MIB + ".0.3"


def test_lbd_mib_follows_show_stat_and_notifies(lbd, backends, lans, tmp_path):
    """lbd's subagent: the tables carry show stat's values for the same
    objects after real traffic, and the VRRP instance lbd follows; a server
    put in maintenance through the runtime API shows MAINT in the walk and
    sends lbdServerDown, the last one lbdBackendNoServers; lbd answers
    again after snmpd restarts."""
    s1, s2 = backends(2)
    port = free_port()
    sock = str(tmp_path / "admin.sock")
    ctl = str(tmp_path / "vrrpd.ctl")
    lan = lans(1)
    vr = start_vrrpd(lan, 1, "global_defs {\n  vrrp_version 3\n  control_socket %s\n}\n" % ctl +
                     instance(prio=255, advert="0.5"), "vrrpd")
    assert vr.wait_log("Entering MASTER STATE", 10), vr.text()
    trapd = Snmptrapd(str(tmp_path))
    # lbd starts first: its subagent keeps trying until snmpd is there
    snmpd = Snmpd(str(tmp_path), "snmpd-lbd", trap_port=trapd.port, start=False)
    try:
        l = lbd(("""global
    stats socket %s level admin
    snmp-agentx-socket %s
    vrrpd-socket %s
""" + HTTP_DEFAULTS + """frontend web
    bind 127.0.0.1:%d
    default_backend app
backend app
    default-server check inter 500ms
    server s1 127.0.0.1:%d
    server s2 127.0.0.1:%d
""") % (sock, snmpd.socket, ctl, port, s1.port, s2.port), ports=(port,))
        snmpd.start()
        for _ in range(4):
            assert http_get(port) == 200
        # both servers checked once (their check columns are filled), the
        # vrrpd stream followed
        snmpd.wait_walk(LBD_MIB, lambda w: LBD_VRRP + ".2.1" in w and len(
            [k for k, v in w.items() if k.startswith(LBD_SV + ".14.") and v == "L4OK"]) == 2)
        types = {}
        w = snmpd.walk(LBD_MIB, types)
        # the module and the agent agree: every readable object is served,
        # with its declared type
        objs = mib_objects(LBD_MIB_TXT)
        readable = {v[0] for v in objs.values() if v[1] == "OBJECT-TYPE" and v[3] == "read-only"}
        assert check_walk_against_mib(w, types, objs) == readable
        # the VRRP instance, as vrrpd reports it to lbd
        assert w[LBD_PROC + ".12.0"] == 1                            # vrrpd followed
        assert (w[LBD_VRRP + ".2.1"], w[LBD_VRRP + ".3.1"], w[LBD_VRRP + ".4.1"]) == \
            ("VI_1", "MASTER", 255)
        stat = {(r["pxname"], r["svname"]): r for r in show_stat(sock)}
        fe, be = stat[("web", "FRONTEND")], stat[("app", "BACKEND")]
        assert w[LBD_PROC + ".2.0"] == l.proc.pid                    # lbdPid
        fi, bi = fe["iid"], be["iid"]
        assert w["%s.2.%s" % (LBD_FE, fi)] == "web"
        assert w["%s.3.%s" % (LBD_FE, fi)] == fe["status"]
        assert w["%s.7.%s" % (LBD_FE, fi)] == int(fe["stot"]) >= 4
        assert w["%s.8.%s" % (LBD_FE, fi)] == int(fe["bin"])
        assert w["%s.9.%s" % (LBD_FE, fi)] == int(fe["bout"])
        assert w["%s.16.%s" % (LBD_FE, fi)] == int(fe["req_tot"])
        assert w["%s.2.%s" % (LBD_BE, bi)] == "app"
        assert w["%s.3.%s" % (LBD_BE, bi)] == "UP"
        assert w["%s.6.%s" % (LBD_BE, bi)] == int(be["stot"]) == 4
        assert w["%s.14.%s" % (LBD_BE, bi)] == 2                     # active servers
        for name in ("s1", "s2"):
            sv = stat[("app", name)]
            i = "%s.%s" % (bi, sv["sid"])
            assert w["%s.2.%s" % (LBD_SV, i)] == name
            assert w["%s.3.%s" % (LBD_SV, i)] == "app"
            assert w["%s.4.%s" % (LBD_SV, i)] == sv["status"]
            assert w["%s.5.%s" % (LBD_SV, i)] == int(sv["weight"])
            assert w["%s.8.%s" % (LBD_SV, i)] == int(sv["stot"]) == 2
            assert w["%s.9.%s" % (LBD_SV, i)] == int(sv["bin"])
            assert w["%s.20.%s" % (LBD_SV, i)] == sv["addr"]
            assert w["%s.14.%s" % (LBD_SV, i)] == sv["check_status"]   # L4OK
        # s1 to maintenance: the walk shows it, lbdServerDown arrives
        i1 = "%s.%s" % (bi, stat[("app", "s1")]["sid"])
        assert cli(sock, "disable server app/s1").strip() == ""
        w = snmpd.wait_walk(LBD_SV, lambda w: w.get("%s.4.%s" % (LBD_SV, i1)) == "MAINT")
        assert w.get("%s.4.%s" % (LBD_SV, i1)) == "MAINT", w
        assert wait_until(lambda: LBD_SRV_DOWN in trapd.text(), 10), trapd.text()
        assert '%s.2.%s = STRING: "s1"' % (LBD_SV, i1) in trapd.text()
        assert LBD_BE_EMPTY not in trapd.text()
        # the last one too: the backend has no server left
        assert cli(sock, "disable server app/s2").strip() == ""
        assert wait_until(lambda: LBD_BE_EMPTY in trapd.text(), 10), trapd.text()
        assert '%s.2.%s = STRING: "app"' % (LBD_BE, bi) in trapd.text()
        # snmpd restarts; lbd's subagent registers again, traffic unaffected
        snmpd.restart()
        w = snmpd.wait_walk(LBD_BE, lambda w: "%s.3.%s" % (LBD_BE, bi) in w, timeout=15)
        assert w["%s.3.%s" % (LBD_BE, bi)] == "DOWN"
        assert w["%s.14.%s" % (LBD_BE, bi)] == 0
        assert http_get(port) == 503
    finally:
        snmpd.stop()
        trapd.stop()


def http_get(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", "/")
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


def show_stat(sock):
    text = cli(sock, "show stat")
    lines = text.splitlines()
    names = lines[0][2:].rstrip(",").split(",")
    return [dict(zip(names, l.split(","))) for l in lines[1:] if l and not l.startswith("#")]


def ietf_mib_dir():
    """A directory holding the IETF base modules (SNMPv2-SMI, -TC, -CONF).
    Debian's net-snmp and libsmi leave them out (non-free
    snmp-mibs-downloader fetches them); erlang-snmp, in main, ships them
    as .mib files, and make deps installs it."""
    for d in sorted(glob.glob("/usr/lib/erlang/lib/snmp-*/mibs")) + [
            "/usr/share/snmp/mibs/ietf", "/var/lib/snmp/mibs/ietf"]:
        if any(os.path.exists(os.path.join(d, "SNMPv2-SMI" + ext)) for ext in ("", ".mib", ".txt")):
            return d
    return None


def test_lbd_mib_passes_smilint_and_snmptranslate():
    """docs/mibs/LBD-MIB.txt against libsmi's checker and net-snmp's parser,
    with the IETF base modules it imports."""
    base = ietf_mib_dir()
    assert base, "the IETF base MIB modules are missing: make deps installs erlang-snmp"
    assert shutil.which("smilint"), "smilint (smitools) is missing: make deps installs it"
    env = dict(os.environ, SMIPATH=base)
    p = subprocess.run(["smilint", "-l", "4", LBD_MIB_TXT], capture_output=True, text=True,
                       timeout=30, env=env)
    assert p.returncode == 0 and p.stdout + p.stderr == "", p.stdout + p.stderr
    # a broken copy is caught: the checker is really reading the module
    broken = open(LBD_MIB_TXT).read().replace("FROM SNMPv2-TC", "FROM SNMPv2-TC-NONE", 1)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "LBD-MIB.txt")
        with open(path, "w") as f:
            f.write(broken)
        p = subprocess.run(["smilint", "-l", "4", path], capture_output=True, text=True,
                           timeout=30, env=env)
        assert "SNMPv2-TC-NONE" in p.stdout + p.stderr, p.stdout + p.stderr
    mibdirs = "%s:%s" % (base, os.path.dirname(LBD_MIB_TXT))
    p = subprocess.run(["snmptranslate", "-M", mibdirs, "-m", "LBD-MIB", "-On",
                        "LBD-MIB::lbdServerStatus"], capture_output=True, text=True, timeout=30)
    assert p.stdout.strip() == LBD_SV + ".4", p.stdout + p.stderr
    # every object of the MIB resolves to a numeric OID under the enterprise
    p = subprocess.run(["snmptranslate", "-M", mibdirs, "-m", "LBD-MIB", "-Tso"],
                       capture_output=True, text=True, timeout=30)
    ours = [l for l in p.stdout.splitlines() if ".32473." in l]
    assert p.returncode == 0 and len(ours) > 40, p.stdout[-500:] + p.stderr
    assert "Cannot" not in p.stderr and "Unlinked" not in p.stderr, p.stderr


def test_snmp_sockets_must_not_need_a_name_lookup(tmp_path):
    """A host name would be looked up (blocking the loop) at every
    reconnection: lbd, vrrpd's keyword and -A refuse one, with the line."""
    rc, out, _ = check_config("global\n    snmp-agentx-socket tcp:localhost:705\n")
    assert rc != 0 and "snmp-agentx-socket" in out and ":2" in out, out
    rc, out, _ = check_config("global\n    snmp-agentx-socket tcp:127.0.0.1:705\n")
    assert rc == 0, out
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n  snmp_socket tcp:snmp.example.org:705\n}\n")
    p = subprocess.run([VRRPD, "-t", "-f", str(conf)], capture_output=True, text=True, timeout=20)
    assert p.returncode == 1 and "k.conf:2: snmp_socket:" in p.stderr, p.stderr
    p = subprocess.run([VRRPD, "-x", "-A", "tcp:localhost:705", "-t", "-f", str(conf)],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 1 and "-A: 'tcp:localhost:705'" in p.stderr, p.stderr


def test_lbd_mib_moves_to_the_new_worker_at_a_reload(backends, tmp_path):
    """Master-worker mode: the new worker registers LBD-MIB while the old
    one still holds it (the master agent refuses the duplicate), the old
    one lets go when told to stop, and the new one registers again: after
    a reload the walk answers with the new worker's pid, also while the
    old one lingers for an idle client."""
    import socket as so
    from test_reload import Master, cfg as reload_cfg, pid_alive, wait_for
    s1, = backends(1)
    snmpd = Snmpd(str(tmp_path))
    port = free_port()
    m = Master(reload_cfg(port, s1.port, glob="    snmp-agentx-socket %s" % snmpd.socket),
               [port])
    try:
        first = m.procs()["current"][0]
        w = snmpd.wait_walk(LBD_PROC, lambda w: w.get(LBD_PROC + ".2.0") == first)
        assert w.get(LBD_PROC + ".2.0") == first, w
        idle = so.create_connection(("127.0.0.1", port), 5)   # keeps the old worker
        idle.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        assert idle.recv(4096).startswith(b"HTTP/1.1 200")
        m.send_signal(signal.SIGUSR2)
        wait_for(lambda: m.procs()["current"] not in ([], [first]), what="reload")
        new = m.procs()["current"][0]
        w = snmpd.wait_walk(LBD_PROC, lambda w: w.get(LBD_PROC + ".2.0") == new, timeout=10)
        assert w.get(LBD_PROC + ".2.0") == new, (w, first, new)
        assert pid_alive(first)            # still there for its idle client
        idle.close()
    finally:
        m.stop()
        snmpd.stop()
