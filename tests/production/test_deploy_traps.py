"""Traps a newcomer falls into: file modes, the development request log, trusted proxies, lost tracebacks."""
import os
import re
import signal
import stat
import subprocess
import sys
import time

import pytest
from flask import request

from portal import create_app
from portal.extensions import db
from production.crashing_app import MARKER
from production.helpers import ROOT, free_port, http
from tests.demo_ids import VILLAGE

pytestmark = pytest.mark.slow


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_wal_are_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    old = os.umask(0o022)
    try:
        path = tmp_path / "fresh" / "portal.sqlite3"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            db.session.execute(db.text("CREATE TABLE t (x TEXT)"))
            db.session.execute(db.text("INSERT INTO t VALUES ('投诉内容')"))
            db.session.commit()
            for suffix in ("", "-wal", "-shm"):
                assert _mode(f"{path}{suffix}") == 0o600, suffix
            db.session.remove()
            db.engine.dispose()
        loose = tmp_path / "old.sqlite3"
        loose.write_bytes(path.read_bytes())
        os.chmod(loose, 0o644)
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{loose}"})
        with app.app_context():
            assert _mode(loose) == 0o600
            db.engine.dispose()
    finally:
        os.umask(old)


def _peer_app(app_config, monkeypatch, tmp_path, allowed="127.0.0.1,::1"):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({**app_config, "TRUST_PROXY": True, "FORWARDED_ALLOW_IPS": allowed})
    app.add_url_rule("/_peer", "peer", lambda: f"{request.remote_addr} {request.scheme}")
    return app


FORGED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_count_only_from_the_allowed_proxies(app_config, monkeypatch, tmp_path):
    app = _peer_app(app_config, monkeypatch, tmp_path)
    client = app.test_client()
    assert client.get("/_peer", headers=FORGED, environ_base={"REMOTE_ADDR": "127.0.0.1"}).text == "203.0.113.7 https"
    assert client.get("/_peer", headers=FORGED, environ_base={"REMOTE_ADDR": "10.1.2.3"}).text == "10.1.2.3 http"
    app = _peer_app(app_config, monkeypatch, tmp_path, allowed="10.1.0.0/16")
    client = app.test_client()
    assert client.get("/_peer", headers=FORGED, environ_base={"REMOTE_ADDR": "10.1.2.3"}).text == "203.0.113.7 https"
    assert client.get("/_peer", headers=FORGED, environ_base={"REMOTE_ADDR": "127.0.0.1"}).text == "127.0.0.1 http"


def test_the_development_server_logs_no_client_address_or_query(database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_INSTANCE": str(tmp_path / "instance"),
           "PORTAL_ENV": "development"}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "run", "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if http("GET", f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert http("GET", f"{base}/villages/{VILLAGE}?from=secret-query")[0] == 200
        assert http("GET", f"{base}/complaints/new?all=1&village={VILLAGE}&note=secret-query")[0] == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    requests = [line for line in out.splitlines() if '"GET ' in line]
    assert any(f'"GET /villages/{VILLAGE} HTTP/1.1" 200' in line for line in requests), out[-2000:]
    assert "secret-query" not in out
    assert not re.search(r"127\.0\.0\.1 - -", out), out[-2000:]


def test_the_traceback_of_a_500_reaches_the_error_log(servers, server_env):
    server = servers({**server_env, "GUNICORN_APP": "tests.production.crashing_app:create()"}, workers=1)
    status, body = http("GET", server.base + "/_boom")
    assert status == 500 and MARKER not in str(body)
    time.sleep(0.5)
    log = server.log.read_text()
    assert "Traceback (most recent call last)" in log and f"RuntimeError: {MARKER}" in log, log[-3000:]
    assert "unhandled error on GET /_boom" in log
