"""Payment lines of published 一卡通 lists, the anomalies found in them, and what the rules compare with.

No raw ID or card number is stored anywhere here: only keyed hashes (keys.py) and masked forms.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import JSONType, UTCDateTime, utcnow
from portal.extensions import db
from portal.places.models import Township, Village
from portal.records.models import PublishedRevision

RULES = ("duplicate", "other_village", "over_standard", "cadre_relative", "deceased")
RELATIONS = ("spouse", "parent", "child", "sibling", "grandparent", "grandchild", "in_law", "other")


class PaymentLine(db.Model):
    """One row of a published payment list, as the self-check and the rules read it."""

    __tablename__ = "subsidy_payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id", ondelete="RESTRICT"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("published_revision.id", ondelete="RESTRICT"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)  # 1 for the table's first row, as the page numbers it
    item: Mapped[str] = mapped_column(String(120))
    item_key: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str | None] = mapped_column(String(64))
    masked_id: Mapped[str | None] = mapped_column(String(32))
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    card_hash: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    period_label: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    # False once a correction of the list is published: the line then only belongs to history.
    current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)

    village: Mapped[Village] = relationship()
    revision: Mapped[PublishedRevision] = relationship()


class SubsidyStandard(db.Model):
    """The most one beneficiary may receive for a subsidy item in one list, set by the county admin."""

    __tablename__ = "subsidy_standard"
    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(120))
    item_key: Mapped[str] = mapped_column(String(120), unique=True)
    max_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class CadreRelative(db.Model):
    """A close relative a village cadre declared (近亲属备案): name, relation and the keyed hash of the ID."""

    __tablename__ = "cadre_relative"
    __table_args__ = (UniqueConstraint("declared_by_id", "id_hash", name="uq_cadre_relative_declared_by_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    cadre_name: Mapped[str] = mapped_column(String(64))
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    masked_id: Mapped[str] = mapped_column(String(32))
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeceasedPerson(db.Model):
    """A person on the township's list of the deceased (from civil affairs), by keyed hash of the ID."""

    __tablename__ = "deceased_person"
    __table_args__ = (UniqueConstraint("township_id", "id_hash", name="uq_deceased_person_township_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    masked_id: Mapped[str] = mapped_column(String(32))
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    died_on: Mapped[date | None] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    township: Mapped[Township] = relationship()


class PaymentReview(db.Model):
    """A published payment list the rules flagged, waiting in the township handler's queue (never public)."""

    __tablename__ = "payment_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="RESTRICT"), index=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id", ondelete="RESTRICT"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("published_revision.id", ondelete="RESTRICT"), unique=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    check_note: Mapped[str | None] = mapped_column(Text)

    village: Mapped[Village] = relationship()
    revision: Mapped[PublishedRevision] = relationship()
    anomalies: Mapped[list["PaymentAnomaly"]] = relationship(
        back_populates="review", order_by="PaymentAnomaly.id", cascade="all, delete-orphan")


class PaymentAnomaly(db.Model):
    """One warning on a flagged list, with the cadre's explanation."""

    __tablename__ = "payment_anomaly"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("payment_review.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(24))
    rows: Mapped[list] = mapped_column(JSONType)  # table row numbers
    detail: Mapped[dict] = mapped_column(JSONType)  # what the message names (masked IDs, names, villages, amounts)
    explanation: Mapped[str] = mapped_column(Text)

    review: Mapped[PaymentReview] = relationship(back_populates="anomalies")
