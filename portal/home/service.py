"""Read model of the public village page, composed from several capabilities in a bounded number of queries."""
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.core.timezone import local_today
from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.oversight import obligations
from portal.places.models import Village
from portal.powers.models import CATEGORIES, PowerItem

LATEST_DISCLOSURES = 8


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
    owed = obligations.for_village(village.id, local_today())  # one bounded query
    return VillagePage(village, power_groups, disclosures, reports, len(items), cadres, owed)
