"""The self-check's rate limit: like receipt tracking, per keyed hash of the address (never the address itself)."""
from flask import current_app

from portal.core.ratelimit import address_key
from portal.extensions import limiter


def _check_limit() -> str:
    return current_app.config.get("SUBSIDY_CHECK_LIMIT", "10/minute;50/day")


# The page and the API draw on one allowance: each lookup costs an ID-number guess.
check_limit = limiter.shared_limit(_check_limit, scope="subsidy-check", key_func=address_key, methods=["POST"])
