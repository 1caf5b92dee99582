"""Reading published disclosures and their revisions."""
from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from portal.disclosures.models import Attachment, Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.records.models import PublishedRevision


def get_published(village: Village, disclosure_id: int) -> Disclosure:
    """Load a village's published disclosure, or 404."""
    disclosure = db.session.scalar(
        select(Disclosure).where(Disclosure.id == disclosure_id, Disclosure.village_id == village.id)
    )
    if disclosure is None or disclosure.status != "published" or disclosure.current_revision_id is None:
        abort(404)
    return disclosure


def revisions_of(subject_type: str, subject_id: int) -> list[PublishedRevision]:
    """Every published revision of a subject, oldest first."""
    return list(db.session.scalars(
        select(PublishedRevision)
        .where(PublishedRevision.subject_type == subject_type, PublishedRevision.subject_id == subject_id)
        .order_by(PublishedRevision.number)
    ))


def attachments_of(revision: PublishedRevision) -> list[Attachment]:
    """The files a revision lists, in its order."""
    ids = [f["id"] for f in (revision.content or {}).get("files", [])]
    if not ids:
        return []
    found = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def published_newest_first(village: Village) -> Select:
    """The village's published disclosures with their current revision, newest first (a statement, for paginating)."""
    return (select(Disclosure)
            .where(Disclosure.village_id == village.id, Disclosure.status == "published",
                   Disclosure.current_revision_id.is_not(None))
            .options(joinedload(Disclosure.current_revision))
            .order_by(Disclosure.last_published_at.desc(), Disclosure.id.desc()))
