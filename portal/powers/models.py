"""Power-list templates kept by the county and the items each village adopts."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import JSONType, UTCDateTime, utcnow
from portal.extensions import db
from portal.places.models import County, Village
from portal.records.models import PublishedRevision

CATEGORIES = (
    "decision", "project", "procurement", "finance", "assets", "staffing",
    "seal_cert", "homestead", "assistance", "subsidy", "land", "service",
)
TOP_CLASSES = ("collective", "service")


class PowerFields:
    """Columns shared by a template and a village item.

    ``steps`` is a list of {seq, actor_role, action, output_doc, time_limit,
    is_risk_point}; ``disclosure_rules`` of {what, when, where, min_days_posted};
    ``risks`` of {step_seq, risk, level, control}; ``legal_basis`` of strings.
    """

    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    top_class: Mapped[str] = mapped_column(String(16), default="collective")
    legal_basis: Mapped[list] = mapped_column(JSONType, default=list)
    responsible_body: Mapped[str] = mapped_column(String(255), default="")
    eligibility: Mapped[str | None] = mapped_column(Text)
    materials: Mapped[list] = mapped_column(JSONType, default=list)
    steps: Mapped[list] = mapped_column(JSONType, default=list)
    total_time_limit: Mapped[str | None] = mapped_column(String(64))
    disclosure_rules: Mapped[list] = mapped_column(JSONType, default=list)
    risks: Mapped[list] = mapped_column(JSONType, default=list)
    accountability: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class PowerTemplate(PowerFields, db.Model):
    __tablename__ = "power_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired: Mapped[bool] = mapped_column(default=False)

    county: Mapped[County] = relationship()


class PowerItem(PowerFields, db.Model):
    __tablename__ = "power_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("power_template.id", ondelete="SET NULL"))
    responsible_person: Mapped[str | None] = mapped_column(String(64))
    responsible_phone: Mapped[str | None] = mapped_column(String(32))
    supervisor: Mapped[str | None] = mapped_column(String(255))
    hotline: Mapped[str | None] = mapped_column(String(128))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # What the public reads is a chained revision (powers/record.py); these point at it.
    current_revision_id: Mapped[int | None] = mapped_column(ForeignKey("published_revision.id", ondelete="RESTRICT"))
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    village: Mapped[Village] = relationship()
    template: Mapped[PowerTemplate | None] = relationship()
    current_revision: Mapped[PublishedRevision | None] = relationship(foreign_keys=[current_revision_id])


UPDATE_STATUSES = ("pending", "accepted", "declined", "superseded")


class PowerUpdate(db.Model):
    """A change of a county template offered to one village item that was adopted from it.

    ``changes`` holds only the template fields the county changed in that version, with their
    new values, so accepting it leaves the village's own changes to other fields alone.
    """

    __tablename__ = "power_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("power_template.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("power_item.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    # The item's revision that published an accepted update.
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("published_revision.id", ondelete="SET NULL"))

    template: Mapped[PowerTemplate] = relationship()
    item: Mapped[PowerItem] = relationship()
    village: Mapped[Village] = relationship()
