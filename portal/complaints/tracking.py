"""The complainant's side after filing: find a case by receipt, see it, answer, add, rate, ask for review."""
import time

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.complaints import notify
from portal.complaints.clock import Clock
from portal.complaints.conflicts import conflict_reason
from portal.complaints.events import COMPLAINANT, STAFF_MESSAGE_KINDS, add_event, audit_case
from portal.complaints.intake import attach, discard, store_files
from portal.complaints.models import RATINGS, Complaint, ComplaintAttachment, ComplaintEvent
from portal.complaints.receipts import hash_receipt, legacy_hash_receipt, normalize_receipt
from portal.complaints.routing import move_to_county
from portal.complaints.textcheck import Errors, clean_text
from portal.complaints.workflow import review_refusal, transition
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.labels import label
from portal.core.roles import CLOSED_STATUSES, Level, Status
from portal.extensions import db

SESSION_KEY = "complaint_access"
ACCESS_SECONDS = 30 * 60
MAX_CASE_FILES = 20


def find_by_receipt(text) -> Complaint | None:
    """Return the case of a receipt, or None for anything else (same work either way)."""
    digits = normalize_receipt(text)
    # Hash malformed input too, so a wrong receipt answers no faster than an unknown one.
    candidate = digits if digits else "invalid"
    digest = hash_receipt(candidate)
    found = db.session.scalar(select(Complaint).where(Complaint.receipt_hash == digest)) if digits else None
    if found is not None:
        return found
    # Receipts issued before HMAC were stored as scrypt: look for one (wrong and malformed receipts pay the
    # same cost), and store the HMAC in its place so the next lookup is fast.
    legacy = legacy_hash_receipt(candidate)
    if digits is None:
        return None
    found = db.session.scalar(select(Complaint).where(Complaint.receipt_hash == legacy))
    if found is not None:
        found.receipt_hash = digest
        db.session.commit()
    return found


def grant_access(complaint: Complaint) -> None:
    """Let this browser act on the case for 30 minutes (the session holds the id, never the receipt)."""
    seconds = current_app.config.get("COMPLAINT_ACCESS_SECONDS", ACCESS_SECONDS)
    session[SESSION_KEY] = {"id": complaint.id, "until": int(time.time()) + seconds}


def end_access() -> None:
    session.pop(SESSION_KEY, None)


def tracked_complaint() -> Complaint | None:
    """Return the case this browser may act on, or None when there is none or the time ran out."""
    access = session.get(SESSION_KEY)
    if not isinstance(access, dict) or not isinstance(access.get("id"), int):
        return None
    if int(access.get("until") or 0) < time.time():
        end_access()
        return None
    return db.session.get(Complaint, access["id"])


def public_events(complaint: Complaint) -> list[ComplaintEvent]:
    return list(db.session.scalars(select(ComplaintEvent).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.public.is_(True)).order_by(ComplaintEvent.id)))


def open_question(events: list[ComplaintEvent]) -> ComplaintEvent | None:
    """The handler's latest question if the complainant has not answered it yet."""
    last = None
    for event in events:
        if event.kind == "question":
            last = event
        elif event.kind == "answer":
            last = None
    return last


def summary(complaint: Complaint, clk: Clock) -> dict:
    """What the complainant may see about the case."""
    events = public_events(complaint)
    state = clk.state(complaint)
    return {
        # The complainant's reference, never the sequential staff number (it would reveal volume).
        "case_number": complaint.public_reference or complaint.case_number,
        "status": complaint.status,
        "status_label": label("status", complaint.status),
        "days_left": state.days_left,
        "due": state.due,
        "level": state.level,
        "resolved": clk.resolved(complaint),
        "rating": complaint.rating,
        "review_until": clk.review_until(complaint) if complaint.status == Status.CONCLUDED else None,
        "can_rate": complaint.status == Status.CONCLUDED and not complaint.rating,
        "can_review": complaint.status == Status.CONCLUDED and review_refusal(complaint, clk) is None,
        "can_add": complaint.status not in CLOSED_STATUSES,
        "question": open_question(events),
        # The outcome leads the page once the case is concluded (or reviewed after a conclusion).
        "result": {"finding": complaint.finding, "reply": complaint.reply, "on": complaint.replied_at}
        if complaint.reply and complaint.status in (Status.CONCLUDED, Status.UNDER_REVIEW) else None,
        "submitted_files": [a.original_name for a in db.session.scalars(
            select(ComplaintAttachment).where(ComplaintAttachment.complaint_id == complaint.id,
                                              ComplaintAttachment.event_id == _first_event_id(events))
            .order_by(ComplaintAttachment.id))],
        "events": [e for e in events if e.kind not in STAFF_MESSAGE_KINDS],
        "messages": [e for e in events if e.kind in STAFF_MESSAGE_KINDS],
    }


