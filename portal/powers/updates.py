"""County template changes offered to the villages that adopted the item, and the villages' answers.

A village's item is its own published record: the county never rewrites it.
When the county changes a template, each live item adopted from it gets a
proposed update holding the changed fields; the village's cadre accepts it
(published like any edit, with its reason, in the village's chain) or
declines it, optionally saying why. Both answers are kept for the county.
"""
import copy

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.extensions import db
from portal.places.models import Village
from portal.powers import editing, record
from portal.powers.models import PowerItem, PowerTemplate, PowerUpdate
from portal.powers.steps import fit_risks
from portal.records.diff import RevisionDiff, diff_revisions

# What the county's template decides for every village; people, phones and notes stay the village's.
TEMPLATE_FIELDS = ("title", "category", "top_class", "legal_basis", "responsible_body", "total_time_limit",
                   "steps", "risks")
ACCEPT_REASON = "采纳县级模板更新"
MAX_REASON = 1000


def template_fields(obj) -> dict:
    """The template-decided fields of a template or an item, as independent copies."""
    return {name: copy.deepcopy(getattr(obj, name)) for name in TEMPLATE_FIELDS}


def offer(template: PowerTemplate, before: dict, actor=None) -> int:
    """Offer the template's new version to every live item adopted from it; return how many got an offer.

    An unanswered older offer is replaced, carrying its fields along, so a village answers once for all
    the changes since it last answered. An item that already reads like the template gets no offer.
    """
    now = template_fields(template)
    changed = {name for name, value in now.items() if before.get(name) != value}
    if not changed:
        return 0
    pending = {u.item_id: u for u in db.session.scalars(
        select(PowerUpdate).where(PowerUpdate.template_id == template.id, PowerUpdate.status == "pending"))}
    items = db.session.scalars(select(PowerItem).where(PowerItem.template_id == template.id,
                                                       PowerItem.retired_at.is_(None)).order_by(PowerItem.id))
    offered = 0
    for item in items:
        names = set(changed)
        previous = pending.get(item.id)
        if previous is not None:
            names |= set(previous.changes)
            previous.status, previous.decided_at = "superseded", utcnow()
        changes = {name: now[name] for name in TEMPLATE_FIELDS if name in names and getattr(item, name) != now[name]}
        if not changes:
            continue
        db.session.add(PowerUpdate(template_id=template.id, item_id=item.id, village_id=item.village_id,
                                   version=template.version, changes=changes, status="pending"))
        offered += 1
    db.session.flush()
    audit.record("template_offer", "power_template", template.id,
                 f"{template.code} v{template.version} offered to {offered} items", user=actor)
    return offered


def offered_count(template: PowerTemplate) -> int:
    """How many villages wait to answer the template's current version."""
    return db.session.scalar(select(func.count(PowerUpdate.id)).where(
        PowerUpdate.template_id == template.id, PowerUpdate.version == template.version,
        PowerUpdate.status == "pending")) or 0


def pending_for(village: Village) -> list[PowerUpdate]:
    """The village's unanswered updates, for items still on its list, in list order."""
    return list(db.session.scalars(
        select(PowerUpdate).join(PowerItem, PowerItem.id == PowerUpdate.item_id)
        .where(PowerUpdate.village_id == village.id, PowerUpdate.status == "pending", PowerItem.retired_at.is_(None))
        .order_by(PowerItem.sort_order, PowerItem.id)))


def proposed(update: PowerUpdate) -> dict:
    """The item's published content as it would read with the update applied."""
    content = record.snapshot(update.item)
    content.update(copy.deepcopy(update.changes))
    if "steps" in update.changes and "risks" not in update.changes:
        content["risks"] = fit_risks(content.get("risks"), len(content["steps"] or []))
    return content


def diff_of(update: PowerUpdate) -> RevisionDiff:
    """What accepting would change in the item, field by field."""
    item = update.item
    new = proposed(update)
    return diff_revisions(item.title, record.snapshot(item), new.get("title") or item.title, new)


def _lock_pending(update_id: int) -> PowerUpdate:
    # Two cadres answering at once: the second finds it answered (the row lock serialises PostgreSQL).
    update = db.session.scalar(select(PowerUpdate).where(PowerUpdate.id == update_id).with_for_update())
    if update is None or update.status != "pending" or update.item.retired_at is not None:
        raise PortalError(_l("This update has already been answered or replaced by a newer one."))
    return update


def accept(update_id: int, user):
    """Apply the update to the village's item and publish it (call inside a write transaction)."""
    update = _lock_pending(update_id)
    item = update.item
    attrs = {name: value for name, value in proposed(update).items() if name in TEMPLATE_FIELDS}
    reason = f"{ACCEPT_REASON}（{update.template.code} 第{update.version}版）"
    revision = editing.apply_fields(item, user, attrs, reason)
    db.session.flush()
    update.status, update.decided_at, update.decided_by_id = "accepted", utcnow(), user.id
    update.revision_id = revision.id if revision is not None else None
    audit.record("power_update_accept", "power_item", item.id, f"{item.code} v{update.version}", user=user)
    return update


def decline(update_id: int, user, reason: str | None) -> PowerUpdate:
    """Keep the item as it is and record the answer with its optional reason (call inside a write transaction)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise PortalError(_l("Keep the reason under 1000 characters."), field="reason")
    update = _lock_pending(update_id)
    update.status, update.decided_at, update.decided_by_id = "declined", utcnow(), user.id
    update.reason = reason or None
    audit.record("power_update_decline", "power_item", update.item_id, f"{update.item.code} v{update.version}",
                 user=user)
    return update
