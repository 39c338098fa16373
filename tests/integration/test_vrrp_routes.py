"""virtual_routes and virtual_rules in network namespaces: they are on the
Master only, added with its VIPs and removed with them, so they follow the
VIP to the new Master and leave a node that stops. Read back with ip(8)."""
from netns import sh, wait_until
from test_vrrp import VIP, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401

ROUTES = """  virtual_routes {
    src %s to 198.51.100.0/24 via 192.0.2.254 dev eth0 metric 7
    203.0.113.0/25 via 192.0.2.254 table 100
    blackhole 203.0.113.128/25
    unreachable 2001:db8:5::/48 table 100
  }
  virtual_rules {
    from 203.0.113.0/24 table 100 priority 1000
    to 2001:db8:9::/48 table 100 pref 2000
  }""" % VIP


def routing(lan, node):
    ns = lan.ns(node)
    out = []
    for argv in (["route"], ["route", "show", "table", "100"],
                 ["-6", "route", "show", "table", "100"], ["rule"], ["-6", "rule"]):
        out.append(sh(["ip", "-n", ns] + argv, check=False).stdout)
    return "\n".join(out)


EXPECTED = (
    "198.51.100.0/24 via 192.0.2.254 dev eth0 proto static src %s metric 7" % VIP,
    "blackhole 203.0.113.128/25",
    "203.0.113.0/25 via 192.0.2.254 dev eth0",
    "unreachable 2001:db8:5::/48",
    "1000:\tfrom 203.0.113.0/24 lookup 100",
    "2000:\tfrom all to 2001:db8:9::/48 lookup 100",
)


def has_all(lan, node):
    text = routing(lan, node)
    return all(e in text for e in EXPECTED)


def has_none(lan, node):
    text = routing(lan, node)
    return not any(e in text for e in EXPECTED)


def test_vrrp_virtual_routes_and_rules_follow_the_master(lans):
    lan = lans(2)
    a = vrrpd(lan, 1, instance(prio=150, extra=ROUTES))
    b = vrrpd(lan, 2, instance(prio=100, extra=ROUTES))
    only_holder(lan, 1)
    assert wait_until(lambda: has_all(lan, 1), 5), routing(lan, 1)
    assert has_none(lan, 2), routing(lan, 2)
    stop_clean(a)                       # removed with the VIPs
    only_holder(lan, 2)
    assert has_none(lan, 1), routing(lan, 1)
    assert wait_until(lambda: has_all(lan, 2), 5), routing(lan, 2)
    stop_clean(b)
    assert has_none(lan, 2), routing(lan, 2)
