"""vrrpd in network namespaces joined by a bridge (see netns.py): elections,
failover, graceful stop, preemption, IPv6, unicast, tracking, sync groups,
and the configuration checker. The VIP is read from the nodes' interfaces:
the node that holds it is the one that answers for it.

Timers: VRRPv3 tests use advert_int 0.2 (Master_Down_Interval about
0.7 s) and VRRPv2 ones 1 s; every wait is a bounded poll with a generous
limit, so a loaded machine slows the tests down rather than failing them."""
import os
import signal
import subprocess
import time

import pytest

from netns import Lan, wait_until, sh

HERE = os.path.dirname(os.path.abspath(__file__))
VRRPD = os.environ.get("VRRPD_BIN", os.path.join(HERE, "../../build/vrrpd/vrrpd"))
# the seed's keepalived-primary.conf, its VIP and interface rewritten to a
# documentation address and a test interface, its track script to a check
# of lbd's socket instead of a process looked up by name
SEED = os.path.join(HERE, "seed", "keepalived-primary.conf")

VIP = "192.0.2.50"
VIP6 = "2001:db8::50"
# lines that mean a protocol problem on either side
PROTO_ERRORS = ("discarded", "_errors:", "mismatch", "invalid", "bad ",
                "wrong", "auth_failures", "unknown_peer", "cannot send")


@pytest.fixture
def lans():
    made = []

    def make(nodes=2):
        lan = Lan(nodes)
        made.append(lan)
        return lan.setup()
    yield make
    for lan in made:
        lan.teardown()


def instance(name="VI_1", vrid=51, prio=100, state="BACKUP", advert="0.2",
             version=3, vips=(VIP,), extra=""):
    vip_lines = "\n".join("    %s" % v for v in vips)
    return """vrrp_instance %s {
  state %s
  interface eth0
  virtual_router_id %d
  priority %d
  advert_int %s
  version %d
  virtual_ipaddress {
%s
  }
%s
}
""" % (name, state, vrid, prio, advert, version, vip_lines, extra)


def vrrpd(lan, node, conf, name=None):
    name = name or "vrrpd%d" % node
    path = lan.write(name + ".conf", conf)
    return lan.start(node, [VRRPD, "-n", "-l", "-f", path,
                            "-p", os.path.join(lan.dir, name + ".pid"),
                            "-r", os.path.join(lan.dir, name + ".vpid")], name)


def only_holder(lan, node, addr=VIP, timeout=15):
    ok = wait_until(lambda: lan.holders(addr) == [node], timeout)
    assert ok, "%s held by %s, expected only node %d" % (addr, lan.holders(addr), node)


def stop_clean(p):
    rc = p.stop(signal.SIGTERM)
    text = p.text()
    assert rc == 0, text
    for bad in PROTO_ERRORS:
        assert bad not in text, text
    return text


# ---- configuration check (no namespace) ----

def check(text, tmp_path):
    path = tmp_path / "k.conf"
    path.write_text(text)
    p = subprocess.run([VRRPD, "-t", "-f", str(path)], capture_output=True,
                       text=True, timeout=20)
    return p.returncode, p.stderr + p.stdout


def test_vrrp_config_seed_accepted(tmp_path):
    with open(SEED) as f:
        text = f.read()
    rc, out = check(text, tmp_path)
    assert rc == 0, out
    assert "is valid" in out


def test_vrrp_enable_snmp_vrrp_warns_and_loads(tmp_path):
    rc, out = check("global_defs {\n  enable_snmp_vrrp\n}\n" + instance(), tmp_path)
    assert rc == 0, out
    assert "k.conf:2: enable_snmp_vrrp: KEEPALIVED-MIB is not served" in out, out


