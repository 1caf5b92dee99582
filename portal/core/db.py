"""Database helpers: column types shared by every model, per-connection settings, write transactions."""
import fcntl
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
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
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        # SQLite keeps the wall-clock digits and drops the offset: 18:00 Beijing time must be
        # stored as 10:00 UTC, not as 18:00 UTC (PostgreSQL's timestamptz converts by itself).
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSON(none_as_null=True), "postgresql")


def engine_options(uri: str, cfg: dict) -> dict:
    """Pool and connection settings: dead connections are replaced, no call waits for ever.

    ``pool_pre_ping`` tests a pooled connection before use, so after PostgreSQL restarts the
    next request reconnects by itself. ``connect_timeout`` bounds connecting to a server that
    is gone; ``statement_timeout`` stops a statement that runs away (PostgreSQL). A request that
    meets either gets a 503 page with ``Retry-After`` (portal/errors.py), never a 500.
    """
    options = {"pool_pre_ping": True, **(cfg.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}
    if uri.startswith("postgresql"):
        options.setdefault("pool_timeout", cfg.get("DB_POOL_TIMEOUT", 10))
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(cfg.get("DB_CONNECT_TIMEOUT", 5)))
        statement_ms = int(cfg.get("DB_STATEMENT_TIMEOUT_MS", 15000))
        connect_args.setdefault("options", f"-c statement_timeout={statement_ms}")
        options["connect_args"] = connect_args
    return options


def configure_engine(engine: Engine) -> None:
    """Turn on WAL, foreign keys and IMMEDIATE write transactions for SQLite."""
    if engine.dialect.name != "sqlite":
        return
    private_database_file(engine.url.database)

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


def private_database_file(database: str | None) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does: it holds complaint texts.

    SQLite gives its -wal and -shm files the main file's mode, so they are 0600 too. A file
    that already exists with a looser mode (made by an older release) is tightened.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = os.path.abspath(database)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}.writers"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            pass


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


class PendingChangesError(RuntimeError):
    """A write transaction was asked for while the session still holds changes nobody committed."""


_FLUSHED = "portal_flushed"  # session.info key: this transaction has sent changes to the database


@event.listens_for(Session, "after_flush")
def _mark_flushed(session, _context):
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_transaction_end")
def _clear_flushed(session, transaction):
    if transaction.parent is None:  # the outermost transaction ended: commit or rollback
        session.info.pop(_FLUSHED, None)


def has_pending_changes(session) -> bool:
    """True when the session holds changes, flushed or not, that are not yet committed."""
    return bool(session.new or session.dirty or session.deleted or session.info.get(_FLUSHED))


def begin_write() -> None:
    """Start the session's transaction as a writer (SQLite: BEGIN IMMEDIATE).

    A transaction that reads and then writes under a shared lock fails with
    "database is locked" when another writer is active; taking the write lock
    first makes concurrent writers queue up instead. A read-only transaction
    still open is ended first; one holding changes is refused, because
    committing them here would make half-finished work permanent by accident.
    """
    session = db.session()  # scoped_session does not proxy in_transaction
    if session.in_transaction():
        if has_pending_changes(session):
            raise PendingChangesError("begin_write() called while the session holds uncommitted changes: "
                                      "commit or roll them back first")
        session.rollback()
    session.connection(execution_options={"portal_write": True})


def write_rows(statement, rows):
    """Run an INSERT of plain rows (no ORM objects) in the session's transaction; the caller commits.

    For rows written on every request, where building ORM objects costs more than the write. The
    transaction is marked as holding changes, so ``begin_write`` still refuses to drop them.
    """
    session = db.session()
    result = session.execute(statement, rows)
    session.info[_FLUSHED] = True
    return result


def commit_keeping_loaded() -> None:
    """Commit, leaving the session's objects loaded: the caller answers from what it has just written.

    A plain commit expires every object, and the next attribute read costs one query per object.
    """
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


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
