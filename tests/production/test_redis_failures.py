"""Redis hung (SIGSTOP) or gone (SIGKILL) under a real gunicorn: pages answer, limits degrade, it is logged.

The test starts its own redis-server on a free loopback port, so stopping it disturbs nobody.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest

from production.helpers import free_port, http
from tests.demo_ids import VILLAGE

pytestmark = pytest.mark.slow
UNKNOWN_RECEIPT = "0000 0000 0000 0000 0000"
FALLBACK_LINE = "Rate limit storage unreachable - falling back to in-memory storage"


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port, socket_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.RedisError:
            time.sleep(0.05)
    yield proc, f"redis://127.0.0.1:{port}/0"
    try:
        proc.send_signal(signal.SIGCONT)
    except ProcessLookupError:
        pass
    proc.kill()
    proc.wait(timeout=10)


def _timed(method, url, body=None):
    started = time.monotonic()
    status, answer = http(method, url, body, timeout=15)
    return status, time.monotonic() - started, answer


def _track(server):
    return _timed("POST", server.base + "/api/v1/complaints/track", {"receipt": UNKNOWN_RECEIPT})


def test_hung_then_gone_redis_never_takes_the_site_down(redis_server, servers, server_env):
    proc, url = redis_server
    server = servers({**server_env, "RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": "hung-test"}, workers=1)
    assert _track(server)[0] == 404
    assert http("GET", server.base + "/readyz")[0] == 200

    proc.send_signal(signal.SIGSTOP)  # hung: the port accepts, nobody answers
    timings, statuses = [], []
    for _ in range(12):
        status, took, _ = _timed("GET", server.base + f"/villages/{VILLAGE}")
        statuses.append(status)
        timings.append(took)
        status, took, _ = _track(server)
        statuses.append(status)
        timings.append(took)
    assert all(s < 500 for s in statuses), statuses
    assert max(timings) < 3, f"a request waited {max(timings):.1f}s on a hung Redis"
    # Limits still hold, counted in the worker's memory: the 10/minute tracking limit answers 429.
    assert 429 in statuses, statuses
    ready_status, took, ready = _timed("GET", server.base + "/readyz")
    assert ready_status == 503 and any(p.startswith("redis:") for p in ready["problems"]) and took < 3
    log = server.log.read_text()
    assert FALLBACK_LINE in log, log[-2000:]

    proc.send_signal(signal.SIGCONT)
    proc.kill()  # gone: connections refused
    proc.wait(timeout=10)
    for _ in range(5):
        status, took, _ = _timed("GET", server.base + f"/villages/{VILLAGE}")
        assert status == 200 and took < 3
        status, took, _ = _track(server)
        assert status in (404, 429) and took < 3
    assert http("GET", server.base + "/readyz")[0] == 503
