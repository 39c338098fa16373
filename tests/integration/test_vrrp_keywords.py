"""keepalived's newer global_defs and vrrp_instance keywords, each shown
doing what it says, in network namespaces: the process settings as
/proc reads them (vrrp_no_swap, vrrp_rt_priority, vrrp_rlimit_rttime,
vrrp_cpu_affinity, umask, vrrp_process_name), the advert policies on the
wire (lower_prio_no_advert, higher_prio_send_advert,
vrrp_owner_ignore_adverts), the notify FIFO lines
(notify_priority_changes, fifo_write_vrrp_states_on_reload), the log
(log_unknown_vrids), FAULT without peers (unicast_fault_no_peer) and the
socket's buffer (kernel_rx_buf_size).

Adverts from "another router" are written by a small raw-socket sender
run in the second namespace (no vrrpd there), so that which advert
answers which is certain; tcpdump on that node times them."""
import ctypes
import os
import re
import signal
import socket
import time

import pytest

from conftest import sanitized
from netns import wait_until
from test_vrrp import VIP, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401
from test_vrrp_accept import probe

# a VRRPv3 advert for IPv4: SRC VRID PRIO VIP ADVERT_CS COUNT GAP_S
SENDER = r"""
import socket, struct, sys, time
src, vrid, prio, vip, adv, count, gap = sys.argv[1:8]
body = struct.pack("!BBBBH", 0x31, int(vrid), int(prio), 1, int(adv) & 0xfff)
addrs = socket.inet_aton(vip)
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
pseudo = socket.inet_aton(src) + socket.inet_aton("224.0.0.18") + \
    struct.pack("!BBH", 0, 112, len(body) + 2 + len(addrs))
msg = body + struct.pack("!H", csum(pseudo + body + b"\0\0" + addrs)) + addrs
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.bind((src, 0))
for i in range(int(count)):
    s.sendto(msg, ("224.0.0.18", 0))
    time.sleep(float(gap))
"""

ADV = re.compile(r"^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+) > 224\.0\.0\.18: "
                 r"VRRPv3, Advertisement, vrid (\d+), prio (\d+)")


def send(lan, node, prio, count=1, gap=0.1, vrid=51, adv=1000):
    path = os.path.join(lan.dir, "sender.py")
    if not os.path.exists(path):
        lan.write("sender.py", SENDER)
    lan.exec(node, ["/usr/bin/python3", path, lan.ip4(node), str(vrid),
                    str(prio), VIP, str(adv), str(count), str(gap)])


def sniff(lan, node):
    """tcpdump on node's eth0, started and listening."""
    p = lan.start(node, ["tcpdump", "-l", "-n", "-tt", "-i", "eth0",
                         "ip proto 112"], "tcpdump%d" % node)
    assert p.wait_log("listening on", 10), p.text()
    return p


def adverts(p):
    """(time, source, prio) of every advert p saw."""
    res = []
    for line in p.text().splitlines():
        m = ADV.match(line)
        if m:
            res.append((float(m.group(1)), m.group(2), int(m.group(4))))
    return res


def after_regular_advert(p, src):
    """Wait for a regular advert from src, so the next one is an interval
    away; returns how many adverts p saw until then."""
    n = len(adverts(p))
    assert wait_until(lambda: any(a[1] == src for a in adverts(p)[n:]), 15), p.text()
    return len(adverts(p))


def pid_of(lan, name):
    with open(os.path.join(lan.dir, name + ".pid")) as f:
        return int(f.read())


def proc_status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)