def test_vrrp_config_errors_name_file_and_line(tmp_path):
    rc, out = check("""global_defs {
  enable_snmp_rfcv2
  no_such_keyword 1
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 300
  old_unicast_checksum always
  virtual_ipaddress {
    192.0.2.1/24
  }
}
""", tmp_path)
    assert rc == 1
    assert "k.conf:2: enable_snmp_rfcv2: not supported yet" in out
    assert "k.conf:3: unknown keyword 'no_such_keyword'" in out
    assert "k.conf:7: virtual_router_id: '300'" in out
    assert "k.conf:8: old_unicast_checksum: expected nothing or 'never', not 'always'" in out


def test_vrrp_config_preprocessor(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "a.conf").write_text(
        "vrrp_script chk { \n script \"/bin/true\"\n}\n")
    text = """include inc/*.conf
$PRIO=150
@nosuchhost $PRIO=10
$INST= \\
vrrp_instance VI_${N} { \\
  interface eth0 \\
  virtual_router_id ${N} \\
  priority $PRIO \\
  track_script { \\
    chk \\
  } \\
  virtual_ipaddress { \\
    192.0.2.${N}0/24 \\
  } \\
}
~SEQ(N, 1, 3) $INST
"""
    rc, out = check(text, tmp_path)
    assert rc == 0, out


def test_vrrp_cli_refuses_lvs_options():
    for opt in ("-C", "-I"):
        p = subprocess.run([VRRPD, opt, "-t"], capture_output=True, text=True,
                           timeout=20)
        assert p.returncode == 1
        assert ("LVS" in p.stderr) or ("not supported yet" in p.stderr)


# ---- protocol in namespaces ----

