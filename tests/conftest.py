"""Shared fixtures: a migrated, seeded database copied fresh for every test.

No app context is held for the length of a test, as none is held by a server between
requests. Each context is asked for where it is needed:

- every request through the app's test clients runs in its own (RequestClient);
- fixtures that read or write the database for their setup push a short context of their
  own and hand back plain values or objects whose needed attributes are loaded (detached);
  those whose objects a test goes on changing use ``setup_context``, which is the test's own
  context when it asked for one (``ctx``);
- a test body that reads the database or calls a service says so: a
  ``with app.app_context():`` block around exactly that part, or the ``ctx`` fixture for the
  whole body (modules testing a service, like a script run beside the server, take it with
  ``pytestmark = pytest.mark.usefixtures("ctx")``).
"""
import contextvars
import os
import queue
import re
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from demo_ids import OTHER_VILLAGE, VILLAGE
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import select

from portal import create_app
from portal.demo.places_data import DEMO_PASSWORD
from portal.extensions import db
from portal.places.models import Village

BACKEND = os.environ.get("PORTAL_TEST_BACKEND", "sqlite")
# The seeded template and every test's app hash the demo's ID numbers with one key (the
# instance folder, and with it SECRET_KEY, differs between them).
os.environ.setdefault("SUBSIDY_HMAC_KEY", "test-subsidy-hmac-key")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
# Each test's SQLite copy lives in memory-backed storage where the machine has it: the portal's
# PRAGMA synchronous=FULL makes every commit wait for the disk, which tests need not pay for.
SCRATCH = Path("/dev/shm") if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')



# The same examples on every run: CI must not fail on a draw a developer never saw.
settings.register_profile("portal", derandomize=True, database=None, deadline=None)
settings.load_profile("portal")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: needs headless Chromium")
    config.addinivalue_line("markers", "slow: starts servers or processes")


def _pg_url(dbname: str) -> str:
    return sa.engine.make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)


def _pg_admin():
    return sa.create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _build(url: str, instance: str) -> None:
    from flask_migrate import upgrade

    from portal.demo.seed import seed_demo

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        seed_demo()
        if url.startswith("sqlite"):
            db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()