def test_vrrp_process_settings_apply_to_vrrpd(lans):
    lan = lans(1)
    glob = """global_defs {
  vrrp_no_swap
  vrrp_rt_priority 1
  vrrp_rlimit_rttime 5000000
  vrrp_cpu_affinity 0
  umask IWGRP | IROTH|IWOTH | IXOTH
  vrrp_process_name vrrp_kwtest
}
"""
    a = vrrpd(lan, 1, glob + instance(prio=150))
    only_holder(lan, 1)
    pid = pid_of(lan, "vrrpd1")
    st = proc_status(pid)
    assert st["Name"].strip() == "vrrp_kwtest"
    if not sanitized():     # ASan makes mlockall a no-op
        assert int(st["VmLck"].split()[0]) > 0, st["VmLck"]   # vrrp_no_swap
    assert st["Cpus_allowed_list"].strip() == "0"
    assert st["Umask"].strip() == "0027"
    with open("/proc/%d/limits" % pid) as f:
        rt = [l for l in f if l.startswith("Max realtime timeout")][0]
    assert rt.split()[3:5] == ["5000000", "5000000"], rt
    policy = lan.exec(1, ["chrt", "-p", str(pid)]).stdout
    assert "SCHED_RR" in policy and "priority: 1" in policy, policy
    # the pid file was written under the umask: no bits for others
    assert os.stat(os.path.join(lan.dir, "vrrpd1.pid")).st_mode & 0o027 == 0
    stop_clean(a)


@pytest.mark.parametrize("no_advert", [False, True])
def test_vrrp_lower_prio_no_advert(lans, no_advert):
    """A Master hearing a lower priority advert answers at once by
    default (a split brain heals faster); lower_prio_no_advert keeps to
    its regular adverts (RFC 5798)."""
    lan = lans(2)
    extra = "  lower_prio_no_advert\n" if no_advert else ""
    # adverts every 2 s: what comes within 1 s of a regular one is an answer
    a = vrrpd(lan, 1, instance(prio=150, advert="2", extra=extra))
    only_holder(lan, 1, timeout=40)
    dump = sniff(lan, 2)
    seen = after_regular_advert(dump, lan.ip4(1))
    send(lan, 2, prio=50, count=2, gap=0.2)
    time.sleep(0.6)
    mine = [x for x in adverts(dump)[seen:] if x[1] == lan.ip4(1)]
    if no_advert:
        assert mine == [], mine
        assert a.wait_log("received lower priority advert (50) from %s, ours "
                          "150: sending gratuitous ARPs" % lan.ip4(2), 5)
    else:
        assert len(mine) >= 2, adverts(dump)
        assert all(x[2] == 150 for x in mine)
    assert lan.holders(VIP) == [1]
    dump.stop(signal.SIGINT)
    stop_clean(a)


@pytest.mark.parametrize("send_advert", [False, True])
def test_vrrp_higher_prio_send_advert(lans, send_advert):
    """A Master hearing a higher priority advert becomes Backup; with
    higher_prio_send_advert it first sends one advert of its own, so the
    other Master (as split brain heals) hears it and announces again."""
    lan = lans(2)
    extra = "  higher_prio_send_advert\n" if send_advert else ""
    a = vrrpd(lan, 1, instance(prio=100, extra=extra))
    only_holder(lan, 1, timeout=40)
    dump = sniff(lan, 2)
    seen = after_regular_advert(dump, lan.ip4(1))
    send(lan, 2, prio=200)
    assert a.wait_log("(VI_1) Entering BACKUP STATE", 5, count=2)
    time.sleep(0.5)
    mine = [x for x in adverts(dump)[seen:] if x[1] == lan.ip4(1)]
    assert mine == ([(mine[0][0], lan.ip4(1), 100)] if send_advert else []), mine
    dump.stop(signal.SIGINT)
    stop_clean(a)


@pytest.mark.parametrize("ignore", [False, True])
def test_vrrp_owner_ignore_adverts(lans, ignore):
    """Two address owners (priority 255): by RFC 5798 the one with the
    lower address steps down; with vrrp_owner_ignore_adverts each drops
    the other's adverts and keeps the VIP."""
    lan = lans(2)
    glob = "global_defs {\n  vrrp_owner_ignore_adverts\n}\n" if ignore else ""
    conf = glob + instance(prio=255, state="MASTER")
    a = vrrpd(lan, 1, conf)
    b = vrrpd(lan, 2, conf)
    if ignore:
        assert wait_until(lambda: lan.holders(VIP) == [1, 2], 10)
        time.sleep(2)
        assert lan.holders(VIP) == [1, 2]
    else:
        only_holder(lan, 2)      # 192.0.2.2 is the higher address
    a.stop(signal.SIGTERM)
    b.stop(signal.SIGTERM)


