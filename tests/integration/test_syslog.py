"""Syslog from both daemons to receivers the test owns: lbd's access log in
RFC 5424 over UDP and as JSON (%{+json}o) in RFC 3164 over a unix socket;
vrrpd's state changes in keepalived's words over a unix socket (RFC 3164)
and UDP (RFC 5424). A receiver that is gone or never reads costs the
daemons nothing: lbd serves every request and vrrpd takes over on time,
and both count the lines they dropped in "show info"."""
import json
import os
import re
import socket
import subprocess
import sys

from conftest import cli, free_port, lbd, backends  # noqa: F401
from netns import wait_until
from test_snmp import HTTP_DEFAULTS, http_get, start_vrrpd
from test_vrrp import instance, lans  # noqa: F401


class Receiver:
    """A datagram socket (unix path or UDP on loopback) the test reads."""

    def __init__(self, path=None, rcvbuf=None):
        if path:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.s.bind(path)
            self.addr = path
        else:
            self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.s.bind(("127.0.0.1", 0))
            self.addr = "127.0.0.1:%d" % self.s.getsockname()[1]
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(0.05)
        self.lines = []

    def poll(self, pred, timeout=5):
        def once():
            try:
                while True:
                    self.lines.append(self.s.recv(65536).decode("utf-8", "replace"))
            except OSError:
                pass
            return [l for l in self.lines if pred(l)]
        return wait_until(once, timeout) or []

    def close(self):
        self.s.close()


def info(sock):
    return dict(l.split(": ", 1) for l in cli(sock, "show info").splitlines() if ": " in l)


RFC5424 = re.compile(r"^<(\d+)>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d (\S+) (\S+) (\d+) - - (.*)\n?$")
RFC3164 = re.compile(r"^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) (\S+)\[(\d+)\]: (.*)\n$")


def test_lbd_syslog_formats_json_and_a_full_receiver(lbd, backends, tmp_path):
    s1, = backends(1)
    port = free_port()
    sock = str(tmp_path / "admin.sock")
    udp = Receiver()
    unix = Receiver(str(tmp_path / "json.sock"))
    full = Receiver(str(tmp_path / "full.sock"), rcvbuf=4096)   # never read
    gone = str(tmp_path / "gone.sock")                            # nobody there
    try:
        l = lbd(("""global
    stats socket %s level admin
    log-send-hostname node1
    log-tag lbdtest
""" + HTTP_DEFAULTS + """frontend web
    bind 127.0.0.1:%d
    log udp@%s format rfc5424 local0
    log %s format rfc3164 local1 info
    log %s local2
    log %s local3
    option httplog
    log-format "%%{+json}o %%(client_ip)ci %%(status)ST %%(bytes_read)B %%(backend)b %%(request)r %%(agent)hr"
    capture request header User-Agent len 64
    default_backend app
backend app
    server s1 127.0.0.1:%d
""") % (sock, port, udp.addr, unix.addr, full.addr, gone, s1.port), ports=(port,))
        c = __import__("http.client").client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/q?x=1", headers={"User-Agent": 'ag"e\\nt'})
        r = c.getresponse()
        r.read()
        assert r.status == 200
        c.close()
        got = udp.poll(lambda l: "/q?x=1" in l)
        assert got, udp.lines
        m = RFC5424.match(got[0])
        assert m, got[0]
        pri, host, tag, pid, msg = m.groups()
        assert (pri, host, tag, int(pid)) == ("134", "node1", "lbdtest", l.proc.pid)  # local0.info
        doc = json.loads(msg)
        assert doc == {"client_ip": "127.0.0.1", "status": 200, "bytes_read": doc["bytes_read"],
                       "backend": "app", "request": "GET /q?x=1 HTTP/1.1",
                       "agent": '{ag#22e\\nt}'}   # the capture's own #XX, then JSON
        assert doc["bytes_read"] > 0
        got = unix.poll(lambda l: "/q?x=1" in l)
        m = RFC3164.match(got[0])
        assert m, got[0]
        assert (m.group(1), m.group(2), m.group(3)) == ("142", "node1", "lbdtest")   # local1.info
        assert json.loads(m.group(5))["status"] == 200
        # a receiver that never reads and one that is not there: lbd serves
        # on, the lines it could not send are counted
        for _ in range(600):
            assert http_get(port) == 200
        i = info(sock)
        kept = len(full.poll(lambda l: True, timeout=0.3))
        assert kept < 601                             # the full one lost some...
        assert int(i["DroppedLogs"]) >= 601 + 601 - kept, (i, kept)   # ...and gone all
    finally:
        for r in (udp, unix, full):
            r.close()


RECEIVER = r"""
import socket, sys
tcp = sys.argv[3] == "tcp"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
if tcp:
    s.listen(4)
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        if not tcp:
            f.write(s.recv(65536))
            continue
        c, _ = s.accept()
        while True:
            b = c.recv(65536)
            if not b:
                break
            f.write(b)
        c.close()
"""


def octet_frames(data):
    """RFC 6587 octet counting: "LEN SP MSG"... back to messages."""
    out, i = [], 0
    while i < len(data):
        sp = data.index(b" ", i)
        n = int(data[i:sp])
        out.append(data[sp + 1:sp + 1 + n].decode("utf-8", "replace"))
        i = sp + 1 + n
    return out


