"""The production stack, started once per test session, nothing mocked.

nginx (Debian's binary, the site configuration rendered from deploy/nginx/portal.conf.template,
TLS with a certificate made here) in front of two gunicorn nodes of the portal (gunicorn.conf.py,
PORTAL_ENV=production), both on one fresh PostgreSQL database (migrated with `flask db upgrade`,
demo seeded) and one Redis (rate limits), sharing one UPLOAD_DIR. Real Chromium drives it over
https at 360 x 740 with a WeChat user agent.

On a developer machine without nginx, PostgreSQL or Redis the tests skip with the reason; under
CI=true a missing piece fails them (.ci/run provides everything).
"""
import datetime as dt
import ipaddress
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))
from render_nginx import render  # noqa: E402

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
MIME_TYPES = "/etc/nginx/mime.types"
# Only in the test's outer nginx.conf, never in the site template: which node answered.
NODE_HEADER = "X-Portal-Node"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def stack_missing() -> str:
    """Why the production stack cannot run here ('' when it can)."""
    if not NGINX:
        return "nginx is not installed (apt-get install nginx-light)"
    if not os.path.exists(MIME_TYPES):
        return f"{MIME_TYPES} is missing (Debian's nginx-common)"
    if not PG_URL:
        return "TEST_DATABASE_URL is not set (PostgreSQL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)"
    if not REDIS_URL:
        return "TEST_REDIS_URL is not set (Redis, e.g. redis://127.0.0.1:6379/15)"
    import sqlalchemy as sa

    url = sa.engine.make_url(PG_URL)
    if not _port_open(url.host or "127.0.0.1", url.port or 5432):
        return f"PostgreSQL does not answer at {url.host}:{url.port or 5432}"
    from urllib.parse import urlsplit

    redis = urlsplit(REDIS_URL)
    if not _port_open(redis.hostname or "127.0.0.1", redis.port or 6379):
        return f"Redis does not answer at {redis.hostname}:{redis.port or 6379}"
    from browser.support import BROWSER_MISSING

    return BROWSER_MISSING


def require_stack() -> None:
    """Skip the module with the reason on a developer machine; fail under CI."""
    missing = stack_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"production-stack tests cannot run in CI: {missing}", pytrace=False)
        pytest.skip(f"production-stack tests skipped: {missing}", allow_module_level=True)


def pytest_terminal_summary(terminalreporter):
    missing = stack_missing()
    if missing:
        terminalreporter.write_line(f"production-stack tests skipped: {missing}")
    elif STACK:
        terminalreporter.write_line(f"production stack: nginx + TLS, nodes {[n.address for n in STACK[0].nodes]}, "
                                    f"started in {STACK[0].started_in} s ({STACK[0].timings})")


def pytest_configure(config):
    config.addinivalue_line("markers", "stack: runs against nginx + two gunicorn nodes + PostgreSQL + Redis")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "portal.crt", folder / "portal.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_conf(folder: Path, site: Path) -> Path:
    """The outer nginx.conf of the test: a private prefix, pid and temp paths, the site included."""
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # Test only: name the node that answered, so cross-node checks know where a request went.
    add_header {NODE_HEADER} $upstream_addr always;
    include {site};
}}
""")
    return conf


@dataclass
class Node:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Stack:
    base: str
    http_base: str
    nodes: list[Node]
    database_url: str
    redis_url: str
    rate_limit_prefix: str
    upload_dir: Path
    folder: Path
    nginx: subprocess.Popen
    started_in: float = 0.0
    timings: dict = field(default_factory=dict)

    def node_name(self, address: str) -> str:
        """'A' or 'B' from an X-Portal-Node value (nginx's $upstream_addr, perhaps 'x, y')."""
        last = address.split(",")[-1].strip()
        for node in self.nodes:
            if node.address == last:
                return node.name
        return "?"

    def logs(self) -> str:
        parts = []
        for path in [*(n.log for n in self.nodes), self.folder / "logs" / "error.log",
                     self.folder / "logs" / "portal.error.log"]:
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-25:]
                parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)


STACK: list[Stack] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the logs of nginx and both nodes to a failing stack test."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and STACK and "stack" in item.keywords:
        report.sections.append(("production stack logs", STACK[0].logs()))