class PgCopies:
    """Copies of the seeded PostgreSQL template, made and dropped ahead of time by a thread.

    CREATE DATABASE … TEMPLATE takes a few hundred milliseconds; doing it while
    the previous test runs keeps the PostgreSQL run close to the SQLite one. A test's commits
    do not wait for the disk (``synchronous_commit = off``): they are as visible to other
    sessions as ever, and a test database need not outlive a power cut.
    """

    AHEAD = 2

    def __init__(self, template: str):
        self.template = template
        self.ready: queue.Queue[str] = queue.Queue(maxsize=self.AHEAD)
        self.used: queue.Queue[str | None] = queue.Queue()
        self.unchanged: queue.Queue[str] = queue.Queue()
        self.made = self.reused = 0
        self.engine = _pg_admin()
        self.thread = threading.Thread(target=self._work, daemon=True)
        self.stopping = False
        self.thread.start()

    def _work(self) -> None:
        with self.engine.connect() as conn:
            while not self.stopping:
                try:
                    while True:
                        old = self.used.get_nowait()
                        if old:
                            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))
                except queue.Empty:
                    pass
                if self.ready.full():
                    try:
                        old = self.used.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    if old:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)'))
                    continue
                name = f"portal_t_{uuid.uuid4().hex[:10]}"
                conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
                conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
                self.ready.put(name)

    def __str__(self) -> str:
        return self.template

    def take(self) -> str:
        try:
            return self.unchanged.get_nowait()
        except queue.Empty:
            self.made += 1
            return self.ready.get(timeout=120)

    def give_back(self, name: str, changed: bool) -> None:
        """A copy the test only read is as good as new: hand it to the next test instead of dropping it."""
        if changed:
            self.used.put(name)
        else:
            self.reused += 1
            self.unchanged.put(name)

    def close(self) -> None:
        self.stopping = True
        self.thread.join(timeout=30)
        with self.engine.connect() as conn:
            for pending in (self.ready, self.used, self.unchanged):
                while not pending.empty():
                    name = pending.get_nowait()
                    if name:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """Build the schema by running the migrations, then load the demo county, once."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ["PORTAL_INSTANCE"] = str(instance)
    if BACKEND == "postgres":
        if not PG_URL:
            pytest.exit("PORTAL_TEST_BACKEND=postgres needs TEST_DATABASE_URL")
        name = f"portal_tpl_{uuid.uuid4().hex[:8]}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        _build(_pg_url(name), str(instance))
        copies = PgCopies(name)
        yield copies
        copies.close()
        print(f"\nPostgreSQL copies: {copies.made} made, {copies.reused} reused after a read-only test")
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = instance / "template.sqlite3"
        _build(f"sqlite:///{path}", str(instance))
        yield str(path)


# Statements that leave a database as it was (making, dropping and setting up whole copies is the
# suite's own business, done on the server's admin database). Anything else counts as a change: a
# SELECT that moves a sequence or takes a lock a stray connection could keep.
_READS = re.compile(r"\s*(SELECT|SHOW|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\b|(CREATE|DROP|ALTER) DATABASE)\b",
                    re.IGNORECASE)
_NOT_ONLY_READ = re.compile(r"\b(nextval|setval|pg_advisory_lock)\s*\(|\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b",
                            re.IGNORECASE)


class WriteWatch:
    """Counts the statements of this process, on any engine, that could have changed a database.

    The PostgreSQL pass hands a copy whose test wrote nothing to the next test; the hardening tests
    fingerprint the database again only when something may have written since the last time.
    Writes from other processes (the production tools' servers) are not seen here.
    """

    count = 0

    @classmethod
    def note(cls, conn, cursor, statement, *args) -> None:
        if not _READS.match(statement) or _NOT_ONLY_READ.search(statement):
            cls.count += 1


sa.event.listen(sa.engine.Engine, "before_cursor_execute", WriteWatch.note)


@pytest.fixture
def database_url(request, template_db, tmp_path):
    """A private copy of the seeded database for one test."""
    if BACKEND == "postgres":
        name = template_db.take()
        writes = WriteWatch.count
        try:
            yield _pg_url(name)
        finally:
            # The production tools' tests write from servers of their own: never hand their copy on.
            others = request.node.path.parent.name in ("production", "stack")
            template_db.give_back(name, changed=others or WriteWatch.count != writes)
    else:
        folder = Path(tempfile.mkdtemp(prefix="portal-test-", dir=SCRATCH)) if SCRATCH else tmp_path
        path = folder / "portal.sqlite3"
        shutil.copyfile(template_db, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            if SCRATCH:
                shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # Each test app keeps pages in its own memory, whatever Redis the environment names.
        "PAGE_CACHE_URL": None,
    }


class RequestClient(FlaskClient):
    """A test client whose every request runs in its own app context, as behind a real server.

    Outside any context the request simply runs. Inside a test's context (``ctx`` or a
    ``with app.app_context():`` block) that context (its database session, ``g``, the chosen
    language) never leaks into the request, nor the request's into the test. What the test
    set up is committed before the request, as another process would have to; afterwards
    the test's session starts afresh, so it reads what the request committed.
    """

    def open(self, *args, **kwargs):
        shared = has_app_context() and db.session.registry.has()
        if shared:
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if shared:
            db.session.commit()
        return response


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    """The portal on a private database copy, with no app context pushed (see the module's docstring)."""
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    application = create_app(app_config)
    application.test_client_class = RequestClient
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context around the whole test body, as a script run beside the server holds one.

    For tests of services; requests made meanwhile still run in contexts of their own.
    """
    with app.app_context():
        yield


@contextmanager
def setup_context(app):
    """The context a fixture sets up in: the test's own when it asked for one (``ctx``), so what the
    fixture returns belongs to the test's session; else a short one, and it comes back detached."""
    if has_app_context():
        yield
    else:
        with app.app_context():
            yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "page has no csrf_token field"
    return match.group(1)


class Forms:
    """Submit forms the way a browser does: load the page, then post with its token."""

    def __init__(self, client):
        self.client = client

    def post(self, url: str, data: dict, form_url: str | None = None, **kwargs):
        page = self.client.get(form_url or url, follow_redirects=True)  # /complaints/new opens its first step
        payload = {"csrf_token": csrf_from(page.get_data(as_text=True)), **data}
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def forms(client):
    return Forms(client)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = DEMO_PASSWORD, follow: bool = False):
        page = self.client.get("/auth/login")
        token = csrf_from(page.get_data(as_text=True))
        return self.client.post("/auth/login", data={"username": username, "password": password,
                                                     "csrf_token": token}, follow_redirects=follow)

    def logout(self):
        page = self.client.get("/auth/logout")
        if page.status_code == 200 and "csrf_token" in page.get_data(as_text=True):
            token = csrf_from(page.get_data(as_text=True))
            return self.client.post("/auth/logout", data={"csrf_token": token})
        return page


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a block: `with count_queries() as n: ...; n()`."""

    with app.app_context():
        engine = db.engine  # the app's one engine, shared by every context and request

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def login_as(app, client):
    """Sign a client in as a demo account without the login form (for tests of other capabilities)."""
    from portal.accounts.models import User

    def _login(username: str, target=None):
        with app.app_context():  # the user comes back detached, its columns loaded
            user = db.session.query(User).filter_by(username=username).one()
        with (target or client).session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return user

    return _login


# ---- the cadre workspace (disclosures, duty reports, power lists) ----

@pytest.fixture
def english(client):
    """Read pages in English so tests can match messages."""
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def cadre(login_as, english):
    return login_as("cadre_shangtang")


def _village(app, code: str) -> Village:
    """A demo village (outside ``ctx``: detached, its columns loaded but not its relationships)."""
    with setup_context(app):
        return db.session.scalar(select(Village).where(Village.code == code))


@pytest.fixture
def village(app):
    return _village(app, VILLAGE)


@pytest.fixture
def other_village(app):
    return _village(app, OTHER_VILLAGE)


@pytest.fixture
def as_user(login_as):
    """Sign the client in as a demo account, also after earlier requests."""

    def _as(username: str):
        return login_as(username)

    return _as


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process (Debian's build; Playwright downloads nothing).

    Shared by the browser tests and the production-stack tests: Playwright's sync API allows
    one running instance per process.
    """
    from browser.support import CHROMIUM, LAUNCH_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
