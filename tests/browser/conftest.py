"""Real-browser fixtures: a live portal on 127.0.0.1 and Debian's Chromium driven by Playwright."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from browser.support import BROWSER_MISSING, REPO

# A cheap Android phone inside WeChat: the residents' usual browser.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 10; V2031A Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 Mobile Safari/537.36 "
             "XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
             "Weixin NetType/4G Language/zh_CN ABI/arm64")
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "user_agent": WECHAT_UA}


def pytest_terminal_summary(terminalreporter):
    if BROWSER_MISSING:
        terminalreporter.write_line(f"browser tests skipped: {BROWSER_MISSING}")


SERVER_LOG: list[Path] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the tail of the portal's log to a failing browser test."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and SERVER_LOG and SERVER_LOG[0].exists():
        tail = SERVER_LOG[0].read_text(errors="replace").splitlines()[-40:]
        report.sections.append(("portal server log (last 40 lines)", "\n".join(tail)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_database_url(template_db, tmp_path_factory):
    """A private copy of the seeded test database, shared by the whole browser session."""
    if os.environ.get("PORTAL_TEST_BACKEND", "sqlite") == "postgres":
        import sqlalchemy as sa
        from conftest import _pg_admin, _pg_url  # tests/conftest.py

        name = f"portal_browser_{uuid.uuid4().hex[:8]}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        os.environ["PORTAL_BROWSER_DB"] = _pg_url(name)
        yield _pg_url(name)
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("browser-db") / "portal.sqlite3"
        shutil.copyfile(template_db, path)
        os.environ["PORTAL_BROWSER_DB"] = f"sqlite:///{path}"  # journeys look up what staff see
        yield f"sqlite:///{path}"


# The portal behind a gzip layer, as nginx serves it in production (see gzip_app.py).
APP = "tests.browser.gzip_app:app"


def _server_command(port: int) -> list[str]:
    python = sys.executable
    if (REPO / "gunicorn.conf.py").exists() and shutil.which("gunicorn", path=str(Path(python).parent)):
        return [python, "-m", "gunicorn", "-c", "gunicorn.conf.py", APP]
    return [python, "-m", "flask", "--app", APP, "run", "--port", str(port), "--host", "127.0.0.1"]


@pytest.fixture(scope="session")
def live_server(live_database_url, tmp_path_factory):
    """Start the portal in a subprocess against the private database; yield its base URL."""
    # The template database was seeded with the keys of this instance folder (encrypted contacts).
    instance = os.environ.get("PORTAL_INSTANCE") or str(tmp_path_factory.mktemp("instance"))
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    SERVER_LOG[:] = [log_path]
    env = {**os.environ, "DATABASE_URL": live_database_url, "PORTAL_INSTANCE": instance,
           "PORTAL_ENV": "development", "FLASK_DEBUG": "0", "RATELIMIT_ENABLED": "0",
           "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "4",
           "GUNICORN_ACCESS_LOG": "", "GUNICORN_APP": APP, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(_server_command(port), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("portal did not start:\n" + log_path.read_text(errors="replace")[-3000:])
        time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# The session's Chromium (`browser`) is in tests/conftest.py: one Playwright per process,
# shared with the production-stack tests.


@pytest.fixture(scope="session")
def new_context(browser, live_server):
    """Open a phone-shaped browser context: `new_context(js=True, **extra)`."""
    opened = []

    def _open(js: bool = True, **extra):
        context = browser.new_context(base_url=live_server, java_script_enabled=js, **{**PHONE, **extra})
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield _open
    for context in opened:
        context.close()  # closing twice is harmless


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    """Run a journey twice: with JavaScript, and with JavaScript switched off."""
    return request.param
