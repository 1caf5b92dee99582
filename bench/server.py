"""The portal under gunicorn with gunicorn.conf.py, as production runs it (plus the bench route)."""
import os
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


class BenchServer:
    """Start gunicorn on a free loopback port; stop it with its whole process group."""

    def __init__(self, database_url: str, instance: Path, log_path: Path):
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
        }
        self.proc = None

    def __enter__(self) -> "BenchServer":
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=self.env,
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/_bench/hello", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers (their process group), from /proc."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command: state, ppid, pgrp, … utime (12th), stime (13th).
            if int(fields[2]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *_exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
