"""One client-address key for every rate limit: an HMAC of the address, never the address itself."""
from portal.accounts import throttle
from portal.core.ratelimit import address_key
from portal.extensions import limiter

# Limits keyed by who is signed in (or half signed in), not by where they come from.
ACCOUNT_KEYS = {throttle._pending_user_key, throttle._signed_in_key}


def test_every_address_limit_uses_the_one_key(app):
    limits = [limit for found in limiter.limit_manager._decorated_limits.values() for limit in found]
    assert len(limits) > 10
    by_address = [limit for limit in limits if limit.key_function not in ACCOUNT_KEYS]
    assert by_address and all(limit.key_function is address_key for limit in by_address), \
        {limit.scope: limit.key_function for limit in by_address if limit.key_function is not address_key}


def test_the_key_hides_the_address(app):
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        first = address_key()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.8"}):
        second = address_key()
    assert first != second and "203.0.113" not in first and first.startswith("addr:")
