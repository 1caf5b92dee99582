"""A village's power list as its cadres keep it: adopt, edit, reorder, retire, add.

Every change marks the village's public pages as changed and is audited; every
addition, edit and retirement is published as a chained revision with its
reason (powers/record.py), so the item's history stays public.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.extensions import db
from portal.places.models import Village
from portal.places.service import outside_hotlines, touch_village
from portal.powers import record, step_rows
from portal.powers.models import CATEGORIES, PowerItem, PowerTemplate
from portal.powers.steps import format_steps, parse_steps  # noqa: F401  (format_steps: the edit form)

LEVELS = {"high": "high", "medium": "medium", "low": "low", "高": "high", "中": "medium", "低": "low",
          "h": "high", "m": "medium", "l": "low"}
CONTACT_FIELDS = ("responsible_person", "responsible_phone", "supervisor", "hotline")
EDIT_FIELDS = ("title", "category", "responsible_body", "total_time_limit", "note", *CONTACT_FIELDS)
_COPIED = ("code", "title", "category", "top_class", "legal_basis", "responsible_body", "eligibility", "materials",
           "steps", "total_time_limit", "disclosure_rules", "risks", "accountability", "note")


# ---- risk lines (steps: portal.powers.steps) ------------------------------------------------

def parse_risks(text: str, step_count: int) -> list[dict]:
    """Read "step | level | risk | control" lines; step 0 or empty means the whole item."""
    risks, problems = [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4:
            problems.append(number)
            continue
        step, level, risk, control = parts
        step = step or "0"
        if (not (step.isascii() and step.isdigit()) or int(step) > step_count or level.lower() not in LEVELS
                or not risk or not control):
            problems.append(number)
            continue
        risks.append({"step_seq": int(step), "level": LEVELS[level.lower()], "risk": risk, "control": control})
    if problems:
        raise PortalError(_l("Lines %(lines)s must read “step number | high, medium or low | risk | control”, "
                             "with a step that exists.", lines=", ".join(map(str, problems))), field="risks")
    return risks


def format_risks(risks: list[dict]) -> str:
    return "\n".join(f"{r.get('step_seq') or 0} | {r.get('level')} | {r.get('risk')} | {r.get('control')}"
                     for r in risks or [])


def parse_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---- reading ----------------------------------------------------------------------------------

def current_items(village: Village) -> list[PowerItem]:
    """The village's items in public order (retired ones left out)."""
    return list(db.session.scalars(
        select(PowerItem).where(PowerItem.village_id == village.id, PowerItem.retired_at.is_(None))
        .order_by(PowerItem.sort_order, PowerItem.id)))


def adoptable_templates(village: Village) -> list[PowerTemplate]:
    """County template items the village has not adopted (or has retired)."""
    adopted = select(PowerItem.template_id).where(PowerItem.village_id == village.id,
                                                  PowerItem.retired_at.is_(None),
                                                  PowerItem.template_id.is_not(None))
    return list(db.session.scalars(
        select(PowerTemplate).where(PowerTemplate.county_id == village.township.county_id,
                                    PowerTemplate.retired.is_(False), PowerTemplate.id.not_in(adopted))
        .order_by(PowerTemplate.sort_order, PowerTemplate.id)))


def default_contacts(village: Village) -> dict:
    """Suggest the responsible person, phone, supervisor and hotline from the village's cadres."""
    cadres = list(village.cadres)
    head = next((c for c in cadres if c.role in ("party_secretary", "committee_director")), None)
    chair = next((c for c in cadres if c.role == "supervision_chair"), None)
    township = village.township
    return {
        "responsible_person": head.name if head else "",
        "responsible_phone": (head.phone if head and head.phone else village.supervision_phone) or "",
        "supervisor": "；".join(p for p in (chair and chair.name, township.name + "纪委") if p),
        "hotline": outside_hotlines(village),
    }


# ---- changing ----------------------------------------------------------------------------------

def _changed(village: Village, user, action: str, item_id, detail: str | None = None) -> None:
    touch_village(village)
    audit.record(action, "power_item", item_id, detail=detail, user=user)


def _next_order(village: Village) -> int:
    return (db.session.scalar(select(func.max(PowerItem.sort_order)).where(PowerItem.village_id == village.id))
            or 0) + 1


