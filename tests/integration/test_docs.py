"""The documentation's keyword table is the one the binary knows."""
import os
import subprocess

from conftest import LBD

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "configuration.md")


def test_every_keyword_is_documented_with_its_status():
    out = subprocess.run([LBD, "-K"], capture_output=True, text=True, check=True).stdout
    doc = open(DOC).read()
    rows = [l.split("\t") for l in out.splitlines()]
    assert len(rows) > 100
    for section, kw, status in rows:
        assert "| %s | `%s` | %s |" % (section, kw, status) in doc, (section, kw, status)
    # and nothing documented that the binary does not know
    documented = [l for l in doc.splitlines() if l.startswith("| ") and "`" in l]
    assert len(documented) == len(rows)


def test_man_pages_list_the_keywords_the_binaries_know():
    """lbd.cfg(5) and vrrpd.conf(5) carry the -K tables of the binaries
    under test (docs/mankw.py rewrites them when a keyword lands)."""
    vrrpd = os.environ.get("VRRPD_BIN", os.path.join(os.path.dirname(LBD), "..", "vrrpd", "vrrpd"))
    tool = os.path.join(os.path.dirname(DOC), "mankw.py")
    p = subprocess.run(["/usr/bin/python3", tool, "--lbd", LBD, "--vrrpd", vrrpd, "--check"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
