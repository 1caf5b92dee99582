"""Who handles a case: the village's township, or the county (rules, conflicts, recusal, overdue)."""
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from portal.complaints import notify
from portal.complaints.events import add_event, audit_case
from portal.complaints.models import Complaint, Recusal, RoutingRule
from portal.core import permissions
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.roles import Level, Status
from portal.core.text import refuse_hidden, refuse_too_long
from portal.extensions import db

ESCALATION_REASONS = ("township_officials", "routing_rule", "recusal", "overdue", "manual", "review")
NOTE_MAX = 2000


@cache
def _rules_statement():
    # Built once: every complaint is routed, and constructing a statement costs about what running it does.
    return (select(RoutingRule.township_id, RoutingRule.level)
            .where(RoutingRule.category == bindparam("category"),
                   (RoutingRule.township_id == bindparam("township_id")) | RoutingRule.township_id.is_(None)))


def route(township_id: int, category: str, concerns_township_officials: bool,
          channel: str | None = None) -> tuple[str, str | None]:
    """Return (handling level, reason) for a new complaint.

    A complaint about township officials goes to the county (Art. 15: a body
    does not judge its own head); one the county received itself (channel
    ``county``) starts there, and the county may assign it down (交办);
    otherwise the county's routing rule for the township and category wins
    over its rule for every township, and the default is the village's township.
    """
    if concerns_township_officials:
        return Level.COUNTY, "township_officials"
    if channel == "county":
        return Level.COUNTY, None
    rules = db.session.execute(_rules_statement(), {"category": category, "township_id": township_id}).all()
    specific = [level for tid, level in rules if tid == township_id]
    general = [level for tid, level in rules if tid is None]
    level = (specific or general or [Level.TOWNSHIP])[0]
    if level == Level.COUNTY:
        return Level.COUNTY, "routing_rule"
    return Level.TOWNSHIP, None


def _required_reason(reason, message) -> str:
    """Return a typed reason of 4 to 2000 plain characters, or refuse with message."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not 4 <= len(reason) <= 2000:
        raise PortalError(message, field="reason")
    refuse_hidden("reason", reason)
    return reason


def escalate(complaint: Complaint, actor, reason: str | None) -> None:
    """Let a township handler send a case up to the county, saying why."""
    if not permissions.can_escalate_complaint(actor, complaint):
        raise PortalError(_l("Only a township handler of this case can send it to the county."))
    reason = _required_reason(reason, _l("Say why the county should handle this case (4 to 2000 characters)."))
    move_to_county(complaint, actor, "manual", reason)


def move_to_county(complaint: Complaint, actor, reason: str, note: str | None = None, *, tell: bool = True) -> None:
    """Move a case to the county handlers (status unchanged) and, unless told not to, tell them."""
    if reason not in ESCALATION_REASONS:
        raise ValueError(f"unknown escalation reason {reason!r}")
    complaint.handling_level = Level.COUNTY
    complaint.escalated_at = utcnow()
    complaint.escalation_reason = reason
    add_event(complaint, "escalation", actor, body=note or reason)
    audit_case("complaint_escalated", complaint, actor, reason)
    if tell:
        notify.escalated(complaint)


def recuse(complaint: Complaint, actor, reason: str | None) -> Recusal:
    """Record a handler's recusal (回避) and hand the case to the county."""
    if not permissions.can_recuse_complaint(actor, complaint):
        raise PortalError(_l("Only a township handler of this case can recuse."))
    reason = _required_reason(reason, _l("Give the reason for the recusal (4 to 2000 characters)."))
    recusal = Recusal(complaint_id=complaint.id, user_id=actor.id, reason=reason)
    db.session.add(recusal)
    add_event(complaint, "recusal", actor, body=reason)
    audit_case("complaint_recused", complaint, actor)
    move_to_county(complaint, actor, "recusal")
    return recusal


def stays_at_county(complaint: Complaint):
    """Why a county case may not be sent back to its township (交办), or None when it may.

    A conflict (township officials named, a recused handler) sent it up, and a review is the county's own.
    """
    if complaint.concerns_township_officials or complaint.escalation_reason == "recusal":
        return _l("This case concerns township officials or a recused handler and stays at the county.")
    if complaint.status == Status.UNDER_REVIEW:
        return _l("A case under review stays at the county.")
    return None


def assign_to_township(complaint: Complaint, actor, note: str | None = None) -> None:
    """Send a county case back to its township (交办); refused where a conflict sent it up."""
    if not permissions.can_assign_complaint(actor, complaint):
        raise PortalError(_l("Only county handlers can assign a case to a township."))
    refusal = stays_at_county(complaint)
    if refusal is not None:
        raise PortalError(refusal)
    note = note.strip() if isinstance(note, str) else ""
    refuse_too_long("note", note, NOTE_MAX)
    refuse_hidden("note", note)
    complaint.handling_level = Level.TOWNSHIP
    add_event(complaint, "assignment", actor, body=note or None)
    audit_case("complaint_assigned", complaint, actor)
    notify.new_case(complaint)
