"""Reading power items for the public pages."""
from flask import abort
from sqlalchemy import Select, select

from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem


def get_item(village: Village, item_id: int) -> PowerItem:
    """Load a village's power item, retired ones included, or 404 (also for another village's item)."""
    item = db.session.scalar(
        select(PowerItem).where(PowerItem.id == item_id, PowerItem.village_id == village.id)
    )
    if item is None:
        abort(404)
    return item


def risks_by_step(item) -> dict[int, list[dict]]:
    """Group an item's risk points under the step they belong to (0 = whole item); item may be a revision's content."""
    grouped: dict[int, list[dict]] = {}
    risks = item.get("risks") if isinstance(item, dict) else item.risks
    for risk in risks or []:
        grouped.setdefault(int(risk.get("step_seq") or 0), []).append(risk)
    return grouped


def grouped_items(village: Village) -> list[tuple[str, list[PowerItem]]]:
    """The village's current items grouped by category, in the county's category order (one query)."""
    from portal.powers.models import CATEGORIES

    items = db.session.scalars(
        select(PowerItem)
        .where(PowerItem.village_id == village.id, PowerItem.retired_at.is_(None))
        .order_by(PowerItem.sort_order, PowerItem.id)
        .options(db.load_only(PowerItem.id, PowerItem.code, PowerItem.title, PowerItem.category,
                              PowerItem.top_class, PowerItem.sort_order))
    ).all()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    grouped: dict[str, list[PowerItem]] = {}
    for item in items:
        grouped.setdefault(item.category, []).append(item)
    return sorted(grouped.items(), key=lambda kv: order.get(kv[0], len(order)))


def current_items(village: Village) -> Select:
    """The village's items in force, in list order (a statement, for paginating)."""
    return (select(PowerItem).where(PowerItem.village_id == village.id, PowerItem.retired_at.is_(None))
            .order_by(PowerItem.sort_order, PowerItem.id))