def fifo_reader(lan, name):
    out = os.path.join(lan.dir, name + ".out")
    reader = lan.write(name + ".sh", '#!/bin/sh\nexec cat "$1" >> %s\n' % out)
    os.chmod(reader, 0o755)
    fifo = os.path.join(lan.dir, name + ".fifo")

    def lines():
        try:
            with open(out) as f:
                return f.read().splitlines()
        except OSError:
            return []
    return "  vrrp_notify_fifo %s\n  vrrp_notify_fifo_script %s\n" % (fifo, reader), lines


@pytest.mark.parametrize("keyword", [True, False])
def test_vrrp_notify_priority_changes(lans, keyword):
    """notify_priority_changes puts a Master's priority changes on the
    FIFO; without it only the states go there."""
    lan = lans(1)
    path = os.path.join(lan.dir, "weight")
    with open(path, "w") as f:
        f.write("0\n")
    fifo, lines = fifo_reader(lan, "prio")
    conf = ("global_defs {\n%s}\n" % fifo +
            "vrrp_track_file tf {\n  file \"%s\"\n  weight 1\n}\n" % path)
    extra = "  notify_priority_changes\n" if keyword else ""
    a = vrrpd(lan, 1, conf + instance(prio=150, extra=extra + "  track_file {\n    tf\n  }"))
    only_holder(lan, 1)
    assert wait_until(lambda: 'INSTANCE "VI_1" MASTER 150' in lines(), 10), lines()
    with open(path, "w") as f:
        f.write("-10\n")
    if keyword:
        assert wait_until(lambda: 'INSTANCE "VI_1" MASTER_PRIORITY 140' in lines(), 10), \
            lines()
        with open(path, "w") as f:
            f.write("0\n")
        assert wait_until(lambda: 'INSTANCE "VI_1" MASTER_PRIORITY 150' in lines(), 10), \
            lines()
    else:
        assert a.wait_log("Changing effective priority from 150 to 140", 10)
        time.sleep(0.5)
        assert not any("PRIORITY" in l for l in lines()), lines()
    stop_clean(a)


def test_vrrp_fifo_write_vrrp_states_on_reload(lans):
    lan = lans(1)
    fifo, lines = fifo_reader(lan, "reload")
    conf = "global_defs {\n%s  fifo_write_vrrp_states_on_reload\n}\n" % fifo
    a = vrrpd(lan, 1, conf + instance(prio=150))
    only_holder(lan, 1)
    assert wait_until(lambda: lines().count('INSTANCE "VI_1" MASTER 150') == 1, 10), lines()
    a.send(signal.SIGHUP)
    assert wait_until(lambda: lines().count('INSTANCE "VI_1" MASTER 150') == 2, 10), lines()
    stop_clean(a)


def test_vrrp_log_unknown_vrids(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, "global_defs {\n  log_unknown_vrids\n}\n" + instance(vrid=51))
    b = vrrpd(lan, 2, instance(vrid=52))
    assert a.wait_log("eth0: advert for unknown VRID 52 from %s" % lan.ip4(2), 10), a.text()
    assert "unknown VRID" not in b.text()
    stop_clean(a)
    stop_clean(b)


def test_vrrp_unicast_fault_no_peer(lans):
    lan = lans(1)
    a = vrrpd(lan, 1, instance(prio=150, extra="  unicast_src_ip %s\n"
                               "  unicast_fault_no_peer\n" % lan.ip4(1)))
    assert a.wait_log("(VI_1) unicast_fault_no_peer and no unicast_peer", 10), a.text()
    assert a.wait_log("(VI_1) Entering FAULT STATE", 10), a.text()
    time.sleep(1.5)
    assert lan.holders(VIP) == []
    stop_clean(a)


