"""What the mail and text-message outboxes share: due rows, leases two senders cannot both take, each
delivery attempt and its outcome (sent, retried after a backoff, given up), counts.

Each outbox keeps its own table and sending; the rules for when a message may be tried, who holds it
and how long to wait after a failure live here once.
"""
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow, write_transaction
from portal.extensions import db

RETRY_MAX_SECONDS = 3600
log = logging.getLogger(__name__)


class OutboxColumns:
    """The delivery state every outbox row carries (mail and text messages alike)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Not before this moment (backoff after a failure); NULL: at once.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender holds the message until this moment; another sender leaves it alone.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    # Given up after the last attempt: listed for the county admin.
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Wait after the n-th failure: base, 2×base, 4×base … at most an hour."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def due(model, now: datetime, *extra) -> tuple:
    """Conditions of a message that may be tried now: unsent, alive, past its wait, not leased."""
    return (model.sent_at.is_(None), model.dead_at.is_(None), *extra,
            or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
            or_(model.claimed_until.is_(None), model.claimed_until < now))


def claim(model, limit: int, now: datetime, lease: timedelta, *extra) -> tuple[str, list[int]]:
    """Take a lease on up to ``limit`` due messages; return the lease token and their ids.

    Rows another sender is claiming are skipped (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write
    lock queues the second sender), so two senders never take the same message.
    """
    token = uuid.uuid4().hex
    with write_transaction():
        ids = list(db.session.scalars(select(model.id).where(*due(model, now, *extra)).order_by(model.id)
                                      .limit(limit).with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids))
                               .values(claimed_until=now + lease, claimed_by=token)
                               .execution_options(synchronize_session=False))
    return token, ids


@dataclass(frozen=True)
class Attempt:
    """What one try at sending gave: the error (None when sent), whether no retry can help, and the
    columns to set on a message that was sent."""

    error: str | None = None
    permanent: bool = False
    sent: dict = field(default_factory=dict)


def deliver(model, token: str, ids: list[int], now: datetime, send, result, *, kind: str, recipient: str,
            max_attempts: int, retry_base_seconds: int, usable=lambda msg: True):
    """Try each claimed message once and record the outcome; ``result`` counts sent, retried and dead.

    send(msg) returns an Attempt; it runs outside any transaction, so a slow server holds no lock.
    Messages another sender took over, sent meanwhile or no longer usable are left alone. A failure
    waits (backoff) and is tried again, until the last allowed attempt or a permanent refusal: then
    the message is given up on and listed for the county admin.
    """
    for msg_id in ids:
        msg = db.session.get(model, msg_id, populate_existing=True)
        if msg is None or msg.claimed_by != token or msg.sent_at is not None or not usable(msg):
            continue
        attempt = send(msg)
        db.session.rollback()  # end the read transaction before writing
        with write_transaction():
            msg = db.session.get(model, msg_id, populate_existing=True)
            if msg is None:  # withdrawn while it was being sent
                continue
            outcome = _settle(msg, attempt, now, max_attempts, retry_base_seconds, kind, getattr(msg, recipient))
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _settle(msg, attempt: Attempt, now: datetime, max_attempts: int, retry_base_seconds: int, kind: str,
            recipient: str) -> str:
    msg.attempts = (msg.attempts or 0) + 1
    msg.claimed_until = msg.claimed_by = None
    error = attempt.error
    if error is None:
        msg.sent_at = utcnow()
        for column, value in attempt.sent.items():
            setattr(msg, column, value)
        return "sent"
    msg.last_error = error
    if attempt.permanent or msg.attempts >= max_attempts:
        msg.dead_at = utcnow()
        log.error("%s %s to %s given up after %d attempts: %s", kind, msg.id, recipient, msg.attempts, error)
        return "dead"
    msg.next_attempt_at = now + retry_delay(msg.attempts, retry_base_seconds)
    log.warning("%s %s to %s failed (attempt %d), retry at %s: %s", kind, msg.id, recipient, msg.attempts,
                msg.next_attempt_at.isoformat(), error)
    return "retried"


def dead_letters(model, limit: int = 50) -> list:
    """Messages given up on, newest first (for the county admin)."""
    return list(db.session.scalars(select(model).where(model.dead_at.is_not(None))
                                   .order_by(model.dead_at.desc(), model.id.desc()).limit(limit)))


def counts(model) -> dict[str, int]:
    """How many messages wait and how many were given up on."""
    waiting = db.session.scalar(select(func.count(model.id)).where(model.sent_at.is_(None),
                                                                   model.dead_at.is_(None))) or 0
    dead = db.session.scalar(select(func.count(model.id)).where(model.dead_at.is_not(None))) or 0
    return {"waiting": waiting, "dead": dead}


def requeue(model, message_id: int, usable=lambda msg: True) -> bool:
    """Give a dead message a fresh set of attempts (call inside a write transaction)."""
    msg = db.session.get(model, message_id)
    if msg is None or msg.dead_at is None or msg.sent_at is not None or not usable(msg):
        return False
    msg.dead_at, msg.attempts, msg.next_attempt_at = None, 0, None
    return True
