"""群众最不满意的10件事: a township's yearly poll of the problems residents mind most."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.places.models import Township

OPTION_STATUSES = ("pending", "accepted", "merged", "rejected")
TOP_N = 10
VOTES_PER_BALLOT = 3


class GrievancePoll(db.Model):
    """One township's yearly round: proposals, then a vote, then the published top ten."""

    __tablename__ = "grievance_poll"
    __table_args__ = (UniqueConstraint("township_id", "year", name="uq_grievance_poll_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    # Windows are whole local days, both ends included.
    proposals_from: Mapped[date] = mapped_column(Date)
    proposals_until: Mapped[date] = mapped_column(Date)
    voting_from: Mapped[date] = mapped_column(Date)
    voting_until: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    township: Mapped[Township] = relationship()


class PollOption(db.Model):
    """A resident's proposal; once accepted by the handler it is a choice on the ballot."""

    __tablename__ = "poll_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("grievance_poll.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    detail: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("poll_option.id", ondelete="SET NULL"))
    moderation_note: Mapped[str | None] = mapped_column(String(500))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many proposals this option stands for (itself plus those merged into it).
    supporters: Mapped[int] = mapped_column(Integer, default=1)
    lead_unit: Mapped[str | None] = mapped_column(String(255))
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    rank: Mapped[int | None] = mapped_column(Integer)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    poll: Mapped[GrievancePoll] = relationship()
    progress: Mapped[list["RemedyProgress"]] = relationship(
        back_populates="option", order_by="RemedyProgress.id", cascade="all, delete-orphan"
    )


class PollBallot(db.Model):
    """A one-time ballot code of a poll, kept only as a keyed hash."""

    __tablename__ = "poll_ballot"
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("grievance_poll.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollVote(db.Model):
    __tablename__ = "poll_vote"
    __table_args__ = (UniqueConstraint("ballot_id", "option_id", name="uq_poll_vote_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("grievance_poll.id", ondelete="CASCADE"), index=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("poll_ballot.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_option.id", ondelete="CASCADE"), index=True)


class RemedyProgress(db.Model):
    """A dated public note on how one of the top ten is being fixed."""

    __tablename__ = "remedy_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_option.id", ondelete="CASCADE"), index=True)
    posted_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    solved: Mapped[bool] = mapped_column(default=False)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    option: Mapped[PollOption] = relationship(back_populates="progress")
