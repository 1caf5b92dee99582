"""Related complaints shown together as one lead (线索), within what the handler may read.

Two cases are related when they name the same village and, within 90 days of each other,
the same power item, the same disclosure or the same person (who the case is about, as
the complainant wrote it, compared without spaces, punctuation or case). A handler can
link two cases the rules missed, or unlink a pair the rules joined; both are audited.
Every candidate passes the scope filter of the permission layer first, so a lead never
shows a case the handler could not open: not another township's, not one escalated away,
not one they recused from or that names them.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload

from portal.complaints.events import audit_case
from portal.complaints.models import Complaint, ComplaintLink
from portal.core import permissions
from portal.core.errors import PortalError
from portal.extensions import db

WINDOW = timedelta(days=90)
REASONS = ("power_item", "disclosure", "payment", "person", "linked")
REASON_LABELS = {"power_item": _l("same power item"), "disclosure": _l("same disclosure"),
                 "payment": _l("same payment line"),
                 "person": _l("same person named"), "linked": _l("linked by a handler")}
_NOT_NAME = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class Related:
    complaint: Complaint
    reasons: list[str] = field(default_factory=list)


def person_key(about: str | None) -> str | None:
    """Who a case is about, compared loosely (张 三 = 张三); None when too short to mean anyone."""
    key = _NOT_NAME.sub("", unicodedata.normalize("NFKC", about or "")).casefold()
    return key if len(key) >= 2 else None


def _match(a: Complaint, b: Complaint) -> list[str]:
    if a.village_id != b.village_id or abs(a.received_at - b.received_at) > WINDOW:
        return []
    reasons = []
    if a.power_item_id and a.power_item_id == b.power_item_id:
        reasons.append("power_item")
    if a.disclosure_id and a.disclosure_id == b.disclosure_id:
        reasons.append("disclosure")
    if a.subsidy_payment_id and a.subsidy_payment_id == b.subsidy_payment_id:
        reasons.append("payment")
    key = person_key(a.about)
    if key and key == person_key(b.about):
        reasons.append("person")
    return reasons


def _decisions(ids: list[int]) -> dict[tuple[int, int], bool]:
    rows = db.session.scalars(select(ComplaintLink).where(
        or_(ComplaintLink.first_id.in_(ids), ComplaintLink.second_id.in_(ids))))
    return {(r.first_id, r.second_id): r.linked for r in rows}


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def leads_for(user, complaints: list[Complaint]) -> dict[int, list[Related]]:
    """The related cases of each given case, among those the user may read (oldest first)."""
    if not complaints:
        return {}
    ids = [c.id for c in complaints]
    decisions = _decisions(ids)
    linked_ids = {x for (a, b), linked in decisions.items() if linked for x in (a, b)} - set(ids)
    earliest = min(c.received_at for c in complaints) - WINDOW
    latest = max(c.received_at for c in complaints) + WINDOW
    villages = {c.village_id for c in complaints}
    nearby = Complaint.village_id.in_(villages) & (Complaint.received_at >= earliest) & (
        Complaint.received_at <= latest)
    candidates = list(db.session.scalars(
        select(Complaint).where(permissions.complaint_scope_filter(user, Complaint),
                                or_(nearby, Complaint.id.in_(linked_ids) if linked_ids else false()))
        .options(joinedload(Complaint.village)).order_by(Complaint.received_at, Complaint.id)).unique())
    hidden: dict[int, bool] = {}
    out: dict[int, list[Related]] = {}
    for case in complaints:
        found = []
        for other in candidates:
            if other.id == case.id:
                continue
            decision = decisions.get(_pair(case.id, other.id))
            reasons = ["linked"] if decision else ([] if decision is False else _match(case, other))
            if not reasons:
                continue
            if other.id not in hidden:  # a case that names this handler shows them nothing of itself
                hidden[other.id] = permissions.must_recuse(user, other)
            if not hidden[other.id]:
                found.append(Related(other, reasons))
        out[case.id] = found
    return out


def _find(user, reference) -> Complaint:
    text = (reference or "").strip().upper() if isinstance(reference, str) else ""
    other = db.session.scalar(select(Complaint).where(
        or_(Complaint.case_number == text, Complaint.public_reference == text))) if 0 < len(text) <= 32 else None
    if other is None or not permissions.can_change_complaint(user, other):
        # The same answer whether the case does not exist or is not the handler's.
        raise PortalError(_l("No case with this number in your inbox."), field="other")
    return other


def _decide(complaint: Complaint, other: Complaint, actor, linked: bool) -> None:
    if not permissions.can_link_complaints(actor, complaint, other):
        raise PortalError(_l("You may not change this case."))
    if other.id == complaint.id:
        raise PortalError(_l("A case cannot be linked to itself."), field="other")
    first, second = _pair(complaint.id, other.id)
    row = db.session.scalar(select(ComplaintLink).where(ComplaintLink.first_id == first,
                                                        ComplaintLink.second_id == second))
    if row is None:
        row = ComplaintLink(first_id=first, second_id=second)
        db.session.add(row)
    row.linked, row.actor_id = linked, actor.id
    action = "complaint_linked" if linked else "complaint_unlinked"
    audit_case(action, complaint, actor, other.case_number)
    audit_case(action, other, actor, complaint.case_number)


def link(complaint: Complaint, actor, reference) -> Complaint:
    """Put another case (by case number or public reference) into this case's lead."""
    other = _find(actor, reference)
    _decide(complaint, other, actor, True)
    return other


def unlink(complaint: Complaint, actor, other_id) -> Complaint:
    """Take a case out of this case's lead (the rules will not join the two again)."""
    try:
        other = db.session.get(Complaint, int(other_id))
    except (TypeError, ValueError):
        other = None
    if other is None or not permissions.can_change_complaint(actor, other):
        raise PortalError(_l("No case with this number in your inbox."), field="other")
    _decide(complaint, other, actor, False)
    return other
