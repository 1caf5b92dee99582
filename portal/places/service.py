"""Load places for pages: a village or township by code, or 404; mark a village's pages changed."""
from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, event, select
from sqlalchemy.orm import ORMExecuteState, Session, joinedload, object_session, selectinload

from portal.core import page_cache
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.extensions import db
from portal.places.models import County, Township, Village


def get_village(code: str) -> Village:
    """Load a village with its township and county in one query, or 404."""
    if not (code.isdigit() and len(code) == 12):
        abort(404)
    village = db.session.scalar(
        select(Village)
        .where(Village.code == code)
        .options(joinedload(Village.township).joinedload(Township.county))
    )
    if village is None:
        abort(404)
    return village


@dataclass(frozen=True, slots=True)
class CountyRef:
    name: str
    hotline: str | None


@dataclass(frozen=True, slots=True)
class TownshipRef:
    code: str
    name: str
    hotline: str | None
    county: CountyRef


@dataclass(frozen=True, slots=True)
class VillageRef:
    """What the public village page reads of a village, its township and county (plain values, read-only)."""

    id: int
    code: str
    name: str
    supervision_phone: str | None
    content_version: int
    updated_at: object
    chain_head: str | None
    chain_length: int
    township: TownshipRef


_SUMMARY = None
SUMMARY_WIDTH = 13  # the summary's own columns; a page's query may add more after them


def summary_statement() -> Select:
    """The village with its township and county as plain columns, by code (built once); a page may
    add columns of its own after the first SUMMARY_WIDTH."""
    global _SUMMARY
    if _SUMMARY is None:
        v, t, c = Village.__table__.c, Township.__table__.c, County.__table__.c
        _SUMMARY = (select(v.id, v.code, v.name, v.supervision_phone, v.content_version, v.updated_at, v.chain_head,
                           v.chain_length, t.code, t.name, t.hotline, c.name, c.hotline)
                    .join_from(Village.__table__, Township.__table__, v.township_id == t.id)
                    .join(County.__table__, t.county_id == c.id)
                    .where(v.code == bindparam("code")))
    return _SUMMARY


def summary_row(code: str, statement: Select):
    """Run a summary statement (summary_statement, perhaps with more columns) for one village, or 404."""
    if not (code.isdigit() and len(code) == 12):
        abort(404)
    row = db.session.connection().execute(statement, {"code": code}).first()
    if row is None:
        abort(404)
    return row


def village_ref(row) -> VillageRef:
    """The VillageRef of a summary row."""
    return VillageRef(*row[:8], TownshipRef(row[8], row[9], row[10], CountyRef(row[11], row[12])))


def get_village_summary(code: str) -> VillageRef:
    """Load what the village page needs of a village in one prepared query, or 404 (no ORM objects)."""
    return village_ref(summary_row(code, summary_statement()))


NATIONAL_HOTLINE = "12388"


@dataclass(frozen=True, slots=True)
class Hotline:
    who: str  # the place's name; empty for the national line
    number: str
    level: str  # "village", "township", "county" or "national"


def village_hotlines(village: Village | VillageRef) -> list[Hotline]:
    """Where a village's residents can report: its supervision phone, township, county, national 12388.

    Each number once, nearest first; every page, poster and API answer that shows them reads this.
    """
    township = village.township
    county = township.county
    lines = [Hotline(village.name, village.supervision_phone, "village"),
             Hotline(township.name, township.hotline, "township"),
             Hotline(county.name, county.hotline, "county"), Hotline("", NATIONAL_HOTLINE, "national")]
    seen, out = set(), []
    for line in lines:
        if line.number and line.number not in seen:
            seen.add(line.number)
            out.append(line)
    return out


def outside_hotlines(village: Village | VillageRef) -> str:
    """The village's hotlines beyond the village itself (township, county, 12388), as one line of text."""
    return "；".join(h.number for h in village_hotlines(village) if h.level != "village")


def touch_village(village: Village) -> None:
    """Mark a village's public pages as changed (new ETag and Last-Modified)."""
    village.content_version = (village.content_version or 0) + 1
    village.updated_at = utcnow()


@event.listens_for(Village.content_version, "set")
def _village_pages_change(village: Village, _value, _old, _initiator) -> None:
    """Whoever raises a village's content version (publishing, editing, importing), its stored pages are
    renewed for every node once the transaction commits."""
    session = object_session(village)
    if session is not None and village.code:
        page_cache.changed(session, village.code)


@event.listens_for(Session, "do_orm_execute")
def _village_rows_rewritten(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE of many villages at once (a township renamed): renew every stored page."""
    table = getattr(state.statement, "table", None)  # an annotated copy of the table, hence the name
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == Village.__tablename__:
        page_cache.changed_everywhere(state.session)


def list_townships() -> list[Township]:
    """All townships with their county, for browsing (one query)."""
    stmt = select(Township).order_by(Township.code).options(joinedload(Township.county))
    return list(db.session.scalars(stmt))


def get_township(code: str) -> Township:
    """Load a township with its villages, or 404."""
    if not (code.isdigit() and len(code) == 9):
        abort(404)
    township = db.session.scalar(
        select(Township).where(Township.code == code).options(selectinload(Township.villages))
    )
    if township is None:
        abort(404)
    return township


def the_county() -> County:
    """Return the county this portal serves."""
    county = db.session.scalar(select(County).order_by(County.id).limit(1))
    if county is None:
        raise PortalError(_l("No county is set up yet. Load the county data first."))
    return county


def villages_by_code() -> Select:
    """Every village with its township, in code order (a statement, for paginating)."""
    return select(Village).options(joinedload(Village.township)).order_by(Village.code)
