"""Overdue cases: township ones go to the county; county ones are flagged to the county handlers once."""
from dataclasses import dataclass

from sqlalchemy import select

from portal.complaints import notify
from portal.complaints.clock import Clock, clock
from portal.complaints.events import add_event, audit_case
from portal.complaints.models import Complaint, ComplaintEvent
from portal.complaints.routing import move_to_county
from portal.core.roles import OPEN_STATUSES, Level
from portal.extensions import db


@dataclass
class OverdueResult:
    escalated: int = 0
    flagged: int = 0
    mails: int = 0


def _already_flagged(complaint: Complaint, due_text: str) -> bool:
    return db.session.scalar(select(ComplaintEvent.id).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.kind == "overdue",
        ComplaintEvent.body == due_text).limit(1)) is not None


def escalate_overdue(clk: Clock | None = None) -> OverdueResult:
    """Escalate overdue township cases and flag overdue county cases (the caller commits)."""
    clk = clk or clock()
    result = OverdueResult()
    cases = db.session.scalars(select(Complaint).where(Complaint.status.in_(OPEN_STATUSES))
                               .order_by(Complaint.id)).all()
    for complaint in cases:
        state = clk.state(complaint)
        if state.level != "overdue":
            continue
        due_text = state.due.isoformat()
        if complaint.handling_level == Level.TOWNSHIP:
            move_to_county(complaint, None, "overdue", note=due_text, tell=False)
            result.escalated += 1
        elif _already_flagged(complaint, due_text):
            continue
        else:
            result.flagged += 1
        add_event(complaint, "overdue", None, body=due_text)
        audit_case("complaint_overdue", complaint, None, due_text)
        result.mails += notify.overdue(complaint, state.due)
    return result
