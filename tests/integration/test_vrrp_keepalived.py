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
    mine = vrrpd(lan, 1, conf(hi if vrrpd_master else lo, lan.ip4(1), lan.ip4(2), ours))
    theirs = keepalived(lan, 2, conf(lo if vrrpd_master else hi, lan.ip4(2), lan.ip4(1),
                                     "  old_unicast_checksum\n"))
    master, backup = (1, 2) if vrrpd_master else (2, 1)
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
