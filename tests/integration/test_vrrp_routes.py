"""virtual_routes and virtual_rules in network namespaces: they are on the
Master only, added with its VIPs and removed with them, so they follow the
VIP to the new Master and leave a node that stops. Read back with ip(8)."""
import signal

from netns import sh, wait_until
from test_vrrp import VIP, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401
from test_vrrp_keepalived import keepalived

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


def test_vrrp_static_addresses_routes_rules(lans):
    """static_ipaddress, static_routes, static_rules: set at start whatever
    the state (no dev: default_interface, eth0 unless set), changed by a
    reload, removed at stop, as keepalived 2.2.7 does on the same bed."""
    lan = lans(1)

    def conf(extra_addr):
        return ("static_ipaddress {\n  198.51.100.7/24 dev eth0\n  %s\n}\n"
                "static_routes {\n  203.0.113.0/24 via 198.51.100.1 dev eth0\n}\n"
                "static_rules {\n  from 198.51.100.7 table 100 priority 1000\n}\n"
                % extra_addr + instance(prio=150, state="BACKUP"))

    def state():
        addrs = lan.exec(1, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]).stdout
        routes = lan.exec(1, ["ip", "-4", "route", "show", "203.0.113.0/24"]).stdout
        rules = lan.exec(1, ["ip", "-4", "rule", "show", "priority", "1000"]).stdout
        return (sorted(w for w in addrs.split() if w.startswith("198.51.100.")),
                "via 198.51.100.1" in routes, "lookup 100" in rules)

    seen = {}
    for name, start in (("keepalived", keepalived), ("vrrpd", vrrpd)):
        p = start(lan, 1, conf("198.51.100.8/24"))
        assert wait_until(lambda: "198.51.100.8/24" in state()[0] and state()[1] and state()[2],
                          10), (state(), p.text())
        first = state()
        lan.write("%s1.conf" % name, conf("198.51.100.9/24 label eth0:st"))
        p.proc.send_signal(signal.SIGHUP)
        assert wait_until(lambda: "198.51.100.9/24" in state()[0], 10), (state(), p.text())
        wait_until(lambda: "198.51.100.8/24" not in state()[0], 5)
        second = state()
        assert p.stop(signal.SIGTERM) == 0, p.text()
        seen[name] = (first, second, state())
    assert seen["vrrpd"] == seen["keepalived"], seen
    assert seen["vrrpd"][2] == ([], False, False), seen
