"""The history of a case: events (some shown to the complainant) and audit entries."""
from flask_login import AnonymousUserMixin

from portal.complaints.models import Complaint, ComplaintEvent
from portal.core import audit
from portal.extensions import db

# Kinds the complainant sees on the tracking page; everything else is internal.
PUBLIC_KINDS = frozenset({"status", "message", "question", "answer", "info", "rating", "extension"})
STAFF_MESSAGE_KINDS = ("message", "question")


class Complainant(AnonymousUserMixin):
    """The actor of a resident's action: never linked to an account or an address."""


COMPLAINANT = Complainant()


def add_event(complaint: Complaint, kind: str, actor=None, *, body: str | None = None, public: bool | None = None,
              from_status: str | None = None, to_status: str | None = None) -> ComplaintEvent:
    """Append an event to a case (the caller commits)."""
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    event = ComplaintEvent(
        complaint=complaint, kind=kind, actor_id=actor.id if staff else None, body=body,
        public=(kind in PUBLIC_KINDS) if public is None else public,
        from_status=from_status, to_status=to_status,
    )
    db.session.add(event)
    return event


def audit_case(action: str, complaint: Complaint, actor=None, detail: str | None = None):
    """Record an audit entry about a case; residents' actions carry no user and no address."""
    staff = actor is not None and getattr(actor, "is_authenticated", False)
    text = complaint.case_number if detail is None else f"{complaint.case_number} {detail}"
    return audit.record(action, "complaint", complaint.id, text, user=actor if staff else COMPLAINANT)
