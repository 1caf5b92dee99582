"""The append-only audit log of staff reads and changes."""
from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, event, insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import UTCDateTime, utcnow, write_rows
from portal.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    # Staff address only; complainants are never logged here.
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=1)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit entries are append-only")


def _entry(action: str, object_type: str, object_id, detail: str | None, user) -> dict:
    actor = user if user is not None else (current_user if has_request_context() else None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "user_id": actor.id if authenticated else None,
        "username": actor.username if authenticated else None,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "detail": detail,
        "remote_addr": request.remote_addr if has_request_context() and authenticated else None,
    }


def record(action: str, object_type: str, object_id=None, detail: str | None = None, user=None) -> AuditEntry:
    """Append an audit entry for the acting staff member (the caller commits)."""
    entry = AuditEntry(**_entry(action, object_type, object_id, detail, user))
    db.session.add(entry)
    return entry


def write(action: str, object_type: str, object_id=None, detail: str | None = None, user=None) -> None:
    """Append the same entry as ``record`` with one INSERT and no ORM object (the caller commits)."""
    write_rows(insert(AuditEntry.__table__), _entry(action, object_type, object_id, detail, user))
