"""Backups of the database: `flask --app portal backup PATH` and `restore PATH`.

SQLite is copied with its online backup API (a consistent snapshot while the
portal keeps serving); PostgreSQL with pg_dump's custom format and pg_restore.
A backup holds complaint contents: it is written readable by its owner only.
The keys in the environment (PORTAL_ENCRYPTION_KEY, RECEIPT_PEPPER) are not in
it and must be kept separately (docs/deploy.md).
"""
import os
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(click.ClickException):
    """A backup or restore that could not be done; nothing was changed."""


def _url() -> sa.engine.URL:
    return sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_command_env(url: sa.engine.URL) -> tuple[str, dict]:
    """Return a libpq URL without the password, and an environment carrying it (not on the command line)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {done.stderr.strip()[-2000:]}")


def _private_temp(target: Path) -> Path:
    """Create an empty owner-only file beside target (same filesystem, so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def backup_to(path: str) -> str:
    """Write a consistent backup of the configured database to path; return its kind."""
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    url = _url()
    tmp = _private_temp(target)
    try:
        if url.get_backend_name() == "sqlite":
            kind = "sqlite"
            src = sqlite3.connect(_sqlite_path(url))
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # copies the committed state, WAL included, page by page
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the copy failed its integrity check")
            finally:
                dst.close()
                src.close()
        elif url.get_backend_name() == "postgresql":
            kind = "postgresql"
            dsn, env = _pg_command_env(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}", dsn], env)
        else:
            raise BackupError(f"no backup method for {url.get_backend_name()}")
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return kind


def _kind_of(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a portal backup (neither SQLite nor a pg_dump custom archive)")


def _holds_data() -> bool:
    """Tell whether the configured database already holds a county (i.e. real data)."""
    from portal.extensions import db

    if not sa.inspect(db.engine).has_table("county"):
        return False
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT 1 FROM county LIMIT 1")).first() is not None


def _case_counters() -> dict[tuple[str, int], int]:
    """The case-number counters of the configured database ({} when it has none)."""
    from portal.extensions import db

    if not sa.inspect(db.engine).has_table("case_counter"):
        return {}
    with db.engine.connect() as conn:
        return {(code, year): last for code, year, last in
                conn.execute(sa.text("SELECT county_code, year, last FROM case_counter"))}


def _carry_case_counters(before: dict[tuple[str, int], int]) -> int:
    """Keep every counter at least where it stood in the database the restore replaced.

    A backup is older than the database it replaces: numbers issued since the backup were
    printed, mailed and told to complainants; the next case must not get one of them again.
    Returns how many counters were moved forward.
    """
    from portal.extensions import db

    moved = 0
    with db.engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT county_code, year, last FROM case_counter"))
        restored = {(c, y): last for c, y, last in rows}
        for (code, year), last in before.items():
            if restored.get((code, year), -1) >= last:
                continue
            if (code, year) in restored:
                conn.execute(sa.text("UPDATE case_counter SET last = :last WHERE county_code = :c AND year = :y"),
                             {"last": last, "c": code, "y": year})
            else:
                conn.execute(sa.text("INSERT INTO case_counter (county_code, year, last) VALUES (:c, :y, :last)"),
                             {"last": last, "c": code, "y": year})
            moved += 1
    return moved


def restore_from(path: str, force: bool = False) -> int:
    """Replace the configured database with the backup at path; return how many case counters moved forward."""
    from portal.extensions import db

    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{path}: no such file")
    url = _url()
    kind = _kind_of(source)
    if kind != url.get_backend_name():
        raise BackupError(f"{path} is a {kind} backup but the portal uses {url.get_backend_name()}")
    if not force and _holds_data():
        raise BackupError("the database already holds data; pass --force to replace it")
    counters = _case_counters()
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} failed its integrity check; nothing restored")
            dst = sqlite3.connect(_sqlite_path(url), timeout=30)
            try:
                src.backup(dst)  # replaces every page of the target in one locked step
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        finally:
            src.close()
    else:
        dsn, env = _pg_command_env(url)
        # One transaction: a failed restore leaves the database as it was.
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", f"--dbname={dsn}", str(source)], env)
    db.engine.dispose()
    return _carry_case_counters(counters)
