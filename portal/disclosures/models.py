"""Disclosures (三务公开): the draft being written and a pointer to what is published."""
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.storage import StoredFileColumns
from portal.disclosures.shapes import DisclosureContent
from portal.extensions import db
from portal.records.models import PublishedSubject

DOMAINS = ("party", "village", "finance")
KINDS = ("text", "table", "decision", "attachment")
# What obligation a disclosure fulfils; drives the freshness/cadence checks.
TOPICS = (
    "finance_monthly", "finance_annual", "village_affairs", "decision", "project",
    "subsidy", "assistance", "homestead", "assets", "party_affairs", "other",
)


class Disclosure(PublishedSubject, db.Model):
    __tablename__ = "disclosure"
    CONTENT_SHAPE = DisclosureContent  # what each published revision holds, checked when written
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    domain: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(32), default="other")
    title: Mapped[str] = mapped_column(String(255))
    period_label: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # Breaches of the 四议两公开 rules found at publication (decision records).
    breach_count: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(StoredFileColumns, db.Model):
    """A file stored under a generated name; the original name is only data."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id", ondelete="SET NULL"), index=True)
