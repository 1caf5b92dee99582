"""The township handler's queue of flagged payment lists, with the cadres' explanations (never public)."""
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.forms import line_ends
from portal.core.permissions import can_read_payment_review, payment_review_filter
from portal.core.text import refuse_hidden, refuse_too_long
from portal.extensions import db
from portal.places.models import Village
from portal.subsidies.models import PaymentReview

NOTE_MAX = 2000
PAGE = 50


def queue(user, done: bool = False) -> list[PaymentReview]:
    """The flagged lists the user may read: waiting ones oldest first, checked ones newest first."""
    query = (select(PaymentReview).where(payment_review_filter(user, PaymentReview))
             .options(selectinload(PaymentReview.anomalies), selectinload(PaymentReview.village)
                      .selectinload(Village.township), selectinload(PaymentReview.revision)))
    if done:
        query = query.where(PaymentReview.checked_at.is_not(None)).order_by(PaymentReview.checked_at.desc())
    else:
        query = query.where(PaymentReview.checked_at.is_(None)).order_by(PaymentReview.flagged_at)
    return list(db.session.scalars(query.limit(PAGE)))


def waiting_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentReview).where(
        payment_review_filter(user, PaymentReview), PaymentReview.checked_at.is_(None))) or 0


def get_review(user, review_id: int) -> PaymentReview:
    """A flagged list the user may read, or 404 (another township's list does not exist for them)."""
    review = db.session.get(PaymentReview, review_id)
    if review is None or not can_read_payment_review(user, review):
        abort(404)
    return review


def mark_checked(user, review: PaymentReview, note_text) -> None:
    """Record that the handler looked into the list, with what they found (call inside a write transaction)."""
    note = (line_ends(note_text) if isinstance(note_text, str) else "").strip()
    refuse_hidden("note", note)
    if len(note) < 2:
        raise PortalError(_l("Say what you checked and what you found."), field="note")
    refuse_too_long("note", note, NOTE_MAX)
    if review.checked_at is not None:
        raise PortalError(_l("This list was already marked as checked."), field="note")
    review.checked_at, review.checked_by_id, review.check_note = utcnow(), user.id, note
    audit.record("payment_review_check", "payment_review", review.id, user=user)
