"""How the county's standard items live on in the villages: adopted as is, changed, declined, retired.

One pass over the county's villages, items and answered updates (no query per village), so the
county admin's page stays quick for a county of several hundred villages.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.extensions import db
from portal.places.models import Township, Village
from portal.powers.models import PowerItem, PowerTemplate, PowerUpdate
from portal.powers.updates import TEMPLATE_FIELDS

# In the order the county reads them: following the county, on their own way, not following.
STATES = ("as_is", "changed", "pending", "declined", "retired", "not_adopted")


@dataclass
class VillageState:
    village: Village
    state: str
    version: int | None = None  # the template version the latest answer or offer concerns
    reason: str | None = None  # a declining village's reason


@dataclass
class TemplateAdoption:
    template: PowerTemplate
    villages: list[VillageState] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for each in self.villages:
            counts[each.state] += 1
        return counts

    def having(self, state: str) -> list[VillageState]:
        return [each for each in self.villages if each.state == state]


def villages_of(county_id: int, township_id: int | None = None) -> list[Village]:
    query = (select(Village).join(Township).where(Township.county_id == county_id)
             .order_by(Township.code, Village.code))
    if township_id is not None:
        query = query.where(Village.township_id == township_id)
    return list(db.session.scalars(query))


def _state(template: PowerTemplate, items: list[PowerItem], latest: dict[int, PowerUpdate]) -> tuple:
    live = [item for item in items if item.retired_at is None]
    if not live:
        return ("retired" if items else "not_adopted"), None, None
    item = max(live, key=lambda each: each.id)
    update = latest.get(item.id)
    if update is not None and update.status == "pending":
        return "pending", update.version, None
    same = all(getattr(item, name) == getattr(template, name) for name in TEMPLATE_FIELDS)
    if update is not None and update.status == "declined" and update.version == template.version and not same:
        return "declined", update.version, update.reason
    return ("as_is" if same else "changed"), (update.version if update is not None else None), None


def adoption(templates: list[PowerTemplate], villages: list[Village]) -> list[TemplateAdoption]:
    """Each template with the state of its item in each of the villages."""
    template_ids = [t.id for t in templates]
    village_ids = {v.id for v in villages}
    by_pair: dict[tuple[int, int], list[PowerItem]] = {}
    for item in db.session.scalars(select(PowerItem).where(PowerItem.template_id.in_(template_ids))):
        if item.village_id in village_ids:
            by_pair.setdefault((item.template_id, item.village_id), []).append(item)
    latest: dict[int, PowerUpdate] = {}
    for update in db.session.scalars(select(PowerUpdate).where(PowerUpdate.template_id.in_(template_ids),
                                                               PowerUpdate.status != "superseded")
                                     .order_by(PowerUpdate.id)):
        latest[update.item_id] = update  # the newest answer or offer wins
    result = []
    for template in templates:
        row = TemplateAdoption(template)
        for village in villages:
            state, version, reason = _state(template, by_pair.get((template.id, village.id), []), latest)
            row.villages.append(VillageState(village, state, version, reason))
        result.append(row)
    return result


def csv_rows(rows: list[TemplateAdoption], state_label) -> list[list]:
    """One line per template and village, for the county's spreadsheet."""
    return [[row.template.code, row.template.title, row.template.version, each.village.township.name,
             each.village.code, each.village.name, state_label(each.state), each.version or "", each.reason or ""]
            for row in rows for each in row.villages]
