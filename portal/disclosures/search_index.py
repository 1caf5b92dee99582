"""The searchable text of each published disclosure (its current revision), kept in step on every flush.

One row per disclosure holds the plain text of what the public sees: the title, the text, every table
cell, the decision record and the file names, with ID, bank-card and mobile numbers masked once more
(the content is masked at import; the index never relies on that alone). The databases' own text
indexes sit on it (migration f1figures): SQLite FTS5 with the trigram tokenizer (table disclosure_fts,
kept by triggers), PostgreSQL pg_trgm GIN on disclosure_text.body.

A session hook fills the row whenever a disclosure gets a new current revision and whenever a
revision's content changes (removal of personal data), whoever does it: the cadre's publish, a
correction, the demo seed, a bulk import.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.core.db import UTCDateTime, utcnow
from portal.core.masking import mask_text
from portal.core.timezone import local_date
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.records.models import PublishedRevision

# Keys of revision content that carry no words a resident would search for, or carry them twice.
_SKIP = {"id", "sha256", "hash", "mime", "size", "kind", "meta", "step", "code", "report_id", "html", "notes_html",
         "description_html", "sections_html", "breaches", "format", "masked", "dropped_columns", "checks", "totals"}
MAX_BODY = 200_000  # characters: a very large table is searchable by its first 200,000 characters


class DisclosureText(db.Model):
    __tablename__ = "disclosure_text"
    __table_args__ = (Index("ix_disclosure_text_village_year", "village_id", "year"),
                      Index("ix_disclosure_text_year_published", "year", "published_at"))
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id", ondelete="CASCADE"), primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("published_revision.id", ondelete="CASCADE"))
    revision_number: Mapped[int] = mapped_column(Integer)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)  # local year of first publication (the archive's year)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # of the current revision
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)

    disclosure: Mapped[Disclosure] = relationship()
    revision: Mapped[PublishedRevision] = relationship()


def _words(value, key: str | None, out: list[str]) -> None:
    if key in _SKIP:
        return
    if isinstance(value, str):
        if value.strip():
            out.append(value.strip())
    elif isinstance(value, dict):
        for k, v in value.items():
            _words(v, k, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _words(v, None, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append(str(value))


def plain_text(title: str, content: dict | None) -> str:
    """The searchable text of a revision: its title and every word of its content, masked, one per line."""
    out = [title or ""]
    _words(content or {}, None, out)
    return mask_text("\n".join(out))[:MAX_BODY]


def _fill(session: Session, disclosure: Disclosure, revision: PublishedRevision) -> None:
    row = session.get(DisclosureText, disclosure.id) if disclosure.id is not None else None
    if row is None:
        row = DisclosureText(disclosure=disclosure)
        session.add(row)
    row.revision = revision
    row.revision_number = revision.number
    row.village_id = disclosure.village_id if disclosure.village_id is not None else disclosure.village.id
    row.domain, row.kind = disclosure.domain, disclosure.kind
    first = disclosure.first_published_at or revision.published_at or utcnow()
    row.year = local_date(first).year
    row.published_at = revision.published_at or utcnow()
    row.title = (revision.title or disclosure.title or "")[:255]
    row.body = plain_text(row.title, revision.content)


@event.listens_for(Session, "before_flush")
def _keep_index(session: Session, _context, _instances) -> None:
    """Index every disclosure whose current revision is new or was changed in this flush."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Disclosure):
            revision = obj.current_revision
            # A draft saved over a published disclosure changes nothing public: only a new revision counts.
            if obj.status == "published" and revision is not None and (
                    revision in session.new or inspect(obj).attrs.current_revision.history.has_changes()):
                _fill(session, obj, revision)
        elif isinstance(obj, PublishedRevision) and obj.subject_type == "disclosure" and obj.id is not None \
                and obj not in session.new and session.is_modified(obj, include_collections=False):
            disclosure = session.scalar(select(Disclosure).where(Disclosure.current_revision_id == obj.id))
            if disclosure is not None:
                _fill(session, disclosure, obj)
