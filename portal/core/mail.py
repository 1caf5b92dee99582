"""E-mail through an outbox table: nothing is lost when SMTP is down, nothing is sent twice.

Messages are queued in the transaction that caused them (``enqueue``) and sent by the
job runner (``flask --app portal jobs run``). A sender first *claims* a batch of due
messages in a short write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the
``BEGIN IMMEDIATE`` write lock on SQLite) by setting a lease, sends them outside any
transaction, then records each outcome. A second sender running at the same moment
skips claimed rows, so each message goes out once. A failed send is retried with
exponential backoff; after ``MAIL_MAX_ATTEMPTS`` the message is *dead*: kept, counted
and listed for the county admin, never dropped silently.
"""
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import String, Text, insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import outbox
from portal.core.db import utcnow, write_rows
from portal.extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 60


class OutboxMessage(outbox.OutboxColumns, db.Model):
    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "dead" if self.dead_at is not None else "queued"


@dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0  # failed this time, will be tried again later
    dead: int = 0  # failed for the last allowed time this run

    def __iter__(self):  # ``sent, failed = deliver_pending()`` keeps working
        return iter((self.sent, self.retried + self.dead))

    def __eq__(self, other):
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented if not isinstance(other, DeliveryResult) else vars(self) == vars(other)


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the current transaction (sent by ``deliver_pending``)."""
    msg = OutboxMessage(recipient=recipient, subject=subject, body=body, attempts=0)
    db.session.add(msg)
    return msg


def enqueue_all(recipients: list[str], subject: str, body: str) -> int:
    """Queue one message to each recipient with one INSERT and no ORM objects (the caller commits)."""
    if recipients:
        write_rows(insert(OutboxMessage.__table__),
                   [{"recipient": r, "subject": subject, "body": body, "attempts": 0} for r in recipients])
    return len(recipients)


def _send(msg: OutboxMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        # No SMTP configured: the log is the delivery channel.
        log.info("mail to=%s subject=%s", msg.recipient, msg.subject)
        return
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    email.set_content(msg.body)
    # The timeout bounds every socket operation: a server that accepts and never answers
    # costs one timeout, not a stalled sender.
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 10)) as smtp:
        smtp.send_message(email)


def _attempt(msg: OutboxMessage) -> outbox.Attempt:
    try:
        _send(msg)
    except (OSError, smtplib.SMTPException) as exc:
        return outbox.Attempt(f"{type(exc).__name__}: {exc}"[:500])
    return outbox.Attempt()


def _max_attempts() -> int:
    return int(current_app.config.get("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS))


def _retry_base() -> int:
    return int(current_app.config.get("MAIL_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS))



def claim(limit: int, now: datetime) -> tuple[str, list[int]]:
    """Take a lease on up to ``limit`` due messages; return the lease token and their ids."""
    lease = timedelta(seconds=int(current_app.config.get("MAIL_TIMEOUT", 10)) * 3 * limit + 60)
    return outbox.claim(OutboxMessage, limit, now, lease)


def deliver_pending(limit: int = 100, now: datetime | None = None) -> DeliveryResult:
    """Send the due queued messages once each; failures wait (backoff) or, at the limit, die."""
    now = now or utcnow()
    token, ids = claim(limit, now)
    return outbox.deliver(OutboxMessage, token, ids, now, _attempt, DeliveryResult(), kind="mail",
                          recipient="recipient", max_attempts=_max_attempts(), retry_base_seconds=_retry_base())


def dead_letters(limit: int = 50) -> list[OutboxMessage]:
    """Messages given up on, newest first (for the county admin)."""
    return outbox.dead_letters(OutboxMessage, limit)


def outbox_counts() -> dict[str, int]:
    """How many messages wait and how many were given up on."""
    return outbox.counts(OutboxMessage)


def requeue(message_id: int) -> bool:
    """Give a dead message a fresh set of attempts (call inside a write transaction)."""
    return outbox.requeue(OutboxMessage, message_id)
