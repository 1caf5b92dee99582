"""Per-connection database settings and write transactions."""
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def configure_engine(engine: Engine) -> None:
    """Turn on WAL, foreign keys and IMMEDIATE write transactions for SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN so we can choose its kind.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # FULL: an acknowledged complaint survives a power cut, not only a killed process.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get("portal_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def begin_write() -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE).

    A transaction that reads and then writes under a shared lock fails with
    "database is locked" when another writer is active; taking the write lock
    first makes concurrent writers queue up instead.
    """
    session = db.session
    if session().in_transaction():  # scoped_session does not proxy in_transaction
        session.commit()
    session.connection(execution_options={"portal_write": True})


@contextmanager
def write_transaction():
    """Run a block as one write transaction; commit on success, roll back on error."""
    begin_write()
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
