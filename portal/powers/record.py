"""Power items as published records: every addition, edit and retirement is a chained revision.

The item row holds what the public list and page show; each change appends a
revision to the village's chain holding a full copy of the item and the
reason given for the change, so the accused cannot quietly rewrite the step
a complaint points at, and `verify` catches a row changed behind the portal's back.
"""
import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.errors import PortalError
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem
from portal.powers.shapes import PowerItemContent
from portal.records import chain
from portal.records.chain import BrokenLink
from portal.records.integrity import compare_fields, revisions_by_subject, same_moment
from portal.records.models import PublishedRevision

SUBJECT = "power_item"
FIELDS = ("code", "title", "category", "top_class", "legal_basis", "responsible_body", "eligibility", "materials",
          "steps", "total_time_limit", "disclosure_rules", "risks", "accountability", "note",
          "responsible_person", "responsible_phone", "supervisor", "hotline")
MAX_REASON = 1000


def snapshot(item: PowerItem) -> dict:
    """Everything the public reads of an item, as plain JSON."""
    fields = json.loads(json.dumps({name: getattr(item, name) for name in FIELDS}, ensure_ascii=False))
    return {"kind": SUBJECT, **fields, "retired": item.retired_at is not None}


def check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_l("Say why you are making this change; the reason is published with it."),
                          field="reason")
    if len(reason) > MAX_REASON:
        raise PortalError(_l("Keep the reason under 1000 characters."), field="reason")
    return reason


def publish(item: PowerItem, reason: str | None, user_id: int | None) -> PublishedRevision | None:
    """Record the item as it now reads as its next revision (call inside a write transaction).

    Returns None when nothing the public sees has changed.
    """
    reason = check_reason(reason)
    content = snapshot(item)
    if item.current_revision is not None and item.current_revision.content == content:
        return None
    db.session.flush()
    revision = chain.append(item.village, subject_type=SUBJECT, subject_id=item.id,
                            number=(item.revision_count or 0) + 1, title=item.title, content=content,
                            shape=PowerItemContent,
                            reason=reason, user_id=user_id)
    item.revision_count = revision.number
    item.first_published_at = item.first_published_at or revision.published_at
    item.current_revision = revision
    return revision


def revisions_of(item: PowerItem) -> list[PublishedRevision]:
    """Every revision of the item, oldest first."""
    return list(db.session.scalars(select(PublishedRevision).where(
        PublishedRevision.subject_type == SUBJECT, PublishedRevision.subject_id == item.id)
        .order_by(PublishedRevision.number)))


def check_published(village: Village) -> list[BrokenLink]:
    """Every item of the village against its latest revision (called by `verify`)."""
    problems: list[BrokenLink] = []
    chained = revisions_by_subject(village, SUBJECT)
    items = {i.id: i for i in db.session.scalars(select(PowerItem).where(
        (PowerItem.village_id == village.id) | PowerItem.id.in_(list(chained))))}
    for item_id, revisions in chained.items():
        item, first, last = items.get(item_id), revisions[0], revisions[-1]
        label = f"power item {item_id}"

        def broken(revision, text, label=label, found=problems):
            found.append(BrokenLink(village.code, revision.chain_seq, revision.id, f"{label} {text}"))

        if item is None:
            broken(last, "is published in the chain but its row is gone")
            continue
        if item.village_id != village.id:
            broken(last, "is shown under another village than the one that published it")
        if item.current_revision_id != last.id or item.revision_count != last.number:
            broken(last, f"shows revision id {item.current_revision_id} ({item.revision_count} revisions) instead "
                         f"of its latest, revision {last.number}")
        if not same_moment(item.first_published_at, first.published_at):
            broken(first, "shows another date of first publication than the chain")
        problems += compare_fields(village, last, label, snapshot(item), last.content or {})
    for item in items.values():
        if item.village_id == village.id and item.id not in chained:
            problems.append(BrokenLink(village.code, None, None, f"power item {item.id} ({item.code}) is on the "
                                                                 "public list but not in the chain"))
    return problems


def follow_redaction(revision: PublishedRevision) -> None:
    """Personal data was removed from one of an item's revisions: when it is the current one, the row follows."""
    item = db.session.get(PowerItem, revision.subject_id)
    if item is None or item.current_revision_id != revision.id:
        return
    for name in FIELDS:
        setattr(item, name, revision.content.get(name))
