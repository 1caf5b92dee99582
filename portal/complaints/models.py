"""Complaints (检举控告): the case, its history, files, routing and numbering."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import UTCDateTime, utcnow
from portal.core.roles import Level, Status
from portal.core.storage import StoredFileColumns
from portal.extensions import db
from portal.places.models import Township, Village

CATEGORIES = (
    "mass_discipline", "integrity", "collective_assets", "subsidy_fraud", "project_tender",
    "disclosure_failure", "work_style", "work_discipline", "election", "retaliation",
    "other_discipline", "grievance",
    "unclassified",  # the resident was not sure: the handler classifies it
)
FINDINGS = ("true", "partly_true", "untrue", "unverifiable")
DISPOSAL_MODES = ("talk_inquiry", "preliminary_check", "shelve", "close", "refer_investigation")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
COMPLAINANT_TEXT_KINDS = ("info", "answer")  # events whose text the complainant wrote


class Complaint(db.Model):
    __tablename__ = "complaint"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(32), unique=True)  # sequential, for staff
    # What the complainant is told (receipt page, tracking, API ``case_number``): random, reveals no volume.
    public_reference: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)
    receipt_hash: Mapped[str] = mapped_column(String(128), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="RESTRICT"), index=True)
    handling_level: Mapped[str] = mapped_column(String(16), default=Level.TOWNSHIP, index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    about: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date | None] = mapped_column(Date)
    concerns_township_officials: Mapped[bool] = mapped_column(default=False)
    power_item_id: Mapped[int | None] = mapped_column(ForeignKey("power_item.id", ondelete="SET NULL"))
    power_step_seq: Mapped[int | None] = mapped_column(Integer)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id", ondelete="SET NULL"))
    # The exact published revisions the complaint questions, pinned at intake: a later edit cannot change them.
    power_item_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("published_revision.id", ondelete="SET NULL"))
    disclosure_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("published_revision.id", ondelete="SET NULL"))
    # The 一卡通 payment line questioned from the subsidy self-check ("这笔不对").
    subsidy_payment_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_payment.id", ondelete="SET NULL"))
    anonymous: Mapped[bool] = mapped_column(default=True)
    contact_encrypted: Mapped[str | None] = mapped_column(Text)  # Fernet token of {"name", "phone"}
    # The real-name complainant agreed to a text message to their mobile (the number stays in the contact).
    sms_opt_in: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(String(16), default="portal")
    status: Mapped[str] = mapped_column(String(16), default=Status.RECEIVED, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    transferred_to: Mapped[str | None] = mapped_column(String(255))
    finding: Mapped[str | None] = mapped_column(String(16))
    disposal_mode: Mapped[str | None] = mapped_column(String(32))
    reply: Mapped[str | None] = mapped_column(Text)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_reason: Mapped[str | None] = mapped_column(String(32))
    rating: Mapped[str | None] = mapped_column(String(24))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clarification: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    village: Mapped[Village] = relationship()
    township: Mapped[Township] = relationship()
    # Read-only: the permission predicates ask "has this user recused?" through it.
    recusals: Mapped[list["Recusal"]] = relationship(viewonly=True)
    events: Mapped[list["ComplaintEvent"]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )

    def complainant_texts(self) -> list[str]:
        """Every text of the case that comes from the complainant: whom and what it is about, and additions."""
        texts = [self.about, self.description]
        if self.id is not None:
            texts += list(db.session.scalars(db.select(ComplaintEvent.body).where(
                ComplaintEvent.complaint_id == self.id, ComplaintEvent.kind.in_(COMPLAINANT_TEXT_KINDS))))
        return [t for t in texts if t]


class ComplaintEvent(db.Model):
    """Everything that happened to a case; ``public`` events are shown to the complainant."""

    __tablename__ = "complaint_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # status | note | message | question | answer | info | escalation | recusal | rating | review | extension
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=False)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class ComplaintAttachment(StoredFileColumns, db.Model):
    __tablename__ = "complaint_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_event.id", ondelete="SET NULL"))


class CaseCounter(db.Model):
    """Last case sequence per county and year; incremented under a row lock."""

    __tablename__ = "case_counter"
    __table_args__ = (UniqueConstraint("county_code", "year", name="uq_case_counter_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class RoutingRule(db.Model):
    """Township × category → handling level; a null township means every township."""

    __tablename__ = "routing_rule"
    __table_args__ = (UniqueConstraint("township_id", "category", name="uq_routing_rule_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))


class Recusal(db.Model):
    __tablename__ = "recusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HolidayOverride(db.Model):
    """A county correction to the holiday calendar: a day declared off or worked."""

    __tablename__ = "holiday_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_working_day: Mapped[bool] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(255))


class VisitHold(db.Model):
    """What one resident's visit keeps on the server (a receipt to save, a form half done).

    Shared by every app server because it lives in the database; the browser holds only the
    random key, and the row is named by the key's hash. ``files`` lists the stored uploads a
    draft points to, so the sweep can delete them when nobody finishes it.
    """

    __tablename__ = "visit_hold"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)  # encrypted JSON
    files: Mapped[str] = mapped_column(Text, default="")  # stored names, space-separated
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ComplaintLink(db.Model):
    """A handler's decision on two cases: one lead (``linked``) or not related after all (``linked`` false).

    The pair is stored once, lower id first; a decision overrides the automatic grouping.
    """

    __tablename__ = "complaint_link"
    __table_args__ = (UniqueConstraint("first_id", "second_id", name="uq_complaint_link_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    linked: Mapped[bool] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffEntry(db.Model):
    """How a complaint entered by staff reached them: channel, who entered it and, for a proxy, the consent."""

    __tablename__ = "complaint_staff_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # phone | letter | visit | proxy
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      index=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A 村监委 member or neighbour filing for the resident, and how the resident agreed (signed | in_person | phone).
    proxy_name: Mapped[str | None] = mapped_column(String(50))
    consent_how: Mapped[str | None] = mapped_column(String(16))

    complaint: Mapped[Complaint] = relationship()
