"""E-mail through an outbox table: nothing is lost when SMTP is down."""
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def enqueue(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the current transaction (sent by ``deliver_pending``)."""
    msg = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(msg)
    return msg


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
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        smtp.send_message(email)


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Try to send queued messages; return (sent, failed). Failures stay queued."""
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for msg in pending:
        msg.attempts += 1
        try:
            _send(msg)
        except (OSError, smtplib.SMTPException) as exc:
            msg.last_error = str(exc)[:500]
            failed += 1
        else:
            msg.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, failed
