"""Handler actions that leave the status alone: notes, messages and questions to the complainant."""
from flask_babel import lazy_gettext as _l

from portal.complaints import sms_notify
from portal.complaints.events import add_event, audit_case
from portal.complaints.models import Complaint, ComplaintEvent
from portal.complaints.textcheck import Errors, clean_text
from portal.core import permissions
from portal.core.errors import PortalError

TEXT_MAX = 5000


def _text(value, field: str = "body") -> str:
    errors = Errors()
    text = clean_text(value, field, errors, multiline=True, required=True, min_len=2, max_len=TEXT_MAX)
    if errors:
        raise PortalError(errors=errors)
    return text


def _require(actor, complaint: Complaint) -> None:
    if not permissions.can_change_complaint(actor, complaint):
        raise PortalError(_l("You may not change this case."))


def add_note(complaint: Complaint, actor, body) -> ComplaintEvent:
    """Write an internal note (never shown to the complainant)."""
    _require(actor, complaint)
    event = add_event(complaint, "note", actor, body=_text(body), public=False)
    audit_case("complaint_note", complaint, actor)
    return event


def send_message(complaint: Complaint, actor, body, *, question: bool = False) -> ComplaintEvent:
    """Send the complainant a message, or a question they can answer on the tracking page."""
    _require(actor, complaint)
    kind = "question" if question else "message"
    event = add_event(complaint, kind, actor, body=_text(body), public=True)
    audit_case(f"complaint_{kind}", complaint, actor)
    if question:
        sms_notify.news(complaint, "question")
    return event
