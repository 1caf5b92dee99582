"""County → township → village, and the cadres of each village."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db

CADRE_ROLES = ("party_secretary", "committee_director", "supervision_chair", "bookkeeper", "member")


class County(db.Model):
    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    hotline: Mapped[str] = mapped_column(String(64), default="12388")
    petition_office: Mapped[str | None] = mapped_column(String(64))

    townships: Mapped[list["Township"]] = relationship(back_populates="county", order_by="Township.code")


class Township(db.Model):
    __tablename__ = "township"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id", ondelete="RESTRICT"), index=True)
    discipline_secretary: Mapped[str | None] = mapped_column(String(64))
    liaison_cadre: Mapped[str | None] = mapped_column(String(64))
    hotline: Mapped[str | None] = mapped_column(String(64))

    county: Mapped[County] = relationship(back_populates="townships")
    villages: Mapped[list["Village"]] = relationship(back_populates="township", order_by="Village.code")


class Village(db.Model):
    __tablename__ = "village"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Full pinyin and initials, lower-case, for search ("dhc" finds 东湖村).
    name_pinyin: Mapped[str] = mapped_column(String(255), index=True, default="")
    name_initials: Mapped[str] = mapped_column(String(32), index=True, default="")
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="RESTRICT"), index=True)
    supervision_phone: Mapped[str | None] = mapped_column(String(64))
    # Bumped on every public change; drives ETag/Last-Modified of the village pages.
    content_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Head of the tamper-evident chain of published revisions.
    chain_head: Mapped[str | None] = mapped_column(String(64))
    chain_length: Mapped[int] = mapped_column(Integer, default=0)

    township: Mapped[Township] = relationship(back_populates="villages")
    cadres: Mapped[list["Cadre"]] = relationship(
        back_populates="village", order_by="Cadre.sort_order", cascade="all, delete-orphan"
    )


class Cadre(db.Model):
    """A village office holder shown on the village page."""

    __tablename__ = "cadre"
    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    dual_role: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    village: Mapped[Village] = relationship(back_populates="cadres")



class VillageGram(db.Model):
    """A one- or two-character piece (lower-cased) of a village's name or its township's name.

    Search answers queries too short for a trigram index from here. The rows are written by
    database triggers (migration s1search), never by the application.
    """

    __tablename__ = "village_gram"
    __table_args__ = {"sqlite_with_rowid": False}
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), primary_key=True)


# Search objects the models cannot describe (FTS5 tables, trigram indexes); schema comparison skips them.
SEARCH_INDEX_OBJECTS = ("village_fts", "search_position", "ix_village_name_trgm", "ix_village_name_pinyin_trgm",
                        "ix_township_name_trgm", "disclosure_fts", "ix_disclosure_text_body_trgm")


def outside_models(name, type_, parent_names) -> bool:
    """Alembic include_name hook: False for the search index objects that live only in the database."""
    return not (name and (name in SEARCH_INDEX_OBJECTS or name.startswith(("village_fts_", "disclosure_fts_"))))
class TownshipOfficial(db.Model):
    """A township official (乡镇干部) the county admin lists by name and post.

    A complaint that names one of them goes to the county handlers, never to
    the township they serve in.
    """

    __tablename__ = "township_official"
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(64))

    township: Mapped[Township] = relationship()