def vrrp_rcvbufs(pid):
    """SO_RCVBUF of each VRRP socket of process pid, read from a copy of
    the descriptor (pidfd_getfd): ss shows no memory for raw sockets."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    res = []
    try:
        for name in os.listdir("/proc/%d/fd" % pid):
            try:
                if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
                    continue
            except OSError:
                continue
            fd = libc.syscall(438, pidfd, int(name), 0)    # pidfd_getfd
            assert fd >= 0, os.strerror(ctypes.get_errno())
            s = socket.socket(fileno=fd)
            try:
                if (s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_RAW and
                        s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == 112):
                    res.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
            finally:
                s.close()
    finally:
        os.close(pidfd)
    return res


@pytest.mark.parametrize("size", [None, 65536])
def test_vrrp_kernel_rx_buf_size(lans, size):
    lan = lans(1)
    extra = "  kernel_rx_buf_size %d\n" % size if size else ""
    a = vrrpd(lan, 1, instance(prio=150, extra=extra))
    only_holder(lan, 1)
    bufs = vrrp_rcvbufs(pid_of(lan, "vrrpd1"))
    with open("/proc/sys/net/core/rmem_default") as f:
        default = int(f.read())
    # the kernel doubles SO_RCVBUF for its bookkeeping
    assert bufs == [2 * size if size else default], bufs
    stop_clean(a)


def test_vrrp_startup_and_shutdown_scripts(lans):
    """startup_script runs and is waited for before anything is set up,
    shutdown_script once everything is taken down (the VIP is gone)."""
    lan = lans(1)
    up = lan.write("up.sh", "#!/bin/sh\nip -o addr show dev eth0 > %s/up.txt\n"
                   "sleep 1\ntouch %s/up.done\n" % (lan.dir, lan.dir))
    down = lan.write("down.sh", "#!/bin/sh\nip -o addr show dev eth0 > %s/down.txt\n"
                     % lan.dir)
    os.chmod(up, 0o755)
    os.chmod(down, 0o755)
    glob = "global_defs {\n  startup_script %s\n  shutdown_script %s\n}\n" % (up, down)
    a = vrrpd(lan, 1, glob + instance(prio=150))
    only_holder(lan, 1)
    assert os.path.exists(os.path.join(lan.dir, "up.done"))
    with open(os.path.join(lan.dir, "up.txt")) as f:
        assert lan.ip4(1) in f.read()
    text = a.text()
    assert text.index("running startup_script") < text.index("Entering BACKUP STATE"), text
    stop_clean(a)
    with open(os.path.join(lan.dir, "down.txt")) as f:
        down_addrs = f.read()
    assert lan.ip4(1) in down_addrs and VIP not in down_addrs, down_addrs


def test_vrrp_startup_script_timeout(lans):
    lan = lans(1)
    # a command line of this test's own, to look for among all processes
    cmd = "/bin/sleep 30.%d" % os.getpid()
    glob = ("global_defs {\n  startup_script \"%s\"\n"
            "  startup_script_timeout 1\n}\n" % cmd)
    t0 = time.monotonic()
    a = vrrpd(lan, 1, glob + instance(prio=150))
    only_holder(lan, 1)
    assert time.monotonic() - t0 < 10
    assert "startup_script still running after 1 s: killed" in a.text(), a.text()
    assert cmd not in [l.strip() for l in
                       lan.exec(1, ["ps", "-eo", "args"]).stdout.splitlines()]
    stop_clean(a)


def test_vrrp_max_auto_priority(lans):
    """A Master whose advert timer fires late (here: stopped for 0.6 s)
    goes real-time, one step higher each time, up to max_auto_priority."""
    lan = lans(1)
    # under ASan the leak check at exit runs longer than keepalived's
    # default real-time limit (10 ms without sleeping): the kernel would
    # kill vrrpd there, so that build gets a longer one
    limit = "  vrrp_rlimit_rttime 5000000\n" if sanitized() else ""
    glob = ("global_defs {\n  max_auto_priority 2\n  min_auto_priority_delay 200000\n%s}\n"
            % limit)
    a = vrrpd(lan, 1, glob + instance(prio=150))
    only_holder(lan, 1)
    pid = pid_of(lan, "vrrpd1")
    assert "SCHED_OTHER" in lan.exec(1, ["chrt", "-p", str(pid)]).stdout
    for n, prio in enumerate((1, 2, 2)):
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.6)
        os.kill(pid, signal.SIGCONT)
        assert a.wait_log("advert timer ran", 5, count=n + 1)
        time.sleep(0.3)
        policy = lan.exec(1, ["chrt", "-p", str(pid)]).stdout
        assert "SCHED_RR" in policy and "priority: %d" % prio in policy, policy
    assert a.text().count("(max_auto_priority 2)") == 2, a.text()
    with open("/proc/%d/limits" % pid) as f:
        rt = [l for l in f if l.startswith("Max realtime timeout")][0]
    want = "5000000" if sanitized() else "10000"
    assert rt.split()[3:5] == [want, want], rt
    stop_clean(a)


# "nft list table inet vrrpd" through libnftables (no nft command needed)
NFT_LIST = r"""
import ctypes
n = ctypes.CDLL("libnftables.so.1")
n.nft_ctx_new.restype = ctypes.c_void_p
n.nft_ctx_get_output_buffer.restype = ctypes.c_char_p
n.nft_ctx_get_output_buffer.argtypes = [ctypes.c_void_p]
n.nft_ctx_buffer_output.argtypes = [ctypes.c_void_p]
n.nft_run_cmd_from_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
ctx = n.nft_ctx_new(0)
n.nft_ctx_buffer_output(ctx)
assert n.nft_run_cmd_from_buffer(ctx, b"list table inet vrrpd") == 0
print(n.nft_ctx_get_output_buffer(ctx).decode())
"""


def test_vrrp_nftables_priority_and_counters(lans):
    """no_accept's chain hooks in at nftables_priority and, with
    nftables_counters, counts what it drops."""
    lan = lans(3)
    glob = "global_defs {\n  nftables_priority -150\n  nftables_counters\n}\n"
    a = vrrpd(lan, 1, glob + instance(prio=150, extra="  no_accept\n"))
    only_holder(lan, 1)
    assert a.wait_log("nftables: table inet vrrpd filters the VIPs", 5)
    for _ in range(2):
        assert probe(lan, "icmp", VIP) == "silent"
    out = lan.exec(1, ["/usr/bin/python3", "-c", NFT_LIST]).stdout
    # nft names -150 after the standard priority it is nearest: mangle
    assert re.search(r"hook input priority (-150|mangle)\b", out), out
    m = re.search(r"ip daddr @vips4 counter packets (\d+) bytes \d+ drop", out)
    assert m and int(m.group(1)) >= 2, out
    stop_clean(a)


def promote(lan, node):
    return lan.exec(node, ["cat", "/proc/sys/net/ipv4/conf/eth0/promote_secondaries"]
                    ).stdout.strip()


@pytest.mark.parametrize("keyword", [True, False])
def test_vrrp_promote_secondaries(lans, keyword):
    """promote_secondaries is set on the interface while the instance
    runs: a reload that drops the first VIP of a subnet no longer makes
    the kernel remove the others of that subnet with it (without the
    keyword `ip monitor` sees the second one deleted too, and the
    setting is left alone). The value found is put back when vrrpd
    stops."""
    lan = lans(1)
    extra = "  promote_secondaries\n" if keyword else ""
    vips = ("198.51.100.1/24", "198.51.100.2/24")
    assert promote(lan, 1) == "0"
    a = vrrpd(lan, 1, instance(prio=150, vips=vips, extra=extra))
    assert wait_until(lambda: lan.has(1, "198.51.100.2"), 15)
    assert promote(lan, 1) == ("1" if keyword else "0")
    mon = lan.start(1, ["ip", "-o", "monitor", "address"], "monitor")
    time.sleep(0.3)
    lan.write("vrrpd1.conf", instance(prio=150, vips=vips[1:], extra=extra))
    a.send(signal.SIGHUP)
    assert wait_until(lambda: not lan.has(1, "198.51.100.1"), 10)
    assert mon.wait_log("Deleted", 5)
    time.sleep(0.5)
    assert lan.has(1, "198.51.100.2"), a.text()
    gone = [l for l in mon.text().splitlines() if l.startswith("Deleted")]
    assert any("198.51.100.1/24" in l for l in gone), mon.text()
    assert any("198.51.100.2/24" in l for l in gone) != keyword, mon.text()
    mon.stop(signal.SIGTERM)
    stop_clean(a)
    assert promote(lan, 1) == "0"


def test_vrrp_promote_secondaries_by_reload(lans):
    """A reload that adds promote_secondaries and drops the first VIP of
    a subnet sets it before the VIP goes: the second one stays. A reload
    that takes the keyword away puts the value back, without restarting
    the instance (it stays Master)."""
    lan = lans(1)
    vips = ("198.51.100.1/24", "198.51.100.2/24")
    a = vrrpd(lan, 1, instance(prio=150, vips=vips))
    assert wait_until(lambda: lan.has(1, "198.51.100.2"), 15)
    assert promote(lan, 1) == "0"
    mon = lan.start(1, ["ip", "-o", "monitor", "address"], "monitor")
    time.sleep(0.3)
    lan.write("vrrpd1.conf", instance(prio=150, vips=vips[1:],
                                      extra="  promote_secondaries\n"))
    a.send(signal.SIGHUP)
    assert wait_until(lambda: not lan.has(1, "198.51.100.1"), 10)
    time.sleep(0.5)
    assert promote(lan, 1) == "1"
    gone = [l for l in mon.text().splitlines() if l.startswith("Deleted")]
    assert not any("198.51.100.2/24" in l for l in gone), mon.text()
    lan.write("vrrpd1.conf", instance(prio=150, vips=vips[1:]))
    a.send(signal.SIGHUP)
    assert wait_until(lambda: promote(lan, 1) == "0", 10)
    mon.stop(signal.SIGTERM)
    assert a.text().count("Entering MASTER STATE") == 1, a.text()
    stop_clean(a)


MCAST = re.compile(r"^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+): "
                   r"VRRPv3, Advertisement, vrid (\d+), prio (\d+)")


def test_vrrp_mcast_dst_ip(lans):
    """Two routers with mcast_dst_ip send their adverts to that group and
    elect through it: the Master's adverts go to 224.0.0.118 only, the
    Backup hears them (it stays Backup), and takes over when the Master
    stops. An advert sent to 224.0.0.18 (the usual group) is another
    virtual router's: it does not move the VIP."""
    lan = lans(3)
    extra = "  mcast_dst_ip 224.0.0.118\n"
    a = vrrpd(lan, 1, instance(prio=150, extra=extra))
    only_holder(lan, 1)
    b = vrrpd(lan, 2, instance(prio=100, extra=extra))
    dump = sniff(lan, 3)
    time.sleep(1.5)
    only_holder(lan, 1)
    seen = [MCAST.match(l) for l in dump.text().splitlines()]
    seen = [m for m in seen if m]
    assert seen, dump.text()
    assert {(m.group(2), m.group(3)) for m in seen} == {(lan.ip4(1), "224.0.0.118")}, \
        dump.text()
    # a higher priority advert to the usual group is not for this router
    send(lan, 3, prio=250, count=5, gap=0.1)
    time.sleep(0.3)
    only_holder(lan, 1)
    assert "Entering BACKUP" not in a.text().split("Entering MASTER")[-1]
    a.stop(signal.SIGTERM)
    only_holder(lan, 2)
    assert wait_until(lambda: any(
        m and m.group(2) == lan.ip4(2) and m.group(3) == "224.0.0.118"
        for m in map(MCAST.match, dump.text().splitlines())), 5), dump.text()
    dump.stop(signal.SIGINT)
    stop_clean(b)


