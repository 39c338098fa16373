"""Accept mode in network namespaces: node 3 is a client. A Master in
no_accept mode (or under vrrp_strict, which implies it below priority 255)
holds the VIP but takes no packet addressed to it: a TCP connection to a
service listening on every address gets no answer through the VIP, nor does
an ICMP echo, while the node's own address still answers. With accept (the
default), and for the address owner (priority 255), the VIP answers. The
filter follows the VIP to a new Master and leaves with vrrpd."""
from netns import wait_until
from test_vrrp import VIP, instance, lans, only_holder, stop_clean, vrrpd  # noqa: F401

PORT = 8080
CLIENT = 3

# A client probe: "tcp" connects and reads the service's greeting, "icmp"
# sends one echo request from a raw socket (no ping(8) needed); prints
# "answered" or "silent".
PROBE = r'''
import os, select, socket, struct, sys
kind, dst = sys.argv[1], sys.argv[2]
if kind == "tcp":
    try:
        s = socket.create_connection((dst, %d), timeout=1.5)
        s.settimeout(1.5)
        print("answered" if s.recv(10) else "silent")
    except OSError:
        print("silent")
    sys.exit(0)
def csum(b):
    s = sum(struct.unpack("!%%dH" %% (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
pkt = struct.pack("!BBHHH", 8, 0, 0, os.getpid() & 0xffff, 1) + b"vrrpdtst"
pkt = pkt[:2] + struct.pack("!H", csum(pkt)) + pkt[4:]
s.sendto(pkt, (dst, 0))
while True:
    if not select.select([s], [], [], 1.5)[0]:
        print("silent")
        break
    d, a = s.recvfrom(2000)
    if a[0] == dst and d[(d[0] & 15) * 4] == 0:
        print("answered")
        break
''' % PORT

SERVICE = r'''
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", %d))
s.listen(16)
while True:
    c, _ = s.accept()
    c.sendall(b"hello\n")
    c.close()
''' % PORT


def probe(lan, kind, dst):
    out = lan.exec(CLIENT, ["python3", "-c", PROBE, kind, dst]).stdout.strip()
    assert out in ("answered", "silent"), out
    return out


def service(lan, node):
    p = lan.start(node, ["python3", "-c", SERVICE], "service%d" % node)
    assert wait_until(lambda: probe(lan, "tcp", lan.ip4(node)) == "answered", 10)
    return p


def test_vrrp_no_accept_drops_vip_traffic_and_follows_the_vip(lans):
    lan = lans(3)
    service(lan, 1)
    service(lan, 2)
    a = vrrpd(lan, 1, instance(prio=150, extra="  no_accept"))
    b = vrrpd(lan, 2, instance(prio=100, extra="  no_accept"))
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [1], 15)
    assert a.wait_log("nftables: table inet vrrpd filters the VIPs", 5)
    assert probe(lan, "tcp", VIP) == "silent"
    assert probe(lan, "icmp", VIP) == "silent"
    assert probe(lan, "tcp", lan.ip4(1)) == "answered"    # only the VIP
    assert probe(lan, "icmp", lan.ip4(1)) == "answered"
    stop_clean(a)                       # the filter leaves with vrrpd
    assert "nftables: table inet vrrpd deleted" in a.text()
    # and is on node 2 as well
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [2], 15)
    assert probe(lan, "tcp", VIP) == "silent"
    assert probe(lan, "icmp", VIP) == "silent"
    stop_clean(b)


def test_vrrp_accept_and_address_owner_answer(lans):
    lan = lans(3)
    service(lan, 1)
    a = vrrpd(lan, 1, instance(prio=150, extra="  accept"))
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [1], 15)
    assert probe(lan, "tcp", VIP) == "answered"
    assert probe(lan, "icmp", VIP) == "answered"
    assert "nftables" not in a.text()   # nothing to filter: no table
    stop_clean(a)
    # the address owner accepts even with no_accept
    a = vrrpd(lan, 1, instance(prio=255, state="MASTER", extra="  no_accept"),
              name="owner")
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [1], 15)
    assert probe(lan, "tcp", VIP) == "answered"
    assert probe(lan, "icmp", VIP) == "answered"
    stop_clean(a)


def test_vrrp_strict_implies_no_accept(lans):
    lan = lans(3)
    service(lan, 1)
    conf = "global_defs {\n  vrrp_strict\n}\n" + instance(prio=150)
    a = vrrpd(lan, 1, conf)
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [1], 15)
    assert probe(lan, "tcp", VIP) == "silent"
    assert probe(lan, "icmp", VIP) == "silent"
    stop_clean(a)
    # strict_mode off in the instance wins over the global setting
    a = vrrpd(lan, 1, "global_defs {\n  vrrp_strict\n}\n" +
              instance(prio=150, extra="  strict_mode off"), name="notstrict")
    assert wait_until(lambda: lan.holders(VIP, (1, 2)) == [1], 15)
    assert probe(lan, "tcp", VIP) == "answered"
    stop_clean(a)
