"""The county's complaint routing table: township × category → who handles it."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.complaints.models import CATEGORIES, RoutingRule
from portal.core import audit
from portal.core.errors import PortalError
from portal.core.roles import LEVELS, Level
from portal.extensions import db
from portal.places.models import Township

# "" means no rule here: the rule for every township applies, else the township handles it.
INHERIT = ""


def rules_for(township: Township | None) -> dict[str, str]:
    """Map each category to the level ruled for this township (or for every township when None)."""
    tid = township.id if township is not None else None
    rows = db.session.scalars(select(RoutingRule).where(
        RoutingRule.township_id.is_(None) if tid is None else RoutingRule.township_id == tid))
    ruled = {rule.category: rule.level for rule in rows}
    return {category: ruled.get(category, INHERIT) for category in CATEGORIES}


def county_counts() -> dict[int | None, int]:
    """Count the categories each township (None: every township) sends to the county."""
    counts: dict[int | None, int] = {}
    for tid in db.session.scalars(select(RoutingRule.township_id).where(RoutingRule.level == Level.COUNTY)):
        counts[tid] = counts.get(tid, 0) + 1
    return counts


def set_rules(township: Township | None, wanted: dict[str, str], actor=None) -> list[str]:
    """Store the levels for one township (or every township); return the categories that changed."""
    for category, level in wanted.items():
        if category not in CATEGORIES:
            raise PortalError(_l("Unknown complaint category."))
        if level not in (INHERIT, *LEVELS):
            raise PortalError(_l("Choose one of the levels in the list."), field=f"rule_{category}")
    tid = township.id if township is not None else None
    existing = {rule.category: rule for rule in db.session.scalars(select(RoutingRule).where(
        RoutingRule.township_id.is_(None) if tid is None else RoutingRule.township_id == tid))}
    changed = []
    for category, level in wanted.items():
        rule = existing.get(category)
        if (rule.level if rule else INHERIT) == level:
            continue
        changed.append(f"{category}={level or 'inherit'}")
        if level == INHERIT:
            db.session.delete(rule)
        elif rule is None:
            db.session.add(RoutingRule(township_id=tid, category=category, level=level))
        else:
            rule.level = level
    if changed:
        scope = township.code if township is not None else "all"
        audit.record("routing_update", "routing_rule", scope, ", ".join(changed), user=actor)
    return changed
