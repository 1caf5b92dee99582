"""Start-up guards and the load balancer's pages: /healthz, /readyz, schema at head, PUBLIC_BASE_URL."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.config import UnsafeConfig
from portal.core.health import SchemaBehind, code_heads
from portal.extensions import db
from production.helpers import ROOT, free_port
from tests.demo_ids import VILLAGE

PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 64, "RECEIPT_PEPPER": "p" * 32,
              "PORTAL_ENCRYPTION_KEY": "q5xJ5o0m0h8O5c0mN0Yq7r1m4b2x2n7zQf3m8T0lV2U=",
              "PUBLIC_BASE_URL": "https://cunwu.example.gov.cn"}


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "prod-instance"))
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_healthz_answers_without_asking_any_dependency(app, client, tmp_path):
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_200_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "ready" and response.get_json()["problems"] == []


def test_readyz_names_each_failing_dependency(ctx, app, client, tmp_path):
    blocker = tmp_path / "file-in-the-way"
    blocker.write_text("x")
    app.config["UPLOAD_DIR"] = str(blocker / "uploads")
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'c1oversight'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    problems = " | ".join(response.get_json()["problems"])
    assert "uploads:" in problems and "redis:" in problems and "schema:" in problems and "db upgrade" in problems
    assert response.get_json()["checked_in_ms"] < 15000  # bounded by timeouts, also on a loaded machine


def test_readyz_is_503_when_the_database_does_not_answer(app_config):
    nothing_there = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/portal"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": nothing_there})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["problems"][0].startswith("database: OperationalError")
    page = client.get(f"/villages/{VILLAGE}")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"


def _flask(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "portal", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_production_refuses_to_start_on_a_schema_behind_the_code(production_env, database_url):
    head = next(iter(code_heads()))
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:  # the database says it is one migration behind the code
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'c1oversight'"))
    with pytest.raises(SchemaBehind, match="db upgrade"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    # The command line still runs on an old schema (that is how the upgrade is made).
    assert "c1oversight" in _flask(database_url, "db", "current").stdout
    _flask(database_url, "db", "stamp", head)
    engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["PORTAL_ENV"] == "production"
    with app.app_context():
        assert app.test_client().get("/readyz").status_code == 200
        db.engine.dispose()


def test_production_refuses_to_start_without_public_base_url(production_env, database_url):
    production_env.delenv("PUBLIC_BASE_URL")
    with pytest.raises(UnsafeConfig, match="PUBLIC_BASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def test_development_links_follow_the_address_that_served_the_request(app, client):
    assert app.config["PUBLIC_BASE_URL"] is None
    poster = client.get(f"/villages/{VILLAGE}/poster", base_url="http://192.168.1.20:8000")
    text = poster.get_data(as_text=True)
    assert "http://192.168.1.20:8000/villages/" in text and "127.0.0.1:5000" not in text
    feed = client.get(f"/villages/{VILLAGE}/feed.atom", base_url="http://localhost:8123").get_data(as_text=True)
    assert "http://localhost:8123/villages/" in feed
    app.config["PUBLIC_BASE_URL"] = "https://cunwu.example.gov.cn/"
    fixed = client.get(f"/villages/{VILLAGE}/poster", base_url="http://192.168.1.20:8000").get_data(as_text=True)
    assert "https://cunwu.example.gov.cn/villages/" in fixed and "192.168.1.20" not in fixed
