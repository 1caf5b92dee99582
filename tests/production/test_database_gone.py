"""PostgreSQL goes away, hangs and comes back: 503 with Retry-After, never a 500, no false receipt.

The app reaches the (shared, never stopped) PostgreSQL server through a loopback TCP proxy
that the test cuts (server killed), hangs (server or network silent) and restores.
"""
import os

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.complaints.models import Complaint
from portal.extensions import db
from production.helpers import within
from production.tcp_proxy import TcpProxy
from tests.demo_ids import VILLAGE

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    os.environ.get("PORTAL_TEST_BACKEND", "sqlite") != "postgres",
    reason="PostgreSQL only: runs in the PostgreSQL suite (PORTAL_TEST_BACKEND=postgres)")]

COMPLAINT = {"village": VILLAGE, "category": "integrity", "about": "村主任",
             "description": "村主任在村道工程中收受承包老板礼金两万元。", "anonymous": True}


@pytest.fixture
def proxied(app_config, database_url, tmp_path, monkeypatch):
    url = sa.engine.make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    app = create_app({**app_config, "DB_CONNECT_TIMEOUT": 2,
                      "SQLALCHEMY_DATABASE_URI": url.set(port=proxy.port).render_as_string(hide_password=False)})
    direct = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    yield app, proxy, direct
    proxy.close()
    with app.app_context():
        db.engine.dispose()
    direct.dispose()


# A public page that always reads the database (the village page may come from the shared page cache).
POWERS = f"/villages/{VILLAGE}/powers"


def _complaints(direct) -> int:
    with direct.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(Complaint.__table__)).scalar()


def test_database_killed_then_back(proxied):
    app, proxy, direct = proxied
    client = app.test_client()
    assert client.get(f"/villages/{VILLAGE}").status_code == 200
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201
    before = _complaints(direct)

    proxy.refuse()
    # A village page already in the shared page cache still reads; a page that needs the database does not.
    assert client.get(f"/villages/{VILLAGE}").status_code == 200
    page = client.get(POWERS)
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "暂时无法使用" in page.get_data(as_text=True)
    api = client.get("/api/v1/villages")
    assert api.status_code == 503 and api.headers["Retry-After"] == "30" and api.get_json()["status"] == 503
    intake = client.post("/api/v1/complaints", json=COMPLAINT)
    assert intake.status_code == 503 and "receipt" not in intake.get_json()
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 503

    proxy.restore()
    # The pool's connections died with the server: pre-ping replaces them on the very next request.
    assert client.get(POWERS).status_code == 200
    assert client.get("/readyz").status_code == 200
    assert _complaints(direct) == before, "a complaint was stored while the client was told 503"
    assert client.post("/api/v1/complaints", json=COMPLAINT).status_code == 201


def test_a_restart_between_two_requests_is_invisible(proxied):
    app, proxy, _direct = proxied
    client = app.test_client()
    assert client.get(POWERS).status_code == 200
    proxy.refuse()  # PostgreSQL restarted while nobody asked: every pooled connection is dead
    proxy.restore()
    assert client.get(POWERS).status_code == 200, "pool_pre_ping must replace dead connections"


def test_a_hung_database_costs_the_connect_timeout_not_the_worker(proxied):
    app, proxy, _direct = proxied
    client = app.test_client()
    assert client.get(POWERS).status_code == 200
    proxy.hang()
    answer, took = within(20, lambda: client.get(POWERS), "the request on a silent database")
    assert took < 15
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    proxy.restore()
    assert client.get(POWERS).status_code == 200


def test_statement_timeout_is_set_on_every_connection(proxied):
    app, _proxy, _direct = proxied
    app.config["DB_STATEMENT_TIMEOUT_MS"] = 15000
    with app.app_context():
        assert db.session.execute(sa.text("SHOW statement_timeout")).scalar() == "15s"
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            db.session.execute(sa.text("SET LOCAL statement_timeout = 200; SELECT pg_sleep(2)"))
        db.session.rollback()
