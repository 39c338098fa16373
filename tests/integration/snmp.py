"""Debian's snmpd and snmptrapd for the SNMP tests, on loopback only.

Snmpd is a private AgentX master: its socket under the test's directory,
its agent address udp:127.0.0.1:<free port>, a read-only community, and
notifications forwarded to a Snmptrapd on another free port that logs them
to a file (OIDs numeric). The tools run without MIB files (MIBS empty):
the tests name objects by number. Every process is stopped by its PID."""
import os
import re
import shutil
import signal
import subprocess

from conftest import free_port
from netns import wait_until

SNMPD = shutil.which("snmpd") or "/usr/sbin/snmpd"
SNMPTRAPD = shutil.which("snmptrapd") or "/usr/sbin/snmptrapd"
SNMPWALK = shutil.which("snmpwalk") or "/usr/bin/snmpwalk"
HAVE_SNMP = all(os.path.exists(p) for p in (SNMPD, SNMPTRAPD, SNMPWALK))

_LINE = re.compile(r"^(\.[0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$")


def tool_env(dirname):
    empty = os.path.join(dirname, "mibs")
    os.makedirs(empty, exist_ok=True)
    return dict(os.environ, MIBS="", MIBDIRS=empty)


def parse_walk(text, types=None):
    """{oid: value} from snmpwalk -On -Oe lines; strings unquoted, hex
    strings as bytes, numbers as int. types, a dict, gets {oid: type}."""
    out = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        oid, typ, val = m.groups()
        if types is not None:
            types[oid] = typ or "STRING"
        if typ in ("INTEGER", "Gauge32", "Counter32", "Counter64"):
            out[oid] = int(val.split("(")[-1].rstrip(")")) if "(" in val else int(val)
        elif typ == "Timeticks":
            out[oid] = int(val.split(")")[0].lstrip("("))
        elif typ == "Hex-STRING":
            out[oid] = bytes.fromhex(val.replace(" ", ""))
        elif typ == "STRING":
            out[oid] = val.strip('"')
        elif typ is None and val == '""':
            out[oid] = b""
        else:
            out[oid] = val
    return out