def test_vrrpd_syslog_keepalived_words_and_absent_receiver(lans, tmp_path):
    """vrrpd to a unix socket (RFC 3164), to UDP and TCP (octet counting)
    inside its namespace (RFC 5424), plus a target nobody listens on: the transitions arrive in
    keepalived's words, the takeover is not delayed, the drops are counted."""
    lan = lans(2)
    unix = Receiver(str(tmp_path / "vrrpd.sock"))
    udp_file = str(tmp_path / "udp.log")
    open(udp_file, "w").close()
    lan.start(1, [sys.executable, "-c", RECEIVER, "5514", udp_file, "udp"], "udprecv")
    tcp_file = str(tmp_path / "tcp.log")
    open(tcp_file, "w").close()
    lan.start(1, [sys.executable, "-c", RECEIVER, "5515", tcp_file, "tcp"], "tcprecv")
    ctl = str(tmp_path / "vrrpd.ctl")
    try:
        peer = start_vrrpd(lan, 2, "global_defs {\n  vrrp_version 3\n}\n" +
                           instance(prio=150, advert="0.2"), "peer")
        assert peer.wait_log("Entering MASTER STATE", 10), peer.text()
        # without -l: vrrpd logs to its syslog targets, not the console
        path = lan.write("ours.conf", """global_defs {
  vrrp_version 3
  control_socket %s
  syslog_target %s format rfc3164 daemon
  syslog_target udp@127.0.0.1:5514 format rfc5424 local4
  syslog_target %s daemon
  syslog_target tcp@127.0.0.1:5515 format rfc5424 daemon
}
""" % (ctl, unix.addr, str(tmp_path / "nobody.sock")) + instance(prio=100, advert="0.2"))
        ours = lan.start(1, [os.environ.get("VRRPD_BIN", "build/vrrpd/vrrpd"), "-n",
                             "-f", path, "-p", os.path.join(lan.dir, "o.pid"),
                             "-r", os.path.join(lan.dir, "o.vpid")], "ours")
        got = unix.poll(lambda l: "Entering BACKUP STATE" in l)
        assert got, (unix.lines, ours.text())
        m = RFC3164.match(got[0])
        assert m, got[0]
        assert (m.group(1), m.group(3), m.group(5)) == ("29", "vrrpd", "(VI_1) Entering BACKUP STATE")
        assert int(m.group(4)) == ours.pid
        assert ours.text() == ""                     # nothing on the console
        # the Master dies: we take over in time, and say so in both formats
        peer.stop()
        got = unix.poll(lambda l: "Entering MASTER STATE" in l, timeout=3)
        assert got, unix.lines
        assert wait_until(lambda: "Entering MASTER STATE" in open(udp_file).read(), 5)
        lines = [l for l in re.split(r"(?<=\n)", open(udp_file).read()) if "MASTER" in l]
        m = RFC5424.match(lines[0])
        assert m, lines
        assert (m.group(1), m.group(3), m.group(5)) == ("165", "vrrpd", "(VI_1) Entering MASTER STATE")
        assert lan.has(1, "192.0.2.50")
        # over TCP, framed by octet counting (RFC 6587)
        assert wait_until(lambda: b"Entering MASTER STATE" in open(tcp_file, "rb").read(), 5)
        frames = octet_frames(open(tcp_file, "rb").read())
        m = RFC5424.match([f for f in frames if "MASTER" in f][0])
        assert m and m.group(5) == "(VI_1) Entering MASTER STATE", frames
        assert all(RFC5424.match(f) for f in frames), frames   # every frame whole
        i = info(ctl)
        assert int(i["DroppedLogs"]) >= 2, i         # every line to nobody.sock
        assert int(i["SentLogs"]) >= 4, i
        assert ours.stop() == 0
    finally:
        unix.close()


def test_vrrpd_log_tag_keeps_keepalived_filters(lans, tmp_path):
    """log_tag Keepalived_vrrp: the lines carry keepalived's tag, so an
    rsyslog filter on the program name written for keepalived still
    matches; a tag syslog cannot carry is refused with its line."""
    lan = lans(2)
    unix = Receiver(str(tmp_path / "vrrpd.sock"))
    try:
        path = lan.write("tag.conf", """global_defs {
  vrrp_version 3
  log_tag Keepalived_vrrp
  syslog_target %s format rfc3164 daemon
}
""" % unix.addr + instance(prio=100, advert="0.2"))
        ours = lan.start(1, [os.environ.get("VRRPD_BIN", "build/vrrpd/vrrpd"), "-n",
                             "-f", path, "-p", os.path.join(lan.dir, "t.pid"),
                             "-r", os.path.join(lan.dir, "t.vpid")], "tagged")
        got = unix.poll(lambda l: "Entering MASTER STATE" in l)
        assert got, (unix.lines, ours.text())
        m = RFC3164.match(got[0])
        assert m and m.group(3) == "Keepalived_vrrp", got[0]
        assert int(m.group(4)) == ours.pid
        assert ours.stop() == 0
    finally:
        unix.close()
    bad = tmp_path / "bad.conf"
    bad.write_text("global_defs {\n  log_tag has:colon\n}\n")
    p = subprocess.run([os.environ.get("VRRPD_BIN", "build/vrrpd/vrrpd"), "-t", "-f", str(bad)],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 1 and "bad.conf:2: log_tag" in p.stderr, p.stderr
