"""Disclosures (三务公开): the draft being written and a pointer to what is published."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import JSONType, UTCDateTime, utcnow
from ..places.models import Village
from ..records.models import PublishedRevision

DOMAINS = ("party", "village", "finance")
KINDS = ("text", "table", "decision", "attachment")
# What obligation a disclosure fulfils; drives the freshness/cadence checks.
TOPICS = (
    "finance_monthly", "finance_annual", "village_affairs", "decision", "project",
    "subsidy", "assistance", "homestead", "assets", "party_affairs", "other",
)


class Disclosure(db.Model):
    __tablename__ = "disclosure"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    domain: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(32), default="other")
    title: Mapped[str] = mapped_column(String(255))
    period_label: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    # The content being edited: the next revision once published.
    draft_content: Mapped[dict | None] = mapped_column(JSONType)
    draft_reason: Mapped[str | None] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("published_revision.id", ondelete="RESTRICT")
    )
    # Breaches of the 四议两公开 rules found at publication (decision records).
    breach_count: Mapped[int] = mapped_column(Integer, default=0)

    village: Mapped[Village] = relationship()
    current_revision: Mapped[PublishedRevision | None] = relationship(foreign_keys=[current_revision_id])


class Attachment(db.Model):
    """A file stored under a generated name; the original name is only data."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id", ondelete="SET NULL"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
