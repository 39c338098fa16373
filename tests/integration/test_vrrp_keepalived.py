"""vrrpd and Debian's keepalived in the same virtual router, as in a pair
being migrated one node at a time: VRRPv2 with a password, VRRPv3 over IPv4
and over IPv6, with vrrpd as the master and as the backup. The VIP must end
on the right node, a graceful stop of the master must hand it over, and
neither side may log a protocol error."""
import os
import shutil
import signal

import pytest

from netns import wait_until
from test_vrrp import VIP, VIP6, instance, lans, only_holder, vrrpd  # noqa: F401

KEEPALIVED = shutil.which("keepalived") or "/usr/sbin/keepalived"
KA_ERRORS = ("invalid", "mismatch", "bogus", "not present", "checksum", "wrong",
             "bad ", "discarded", "_errors:", "unknown_peer", "cannot send")

pytestmark = pytest.mark.skipif(not os.path.exists(KEEPALIVED),
                                reason="keepalived is not installed")


def keepalived(lan, node, conf):
    name = "keepalived%d" % node
    path = lan.write(name + ".conf", conf)
    return lan.start(node, [KEEPALIVED, "-n", "-l", "-D", "-f", path,
                            "-p", os.path.join(lan.dir, name + ".pid"),
                            "-r", os.path.join(lan.dir, name + ".vpid"),
                            "-i", name], name)


def no_protocol_errors(proc):
    text = proc.text()
    for line in text.splitlines():
        low = line.lower()
        for bad in KA_ERRORS:
            assert bad not in low, "%s logged: %s\n%s" % (proc.name, line, text)


CASES = [
    # (id, version, vip, advert)
    ("v2", 2, VIP, "1"),
    ("v3-ipv4", 3, VIP, "0.5"),
    ("v3-ipv6", 3, VIP6, "0.5"),
]


