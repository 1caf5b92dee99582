"""Reading power items for the public pages."""
from flask import abort
from sqlalchemy import select

from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem


def get_item(village: Village, item_id: int) -> PowerItem:
    """Load a village's current power item, or 404 (also for another village's item)."""
    item = db.session.scalar(
        select(PowerItem).where(PowerItem.id == item_id, PowerItem.village_id == village.id)
    )
    if item is None or item.retired_at is not None:
        abort(404)
    return item


def risks_by_step(item: PowerItem) -> dict[int, list[dict]]:
    """Group an item's risk points under the step they belong to (0 = whole item)."""
    grouped: dict[int, list[dict]] = {}
    for risk in item.risks or []:
        grouped.setdefault(int(risk.get("step_seq") or 0), []).append(risk)
    return grouped
