"""The stats page and the Prometheus exporter through the real lbd: the
seed's stats listen and Prometheus frontend, the metric names compared with
the real haproxy's, promtool's parser, counters that agree between show
stat, the page's CSV and /metrics, and the page driven in a real headless
Chromium (credentials, DOM, the admin form, a screenshot)."""
import base64
import http.client
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import Daemon, free_port, wait_port
from test_cli import cli, csv_rows, header, stat_dict, wait_for

SEED = os.path.join(os.path.dirname(__file__), "seed")
ARTIFACTS = os.environ.get("LBD_ARTIFACTS",
                           os.path.join(os.path.dirname(__file__), "..", "..", "build",
                                        "artifacts"))
AUTH = "admin:SecurePassword123!"


def seed_cfg(sock, stats_port, prom_port, web_port, servers):
    """The seed's 04 (stats listen) and 07 (Prometheus frontend) blocks,
    ports rewritten, with a web frontend and backend to watch."""
    s04 = open(os.path.join(SEED, "04-stats-prometheus.cfg")).read()
    s07 = open(os.path.join(SEED, "07-prometheus-frontend.cfg")).read()
    s04 = s04.replace("bind *:8404", "bind 127.0.0.1:%d" % stats_port)
    s07 = s07.replace("bind *:8405", "bind 127.0.0.1:%d" % prom_port)
    text = """global
    maxconn 200
    stats socket %s level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    log stdout format raw local0
    option httplog
frontend web
    bind 127.0.0.1:%d
    default_backend web-servers
backend web-servers
""" % (sock, web_port)
    for name, addr, opts in servers:
        text += "    server %s %s %s\n" % (name, addr, opts)
    return text + s04 + "\n" + s07