@pytest.mark.parametrize("vrrpd_master", [True, False], ids=["vrrpd-master", "keepalived-master"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_vrrp_interop_keepalived(lans, case, vrrpd_master):
    _, version, vip, advert = case
    lan = lans(2)
    auth = ("  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }"
            if version == 2 else "")
    vip_line = vip + ("/64" if ":" in vip else "/24")

    def conf(prio):
        return ("global_defs {\n  router_id n%d\n  vrrp_version %d\n}\n" % (prio, version) +
                instance(prio=prio, advert=advert, version=version,
                         vips=(vip_line,), extra=auth))
    # node 1 runs vrrpd, node 2 keepalived; the master has priority 150
    ours = vrrpd(lan, 1, conf(150 if vrrpd_master else 100))
    theirs = keepalived(lan, 2, conf(100 if vrrpd_master else 150))
    master, backup = (1, 2) if vrrpd_master else (2, 1)
    only_holder(lan, master, vip, timeout=20)
    assert wait_until(lambda: "Entering BACKUP STATE" in
                      (theirs if vrrpd_master else ours).text(), 10)
    # a few adverts go by: the backup keeps quiet, nobody complains
    mproc = ours if vrrpd_master else theirs
    bproc = theirs if vrrpd_master else ours
    wait_until(lambda: False, 2 * float(advert))
    only_holder(lan, master, vip, timeout=1)
    # graceful stop of the master: priority 0, the backup takes over
    mproc.proc.send_signal(signal.SIGTERM)
    only_holder(lan, backup, vip, timeout=15)
    assert mproc.proc.wait(15) == 0, mproc.text()
    assert bproc.stop(signal.SIGTERM) == 0, bproc.text()
    no_protocol_errors(ours)
    no_protocol_errors(theirs)
    assert "Entering MASTER STATE" in bproc.text()


@pytest.mark.parametrize("vrrpd_master,ours", [
    (True, "  old_unicast_checksum\n"),
    (False, ""),
], ids=["vrrpd-master", "vrrpd-detects"])
def test_vrrp_old_unicast_checksum_with_keepalived(lans, vrrpd_master, ours):
    """VRRPv3 unicast beside a keepalived that keeps the checksum of
    keepalived up to 1.3.6 (old_unicast_checksum, which refuses the
    current form): with the same keyword vrrpd sends and reads that form;
    without it vrrpd notices the peer's form and answers in it."""
    lan = lans(2)

    def conf(prio, me, peer, extra):
        return ("global_defs {\n  router_id n%d\n}\n" % prio +
                instance(prio=prio, advert="0.5", version=3, vips=(VIP + "/24",),
                         extra="  unicast_src_ip %s\n  unicast_peer {\n    %s\n  }\n%s"
                         % (me, peer, extra)))
    hi, lo = 150, 100
    master, backup = (1, 2) if vrrpd_master else (2, 1)
    # the Master first: a backup that found nobody yet would advertise in
    # the form the other side refuses until it hears the Master
    theirs = keepalived(lan, 2, conf(lo if vrrpd_master else hi, lan.ip4(2), lan.ip4(1),
                                     "  old_unicast_checksum\n"))
    if not vrrpd_master:
        only_holder(lan, 2, VIP, timeout=20)
    mine = vrrpd(lan, 1, conf(hi if vrrpd_master else lo, lan.ip4(1), lan.ip4(2), ours))
    mproc, bproc = (mine, theirs) if vrrpd_master else (theirs, mine)
    only_holder(lan, master, VIP, timeout=20)
    assert wait_until(lambda: "Entering BACKUP STATE" in bproc.text(), 10)
    wait_until(lambda: False, 1.5)
    only_holder(lan, master, VIP, timeout=1)
    mproc.proc.send_signal(signal.SIGTERM)
    only_holder(lan, backup, VIP, timeout=15)
    assert mproc.proc.wait(15) == 0, mproc.text()
    assert bproc.stop(signal.SIGTERM) == 0, bproc.text()
    no_protocol_errors(mine)
    no_protocol_errors(theirs)
    assert ("the old unicast way" in mine.text()) == (not ours), mine.text()


def test_vrrp_reload_deleted_instance_notifies_like_keepalived(lans):
    """A reload that removes instances: the generic notify script and the
    FIFO hear FAULT, or DELETED with notify_deleted (whose own script runs
    too); notify_fault and notify_stop do not run. Same config, same
    reload, in keepalived and in vrrpd, on one LAN with distinct VRIDs."""
    lan = lans(2)
    logs = {}
    procs = {}
    for node, name, base in ((1, "keepalived", 51), (2, "vrrpd", 61)):
        log = os.path.join(lan.dir, "%s-notify.log" % name)
        script = lan.write("%s-n.sh" % name, "#!/bin/sh\necho \"$*\" >> %s\n" % log)
        os.chmod(script, 0o755)
        ex = ('  notify %s\n  notify_fault "%s fault"\n  notify_stop "%s stop"\n'
              % (script, script, script))
        g = "global_defs {\n  script_user root\n  enable_script_security\n}\n"
        keep = instance(name="VI_3", vrid=base + 2, prio=150, vips=("192.0.2.%d" % (base + 2),))
        conf = (g + instance(prio=150, vrid=base, vips=("192.0.2.%d" % base,), extra=ex) +
                instance(name="VI_2", vrid=base + 1, prio=150, vips=("192.0.2.%d" % (base + 1),),
                         extra=ex + '  notify_deleted "%s deleted"\n' % script) + keep)
        start = keepalived if name == "keepalived" else vrrpd
        p = start(lan, node, conf)
        assert wait_until(lambda: os.path.exists(log) and
                          open(log).read().count("MASTER") == 2, 15), p.text()
        lan.write("%s%d.conf" % (name, node), g + keep)
        p.proc.send_signal(signal.SIGHUP)
        assert wait_until(lambda: open(log).read().count("\n") >= 6, 10), open(log).read()
        wait_until(lambda: False, 0.5)     # nothing more comes
        procs[name] = p
        logs[name] = sorted(open(log).read().splitlines()[4:])
    for p in procs.values():
        assert p.stop(signal.SIGTERM) == 0, p.text()
    assert logs["vrrpd"] == logs["keepalived"], logs
    assert "INSTANCE VI_2 DELETED 150" in logs["vrrpd"], logs
    assert "INSTANCE VI_1 FAULT 150" in logs["vrrpd"], logs


def test_vrrp_script_security_paths(lans):
    """enable_script_security runs a root script only when no directory on
    its path can be written by others: a world-writable directory makes it
    insecure, a sticky one such as /tmp does not (as keepalived)."""
    lan = lans(1)
    out = os.path.join(lan.dir, "ran.log")
    unsafe = os.path.join(lan.dir, "open")
    os.mkdir(unsafe)
    os.chmod(unsafe, 0o777)
    bad = lan.write("open/m.sh", "#!/bin/sh\necho bad >> %s\n" % out)
    good = lan.write("b.sh", "#!/bin/sh\necho good >> %s\n" % out)
    for s in (bad, good):
        os.chmod(s, 0o755)
    p = vrrpd(lan, 1, "global_defs {\n  script_user root\n  enable_script_security\n}\n" +
              instance(prio=150, extra="  notify_backup %s\n  notify_master %s\n" % (good, bad)))
    assert wait_until(lambda: "Entering MASTER STATE" in p.text(), 10), p.text()
    assert wait_until(lambda: "is insecure" in p.text(), 5), p.text()
    assert p.stop(signal.SIGTERM) == 0
    assert open(out).read() == "good\n"
    assert "'%s' is insecure" % bad in p.text()
