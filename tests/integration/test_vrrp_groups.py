"""Where adverts go: vrrp_mcast_group4/6 and unicast_ttl, in network
namespaces. Nodes on another multicast group neither hear nor disturb the
virtual router (each side elects its own Master); tcpdump shows the
adverts addressed to the configured group. unicast_ttl sets the TTL of
unicast adverts; a peer that has unicast_ttl too takes them (they are a
router apart in real use), one without it discards them as TTL errors."""
import signal
import time

import pytest

from netns import wait_until
from test_vrrp import VIP, VIP6, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_vrrp_mcast_group_separates_routers(lans, family):
    lan = lans(3)
    v4 = family == "ipv4"
    vip, group = (VIP, "224.0.0.118") if v4 else (VIP6, "ff02::118")
    glob = "global_defs {\n  vrrp_mcast_group%d %s\n}\n" % (4 if v4 else 6, group)
    vips = (vip,) if v4 else (vip + "/64",)
    a = vrrpd(lan, 1, glob + instance(prio=150, vips=vips))
    b = vrrpd(lan, 2, glob + instance(prio=100, vips=vips))
    c = vrrpd(lan, 3, instance(prio=50, vips=vips))     # the default group
    # 1 and 2 elect 1; 3 hears nobody and is Master on its own
    assert wait_until(lambda: lan.holders(vip) == [1, 3], 15), lan.holders(vip)
    time.sleep(1)
    assert lan.holders(vip) == [1, 3]
    dump = lan.exec(2, ["timeout", "10", "tcpdump", "-n", "-c", "2", "-i",
                        "eth0", "ip proto 112" if v4 else "ip6 proto 112",
                        "and", "dst", group], check=False)
    assert "> %s: VRRPv3" % group in dump.stdout, dump.stdout
    a.stop(signal.SIGTERM)
    assert wait_until(lambda: lan.holders(vip) == [2, 3], 15), lan.holders(vip)
    stop_clean(b)
    stop_clean(c)


def test_vrrp_unicast_ttl(lans):
    lan = lans(2)
    extra = "  unicast_src_ip %s\n  unicast_peer {\n    %s\n  }\n%s"
    ttl = "  unicast_ttl 64"
    a = vrrpd(lan, 1, instance(prio=150, extra=extra % (lan.ip4(1), lan.ip4(2), ttl)))
    b = vrrpd(lan, 2, instance(prio=100, extra=extra % (lan.ip4(2), lan.ip4(1), ttl)))
    only_holder(lan, 1)
    dump = lan.exec(2, ["timeout", "10", "tcpdump", "-v", "-n", "-c", "2", "-i",
                        "eth0", "ip proto 112"], check=False)
    assert "ttl 64" in dump.stdout, dump.stdout
    time.sleep(1)
    assert lan.holders(VIP) == [1]      # node 2 takes the TTL 64 adverts
    stop_clean(b)
    # a peer without unicast_ttl keeps RFC 5798's TTL 255 rule
    b = vrrpd(lan, 2, instance(prio=100, extra=extra % (lan.ip4(2), lan.ip4(1), "")),
              name="strict255")
    assert wait_until(lambda: lan.holders(VIP) == [1, 2], 15), lan.holders(VIP)
    b.stop(signal.SIGTERM)
    assert "ttl_errors" in b.text()
    stop_clean(a)


def garp_times(lan, conf, name, hosts=(VIP,), count=5):
    """Start tcpdump on node 2, then vrrpd on node 1, and return the
    capture times of the new Master's first gratuitous ARPs for hosts."""
    match = ["host", hosts[0]]
    for h in hosts[1:]:
        match += ["or", "host", h]
    dump = lan.start(2, ["tcpdump", "-l", "-tt", "-n", "-i", "eth0", "-c", str(count),
                         "arp", "and", "("] + match + [")"], "dump-" + name)
    assert dump.wait_log("listening on", 10)
    a = vrrpd(lan, 1, conf, name=name)
    assert wait_until(lambda: dump.proc.poll() is not None, 20), dump.text()
    stop_clean(a)
    times = [float(l.split()[0]) for l in dump.text().splitlines()
             if "ARP" in l and any(h in l for h in hosts)]
    assert len(times) == count, dump.text()
    return times


def test_vrrp_garp_group_paces_one_interface(lans):
    lan = lans(2)
    glob = "global_defs {\n  vrrp_garp_master_delay 0\n  vrrp_garp_master_repeat 5\n}\n"
    fast = garp_times(lan, glob + instance(prio=150), "fast")
    assert fast[-1] - fast[0] < 0.5, fast
    paced = garp_times(lan, glob + "garp_group {\n  garp_interval 0.3\n"
                       "  interface eth0\n}\n" + instance(prio=150), "paced")
    gaps = [b - a for a, b in zip(paced, paced[1:])]
    assert min(gaps) >= 0.25, gaps
    # a garp_group for another interface leaves eth0 alone
    other = garp_times(lan, glob + "garp_group {\n  garp_interval 0.3\n"
                       "  interface eth9\n}\n" + instance(prio=150), "other")
    assert other[-1] - other[0] < 0.5, other


def test_vrrp_garp_group_paces_instances_together(lans):
    """The interval separates every announcement on the group's
    interfaces, whichever instance sends it: two instances becoming Master
    together on eth0 ("interfaces" form) take turns."""
    lan = lans(2)
    vip2 = "192.0.2.51"
    conf = ("global_defs {\n  vrrp_garp_master_delay 0\n  vrrp_garp_master_repeat 3\n}\n"
            "garp_group {\n  garp_interval 0.3\n  interfaces {\n    eth9\n    eth0\n  }\n}\n" +
            instance(prio=150) + instance(name="VI_2", vrid=52, prio=150, vips=(vip2,)))
    times = garp_times(lan, conf, "two", hosts=(VIP, vip2), count=6)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.25, gaps


def test_vrrp_dynamic_interfaces(lans):
    """dynamic_interfaces: an instance whose interface does not exist yet
    waits for it and starts when it appears (as keepalived does), and
    starts again when the interface is deleted and created anew."""
    lan = lans(1)

    def make_if():
        lan.exec(1, ["ip", "link", "add", "eth9", "type", "veth", "peer", "name", "eth9p"])
        for dev in ("eth9", "eth9p"):
            lan.exec(1, ["ip", "link", "set", dev, "up"])
        lan.exec(1, ["ip", "addr", "add", "198.51.100.1/24", "dev", "eth9"])

    def vip_on_eth9():
        out = lan.exec(1, ["ip", "-4", "-o", "addr", "show", "dev", "eth9"], check=False).stdout
        return VIP + "/32" in out

    conf = ("global_defs {\n  dynamic_interfaces\n}\n" +
            instance(prio=150).replace("interface eth0", "interface eth9"))
    p = vrrpd(lan, 1, conf)
    assert p.wait_log("waiting for interface eth9", 10), p.text()
    make_if()
    assert wait_until(vip_on_eth9, 10), p.text()
    lan.exec(1, ["ip", "link", "del", "eth9"])
    assert wait_until(lambda: "Entering FAULT STATE" in p.text(), 10), p.text()
    make_if()
    assert wait_until(lambda: "was created again" in p.text() and vip_on_eth9(), 10), p.text()
    stop_clean(p)
