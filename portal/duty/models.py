"""Sunshine duty reports (述责述廉) and the residents' evaluation of them."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import JSONType, UTCDateTime, utcnow
from portal.duty.shapes import DutyReportContent
from portal.extensions import db
from portal.places.models import Village
from portal.records.models import PublishedSubject

SECTIONS = (
    "duties", "powers_used", "funds", "integrity", "complaints", "shortcomings", "plans", "pledge",
)
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


class DutyReport(PublishedSubject, db.Model):
    __tablename__ = "duty_report"
    CONTENT_SHAPE = DutyReportContent  # what each published revision holds, checked when written
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    cadre_name: Mapped[str] = mapped_column(String(64))
    cadre_role: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))  # e.g. "2024"
    title: Mapped[str] = mapped_column(String(255))
    # Published evaluation result (counts), filled when a round closes.
    rating_counts: Mapped[dict | None] = mapped_column(JSONType)


class EvaluationRound(db.Model):
    """A 民主测评 round opened by a township handler for a village's reports."""

    __tablename__ = "evaluation_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voter_count: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_ids: Mapped[list] = mapped_column(JSONType, default=list)

    village: Mapped[Village] = relationship()


class BallotCode(db.Model):
    __tablename__ = "ballot_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EvaluationVote(db.Model):
    __tablename__ = "evaluation_vote"
    __table_args__ = (UniqueConstraint("ballot_id", "report_id", name="uq_evaluation_vote_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_round.id", ondelete="CASCADE"), index=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballot_code.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("duty_report.id", ondelete="CASCADE"))
    rating: Mapped[str] = mapped_column(String(24))
