"""The one writer of a complaint's status: ``transition`` and its ALLOWED table."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.complaints import notify, sms_notify
from portal.complaints.clock import clock
from portal.complaints.events import add_event, audit_case
from portal.complaints.models import DISPOSAL_MODES, FINDINGS, Complaint, ComplaintEvent
from portal.complaints.textcheck import Errors, clean_text, parse_int
from portal.core import permissions
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.labels import label
from portal.core.roles import STATUSES, Level, Status
from portal.extensions import db

ALLOWED = {
    Status.RECEIVED: (Status.ACCEPTED, Status.DECLINED, Status.TRANSFERRED),
    Status.ACCEPTED: (Status.IN_PROGRESS,),
    Status.IN_PROGRESS: (Status.CONCLUDED,),
    Status.CONCLUDED: (Status.UNDER_REVIEW,),
    Status.UNDER_REVIEW: (Status.CONCLUDED,),
}
# Reached only through the complainant's review request, never by staff.
COMPLAINANT_ONLY = frozenset({Status.UNDER_REVIEW})
OPEN_FOR_EXTENSION = (Status.ACCEPTED, Status.IN_PROGRESS)
# A first review (复查) and a final one (复核), as the petition rules allow.
MAX_REVIEWS = 2
REPLY_MAX = 5000


def _is_staff(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def allowed_targets(complaint: Complaint) -> tuple[str, ...]:
    """Statuses staff may move the case to now."""
    return tuple(s for s in ALLOWED.get(complaint.status, ()) if s not in COMPLAINANT_ONLY)


def review_count(complaint: Complaint) -> int:
    """How many times the complainant has asked for a review."""
    return db.session.scalar(select(func.count(ComplaintEvent.id)).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == "status",
        ComplaintEvent.to_status == Status.UNDER_REVIEW)) or 0


def review_refusal(complaint: Complaint, clk=None):
    """Return why a review cannot be requested now, or None when it can."""
    if complaint.status != Status.CONCLUDED:
        return _l("A review can only be requested for a concluded case.")
    until = (clk or clock()).review_until(complaint)
    if until is None or (clk or clock()).today > until:
        return _l("A review can only be requested within 30 days of the reply.")
    if review_count(complaint) >= MAX_REVIEWS:
        return _l("This case has already been reviewed.")
    return None


def _details(to_status: str, details: dict, errors: Errors) -> dict:
    """Check what a transition needs; return the cleaned values."""
    out = {}
    if to_status in (Status.DECLINED, Status.TRANSFERRED, Status.CONCLUDED):
        out["reply"] = clean_text(details.get("reply"), "reply", errors, multiline=True, required=True,
                                  min_len=4, max_len=REPLY_MAX)
    if to_status == Status.TRANSFERRED:
        out["transferred_to"] = clean_text(details.get("transferred_to"), "transferred_to", errors,
                                           required=True, min_len=2, max_len=255)
    if to_status == Status.CONCLUDED:
        if details.get("finding") not in FINDINGS:
            errors.add("finding", _l("Choose the finding."))
        if details.get("disposal_mode") not in DISPOSAL_MODES:
            errors.add("disposal_mode", _l("Choose how the case was disposed of."))
        out["finding"], out["disposal_mode"] = details.get("finding"), details.get("disposal_mode")
        out["clarification"] = clean_text(details.get("clarification"), "clarification", errors, multiline=True,
                                          max_len=REPLY_MAX) or None
    if to_status == Status.IN_PROGRESS:
        mode = details.get("disposal_mode") or None
        if mode is not None and mode not in DISPOSAL_MODES:
            errors.add("disposal_mode", _l("Choose how the case was disposed of."))
        out["disposal_mode"] = mode
    if to_status == Status.UNDER_REVIEW:
        out["reason"] = clean_text(details.get("reason"), "reason", errors, multiline=True, required=True,
                                   min_len=10, max_len=REPLY_MAX)
    return out


def transition(complaint: Complaint, to_status: str, actor, **details) -> ComplaintEvent:
    """Move a case to another status, or raise PortalError and change nothing (the caller commits)."""
    values = check(complaint, to_status, actor, **details)
    return _apply(complaint, to_status, actor, values)


def check(complaint: Complaint, to_status: str, actor, **details) -> dict:
    """Tell whether the move is allowed and complete; return the cleaned values, changing nothing."""
    from_status = complaint.status
    if to_status not in STATUSES or to_status not in ALLOWED.get(from_status, ()):
        raise PortalError(_l("A case that is “%(from)s” cannot become “%(to)s”.",
                             **{"from": label("status", from_status), "to": label("status", to_status)}))
    if to_status in COMPLAINANT_ONLY:
        if _is_staff(actor):
            raise PortalError(_l("Only the complainant can ask for a review."))
        refusal = review_refusal(complaint)
        if refusal:
            raise PortalError(refusal)
    elif not (_is_staff(actor) and permissions.can_change_complaint(actor, complaint)):
        raise PortalError(_l("You may not change this case."))
    errors = Errors()
    values = _details(to_status, details, errors)
    if errors:
        raise PortalError(errors=errors)
    return values


def _apply(complaint: Complaint, to_status: str, actor, values: dict) -> ComplaintEvent:
    from_status = complaint.status
    now = utcnow()
    complaint.status = to_status
    body = values.get("reply")
    if to_status == Status.ACCEPTED:
        complaint.accepted_at = now
    elif to_status in (Status.DECLINED, Status.TRANSFERRED, Status.CONCLUDED):
        complaint.reply, complaint.replied_at = values["reply"], now
        if to_status == Status.DECLINED:
            complaint.decline_reason = values["reply"]
        elif to_status == Status.TRANSFERRED:
            complaint.transferred_to = values["transferred_to"]
        else:
            complaint.finding, complaint.disposal_mode = values["finding"], values["disposal_mode"]
            complaint.clarification = values["clarification"] or complaint.clarification
            complaint.concluded_at = now
            # A new conclusion (after a review) is rated afresh.
            complaint.rating, complaint.rated_at = None, None
    elif to_status == Status.IN_PROGRESS and values.get("disposal_mode"):
        complaint.disposal_mode = values["disposal_mode"]
    elif to_status == Status.UNDER_REVIEW:
        body = values["reason"]
        complaint.review_requested_at = now
        complaint.handling_level, complaint.escalated_at, complaint.escalation_reason = Level.COUNTY, now, "review"
    event = add_event(complaint, "status", actor, body=body, from_status=from_status, to_status=to_status)
    audit_case("complaint_transition", complaint, actor, f"{from_status}->{to_status}")
    if to_status == Status.UNDER_REVIEW:
        notify.escalated(complaint)
    sms_notify.news(complaint, to_status)  # only the statuses that are news for the complainant
    return event


def extend(complaint: Complaint, actor, days, reason) -> ComplaintEvent:
    """Extend the conclusion deadline once, by at most the county's maximum, with a reason."""
    if not (_is_staff(actor) and permissions.can_change_complaint(actor, complaint)):
        raise PortalError(_l("You may not change this case."))
    if complaint.status not in OPEN_FOR_EXTENSION:
        raise PortalError(_l("Only an accepted case being handled can be extended."))
    if complaint.extended_days:
        raise PortalError(_l("The deadline of this case has already been extended once."))
    limit = clock().rules.max_extension_days
    errors = Errors()
    message = _l("Enter a number of days from 1 to %(n)s.", n=limit)
    number = parse_int(days, "days", errors, message)
    if number is None and "days" not in errors:
        errors.add("days", message)
    elif number is not None and number > limit:
        errors.add("days", message)
    text = clean_text(reason, "reason", errors, multiline=True, required=True, min_len=4, max_len=2000)
    if errors:
        raise PortalError(errors=errors)
    complaint.extended_days, complaint.extension_reason = number, text
    event = add_event(complaint, "extension", actor)
    audit_case("complaint_extended", complaint, actor, f"{number}d")
    sms_notify.news(complaint, "extension")
    return event