def _get(url: str, timeout: float = 3.0):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    req = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _run(args: list[str], env: dict, what: str) -> str:
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    if done.returncode:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _stop_all(processes, wait: float = 10.0) -> None:
    """Signal every process group, then wait for all of them together; SIGKILL what is left."""
    for proc, sig in processes:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + wait
    for proc, _ in processes:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _stop(proc, signal.SIGKILL)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """Start PostgreSQL database, two gunicorn nodes and nginx once; stop them at the end."""
    require_stack()
    import redis
    import sqlalchemy as sa

    started = time.monotonic()
    folder = tmp_path_factory.mktemp("stack")
    (folder / "logs").mkdir()
    bin_dir = Path(sys.executable).parent

    dbname = f"portal_stack_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.engine.make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{dbname}"'))
    database_url = sa.engine.make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)

    https_port, http_port = _free_port(), _free_port()
    base = f"https://127.0.0.1:{https_port}"
    upload_dir = folder / "uploads"  # one folder for both nodes: the storage must be shared
    prefix = f"stack-{uuid.uuid4().hex[:8]}"
    from cryptography.fernet import Fernet

    common = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "RECEIPT_PEPPER": secrets.token_hex(16),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_ENABLED": "1",
        "TRUST_PROXY": "1",
        "PUBLIC_BASE_URL": base,
        "UPLOAD_DIR": str(upload_dir),
        "FLASK_DEBUG": "0",
    }
    for name in ("PORTAL_TEST_BACKEND", "GUNICORN_BIND", "GUNICORN_APP", "PORT"):
        common.pop(name, None)
    timings = {}
    flask = [str(bin_dir / "flask"), "--app", "portal"]
    setup_env = {**common, "PORTAL_INSTANCE": str(folder / "instance-setup")}
    t = time.monotonic()
    _run([*flask, "db", "upgrade"], setup_env, "flask db upgrade")
    _run([*flask, "seed-demo"], setup_env, "flask seed-demo")
    timings["migrate_and_seed_s"] = round(time.monotonic() - t, 1)

    nodes: list[Node] = []
    t = time.monotonic()
    for name in ("A", "B"):
        port = _free_port()
        log = folder / "logs" / f"node-{name}.log"
        env = {**common, "PORTAL_INSTANCE": str(folder / f"instance-{name}"), "PORT": f"127.0.0.1:{port}",
               "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": str(log),
               "GUNICORN_ERROR_LOG": str(log)}
        proc = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py")], cwd=REPO,
                                env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        nodes.append(Node(name, port, proc, log))

    cert, key = make_certificate(folder)
    site = folder / "portal.conf"
    site.write_text(render(server_name="127.0.0.1 localhost", apps=[n.address for n in nodes], cert=str(cert),
                           key=str(key), static_root=str(REPO / "static"), log_dir=str(folder / "logs"),
                           http_listen=f"127.0.0.1:{http_port}", https_listen=f"127.0.0.1:{https_port}"))
    conf = nginx_conf(folder, site)
    _run([NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", str(folder / "logs" / "error.log")],
         dict(os.environ), "nginx -t")
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "logs" / "error.log")],
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    the_stack = Stack(base=base, http_base=f"http://127.0.0.1:{http_port}", nodes=nodes, database_url=database_url,
                      redis_url=REDIS_URL, rate_limit_prefix=prefix, upload_dir=upload_dir, folder=folder,
                      nginx=nginx, timings=timings)
    STACK[:] = [the_stack]

    try:
        # Ready when each node answers on its own and nginx has sent a page from both.
        seen: set[str] = set()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            for proc in (nginx, *(n.proc for n in nodes)):
                if proc.poll() is not None:
                    raise RuntimeError("a stack process exited:\n" + the_stack.logs())
            try:
                status, headers, _ = _get(base + "/")
                if status == 200:
                    seen.add(the_stack.node_name(headers.get(NODE_HEADER, "")))
            except OSError:
                pass
            if {"A", "B"} <= seen:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"the stack did not answer from both nodes within 90 s (saw {seen}):\n"
                               + the_stack.logs())
        timings["nodes_and_nginx_s"] = round(time.monotonic() - t, 1)
        the_stack.started_in = round(time.monotonic() - started, 1)
        timings["total_start_s"] = the_stack.started_in
        from browser.support import write_metrics

        write_metrics("production stack start-up", timings)
        yield the_stack
    finally:
        # Quick stops, all at once (graceful shutdown is not under test here): nginx TERM, gunicorn INT.
        t = time.monotonic()
        _stop_all([(nginx, signal.SIGTERM), *((node.proc, signal.SIGINT) for node in nodes)])
        timings["stop_s"] = round(time.monotonic() - t, 1)
        from browser.support import write_metrics

        write_metrics("production stack start-up", timings)
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        for key_name in client.scan_iter(f"*{prefix}*"):
            client.delete(key_name)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_resident(stack, monkeypatch):
    """Each journey is a different resident: forget the rate-limit counters of the last one.

    Every request reaches the nodes from nginx on 127.0.0.1, so without this the whole
    session would count as one phone against the (production) limits.
    """
    import redis

    client = redis.Redis.from_url(stack.redis_url, socket_timeout=2)
    for key_name in client.scan_iter(f"*{stack.rate_limit_prefix}*"):
        client.delete(key_name)
    client.close()
    # The shared journey steps look up the staff case number behind a resident's reference here.
    monkeypatch.setenv("PORTAL_BROWSER_DB", stack.database_url)


@pytest.fixture(scope="session")
def phone(stack, browser):
    """Open a phone-shaped context on the stack over https: `phone(js=True)`.

    Contexts stay open for the session: journey (c) continues in the resident's page of (a).
    """
    from browser.conftest import PHONE

    opened = []

    def _open(js: bool = True):
        context = browser.new_context(base_url=stack.base, java_script_enabled=js, ignore_https_errors=True,
                                            **PHONE)
        context.set_default_timeout(20_000)
        opened.append(context)
        return context

    yield _open
    for context in opened:
        context.close()
