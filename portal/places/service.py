"""Load places for pages: a village or township by code, or 404; mark a village's pages changed."""
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

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


def touch_village(village: Village) -> None:
    """Mark a village's public pages as changed (new ETag and Last-Modified)."""
    village.content_version = (village.content_version or 0) + 1
    village.updated_at = utcnow()


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
