"""Text messages (SMS) through an outbox table, like e-mail (``portal.core.mail``).

A message is queued in the transaction that caused it (``enqueue``) and sent by the job
runner. Senders *claim* due rows in a short write transaction (``FOR UPDATE SKIP LOCKED``
on PostgreSQL, the ``BEGIN IMMEDIATE`` write lock on SQLite) by taking a lease, send
outside any transaction, then record the outcome: two runners at once send each message
once. Failures wait 1, 2, 4 … minutes; after ``SMS_MAX_ATTEMPTS`` (or at once when the
gateway says the request itself is wrong) the message is dead and listed for the county.

The number is kept encrypted only until the message is sent, then dropped; the outbox
keeps the masked number for the county's list. A message carries a template code and
its parameters (a public reference and where to look), never anything the resident wrote.
"""
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, Text, delete
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import outbox
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.db import utcnow
from portal.core.masking import mask_phone
from portal.core.sms_gateway import SmsError, provider
from portal.extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 60
TEMPLATES = ("case_update", "case_question")


class SmsMessage(outbox.OutboxColumns, db.Model):
    __tablename__ = "sms_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is about, e.g. "complaint:12": lets a case's waiting messages be withdrawn.
    ref: Mapped[str] = mapped_column(String(64), index=True)
    template: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text)  # JSON of the template's parameters
    # Fernet token of the number; NULL once sent or withdrawn.
    recipient_encrypted: Mapped[str | None] = mapped_column(Text)
    recipient_masked: Mapped[str] = mapped_column(String(20))
    gateway_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's id of the sent message


@dataclass
class SmsResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0


def is_mobile(number: str | None) -> bool:
    return isinstance(number, str) and len(number) == 11 and number.isdigit() and number[0] == "1" \
        and number[1] in "3456789"


def enqueue(number: str, template: str, params: dict, ref: str) -> SmsMessage:
    """Queue a text to a mainland mobile number in the current transaction."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown SMS template {template!r}")
    if not is_mobile(number):
        raise ValueError("text messages go to mobile numbers only")
    msg = SmsMessage(ref=ref, template=template, params=json.dumps(params, ensure_ascii=False, sort_keys=True),
                     recipient_encrypted=encrypt_text(number), recipient_masked=mask_phone(number), attempts=0)
    db.session.add(msg)
    return msg


def withdraw(ref: str) -> int:
    """Delete the messages about ``ref`` that were not sent (consent withdrawn, contact erased)."""
    result = db.session.execute(delete(SmsMessage).where(SmsMessage.ref == ref, SmsMessage.sent_at.is_(None))
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _cfg(name: str, default):
    return current_app.config.get(name, default)


def _retry_base() -> int:
    return int(_cfg("SMS_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS))



def claim(limit: int, now: datetime) -> tuple[str, list[int]]:
    """Take a lease on up to ``limit`` due messages; return the lease token and their ids."""
    lease = timedelta(seconds=float(_cfg("SMS_TIMEOUT", 10)) * 2 * limit + 60)
    return outbox.claim(SmsMessage, limit, now, lease, SmsMessage.recipient_encrypted.is_not(None))


def deliver_pending(limit: int = 50, now: datetime | None = None) -> SmsResult:
    """Send the due messages once each; failures wait (backoff) or, at the limit, die."""
    now = now or utcnow()
    gateway = provider(current_app.config)  # a misconfiguration fails here, before anything is claimed
    token, ids = claim(limit, now)

    def attempt(msg: SmsMessage) -> outbox.Attempt:
        try:
            gateway_id = gateway.send(decrypt_text(msg.recipient_encrypted), msg.recipient_masked, msg.template,
                                      json.loads(msg.params))
        except SmsError as exc:
            return outbox.Attempt(str(exc)[:500], exc.permanent)
        except ValueError:
            return outbox.Attempt("the stored number cannot be read with this portal's key", permanent=True)
        # Sent: the number is no longer needed here.
        return outbox.Attempt(sent={"gateway_id": (gateway_id or "")[:64] or None, "recipient_encrypted": None})

    return outbox.deliver(SmsMessage, token, ids, now, attempt, SmsResult(), kind="sms", recipient="recipient_masked",
                          max_attempts=int(_cfg("SMS_MAX_ATTEMPTS", MAX_ATTEMPTS)), retry_base_seconds=_retry_base(),
                          usable=lambda msg: bool(msg.recipient_encrypted))


def dead_letters(limit: int = 50) -> list[SmsMessage]:
    """Messages given up on, newest first (for the county admin)."""
    return outbox.dead_letters(SmsMessage, limit)


def outbox_counts() -> dict[str, int]:
    """How many texts wait and how many were given up on."""
    return outbox.counts(SmsMessage)


def requeue(message_id: int) -> bool:
    """Give a dead message a fresh set of attempts (call inside a write transaction)."""
    return outbox.requeue(SmsMessage, message_id, usable=lambda msg: bool(msg.recipient_encrypted))
