"""Sign-in throttling: only failed attempts count, per address and per account.

A successful step answers with a redirect (302); anything else (the form
shown again with an error, a 429) is a failure and is deducted.
"""
from flask import request, session
from flask_limiter.util import get_remote_address

from portal.accounts.service import normalize_username
from portal.extensions import limiter

ADDRESS_LIMIT = "30/minute"
USERNAME_LIMIT = "5/minute;20/hour"
SECOND_FACTOR_LIMIT = "5/minute;20/hour"
PENDING_KEY = "pending_2fa"


def _failed(response) -> bool:
    return response.status_code != 302


def _username_key() -> str:
    # Never empty: flask-limiter skips a limit whose key is empty.
    return "user:" + normalize_username(request.form.get("username"))[:64]


def _pending_user_key() -> str:
    pending = session.get(PENDING_KEY) or {}
    return "2fa:" + str(pending.get("user", "none")).split(":", 1)[0]


# Shared between both sign-in steps, so one address cannot alternate between them.
per_address = limiter.shared_limit(ADDRESS_LIMIT, scope="sign-in-address", key_func=get_remote_address,
                                   methods=["POST"], deduct_when=_failed)
per_username = limiter.limit(USERNAME_LIMIT, key_func=_username_key, methods=["POST"], deduct_when=_failed)
per_pending_user = limiter.limit(SECOND_FACTOR_LIMIT, key_func=_pending_user_key, methods=["POST"],
                                 deduct_when=_failed)


def _signed_in_key() -> str:
    from flask_login import current_user

    return "account:" + str(getattr(current_user, "id", None) or "anonymous")


# Password checks of a signed-in user (a stolen session must not guess the password).
per_signed_in_user = limiter.limit(USERNAME_LIMIT, key_func=_signed_in_key, methods=["POST"], deduct_when=_failed)