def http_get(port, path, auth=None, method="GET", body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = dict(headers or {})
    if auth:
        h["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


@pytest.fixture
def bed(lbd, backends):
    d = tempfile.mkdtemp(prefix="lbd-stats-")
    b1, b2 = backends(2)
    ports = {"stats": free_port(), "prom": free_port(), "web": free_port()}
    sock = os.path.join(d, "admin.sock")
    l = lbd(seed_cfg(sock, ports["stats"], ports["prom"], ports["web"],
                     [("web1", b1.addr, "check inter 100 fall 1 rise 1"),
                      ("web2", b2.addr, "check inter 100 fall 1 rise 1")]),
            list(ports.values()))
    yield l, sock, ports, (b1, b2), d
    shutil.rmtree(d, ignore_errors=True)


def metrics(port, path="/metrics"):
    st, hdrs, body = http_get(port, path)
    assert st == 200
    assert hdrs["content-type"].startswith("text/plain; version=0.0.4")
    return body.decode()


def samples(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = value
    return out


def test_prometheus_names_match_haproxys_and_promtool_parses(bed, backends, tmp_path):
    l, sock, ports, (b1, b2), d = bed
    for _ in range(5):
        http_get(ports["web"], "/name")
    text = metrics(ports["prom"])
    # the same metric families as the real haproxy serving the same config
    hport = {k: free_port() for k in ("stats", "prom", "web")}
    hsock = os.path.join(d, "haproxy.sock")
    h = Daemon(["haproxy", "-db"], seed_cfg(hsock, hport["stats"], hport["prom"],
                                           hport["web"], [("web1", b1.addr, "check"),
                                                          ("web2", b2.addr, "check")]),
               list(hport.values()))
    try:
        htext = metrics(hport["prom"])
    finally:
        h.stop(check=False)
    fam = lambda t: sorted(set(re.findall(r"^# TYPE (\S+) (\S+)$", t, re.M)))
    assert fam(text) == fam(htext)
    labels = lambda t: sorted(set(re.sub(r'="[^"]*"', '=""', l.split(" ")[0])
                                  for l in t.splitlines() if l and l[0] != "#"))
    assert labels(text) == labels(htext)
    path = tmp_path / "metrics.txt"
    path.write_text(text)
    p = subprocess.run(["promtool", "check", "metrics"], stdin=open(path),
                       capture_output=True, text=True, timeout=30)
    # 3: only naming lints (HAProxy's own names trip them too)
    assert p.returncode in (0, 3), p.stdout + p.stderr
    assert "error" not in (p.stdout + p.stderr).lower()
    s = samples(text)
    assert s['haproxy_server_status{proxy="web-servers",server="web1",state="UP"}'] == "1"
    assert s['haproxy_backend_active_servers{proxy="web-servers"}'] == "2"
    assert s['haproxy_frontend_http_responses_total{proxy="web",code="2xx"}'] == "5"
    assert s['haproxy_server_check_status{proxy="web-servers",server="web1",state="L4OK"}'] == "1"


def test_prometheus_scopes_and_no_maint(bed):
    l, sock, ports, _, d = bed
    fe = metrics(ports["prom"], "/metrics?scope=frontend")
    assert "haproxy_frontend_sessions_total" in fe
    assert "haproxy_process_" not in fe and "haproxy_backend_" not in fe
    assert "haproxy_server_" not in fe
    two = metrics(ports["prom"], "/metrics?scope=global&scope=server")
    assert "haproxy_process_uptime_seconds" in two and "haproxy_server_status" in two
    assert "haproxy_frontend_" not in two
    assert cli(sock, "disable server web-servers/web2") == "\n"
    nm = metrics(ports["prom"], "/metrics?scope=server&no-maint")
    assert 'server="web1"' in nm and 'server="web2"' not in nm
    st, _, _ = http_get(ports["prom"], "/metrics?scope=bogus")
    assert st == 400
    # the stats listen serves both the page and /metrics
    assert "haproxy_process_nbthread" in metrics(ports["stats"])


def test_counters_agree_between_show_stat_csv_export_and_metrics(bed):
    l, sock, ports, _, d = bed
    n200, n404 = 17, 4
    for _ in range(n200):
        assert http_get(ports["web"], "/name")[0] == 200
    for _ in range(n404):
        assert http_get(ports["web"], "/status/404")[0] == 404
    cli_rows = csv_rows(cli(sock, "show stat"))
    st, hdrs, page_csv = http_get(ports["stats"], "/stats;csv", auth=AUTH)
    assert st == 200 and hdrs["content-type"] == "text/plain"
    page_rows = csv_rows(page_csv.decode())
    s = samples(metrics(ports["prom"]))
    names = header(cli(sock, "show stat"))
    col = {n: i for i, n in enumerate(names)}
    fe, be = cli_rows[("web", "FRONTEND")], cli_rows[("web-servers", "BACKEND")]
    pfe, pbe = page_rows[("web", "FRONTEND")], page_rows[("web-servers", "BACKEND")]
    for name in ("hrsp_2xx", "hrsp_4xx", "req_tot", "bout"):
        assert fe[col[name]] == pfe[col[name]], name
    assert int(fe[col["hrsp_2xx"]]) == n200 and int(fe[col["hrsp_4xx"]]) == n404
    assert int(be[col["hrsp_2xx"]]) == n200 and be[col["hrsp_2xx"]] == pbe[col["hrsp_2xx"]]
    assert s['haproxy_frontend_http_responses_total{proxy="web",code="2xx"}'] == str(n200)
    assert s['haproxy_frontend_http_responses_total{proxy="web",code="4xx"}'] == str(n404)
    assert s['haproxy_backend_http_responses_total{proxy="web-servers",code="2xx"}'] == str(n200)
    assert s['haproxy_frontend_http_requests_total{proxy="web"}'] == fe[col["req_tot"]]
    assert s['haproxy_frontend_bytes_out_total{proxy="web"}'] == fe[col["bout"]]
    assert int(s['haproxy_server_sessions_total{proxy="web-servers",server="web1"}']) + \
        int(s['haproxy_server_sessions_total{proxy="web-servers",server="web2"}']) == n200 + n404


def test_stats_page_auth_exports_and_admin_post(bed):
    l, sock, ports, _, d = bed
    st, hdrs, _ = http_get(ports["stats"], "/stats")
    assert st == 401 and hdrs["www-authenticate"] == 'Basic realm="HAProxy Statistics"'
    assert http_get(ports["stats"], "/stats", auth="admin:wrong")[0] == 401
    st, hdrs, body = http_get(ports["stats"], "/stats", auth=AUTH)
    assert st == 200 and hdrs["content-type"] == "text/html"
    page = body.decode()
    assert '<meta http-equiv="refresh" content="30">' in page
    assert 'id="px-web-servers"' in page and 'data-server="web1"' in page
    st, hdrs, body = http_get(ports["stats"], "/stats;json", auth=AUTH)
    assert st == 200 and body.startswith(b"[[{")
    # the admin form's POST, as a browser sends it
    st, hdrs, _ = http_get(ports["stats"], "/stats", auth=AUTH, method="POST",
                           body="s=web2&action=drain&b=%23" + str(
                               int(stat_dict(sock, "web-servers", "BACKEND")["iid"])),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert st == 303 and hdrs["location"] == "/stats;st=DONE"
    assert stat_dict(sock, "web-servers", "web2")["status"] == "DRAIN"
    st, hdrs, _ = http_get(ports["stats"], "/stats", auth=AUTH, method="POST",
                           body="s=nope&action=maint&b=web-servers")
    assert hdrs["location"] == "/stats;st=ERRP"
    assert wait_for(lambda: any("stats/<STATS>" in x for x in l.logs()))


def test_stats_page_in_headless_chromium(bed):
    """Load the page with credentials in a real Chromium, read the DOM, put
    a server in maintenance with the admin form, and keep a screenshot."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    l, sock, ports, (b1, b2), d = bed
    b2.stop()
    assert wait_for(lambda: stat_dict(sock, "web-servers", "web2")["status"] == "DOWN")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1600,1000", "--user-data-dir=" + os.path.join(d, "chrome")):
        opts.add_argument(a)
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") \
        if hasattr(webdriver, "ChromeService") else None
    from selenium.webdriver.chrome.service import Service
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        drv.set_page_load_timeout(30)
        drv.get("http://%s@127.0.0.1:%d/stats" % (AUTH, ports["stats"]))
        tables = drv.find_elements(By.CSS_SELECTOR, "table.tbl")
        assert len(tables) >= 4
        web2 = drv.find_element(By.CSS_SELECTOR, 'tr[data-server="web2"]')
        assert web2.get_attribute("class") == "active_down"
        assert "DOWN" in web2.get_attribute("data-status")
        web1 = drv.find_element(By.CSS_SELECTOR, 'tr[data-server="web1"]')
        assert web1.get_attribute("class") == "active_up"
        form = drv.find_element(By.CSS_SELECTOR, 'table#px-web-servers').find_element(
            By.XPATH, "./ancestor::form")
        form.find_element(By.CSS_SELECTOR, 'input[name="s"][value="web1"]').click()
        Select(form.find_element(By.NAME, "action")).select_by_value("maint")
        form.find_element(By.CSS_SELECTOR, 'input[type="submit"]').click()
        assert wait_for(lambda: drv.find_elements(By.ID, "result"), timeout=10)
        assert drv.find_element(By.ID, "result").text == "Action processed successfully."
        assert stat_dict(sock, "web-servers", "web1")["status"] == "MAINT"
        web1 = drv.find_element(By.CSS_SELECTOR, 'tr[data-server="web1"]')
        assert web1.get_attribute("class") == "maintain"
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "stats-page.png")
        assert drv.save_screenshot(shot)
        assert os.path.getsize(shot) > 1000
    finally:
        drv.quit()
