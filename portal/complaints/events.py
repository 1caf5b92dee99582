"""The history of a case: events (some shown to the complainant) and audit entries."""
from flask_login import AnonymousUserMixin
from sqlalchemy import insert

from portal.complaints.models import Complaint, ComplaintEvent
from portal.core import audit
from portal.core.db import write_rows
from portal.extensions import db

# Kinds the complainant sees on the tracking page; everything else is internal.
PUBLIC_KINDS = frozenset({"status", "message", "question", "answer", "info", "rating", "extension"})
STAFF_MESSAGE_KINDS = ("message", "question")


class Complainant(AnonymousUserMixin):
    """The actor of a resident's action: never linked to an account or an address."""


COMPLAINANT = Complainant()


def _event(kind: str, actor, body: str | None, public: bool | None, from_status: str | None,
           to_status: str | None) -> dict:
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    return {"kind": kind, "actor_id": actor.id if staff else None, "body": body,
            "public": (kind in PUBLIC_KINDS) if public is None else public,
            "from_status": from_status, "to_status": to_status}


def add_event(complaint: Complaint, kind: str, actor=None, *, body: str | None = None, public: bool | None = None,
              from_status: str | None = None, to_status: str | None = None) -> ComplaintEvent:
    """Append an event to a case (the caller commits)."""
    event = ComplaintEvent(complaint=complaint, **_event(kind, actor, body, public, from_status, to_status))
    db.session.add(event)
    return event


def write_event(complaint: Complaint, kind: str, actor=None, *, body: str | None = None, public: bool | None = None,
                from_status: str | None = None, to_status: str | None = None) -> int:
    """Append the same event as ``add_event`` to a stored case with one INSERT and no ORM object; return its id."""
    row = {"complaint_id": complaint.id, **_event(kind, actor, body, public, from_status, to_status)}
    return write_rows(insert(ComplaintEvent.__table__), row).inserted_primary_key[0]


def _case_entry(action: str, complaint: Complaint, actor, detail: str | None) -> tuple:
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    text = complaint.case_number if detail is None else f"{complaint.case_number} {detail}"
    return action, "complaint", complaint.id, text, actor if staff else COMPLAINANT


def audit_case(action: str, complaint: Complaint, actor=None, detail: str | None = None):
    """Record an audit entry about a case; residents' actions carry no user and no address."""
    return audit.record(*_case_entry(action, complaint, actor, detail))


def write_case_audit(action: str, complaint: Complaint, actor=None, detail: str | None = None) -> None:
    """The same entry as ``audit_case`` with one INSERT and no ORM object (the caller commits)."""
    audit.write(*_case_entry(action, complaint, actor, detail))
