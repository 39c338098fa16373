#!/usr/bin/python3
"""The keyword lists of lbd.cfg(5) and vrrpd.conf(5) come from the binaries'
own tables (`lbd -K`, `vrrpd -K`): this writes them between the pages'
'.\\" keywords begin' and '.\\" keywords end' lines, or with --check says
whether a page is out of date (the test suite runs that).

Usage: docs/mankw.py --lbd build/lbd/lbd --vrrpd build/vrrpd/vrrpd [--check]
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN = '.\\" keywords begin\n'
END = '.\\" keywords end\n'
# (page, binary option, {block: subsection title})
PAGES = {
    "lbd.cfg.5": ("lbd", [("global", "global section"),
                          ("proxy", "defaults, frontend, backend and listen sections"),
                          ("server", "server and default-server options"),
                          ("bind", "bind options")]),
    "vrrpd.conf.5": ("vrrpd", [("top", "top-level blocks"),
                               ("global_defs", "global_defs"),
                               ("vrrp_instance", "vrrp_instance"),
                               ("authentication", "authentication (in vrrp_instance)"),
                               ("vrrp_sync_group", "vrrp_sync_group"),
                               ("vrrp_script", "vrrp_script"),
                               ("vrrp_track_file", "vrrp_track_file"),
                               ("vrrp_track_process", "vrrp_track_process"),
                               ("vrrp_track_lbd", "vrrp_track_lbd"),
                               ("garp_group", "garp_group")]),
}
SHOWN = {"supported": "", "partial": " (partial)"}


def rows(binary):
    out = subprocess.run([binary, "-K"], capture_output=True, text=True,
                         check=True, timeout=20).stdout
    return [l.split("\t") for l in out.splitlines() if l.count("\t") == 2]


def region(binary, blocks):
    table = rows(binary)
    known = {b for b, _, _ in table}
    missing = known - {b for b, _ in blocks}
    if missing:
        raise SystemExit("mankw: blocks without a subsection: %s" % sorted(missing))
    text = ""
    for block, title in blocks:
        kws = [kw + SHOWN[st] for b, kw, st in table if b == block and st in SHOWN]
        if kws:
            text += '.SS "%s"\n%s\n' % (title, ", ".join(kws).replace("-", "\\-"))
    return text


def page_text(path, new_region):
    text = open(path).read()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + new_region + END + tail


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lbd", required=True)
    ap.add_argument("--vrrpd", required=True)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    stale = []
    for page, (prog, blocks) in PAGES.items():
        path = os.path.join(HERE, page)
        new = page_text(path, region(getattr(a, prog), blocks))
        if new == open(path).read():
            continue
        if a.check:
            stale.append(page)
        else:
            open(path, "w").write(new)
            print("mankw: %s updated" % page)
    if stale:
        print("mankw: out of date, run docs/mankw.py: %s" % " ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
