"""The seed's MySQL recipe (03-layer4-tcp.cfg: tcp-check connect,
send-binary, expect binary) and `option mysql-check user haproxy` against
Debian's real mariadb-server: a private instance on a free loopback port,
its own datadir in a temp dir, stopped by its PID."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import free_port, wait_port
from test_checks import tcp_cfg, wait_log


class MariaDB:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="lbd-mariadb-")
        self.port = free_port()
        self.sock = os.path.join(self.dir, "sock")
        self.proc = None

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def start(self):
        data = os.path.join(self.dir, "data")
        log = open(os.path.join(self.dir, "log"), "w")
        subprocess.run([shutil.which("mariadb-install-db") or shutil.which("mysql_install_db"),
                        "--no-defaults", "--datadir=" + data, "--user=root",
                        "--skip-test-db", "--auth-root-authentication-method=socket"],
                       stdout=log, stderr=subprocess.STDOUT, check=True, timeout=120)
        self.proc = subprocess.Popen(
            [shutil.which("mariadbd") or shutil.which("mysqld"), "--no-defaults",
             "--datadir=" + data, "--socket=" + self.sock, "--port=%d" % self.port,
             "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve",
             "--skip-log-bin", "--innodb-buffer-pool-size=16M",
             # the seed's probe is not a valid handshake: never block the host
             "--max-connect-errors=1000000",
             "--pid-file=" + os.path.join(self.dir, "pid")],
            stdout=log, stderr=subprocess.STDOUT)
        if not wait_port(self.port, timeout=60):
            self.stop()
            raise RuntimeError("mariadbd did not start: %s" %
                               open(os.path.join(self.dir, "log")).read()[-2000:])
        self.sql("CREATE USER 'haproxy'@'127.0.0.1'")
        return self

    def sql(self, text):
        subprocess.run([shutil.which("mariadb") or shutil.which("mysql"), "--no-defaults",
                        "-uroot", "--socket=" + self.sock, "-e", text],
                       check=True, timeout=30, capture_output=True)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def mariadb():
    if not (shutil.which("mariadbd") or shutil.which("mysqld")):
        pytest.skip("mariadb-server is not installed")
    db = MariaDB().start()
    yield db
    db.stop()


SEED_MYSQL = """    tcp-check connect
    tcp-check send-binary 4d000000 # MySQL handshake
    tcp-check expect binary 0a
"""


def named_cfg(port, addr, option):
    return tcp_cfg(port, [("mysql1", addr)], "").replace(
        "    option tcp-check\n", "    %s\n" % option)


def no_down(l, wait=0.8):
    time.sleep(wait)
    assert not [x for x in l.logs() if "is DOWN" in x], l.logs()


def test_seed_mysql_recipe_against_real_mariadb(lbd, mariadb):
    port = free_port()
    l = lbd(tcp_cfg(port, [("mysql1", mariadb.addr)], SEED_MYSQL), [port])
    no_down(l)


def test_mysql_check_user_haproxy_against_real_mariadb(lbd, mariadb):
    port = free_port()
    l = lbd(named_cfg(port, mariadb.addr, "option mysql-check user haproxy"), [port])
    no_down(l)


def test_mysql_check_with_an_unknown_user_fails(lbd, mariadb):
    port = free_port()
    l = lbd(named_cfg(port, mariadb.addr, "option mysql-check user nobody"), [port])
    line = wait_log(l, r"Server be/mysql1 is DOWN")
    assert "reason: Layer7 wrong status" in line and "nobody" in line, line


def test_traffic_reaches_mariadb_through_lbd(lbd, mariadb):
    """The recipe's point: clients talk MySQL through the frontend."""
    port = free_port()
    lbd(named_cfg(port, mariadb.addr, "option mysql-check user haproxy"), [port])
    out = subprocess.run([shutil.which("mariadb") or shutil.which("mysql"), "--no-defaults",
                          "-uhaproxy", "-h127.0.0.1", "-P%d" % port, "--protocol=tcp",
                          "-N", "-e", "SELECT 40+2"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip() == "42", out


def test_mariadb_stopping_marks_it_down(lbd, mariadb):
    """Last in this module: the shared instance is stopped here."""
    port = free_port()
    l = lbd(named_cfg(port, mariadb.addr, "option mysql-check user haproxy"), [port])
    no_down(l)
    mariadb.proc.terminate()
    mariadb.proc.wait(30)
    line = wait_log(l, r"Server be/mysql1 is DOWN", timeout=10)
    assert "Layer4 connection problem" in line or "Layer7" in line, line