def _contacts(values: dict) -> dict:
    return {k: (values.get(k) or "").strip() or None for k in CONTACT_FIELDS}


def adopt(village: Village, user, templates: list[PowerTemplate], contacts: dict) -> list[PowerItem]:
    """Adopt county template items with the village's contacts (call inside a write transaction)."""
    order = _next_order(village)
    items = []
    for offset, template in enumerate(templates):
        if template.county_id != village.township.county_id:
            raise PortalError(_l("That item is not on your county's list."))
        item = PowerItem(village=village, village_id=village.id, template_id=template.id, sort_order=order + offset,
                         **{col: getattr(template, col) for col in _COPIED}, **_contacts(contacts))
        db.session.add(item)
        items.append(item)
    db.session.flush()
    for item in items:
        record.publish(item, f"采用县级小微权力清单事项 {item.code}", user.id)
        _changed(village, user, "power_adopt", item.id, detail=item.code)
    return items


def parsed(values: dict) -> dict:
    """Check an item's submitted values and return the attributes they set, without writing anything.

    Steps come as rows (``step_rows``, from the step editor) or as one-line text (``steps``).
    """
    if not (values.get("title") or "").strip():
        raise PortalError(_l("Give the item a title."), field="title")
    if values.get("category") not in CATEGORIES:
        raise PortalError(_l("Choose a category from the list."), field="category")
    if values.get("step_rows") is not None:
        steps, step_risks = step_rows.to_steps(values["step_rows"])
    else:
        steps, step_risks = parse_steps(values.get("steps", "")), []
    attrs = {"steps": steps, "risks": step_risks + parse_risks(values.get("risks", ""), len(steps)),
             "legal_basis": parse_lines(values.get("legal_basis", ""))}
    for name in EDIT_FIELDS:
        value = (values.get(name) or "").strip()
        attrs[name] = value if name in ("title", "category", "responsible_body") else (value or None)
    return attrs


def _apply(item: PowerItem, values: dict) -> None:
    for name, value in parsed(values).items():
        setattr(item, name, value)


def apply_fields(item: PowerItem, user, attrs: dict, reason: str | None):
    """Set checked attributes of an item and publish it with the reason (call inside a write transaction).

    The one way an existing item changes: the cadre's editor and an accepted county update both use it.
    Returns the new revision, or None when nothing the public sees changed.
    """
    reason = record.check_reason(reason)
    for name, value in attrs.items():
        setattr(item, name, value)
    revision = record.publish(item, reason, user.id)
    _changed(item.village, user, "power_edit", item.id, detail=item.code)
    return revision


def update(item: PowerItem, user, values: dict) -> None:
    """Change an item's title, people, steps and risks, saying why (call inside a write transaction)."""
    reason = record.check_reason(values.get("reason"))
    apply_fields(item, user, parsed(values), reason)


def add(village: Village, user, values: dict) -> PowerItem:
    """Add an item of the village's own (call inside a write transaction)."""
    count = db.session.scalar(select(func.count()).where(PowerItem.village_id == village.id,
                                                         PowerItem.template_id.is_(None))) or 0
    code = (values.get("code") or "").strip() or f"V-{count + 1:02d}"
    reason = record.check_reason(values.get("reason"))
    item = PowerItem(village=village, village_id=village.id, code=code[:32], top_class="service",
                     sort_order=_next_order(village))
    _apply(item, values)
    db.session.add(item)
    db.session.flush()
    record.publish(item, reason, user.id)
    _changed(village, user, "power_add", item.id, detail=item.code)
    return item


def move(item: PowerItem, user, direction: str) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    items = current_items(item.village)
    for order, each in enumerate(items, start=1):
        each.sort_order = order  # renumber so equal orders from imports cannot stall a move
    index = next(i for i, each in enumerate(items) if each.id == item.id)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return
    items[index].sort_order, items[other].sort_order = items[other].sort_order, items[index].sort_order
    _changed(item.village, user, "power_move", item.id, detail=direction)


def retire(item: PowerItem, user, reason: str | None) -> None:
    """Take an item off the public list, saying why; its page stays, marked retired, with its history."""
    reason = record.check_reason(reason)
    item.retired_at = utcnow()
    record.publish(item, reason, user.id)
    _changed(item.village, user, "power_retire", item.id, detail=item.code)