def test_vrrp_iptables_is_done_with_nftables(lans):
    """vrrp_iptables and vrrp_ipsets are accepted with a warning naming
    the nftables table that does the filtering, and no_accept still
    keeps the VIP silent."""
    lan = lans(3)
    glob = "global_defs {\n  vrrp_iptables keepalived\n  vrrp_ipsets\n}\n"
    a = vrrpd(lan, 1, glob + instance(prio=150, extra="  no_accept\n"))
    only_holder(lan, 1)
    conf = os.path.join(lan.dir, "vrrpd1.conf")
    assert a.wait_log("%s:2: vrrp_iptables: not used: vrrpd filters with "
                      "nftables instead, table inet vrrpd" % conf, 5), a.text()
    assert a.wait_log("%s:3: vrrp_ipsets: not used" % conf, 5), a.text()
    assert a.wait_log("nftables: table inet vrrpd filters the VIPs", 5)
    assert probe(lan, "icmp", VIP) == "silent"
    assert probe(lan, "tcp", VIP) == "silent"
    stop_clean(a)


@pytest.mark.parametrize("debug", [None, 0, 2])
def test_vrrp_instance_debug(lans, debug):
    """An instance with "debug N" (1..4) writes its debug lines (here: an
    advert whose address list is not ours, discarded) without -D; debug 0
    or no keyword keeps them for -D."""
    lan = lans(2)
    extra = "  debug %d\n" % debug if debug is not None else ""
    a = vrrpd(lan, 1, instance(prio=150, extra=extra))
    only_holder(lan, 1)
    path = os.path.join(lan.dir, "sender.py")
    lan.write("sender.py", SENDER)
    lan.exec(2, ["/usr/bin/python3", path, lan.ip4(2), "51", "250",
                 "192.0.2.99", "100", "3", "0.1"])
    line = "[DEBUG] (%d) : (VI_1) advert discarded" % a.pid
    if debug:
        assert a.wait_log(line, 5), a.text()
    else:
        time.sleep(0.5)
        assert "discarded" not in a.text(), a.text()
    only_holder(lan, 1)
    assert a.stop(signal.SIGTERM) == 0


