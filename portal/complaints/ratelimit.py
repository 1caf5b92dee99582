"""Rate limits on intake and receipt guessing, keyed by a keyed hash of the address.

The limiter's storage (memory or Redis) only ever sees the HMAC, so not even
it holds a complainant's IP address.
"""
from flask import current_app, request

from portal.core.ratelimit import address_key
from portal.extensions import limiter


def _intake_limit() -> str:
    return current_app.config.get("COMPLAINT_INTAKE_LIMIT", "10/hour")


def _attempt_limit() -> str:
    return current_app.config.get("COMPLAINT_ATTEMPT_LIMIT", "60/hour")


def _filed(response) -> bool:
    """Count complaints filed, and refused posts that carried files (they cost work to check).

    A resident fixing a typing error in a form without files is not locked out.
    """
    if response.status_code in (201, 303):
        return True
    if response.status_code == 413:  # refused unread: reading request.files now would raise again
        return False
    return any(getattr(f, "filename", None) for f in request.files.values())


def _track_limit() -> str:
    return current_app.config.get("COMPLAINT_TRACK_LIMIT", "10/minute;50/day")


# Shared scopes: the web form and the API draw on the same allowance.
_filed_limit = limiter.shared_limit(_intake_limit, scope="complaint-intake", key_func=address_key,
                                    methods=["POST"], deduct_when=_filed)
# Every attempt, filed or refused, also counts against a looser limit (uploads cost work to check).
_attempts_limit = limiter.shared_limit(_attempt_limit, scope="complaint-intake-attempts", key_func=address_key,
                                       methods=["POST"])
track_limit = limiter.shared_limit(_track_limit, scope="complaint-track", key_func=address_key,
                                   methods=["POST"])


def intake_limit(view):
    """Limit filings per address (10/hour) and attempts per address (60/hour)."""
    return _attempts_limit(_filed_limit(view))


def step_limit(view):
    """The pages of the stepwise form count as attempts only; the last page counts as a filing too."""
    return _attempts_limit(view)
