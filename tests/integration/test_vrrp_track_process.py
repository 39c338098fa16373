"""vrrp_track_process in network namespaces: the proc connector only answers
in the initial network namespace, so here vrrpd must say it falls back to
pidfds and /proc rescans, and still move the VIP when tracked processes
start, exit or are SIGKILLed (quorum with weight 0 = FAULT, and a negative
weight), follow parameters, and wait out terminate_delay.

The tracked programs are copies of sleep(1) under a name made for the test
(process names are host-wide: namespaces do not separate PIDs), started in
the node's namespace through the bed's Lan.start so they are stopped by PID."""
import os
import shutil
import signal
import time

import pytest

from netns import Lan, wait_until
from test_vrrp import VIP, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401


def prog(lan):
    """A copy of sleep whose name nothing else on the machine has."""
    name = "vt%d" % (os.getpid() % 100000 * 100 + int(time.time() * 10) % 100)
    path = os.path.join(lan.dir, name[:15])
    shutil.copy("/bin/sleep", path)
    return path


def tracked(lan, node, path, tag, *args):
    return lan.start(node, [path] + list(args or ["300"]), "%s-%s" % (
        os.path.basename(path), tag))


def test_vrrp_track_process_quorum_faults_and_recovers(lans):
    lan = lans(2)
    path = prog(lan)
    name = os.path.basename(path)
    conf = """vrrp_track_process svc {
  process %s
  quorum 2
  weight 0
}
""" % name
    a = vrrpd(lan, 1, conf + instance(prio=150, extra="  track_process {\n    svc\n  }"))
    b = vrrpd(lan, 2, instance(prio=100))
    assert a.wait_log("process tracking: pidfd and /proc rescan", 10)
    assert a.wait_log("vrrp_track_process svc: 0 matching processes, failed", 10)
    assert a.text().count("process tracking:") == 1   # said once
    only_holder(lan, 2)                 # no process yet: node 1 in FAULT
    p1 = tracked(lan, 1, path, "1")
    p2 = tracked(lan, 1, path, "2")
    only_holder(lan, 1)                 # quorum of 2 found by a rescan
    assert a.wait_log("vrrp_track_process svc: quorum reached (2 matching", 5)
    p1.stop(signal.SIGKILL)             # exit seen through its pidfd
    only_holder(lan, 2, timeout=10)
    assert a.wait_log("vrrp_track_process svc: quorum lost (1 matching", 5)
    assert a.wait_log("Entering FAULT STATE", 5)
    p3 = tracked(lan, 1, path, "3")
    only_holder(lan, 1)
    p2.stop(signal.SIGTERM)
    p3.stop(signal.SIGKILL)
    only_holder(lan, 2, timeout=10)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_track_process_weight_params_and_delay(lans):
    lan = lans(2)
    path = prog(lan)
    conf = """vrrp_track_process svc {
  process %s 300
  param_match partial
  weight -100
  terminate_delay 2
}
""" % path
    a = vrrpd(lan, 1, conf + instance(prio=150, extra="  track_process {\n    svc\n  }"))
    b = vrrpd(lan, 2, instance(prio=100))
    assert a.wait_log("vrrp_track_process svc: 0 matching processes, failed", 10)
    other = tracked(lan, 1, path, "other", "301")   # parameters differ
    p = tracked(lan, 1, path, "svc", "300", "1")  # partial: more allowed
    assert a.wait_log("vrrp_track_process svc: quorum reached (1 matching", 10)
    only_holder(lan, 1)
    t0 = time.time()
    p.stop(signal.SIGKILL)
    assert a.wait_log("vrrp_track_process svc: quorum lost", 15)
    assert time.time() - t0 >= 1.9     # terminate_delay held the verdict
    assert a.wait_log("Changing effective priority from 150 to 50", 5)
    only_holder(lan, 2)
    # a restart inside the delay does not move the VIP back and forth
    q = tracked(lan, 1, path, "svc2", "300")
    only_holder(lan, 1)
    lost = a.text().count("quorum lost")
    q.stop(signal.SIGKILL)
    q2 = tracked(lan, 1, path, "svc3", "300")
    time.sleep(3)                       # past terminate_delay
    assert a.text().count("quorum lost") == lost
    assert lan.holders(VIP) == [1]
    q2.stop(signal.SIGKILL)
    other.stop(signal.SIGKILL)
    only_holder(lan, 2, timeout=15)
    stop_clean(a)
    stop_clean(b)
