"""Database helpers: column types shared by every model, per-connection settings, write transactions."""
import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from portal.extensions import db


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store UTC; always hand back aware datetimes, also from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSON(none_as_null=True), "postgresql")


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

    queue = WriterQueue(engine.url.database)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        writer = bool(conn.get_execution_options().get("portal_write"))
        if writer:
            queue.acquire(conn.connection.dbapi_connection)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN DEFERRED")
        except BaseException:
            queue.release(conn.connection.dbapi_connection)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn):
        queue.release(conn.connection.dbapi_connection)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(dbapi_conn, _record):
        queue.release(dbapi_conn)


class WriterQueue:
    """Queue SQLite writers on an OS file lock before BEGIN IMMEDIATE.

    SQLite's own busy handler makes a waiting writer sleep and poll, so the
    database sits idle between writers under load; a blocking flock wakes the
    next writer the moment the previous one commits, across threads and worker
    processes alike.
    """

    def __init__(self, database: str | None):
        self.path = f"{database}.writers" if database and database != ":memory:" else None
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._holder = None

    def acquire(self, dbapi_conn) -> None:
        if self.path is None:
            return
        self._thread_lock.acquire()
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._holder = dbapi_conn

    def release(self, dbapi_conn) -> None:
        if self.path is None or self._holder is None or self._holder is not dbapi_conn:
            return
        self._holder = None
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()


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