@pytest.mark.parametrize("how", ["garp_extra_if", "vrrp_garp_extra_if",
                                 "vmac_garp_intvl", None])
def test_vrrp_garp_extra_if(lans, how):
    """A new Master announces the VIPs that live on another interface
    ("dev") there once, as keepalived does; with garp_extra_if all N (or
    the global vrrp_garp_extra_if) again every N seconds."""
    lan = lans(1)
    lan.exec(1, ["ip", "link", "add", "xif0", "type", "veth", "peer", "name", "xif1"])
    for dev in ("xif0", "xif1"):
        lan.exec(1, ["ip", "link", "set", dev, "up"])
    vips = (VIP, "203.0.113.5/24 dev xif0")
    glob = extra = ""
    if how == "garp_extra_if":
        extra = "  garp_extra_if all 1\n"
    elif how == "vmac_garp_intvl":
        extra = "  vmac_garp_intvl 1 all\n"
    elif how == "vrrp_garp_extra_if":
        glob = "global_defs {\n  vrrp_garp_extra_if all 1\n}\n"
    dump = lan.start(1, ["tcpdump", "-l", "-n", "-tt", "-i", "xif0", "arp"], "tcpdump_x")
    assert dump.wait_log("listening on", 10), dump.text()
    a = vrrpd(lan, 1, glob + instance(prio=150, vips=vips, extra=extra))
    only_holder(lan, 1)
    assert lan.has(1, "203.0.113.5")
    time.sleep(2.6)
    dump.stop(signal.SIGINT)
    seen = [l for l in dump.text().splitlines() if "Request who-has 203.0.113.5 tell 203.0.113.5" in l]
    if how:
        assert 3 <= len(seen) <= 4, dump.text()
    else:
        assert len(seen) == 1, dump.text()
    stop_clean(a)
