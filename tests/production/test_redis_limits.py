"""Several app servers share rate-limit counters through Redis (RATELIMIT_STORAGE_URI)."""
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest

from production.helpers import http

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MAX_TRIES = 60
UNKNOWN_RECEIPT = "0000 0000 0000 0000 0000"


def _redis_reachable() -> str | None:
    """Return why Redis cannot be used, or None when it answers."""
    if not REDIS_URL:
        return "TEST_REDIS_URL is not set (.ci/run sets it when Redis listens on 127.0.0.1:6379)"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means: no Redis to test against
        return f"Redis at TEST_REDIS_URL does not answer: {exc}"
    return None


pytestmark = pytest.mark.slow


def _track(server) -> int:
    return http("POST", server.base + "/api/v1/complaints/track", {"receipt": UNKNOWN_RECEIPT})[0]


def _login_failure(server) -> int:
    """Sign in with a wrong password through the real form, as a new browser would."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(server.base + "/auth/login", timeout=10).read().decode()
    token = CSRF_RE.search(page).group(1)
    data = urllib.parse.urlencode({"username": "handler_baishi", "password": "wrong-" + uuid.uuid4().hex,
                                   "csrf_token": token}).encode()
    try:
        return opener.open(urllib.request.Request(server.base + "/auth/login", data=data), timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def _exhaust(server, attempt) -> int:
    """Repeat attempt on one server until it is refused with 429; return how many it took."""
    for n in range(1, MAX_TRIES + 1):
        if attempt(server) == 429:
            return n
    pytest.fail(f"no 429 after {MAX_TRIES} attempts on one server")


def _two_servers(servers, server_env, storage: str):
    env = {**server_env, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    return servers(env, workers=1), servers(env, workers=1)


@pytest.mark.parametrize("attempt", [_track, _login_failure], ids=["tracking", "login"])
def test_two_app_servers_share_the_counter_through_redis(servers, server_env, attempt):
    reason = _redis_reachable()
    if reason:
        # Redis answers on every CI machine (.ci/run sets TEST_REDIS_URL); elsewhere it may be absent.
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    first, second = _two_servers(servers, server_env, REDIS_URL)
    _exhaust(first, attempt)
    # The second server has never seen this client, yet it refuses at once: the counter lives in Redis.
    assert attempt(second) == 429


def test_without_redis_each_server_counts_alone(servers, server_env):
    """The control: with in-memory storage the second server still answers, so the test above means something."""
    first, second = _two_servers(servers, server_env, "memory://")
    _exhaust(first, _track)
    assert _track(second) != 429


def test_sign_in_counters_are_shared_even_without_redis(servers, server_env):
    """Password attempts are counted in the database (portal/accounts/throttle.py), which every server shares."""
    first, second = _two_servers(servers, server_env, "memory://")
    _exhaust(first, _login_failure)
    assert _login_failure(second) == 429
