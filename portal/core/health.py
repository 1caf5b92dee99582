"""`/healthz` (the process answers) and `/readyz` (it can serve: database, schema, Redis, uploads).

A load balancer sends traffic only to nodes whose ``/readyz`` answers 200; a 503 lists
the reasons. Neither page touches a session, a template or the rate limiter, and every
check has a short timeout. ``check_schema_at_head`` also guards the production start.
"""
import functools
import logging
import os
import secrets
import time
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from portal import paths
from portal.extensions import db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


class SchemaBehind(RuntimeError):
    """The database's schema is older than the code expects: run `flask --app portal db upgrade`."""


@functools.lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The migration heads this code was written for."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_revisions(connection) -> set[str]:
    """The migration revisions the database is at (empty when it was never migrated)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(sa.text("SELECT version_num FROM alembic_version"))}


def schema_problem(connection) -> str | None:
    """Say why the schema does not match the code, or None when it is at the head."""
    at, heads = database_revisions(connection), code_heads()
    if at == heads:
        return None
    return (f"database schema is at {', '.join(sorted(at)) or 'nothing (never migrated)'}, the code needs "
            f"{', '.join(sorted(heads))}: run `flask --app portal db upgrade`")


def check_schema_at_head(app) -> None:
    """Refuse to serve on a schema behind the code; a database that cannot be reached is left to /readyz."""
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                problem = schema_problem(conn)
        except sa.exc.OperationalError as exc:
            log.warning("schema not checked at start, the database does not answer: %s", str(exc).splitlines()[0])
            return
        finally:
            db.engine.dispose()  # no connection crosses a fork
        if problem:
            raise SchemaBehind(problem)


def _check_database() -> list[str]:
    try:
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            problem = schema_problem(conn)
    except Exception as exc:  # any failure is a reason to take the node out
        return [f"database: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"]
    return [f"schema: {problem}"] if problem else []


def _check_redis() -> list[str]:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return []
    try:
        import redis

        from portal.config import rate_limit_storage_options

        client = redis.Redis.from_url(uri.replace("redis+unix://", "unix://"),
                                      **rate_limit_storage_options(current_app.config))
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - the reason is reported
        return [f"redis: {type(exc).__name__}: {exc}"]
    return []


def _check_uploads() -> list[str]:
    folder = Path(current_app.config["UPLOAD_DIR"])
    probe = folder / f".ready-{secrets.token_hex(6)}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o750)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return [f"uploads: {folder} is not writable: {exc.strerror or exc}"]
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    return []


def _plain(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up and answers (no dependency is asked)."""
    return _plain({"status": "ok"}, 200)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Every dependency answers: 200, or 503 with the reasons."""
    started = time.monotonic()
    problems = _check_database() + _check_redis() + _check_uploads()
    body = {"status": "unavailable" if problems else "ready", "problems": problems,
            "checked_in_ms": round((time.monotonic() - started) * 1000)}
    if problems:
        log.warning("not ready: %s", "; ".join(problems))
    return _plain(body, 503 if problems else 200)