def test_vrrp_two_node_election_and_tcpdump(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    assert a.wait_log("(VI_1) Entering MASTER STATE", 5)
    assert b.wait_log("(VI_1) Entering BACKUP STATE", 5)
    dump = lan.exec(2, ["timeout", "10", "tcpdump", "-n", "-vv", "-c", "3", "-i",
                        "eth0", "ip proto 112"], check=False)
    assert "VRRPv3, Advertisement, vrid 51, prio 150" in dump.stdout, dump.stdout + dump.stderr
    assert "bad" not in dump.stdout.lower()
    assert "MASTER" not in b.text().split("BACKUP STATE", 1)[1]
    stop_clean(b)
    stop_clean(a)


def test_vrrp_three_node_election(lans):
    lan = lans(3)
    ps = [vrrpd(lan, i, instance(prio=p)) for i, p in ((1, 100), (2, 200), (3, 150))]
    only_holder(lan, 2)
    time.sleep(1)           # a few adverts later, still one master
    only_holder(lan, 2, timeout=1)
    for p in ps:
        stop_clean(p)


def test_vrrp_master_killed_backup_takes_over(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    a.stop(signal.SIGKILL)
    t0 = time.time()
    assert wait_until(lambda: lan.has(2, VIP), 10)
    # Master_Down_Interval is 3 * 0.2 + skew: well under a second idle
    assert time.time() - t0 < 5
    assert b.wait_log("(VI_1) Entering MASTER STATE", 5)
    stop_clean(b)


def test_vrrp_graceful_stop_sends_priority_zero(lans):
    lan = lans(2)
    # VRRPv2, 1 s adverts: a takeover after only Skew_Time (0.6 s), well
    # before Master_Down_Interval (3.6 s), proves the priority 0 advert
    conf = instance(prio=150, advert="1", version=2,
                    extra="  authentication {\n    auth_type PASS\n    auth_pass s3cret\n  }")
    a = vrrpd(lan, 1, conf)
    b = vrrpd(lan, 2, conf.replace("priority 150", "priority 100"))
    only_holder(lan, 1)
    assert b.wait_log("Entering BACKUP STATE", 5)
    time.sleep(1.2)          # b has heard an advert: its timer is fresh
    t0 = time.time()
    a.proc.send_signal(signal.SIGTERM)
    assert wait_until(lambda: lan.has(2, VIP), 10)
    took = time.time() - t0
    assert a.proc.wait(10) == 0, a.text()
    assert not lan.has(1, VIP)
    assert took < 3.0, took
    stop_clean(b)


def test_vrrp_preemption_and_nopreempt(lans):
    lan = lans(3)
    low = vrrpd(lan, 1, instance(prio=100))
    only_holder(lan, 1)
    high = vrrpd(lan, 2, instance(prio=200))
    only_holder(lan, 2)                 # preempts
    # nopreempt: a higher priority backup leaves the master alone
    lazy = vrrpd(lan, 3, instance(prio=250, extra="  nopreempt"))
    assert lazy.wait_log("Entering BACKUP STATE", 5)
    time.sleep(1.5)
    only_holder(lan, 2, timeout=1)
    for p in (lazy, high, low):
        stop_clean(p)


def test_vrrp_ipv6(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150, vips=(VIP6 + "/64",)))
    b = vrrpd(lan, 2, instance(prio=100, vips=(VIP6 + "/64",)))
    only_holder(lan, 1, VIP6)
    a.stop(signal.SIGTERM)
    only_holder(lan, 2, VIP6)
    stop_clean(b)


def test_vrrp_unicast(lans):
    lan = lans(2)
    extra = "  unicast_src_ip %s\n  unicast_peer {\n    %s\n  }"
    a = vrrpd(lan, 1, instance(prio=150, extra=extra % (lan.ip4(1), lan.ip4(2))))
    b = vrrpd(lan, 2, instance(prio=100, extra=extra % (lan.ip4(2), lan.ip4(1))))
    only_holder(lan, 1)
    dump = lan.exec(2, ["timeout", "10", "tcpdump", "-n", "-c", "2", "-i",
                        "eth0", "ip proto 112"], check=False)
    assert "192.0.2.1 > 192.0.2.2: VRRPv3" in dump.stdout, dump.stdout
    a.stop(signal.SIGKILL)
    assert wait_until(lambda: lan.has(2, VIP), 10)
    stop_clean(b)


def test_vrrp_track_script_failure_moves_vip(lans):
    lan = lans(2)
    flag = os.path.join(lan.dir, "healthy")
    open(flag, "w").close()
    script = """vrrp_script chk {
  script "/bin/test -e %s"
  interval 0.2
  fall 1
  rise 1
  weight -100
}
""" % flag
    a = vrrpd(lan, 1, script + instance(prio=150, extra="  track_script {\n    chk\n  }"))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    os.unlink(flag)
    only_holder(lan, 2)
    assert a.wait_log("VRRP_Script(chk) failed", 5)
    open(flag, "w").close()
    only_holder(lan, 1)                 # back to 150: preempts again
    assert a.wait_log("VRRP_Script(chk) succeeded", 5)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_link_down_on_master(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    lan.link(1, False)
    assert a.wait_log("(VI_1) Entering FAULT STATE", 10)
    only_holder(lan, 2)
    lan.link(1, True)
    only_holder(lan, 1)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_partition_and_heal(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    lan.isolate(1, True)
    assert wait_until(lambda: lan.has(2, VIP), 10)      # split brain
    assert lan.has(1, VIP)
    lan.isolate(1, False)
    only_holder(lan, 1)                                 # healed: one master
    # whichever advert crossed the healed link first settled it
    assert wait_until(lambda: "(VI_1) received lower priority advert" in a.text() or
                      "with higher priority 150, ours 100" in b.text(), 5)
    assert b.wait_log("Entering BACKUP STATE", 5, count=2)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_sync_group_moves_together(lans):
    lan = lans(2)
    flag = os.path.join(lan.dir, "healthy")
    open(flag, "w").close()
    conf = """vrrp_script chk {
  script "/bin/test -e %s"
  interval 0.2
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
}
""" % flag
    two = lambda prio, track: (
        instance("VI_1", 51, prio) +
        instance("VI_2", 52, prio, vips=("192.0.2.60",),
                 extra="  track_script {\n    chk\n  }" if track else ""))
    a = vrrpd(lan, 1, conf + two(150, True))
    b = vrrpd(lan, 2, conf.replace(flag, "/") + two(100, False))
    only_holder(lan, 1)
    only_holder(lan, 1, "192.0.2.60")
    os.unlink(flag)                     # VI_2 faults, VI_1 follows it
    only_holder(lan, 2, "192.0.2.60")
    only_holder(lan, 2)
    assert a.wait_log("VRRP_Group(G1) Syncing instances to FAULT state", 5)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_sighup_keeps_state(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    with open(os.path.join(lan.dir, "vrrpd1.conf"), "w") as f:
        f.write(instance(prio=160, extra="  virtual_ipaddress_excluded {\n"
                                         "    192.0.2.51/24\n  }"))
    a.send(signal.SIGHUP)
    assert a.wait_log("Reloading configuration", 5)
    assert wait_until(lambda: lan.has(1, "192.0.2.51"), 5)
    assert a.text().count("Entering MASTER STATE") == 1
    assert lan.holders(VIP) == [1]
    # a broken file is refused whole: the running configuration stays
    with open(os.path.join(lan.dir, "vrrpd1.conf"), "w") as f:
        f.write(instance(prio=999))
    a.send(signal.SIGHUP)
    assert a.wait_log("configuration has errors: keeping the running one", 5)
    assert "priority: '999'" in a.text()
    assert lan.has(1, "192.0.2.51") and lan.holders(VIP) == [1]
    stop_clean(a)
    stop_clean(b)


def test_vrrp_sighup_never_gives_up_mastership(lans):
    """A reload that changes nothing for an instance leaves it MASTER: its
    scripts keep their verdicts (an init_fail script is not failed again
    while it reruns), and the peer never sees a lower priority."""
    lan = lans(2)
    conf = """vrrp_script chk {
  script "/bin/true"
  interval 1
  init_fail
  weight -100
}
""" + instance(prio=150, extra="  track_script {\n    chk\n  }")
    a = vrrpd(lan, 1, conf)
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    time.sleep(0.5)              # b has seen a's priority 150 by now
    a_before, b_before = a.text().count("Entering"), b.text().count("Entering")
    for i in range(3):
        a.send(signal.SIGHUP)
        assert wait_until(lambda: a.text().count("Reloading configuration") == i + 1, 5)
    # a few advert intervals: the backup never takes over
    end = time.time() + 1.5
    while time.time() < end:
        assert lan.holders(VIP) == [1]
        time.sleep(0.05)
    assert a.text().count("Reloading configuration") == 3
    after = a.text().split("Reloading configuration", 1)[1]
    assert "Changing effective priority" not in after, a.text()
    assert a.text().count("Entering") == a_before, a.text()
    assert b.text().count("Entering") == b_before, b.text()
    stop_clean(a)
    stop_clean(b)


def test_vrrp_notify_scripts_get_keepalived_arguments(lans):
    lan = lans(2)
    out = os.path.join(lan.dir, "notify.out")
    script = lan.write("notify.sh", '#!/bin/sh\necho "$@" >> %s\n' % out)
    os.chmod(script, 0o755)
    extra = ("  notify %s\n"
             "  notify_master \"%s master-script\"" % (script, script))
    fifo = os.path.join(lan.dir, "vrrp.fifo")
    fifo_out = os.path.join(lan.dir, "fifo.out")
    reader = lan.write("reader.sh", '#!/bin/sh\nexec cat "$1" >> %s\n' % fifo_out)
    os.chmod(reader, 0o755)
    glob = "global_defs {\n  vrrp_notify_fifo %s\n  vrrp_notify_fifo_script %s\n}\n" % (
        fifo, reader)
    a = vrrpd(lan, 1, glob + instance(prio=150, extra=extra))
    only_holder(lan, 1)

    def lines():
        try:
            with open(out) as f:
                return f.read().splitlines()
        except OSError:
            return []
    assert wait_until(lambda: "INSTANCE VI_1 MASTER 150" in lines(), 10), lines()
    assert "INSTANCE VI_1 BACKUP 150" in lines()
    assert "master-script" in lines()

    def fifo_lines():
        with open(fifo_out) as f:
            return f.read().splitlines()
    assert wait_until(lambda: 'INSTANCE "VI_1" MASTER 150' in fifo_lines(), 10)
    assert fifo_lines()[0] == 'INSTANCE "VI_1" BACKUP 150'
    stop_clean(a)
    assert wait_until(lambda: "INSTANCE VI_1 STOP 150" in lines(), 10), lines()


@pytest.mark.parametrize("family", ["ipv4", "ipv6", "ipv4-dev"])
def test_vrrp_announcement_moves_client_neighbour_entry(lans, family):
    """Gratuitous ARP (IPv4) or unsolicited NA (IPv6) from the new master
    updates a client's neighbour entry without the client asking; a VIP
    written with "dev" naming the instance's interface is announced too."""
    lan = lans(3)               # node 3 is a client on the LAN
    vip = VIP6 if family == "ipv6" else VIP
    vips = (vip + ("/64" if family == "ipv6" else "/24") +
            (" dev eth0" if family == "ipv4-dev" else ""),)
    family = family.split("-")[0]
    a = vrrpd(lan, 1, instance(prio=150, vips=vips))
    b = vrrpd(lan, 2, instance(prio=100, vips=vips))
    only_holder(lan, 1, vip)

    def mac(node):
        out = lan.exec(node, ["cat", "/sys/class/net/eth0/address"]).stdout
        return out.strip()

    def neigh():
        return lan.exec(3, ["ip", "neigh", "show", vip, "dev", "eth0"]).stdout

    # a datagram to the VIP makes the client resolve it (ARP or NS)
    af = "AF_INET" if family == "ipv4" else "AF_INET6"
    lan.exec(3, ["/usr/bin/python3", "-c",
                 "import socket; socket.socket(socket.%s, socket.SOCK_DGRAM)"
                 ".sendto(b'x', ('%s', 9))" % (af, vip)])
    assert wait_until(lambda: mac(1) in neigh(), 5), neigh()
    a.stop(signal.SIGKILL)
    assert wait_until(lambda: mac(2) in neigh(), 10), neigh()
    if family == "ipv4":
        arp = lan.exec(3, ["arping", "-c", "1", "-w", "5", "-I", "eth0", vip], check=False)
        assert arp.returncode == 0 and mac(2).upper() in arp.stdout.upper(), arp.stdout
    stop_clean(b)


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_vrrp_use_vmac_keeps_the_virtual_mac(lans, family):
    """use_vmac: the VIP lives on a macvlan with the VRRP MAC, so a client's
    neighbour entry stays right across a failover."""
    lan = lans(3)
    vip = VIP if family == "ipv4" else VIP6
    vips = (vip + ("/24" if family == "ipv4" else "/64"),)
    vmac = "00:00:5e:00:%02x:33" % (1 if family == "ipv4" else 2)
    dev = "vrrp.51" if family == "ipv4" else "vrrp6.51"
    a = vrrpd(lan, 1, instance(prio=150, vips=vips, extra="  use_vmac"))
    b = vrrpd(lan, 2, instance(prio=100, vips=vips, extra="  use_vmac"))
    only_holder(lan, 1, vip)
    assert vip in lan.addrs(1, dev)
    link = lan.exec(1, ["ip", "link", "show", dev]).stdout
    assert vmac in link, link
    af = "AF_INET" if family == "ipv4" else "AF_INET6"
    lan.exec(3, ["/usr/bin/python3", "-c",
                 "import socket; socket.socket(socket.%s, socket.SOCK_DGRAM)"
                 ".sendto(b'x', ('%s', 9))" % (af, vip)])
    neigh = lambda: lan.exec(3, ["ip", "neigh", "show", vip, "dev", "eth0"]).stdout
    assert wait_until(lambda: vmac in neigh(), 5), neigh()
    dump = lan.exec(3, ["timeout", "10", "tcpdump", "-n", "-e", "-c", "2", "-i",
                        "eth0", "ip proto 112" if family == "ipv4" else "ip6 proto 112"],
                    check=False)
    assert vmac in dump.stdout, dump.stdout       # adverts leave from the VMAC
    stop_clean(a)
    only_holder(lan, 2, vip)
    assert dev not in lan.exec(1, ["ip", "link", "show"]).stdout   # removed
    assert vmac in neigh()
    stop_clean(b)


def test_vrrp_every_keyword_is_documented_with_its_status():
    out = subprocess.run([VRRPD, "-K"], capture_output=True, text=True, check=True).stdout
    with open(os.path.join(HERE, "..", "..", "docs", "vrrpd.md")) as f:
        doc = f.read()
    rows = [l.split("\t") for l in out.splitlines()]
    assert len(rows) > 100
    for block, kw, status in rows:
        assert "| %s | `%s` | %s |" % (block, kw, status) in doc, (block, kw, status)
    documented = [l for l in doc.split("| block | keyword | status |")[1].splitlines()
                  if l.startswith("| ") and "`" in l]
    assert len(documented) == len(rows)


def test_vrrp_example_configs_are_valid():
    for name in ("vrrpd.conf", "vrrpd-backup.conf"):
        path = os.path.join(HERE, "..", "..", "config", name)
        p = subprocess.run([VRRPD, "-t", "-f", path], capture_output=True,
                           text=True, timeout=20)
        assert p.returncode == 0, p.stderr


def test_vrrp_daemon_mode_writes_pid_files(lans):
    """Without -n vrrpd detaches; -p and -r get the daemon's pid, which a
    SIGTERM stops (removing its VIPs and both files)."""
    lan = lans(1)
    pid_file = os.path.join(lan.dir, "d.pid")
    vpid_file = os.path.join(lan.dir, "d.vpid")
    conf = lan.write("d.conf", instance(prio=255))
    p = lan.exec(1, [VRRPD, "-f", conf, "-p", pid_file, "-r", vpid_file], check=False)
    assert p.returncode == 0, p.stderr
    assert wait_until(lambda: os.path.exists(vpid_file), 10)
    with open(pid_file) as f:
        pid = int(f.read())
    try:
        assert wait_until(lambda: lan.has(1, VIP), 10)     # owner: master at once
        with open(vpid_file) as f:
            assert int(f.read()) == pid
    finally:
        os.kill(pid, signal.SIGTERM)
    assert wait_until(lambda: not os.path.exists("/proc/%d" % pid) or
                      open("/proc/%d/stat" % pid).read().split()[2] == "Z", 10)
    assert not lan.has(1, VIP)
    assert not os.path.exists(pid_file)


def test_vrrp_track_file_value_moves_vip(lans):
    lan = lans(2)
    path = os.path.join(lan.dir, "weight")
    conf = """vrrp_track_file tf {
  file "%s"
  weight 1
  init_file 0
}
""" % path
    a = vrrpd(lan, 1, conf + instance(prio=150, extra="  track_file {\n    tf\n  }"))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    with open(path, "w") as f:        # 150 - 100: below the backup
        f.write("-100\n")
    only_holder(lan, 2)
    assert a.wait_log("VRRP_Track_File(tf) value -100", 5)
    with open(path, "w") as f:
        f.write("0\n")
    only_holder(lan, 1)
    stop_clean(a)
    stop_clean(b)


def test_vrrp_v3_checksum_forms_are_both_accepted(lans):
    """One router sums the VRRPv3/IPv4 message alone (v3_checksum_as_v2,
    RFC 9568's form), the other the pseudo-header too (keepalived's
    default): each accepts the other's adverts."""
    lan = lans(2)
    a = vrrpd(lan, 1, "global_defs {\n  v3_checksum_as_v2\n}\n" + instance(prio=150))
    b = vrrpd(lan, 2, instance(prio=100))
    only_holder(lan, 1)
    time.sleep(0.5)
    only_holder(lan, 1, timeout=1)
    stop_clean(a)                       # b takes over: it heard a's priority 0
    only_holder(lan, 2)
    stop_clean(b)                       # no checksum_errors on either side