def stop_proc(proc):
    """SIGTERM by PID, SIGKILL if it lingers."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Snmptrapd:
    def __init__(self, dirname):
        self.dir = dirname
        self.port = free_port()
        self.log = os.path.join(dirname, "snmptrapd-%d.log" % self.port)
        conf = os.path.join(dirname, "snmptrapd.conf")
        with open(conf, "w") as f:
            f.write("disableAuthorization yes\n")
        open(self.log, "w").close()
        self.proc = subprocess.Popen(
            [SNMPTRAPD, "-f", "-C", "-c", conf, "-On", "-Lf", self.log,
             "udp:127.0.0.1:%d" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=tool_env(dirname))
        wait_until(lambda: "NET-SNMP version" in self.text(), 10)

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def stop(self):
        stop_proc(self.proc)


class Snmpd:
    def __init__(self, dirname, name="snmpd", trap_port=None, start=True):
        self.dir = dirname
        self.name = name
        self.socket = os.path.join(dirname, name + ".agentx")
        self.port = free_port()
        self.conf = os.path.join(dirname, name + ".conf")
        self.log = os.path.join(dirname, name + ".log")
        with open(self.conf, "w") as f:
            f.write("master agentx\n"
                    "agentXSocket %s\n"
                    "agentaddress udp:127.0.0.1:%d\n"
                    "rocommunity public 127.0.0.1\n" % (self.socket, self.port))
            if trap_port:
                f.write("trap2sink udp:127.0.0.1:%d public\n" % trap_port)
        self.proc = None
        if start:
            self.start()

    def start(self):
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.proc = subprocess.Popen(
            [SNMPD, "-f", "-C", "-c", self.conf, "-Lf", self.log],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=tool_env(self.dir))
        assert wait_until(lambda: os.path.exists(self.socket), 10), self.text()

    def stop(self):
        stop_proc(self.proc)

    def restart(self):
        self.stop()
        self.start()

    def text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def walk(self, oid, types=None):
        p = subprocess.run([SNMPWALK, "-v2c", "-c", "public", "-On", "-Oe",
                            "-t", "2", "-r", "1",
                            "127.0.0.1:%d" % self.port, oid],
                           capture_output=True, text=True, timeout=30,
                           env=tool_env(self.dir))
        return parse_walk(p.stdout, types)

    def wait_walk(self, oid, pred, timeout=10):
        """Walk until pred(result) holds; returns the last result."""
        last = {}

        def once():
            nonlocal last
            last = self.walk(oid)
            return pred(last)
        wait_until(once, timeout, step=0.2)
        return last


# ---- MIB modules as text: which object an OID is, its syntax ----

_ROOTS = {"enterprises": "1.3.6.1.4.1", "mib-2": "1.3.6.1.2.1"}
_ASSIGN = re.compile(r"^\s*([a-zA-Z][\w-]*)\s+(OBJECT-TYPE|OBJECT IDENTIFIER|MODULE-IDENTITY|"
                     r"NOTIFICATION-TYPE|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)(?![,\w-])"
                     r"(.*?)::=\s*\{\s*([\w-]+)((?:\s+\d+)+)\s*\}", re.S | re.M)
# what snmpwalk prints for each SYNTAX
_WALK_TYPE = {"DisplayString": "STRING", "InetAddress": "Hex-STRING", "MacAddress": "Hex-STRING",
              "Counter64": "Counter64", "Counter32": "Counter32", "Gauge32": "Gauge32",
              "Unsigned32": "Gauge32", "Integer32": "INTEGER", "INTEGER": "INTEGER",
              "TruthValue": "INTEGER", "RowStatus": "INTEGER", "TimeTicks": "Timeticks",
              "TimeStamp": "Timeticks", "TimeInterval": "INTEGER", "Vrrpv3VrIdTC": "INTEGER",
              "InetAddressType": "INTEGER"}


def mib_objects(path):
    """{".1.3...": (name, kind, syntax word, max-access)} for a module's
    definitions (comments removed; good enough for the modules we read)."""
    with open(path) as f:
        text = "\n".join(l.split("--")[0] for l in f)
    defs = {}
    for m in _ASSIGN.finditer(text):
        name, kind, body, parent, subs = m.groups()
        syn = re.search(r"SYNTAX\s+(SEQUENCE OF\s+\w+|[\w-]+)", body)
        acc = re.search(r"MAX-ACCESS\s+([\w-]+)", body)
        defs[name] = (kind, parent, subs.split(), syn.group(1) if syn else None,
                      acc.group(1) if acc else None)
    out = {}

    def resolve(name, depth=0):
        if name in _ROOTS:
            return _ROOTS[name]
        if name not in defs or depth > 32:
            return None
        base = resolve(defs[name][1], depth + 1)
        return base and base + "." + ".".join(defs[name][2])
    for name, (kind, _, _, syn, acc) in defs.items():
        oid = resolve(name)
        if oid:
            out["." + oid] = (name, kind, syn, acc)
    return out


def check_walk_against_mib(walk, types, objects):
    """Every instance walked is a readable object of the module with the
    SYNTAX it declares; returns the names of the objects seen."""
    seen = set()
    columns = {oid: v for oid, v in objects.items() if v[1] == "OBJECT-TYPE"}
    for oid in walk:
        parts = oid.split(".")
        obj = None
        for n in range(len(parts) - 1, 1, -1):
            if ".".join(parts[:n]) in columns:
                obj = columns[".".join(parts[:n])]
                break
        assert obj, "%s is no object of the MIB" % oid
        name, _, syn, acc = obj
        assert acc in ("read-only", "read-create", "accessible-for-notify"), (oid, name, acc)
        assert _WALK_TYPE.get(syn) == types[oid] or (
            syn in ("InetAddress", "DisplayString") and types[oid] in ("STRING", "Hex-STRING")), \
            (oid, name, syn, types[oid])
        seen.add(name)
    return seen
