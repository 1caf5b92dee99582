"""Read models of the public place pages, each built from a bounded number of queries."""
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.models_base import utcnow
from portal.powers.models import CATEGORIES, PowerItem
from portal.places.models import Township, Village

LATEST_DISCLOSURES = 8


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


@dataclass
class VillagePage:
    village: Village
    power_groups: list[tuple[str, list[PowerItem]]]
    disclosures: list[Disclosure]
    duty_reports: list[DutyReport]
    power_count: int = 0
    cadres: list = field(default_factory=list)
    # Disclosure obligations due in the last 12 months (oversight.obligations), for "What is missing".
    obligations: list = field(default_factory=list)


def village_page(village: Village) -> VillagePage:
    """Gather what the village page shows: five queries whatever the village's size."""
    cadres = list(village.cadres)
    items = db.session.scalars(
        select(PowerItem)
        .where(PowerItem.village_id == village.id, PowerItem.retired_at.is_(None))
        .order_by(PowerItem.sort_order, PowerItem.id)
        .options(
            # Only what the list shows; the full item is read on its own page.
            db.load_only(PowerItem.id, PowerItem.code, PowerItem.title, PowerItem.category, PowerItem.top_class,
                         PowerItem.sort_order)
        )
    ).all()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    grouped: dict[str, list[PowerItem]] = {}
    for item in items:
        grouped.setdefault(item.category, []).append(item)
    power_groups = sorted(grouped.items(), key=lambda kv: order.get(kv[0], len(order)))
    disclosures = db.session.scalars(
        select(Disclosure)
        .where(Disclosure.village_id == village.id, Disclosure.status == "published")
        .order_by(Disclosure.last_published_at.desc(), Disclosure.id.desc())
        .limit(LATEST_DISCLOSURES)
        .options(db.load_only(Disclosure.id, Disclosure.title, Disclosure.domain, Disclosure.kind,
                              Disclosure.period_label, Disclosure.first_published_at,
                              Disclosure.last_published_at, Disclosure.revision_count, Disclosure.breach_count))
    ).all()
    reports = db.session.scalars(
        select(DutyReport)
        .where(DutyReport.village_id == village.id, DutyReport.status == "published")
        .order_by(DutyReport.period.desc(), DutyReport.id)
        .limit(10)
    ).all()
    from portal.oversight import obligations
    from portal.oversight.clock import local_today

    owed = obligations.for_village(village.id, local_today())  # one bounded query
    return VillagePage(village, power_groups, disclosures, reports, len(items), cadres, owed)


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
