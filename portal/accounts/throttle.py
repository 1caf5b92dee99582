"""Sign-in throttling.

Passwords: every attempt is counted *before* the password is checked, with
one atomic ``UPDATE … SET failures = failures + 1 … RETURNING`` per counter
(PostgreSQL locks the row, SQLite holds the write lock), so thirty concurrent
guesses cannot all slip under a limit of five. Two counters: the (account
name, address) pair and the address. Past the free attempts each further
attempt waits a growing delay (30 s, 1 min, 2 min, … at most one hour); the
account itself is never locked, so a stranger guessing from elsewhere does not
keep the real user out. A successful sign-in clears its pair and gives its
address the attempt back. Keys are HMACs of name and address: the table holds
neither.

The second-factor step and the password checks of a signed-in user keep the
flask-limiter limits below (only failures are deducted).
"""
import hashlib
import hmac
import random
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import SignInThrottle
from portal.accounts.service import normalize_username
from portal.core.db import utcnow, write_transaction
from portal.core.ratelimit import address_key as limiter_key
from portal.core.ratelimit import client_address
from portal.extensions import db, limiter

ADDRESS_LIMIT = "30/minute"
SECOND_FACTOR_LIMIT = "5/minute;20/hour"
USERNAME_LIMIT = SECOND_FACTOR_LIMIT
PENDING_KEY = "pending_2fa"

# Free attempts per window, then a doubling delay.
PAIR_FREE, ADDRESS_FREE = 5, 30
WINDOW = timedelta(minutes=15)
FIRST_DELAY, MAX_DELAY = timedelta(seconds=30), timedelta(hours=1)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def now() -> datetime:
    """The throttle's clock (tests move it)."""
    return utcnow()


def _key(*parts: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _address() -> str:
    return client_address()


def pair_key(username: str | None, address: str) -> str:
    return _key("pair", normalize_username(username)[:64], address)


def address_key(address: str) -> str:
    return _key("address", address)


def _ensure(key: str, moment: datetime) -> None:
    session_ = db.session
    insert = _INSERTS.get(session_.get_bind().dialect.name)
    values = dict(key=key, failures=0, window_start=moment, next_at=moment)
    if insert is not None:
        session_.execute(insert(SignInThrottle).values(**values).on_conflict_do_nothing(index_elements=["key"]))
    elif session_.query(SignInThrottle.id).filter_by(key=key).first() is None:
        session_.add(SignInThrottle(**values))
        session_.flush()


def _reserve(key: str, free: int, moment: datetime) -> bool:
    """Count one attempt atomically; False when the counter's delay has not run out (nothing counted)."""
    _ensure(key, moment)
    fresh = SignInThrottle.window_start < moment - WINDOW
    counted = case((fresh, 1), else_=SignInThrottle.failures + 1)
    delays, delay = [], FIRST_DELAY
    for n in range(free, free + 8):  # 30 s, 1, 2, 4, 8, 16, 32 min, then the cap
        delays.append((counted == n, moment + min(delay, MAX_DELAY)))
        delay *= 2
    next_at = case((counted < free, moment), *delays, else_=moment + MAX_DELAY)
    row = db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == key, SignInThrottle.next_at <= moment)
        .values(failures=counted, window_start=case((fresh, moment), else_=SignInThrottle.window_start),
                next_at=next_at)
        .returning(SignInThrottle.failures)
        .execution_options(synchronize_session=False)
    ).first()
    return row is not None


def reserve_attempt(username: str | None) -> bool:
    """Count a password attempt for this name and address; False when it must wait (then 429)."""
    moment, address = now(), _address()
    with write_transaction():
        if random.random() < 0.01:  # forget counters nobody has used for a day
            db.session.execute(delete(SignInThrottle).where(SignInThrottle.next_at < moment - timedelta(days=1),
                                                            SignInThrottle.window_start < moment - timedelta(days=1)))
        if not _reserve(pair_key(username, address), PAIR_FREE, moment):
            return False
        return _reserve(address_key(address), ADDRESS_FREE, moment)


def attempt_succeeded(username: str | None) -> None:
    """Clear the pair's count and give the address its attempt back."""
    moment, address = now(), _address()
    with write_transaction():
        db.session.execute(update(SignInThrottle).where(SignInThrottle.key == pair_key(username, address))
                           .values(failures=0, next_at=moment).execution_options(synchronize_session=False))
        db.session.execute(update(SignInThrottle).where(SignInThrottle.key == address_key(address))
                           .values(failures=case((SignInThrottle.failures > 0, SignInThrottle.failures - 1),
                                                 else_=0))
                           .execution_options(synchronize_session=False))


def _failed(response) -> bool:
    return response.status_code != 302


def _pending_user_key() -> str:
    pending = session.get(PENDING_KEY) or {}
    return "2fa:" + str(pending.get("user", "none")).split(":", 1)[0]


# A coarse volume limit per address for both sign-in steps (per worker or Redis).
per_address = limiter.shared_limit(ADDRESS_LIMIT, scope="sign-in-address", key_func=limiter_key,
                                   methods=["POST"], deduct_when=_failed)
per_pending_user = limiter.limit(SECOND_FACTOR_LIMIT, key_func=_pending_user_key, methods=["POST"],
                                 deduct_when=_failed)


def _signed_in_key() -> str:
    from flask_login import current_user

    return "account:" + str(getattr(current_user, "id", None) or "anonymous")


# Password checks of a signed-in user (a stolen session must not guess the password).
per_signed_in_user = limiter.limit(USERNAME_LIMIT, key_func=_signed_in_key, methods=["POST"], deduct_when=_failed)