def _first_event_id(events: list[ComplaintEvent]) -> int | None:
    """The filing's event: the files sent with the report hang on it."""
    return events[0].id if events else None


def _text(value, field: str, *, required: bool = True, min_len: int = 2) -> str:
    errors = Errors()
    text = clean_text(value, field, errors, multiline=True, required=required, min_len=min_len, max_len=5000)
    if errors:
        raise PortalError(errors=errors)
    return text


def answer(complaint: Complaint, body) -> ComplaintEvent:
    """Answer the handler's open question."""
    if open_question(public_events(complaint)) is None:
        raise PortalError(_l("There is no question to answer."))
    event = add_event(complaint, "answer", COMPLAINANT, body=_text(body, "body"))
    audit_case("complaint_answered", complaint, COMPLAINANT)
    notify.resident_update(complaint)
    return event


def add_info(complaint: Complaint, body, files=()) -> ComplaintEvent:
    """Add information or files to an open case; nothing is stored when anything is refused."""
    if complaint.status in CLOSED_STATUSES:
        raise PortalError(_l("This case is closed; information can no longer be added."))
    errors = Errors()
    text = clean_text(body, "body", errors, multiline=True, max_len=5000)
    have = db.session.scalar(select(func.count(ComplaintAttachment.id))
                             .where(ComplaintAttachment.complaint_id == complaint.id)) or 0
    chosen = [f for f in (files or []) if getattr(f, "filename", None)]
    if have + len(chosen) > MAX_CASE_FILES:
        errors.add("files", _l("A case can hold at most %(n)s files.", n=MAX_CASE_FILES))
        chosen = []
    stored = store_files(chosen, errors)
    if not errors and not text and not stored:
        errors.add("body", _l("Write something or attach a file."))
    if errors:
        discard(stored)
        raise PortalError(errors=errors)
    try:
        event = add_event(complaint, "info", COMPLAINANT, body=text or None)
        db.session.flush()  # the event's id, for its files
        attach(complaint, stored, event.id)
        audit_case("complaint_info_added", complaint, COMPLAINANT)
        if complaint.handling_level == Level.TOWNSHIP and text and \
                conflict_reason(complaint.township_id, None, [text]) is not None:
            # The new text names a township official or handler: the case leaves the township first.
            complaint.concerns_township_officials = True
            move_to_county(complaint, None, "township_officials")
        notify.resident_update(complaint)
    except BaseException:
        discard(stored)
        raise
    return event


def rate(complaint: Complaint, rating) -> ComplaintEvent:
    """Record the complainant's rating of a concluded case (once per conclusion)."""
    if complaint.status != Status.CONCLUDED:
        raise PortalError(_l("Only a concluded case can be rated."))
    if complaint.rating:
        raise PortalError(_l("You have already rated this answer."))
    if rating not in RATINGS:
        raise PortalError(_l("Choose one of the answers."), field="rating")
    complaint.rating, complaint.rated_at = rating, utcnow()
    event = add_event(complaint, "rating", COMPLAINANT, body=rating)
    audit_case("complaint_rated", complaint, COMPLAINANT, rating)
    notify.resident_update(complaint)
    return event


def request_review(complaint: Complaint, reason) -> ComplaintEvent:
    """Ask for a review of the conclusion (the case goes to the county as under_review)."""
    return transition(complaint, Status.UNDER_REVIEW, COMPLAINANT, reason=reason)
