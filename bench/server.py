"""The servers under test: the portal under gunicorn with gunicorn.conf.py, as production runs it
(plus the bench route), and nginx sending a stored page as a file (the physical limit)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_stats(pgid: int) -> tuple[float, list[int]]:
    """CPU seconds used so far by a process group (from /proc) and the RSS (KiB) of each process but its leader."""
    ticks, rss = 0, []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            # After the command: state, ppid, pgrp, … utime (12th), stime (13th), … rss in pages (22nd).
            ticks += int(fields[11]) + int(fields[12])
            if int(stat.parent.name) != pgid:
                rss.append(int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK"), rss


class _Group:
    """A server started in its own session, stopped with its whole process group."""

    proc: subprocess.Popen | None = None

    def cpu_seconds(self) -> float:
        return group_stats(self.proc.pid)[0]

    def worker_rss_kib(self) -> list[int]:
        return group_stats(self.proc.pid)[1]

    def _wait_ready(self, url: str, log_path: Path) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited; see {log_path}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"server did not answer; see {log_path}")

    def __exit__(self, *_exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def page_cache_env(label: str) -> dict:
    """The shared page cache as production runs it (Redis, BENCH_REDIS_URL, default db 14 on the local
    server), under a prefix of its own per run and database, so no page is found that this run did not
    store (the cold walk stays cold). Empty when no Redis answers: each worker then keeps its own pages."""
    url = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/14"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis: say so in the report
        return {}
    return {"PAGE_CACHE_URL": url, "PAGE_CACHE_PREFIX": f"bench-{label}-{os.getpid()}-{int(time.time())}:page:"}


def drop_page_cache(env: dict) -> None:
    """Delete what a run stored (its own prefix only)."""
    if not env:
        return
    import redis

    client = redis.Redis.from_url(env["PAGE_CACHE_URL"], socket_timeout=5)
    keys = list(client.scan_iter(env["PAGE_CACHE_PREFIX"] + "*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])
    client.close()


class BenchServer(_Group):
    """gunicorn on a free loopback port, configured by gunicorn.conf.py (docs/deploy.md)."""

    def __init__(self, database_url: str, instance: Path, log_path: Path, extra_env: dict | None = None):
        # extra_env: the shared page cache (page_cache_env), the same for every node of a run.
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PORT": f"127.0.0.1:{self.port}",
            "PORTAL_INSTANCE": str(instance),
            "UPLOAD_DIR": str(instance / "uploads"),
            "PORTAL_BENCH": "1",
            "RATELIMIT_ENABLED": "0",
            # The access log is a write per request: measure the application, not the log file.
            "GUNICORN_ACCESS_LOG": "",
            # Steady state: a worker recycled mid-scenario would charge its restart to that scenario.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_ERROR_LOG": str(log_path),
            **(extra_env or {}),
        }

    def __enter__(self) -> "BenchServer":
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=self.env,
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready(self.base + "/_bench/hello", self.log_path)
        return self


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
    uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
    sendfile on; tcp_nopush on; keepalive_requests 100000;
    types {{ text/html html; }}
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = /ping {{ return 200 "ok"; }}
        location /villages/ {{ try_files $uri.html =404; etag on; }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


class NginxFiles(_Group):
    """nginx (Debian's) with its own configuration, sending stored village pages from disk."""

    def __init__(self, prefix: Path, pages: dict[str, bytes]):
        self.prefix = prefix
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        shutil.rmtree(prefix, ignore_errors=True)
        (prefix / "tmp").mkdir(parents=True)
        root = prefix / "root"
        for path, body in pages.items():
            target = root / (path.lstrip("/") + ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        # Workers must read the files after dropping root: make the tree world-readable.
        for p in [prefix, *prefix.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        (prefix / "nginx.conf").write_text(NGINX_CONF.format(prefix=prefix, port=self.port, root=root,
                                                             workers=os.cpu_count() or 1))

    def __enter__(self) -> "NginxFiles":
        binary = nginx_binary()
        if not binary:
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        self.proc = subprocess.Popen([binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready(self.base + "/ping", self.prefix / "error.log")
        return self
