"""The append-only, hash-chained record of everything a village publishes."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.core.db import JSONType, UTCDateTime, utcnow
from portal.extensions import db
from portal.places.models import Village

SUBJECT_TYPES = ("disclosure", "duty_report")


class PublishedRevision(db.Model):
    """One published version of a disclosure or duty report; never updated."""

    __tablename__ = "published_revision"
    __table_args__ = (
        UniqueConstraint("village_id", "chain_seq", name="uq_published_revision_chain"),
        UniqueConstraint("subject_type", "subject_id", "number", name="uq_published_revision_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="RESTRICT"), index=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first publication
    title: Mapped[str] = mapped_column(String(255))
    content: Mapped[dict] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)  # required from number 2 on
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    chain_seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    village: Mapped[Village] = relationship()


class PublishedSubject:
    """Columns of anything published through the chain: a draft, and a pointer to what is public.

    Each subject class names the declared shape of its revisions' content as ``CONTENT_SHAPE``.
    """

    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published
    # The content being edited: the next revision once published.
    draft_content: Mapped[dict | None] = mapped_column(JSONType)
    draft_reason: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr
    def current_revision_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("published_revision.id", ondelete="RESTRICT"))

    @declared_attr
    def village(cls) -> Mapped[Village]:
        return relationship(Village)

    @declared_attr
    def current_revision(cls) -> Mapped[PublishedRevision | None]:
        return relationship(PublishedRevision, foreign_keys=[cls.current_revision_id])


class RecordCheckpoint(db.Model):
    """A signed list of every village's chain head at one moment; never updated."""

    __tablename__ = "record_checkpoint"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    body: Mapped[str] = mapped_column(Text)  # the exact signed bytes, UTF-8 JSON
    signature: Mapped[str] = mapped_column(String(128))  # base64 Ed25519 signature of body
    public_key: Mapped[str] = mapped_column(String(64))  # base64 raw Ed25519 public key that signed it
