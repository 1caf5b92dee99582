"""Helpers of the production tests: table snapshots, plain HTTP, a real gunicorn server."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (alembic_version included), in primary-key order."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        meta = sa.MetaData()
        meta.reflect(engine)
        rows = {}
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
        return rows
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method: str, url: str, body=None, timeout: float = 10.0, headers=None):
    """Send one request; return (status, parsed JSON or text). Raises OSError on connection failure."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", "Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Server:
    """The portal under gunicorn with gunicorn.conf.py, in its own process group."""

    def __init__(self, workdir: Path, env: dict, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "PORT": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_ERROR_LOG": str(self.log),
            "PORTAL_ENV": "test",
            **env,
        }
        self.proc = None

    def start(self, timeout: float = 40.0) -> "Server":
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT,
                                     env=self.env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:] if self.log.exists() else ''}")
            try:
                if http("GET", self.base + "/", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or OOM killer would."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def in_threads(app, target, n=2):
    """Run target() in n threads at the same moment, each with its own app context; return their results."""
    from portal.extensions import db

    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def work(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = target()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def within(seconds: float, action, what: str):
    """Run action in a thread and return its result; fail if it is still running after `seconds` (a hang)."""
    result = []
    worker = threading.Thread(target=lambda: result.append(action()), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=seconds)
    assert not worker.is_alive(), f"{what} hung"
    assert result, f"{what} failed (see the thread's error above)"
    return result[0], time.monotonic() - started
