"""Fixtures for the production tests: empty databases and real gunicorn servers."""
import os
import uuid

import pytest
import sqlalchemy as sa

from production.helpers import Server

BACKEND = os.environ.get("PORTAL_TEST_BACKEND", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _pg_url(dbname: str) -> str:
    return sa.engine.make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)


def _pg_admin():
    return sa.create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it (no schema), on the backend under test."""
    if BACKEND == "postgres":
        name = f"portal_e_{uuid.uuid4().hex[:10]}"
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield _pg_url(name)
        with _pg_admin().connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite:///{tmp_path / f'empty-{uuid.uuid4().hex[:6]}.sqlite3'}"


@pytest.fixture
def servers(tmp_path):
    """Start gunicorn servers (`servers(env, workers)`); all are stopped after the test."""
    started = []

    def start(env: dict, workers: int = 2) -> Server:
        server = Server(tmp_path, env, workers).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server_env(database_url, tmp_path):
    """Environment for a gunicorn server on a private copy of the demo database."""
    return {
        "DATABASE_URL": database_url,
        "PORTAL_INSTANCE": str(tmp_path / "server-instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "RECEIPT_PEPPER": uuid.uuid4().hex,
    }
