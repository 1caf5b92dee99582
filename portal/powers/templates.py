"""The county's standard power list (templates), edited in a plain-text format.

A change is offered to every village that adopted the item (``portal.powers.updates``).

Steps use the one-line-per-step format of ``portal.powers.steps``, the same
the cadres edit. Legal bases are one per line.
"""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.core import audit
from portal.core.errors import PortalError
from portal.core.text import refuse_hidden
from portal.extensions import db
from portal.places.service import the_county
from portal.powers import updates
from portal.powers.editing import format_risks, parse_risks  # noqa: F401  (format_risks: the edit form)
from portal.powers.models import CATEGORIES, TOP_CLASSES, PowerTemplate
from portal.powers.steps import fit_risks, format_steps, parse_steps  # noqa: F401  (format_steps: the edit form)

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")


def list_templates() -> list[PowerTemplate]:
    """The county's templates in list order."""
    return list(db.session.scalars(select(PowerTemplate).order_by(PowerTemplate.sort_order, PowerTemplate.id)))


def parse_lines(text: str, field: str) -> list[str]:
    """Read one entry per line, skipping blank lines."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if any(len(line) > 255 for line in lines):
        raise PortalError(_l("Each line may have at most 255 characters."), field=field)
    return lines


def _clean(data: dict) -> dict:
    for name in ("title", "responsible_body", "total_time_limit", "legal_basis", "steps"):
        refuse_hidden(name, data.get(name))
    title = (data.get("title") or "").strip()
    if not title or len(title) > 128:
        raise PortalError(_l("Give the item a title of at most 128 characters."), field="title")
    if data.get("category") not in CATEGORIES:
        raise PortalError(_l("Choose one of the categories in the list."), field="category")
    if data.get("top_class") not in TOP_CLASSES:
        raise PortalError(_l("Choose one of the classes in the list."), field="top_class")
    body = (data.get("responsible_body") or "").strip()
    if len(body) > 255:
        raise PortalError(_l("Use at most %(n)s characters.", n=255), field="responsible_body")
    limit = (data.get("total_time_limit") or "").strip()
    if len(limit) > 64:
        raise PortalError(_l("Use at most %(n)s characters.", n=64), field="total_time_limit")
    steps = parse_steps(data.get("steps"))
    fields = {"title": title, "category": data["category"], "top_class": data["top_class"],
              "legal_basis": parse_lines(data.get("legal_basis"), "legal_basis"), "responsible_body": body,
              "total_time_limit": limit or None, "steps": steps}
    if data.get("risks") is not None:  # the form sends them; older callers leave the risks as they were
        refuse_hidden("risks", data.get("risks"))
        fields["risks"] = parse_risks(data["risks"], len(steps))
    return fields


def create_template(data: dict, actor=None) -> PowerTemplate:
    """Add an item to the county's standard list."""
    county = the_county()
    code = (data.get("code") or "").strip()
    if not CODE_RE.match(code):
        raise PortalError(_l("Use letters, digits and '-' for the code, e.g. QX-A-02."), field="code")
    if db.session.scalar(select(PowerTemplate.id).where(PowerTemplate.code == code)) is not None:
        raise PortalError(_l("An item with this code already exists."), field="code")
    fields = _clean(data)
    last = db.session.scalar(select(func.max(PowerTemplate.sort_order))) or 0
    template = PowerTemplate(county=county, code=code, sort_order=last + 1, version=1, **fields)
    db.session.add(template)
    db.session.flush()
    audit.record("template_create", "power_template", template.id, f"{code} {template.title}", user=actor)
    return template


def update_template(template: PowerTemplate, data: dict, actor=None) -> bool:
    """Change an item of the standard list; a real change raises its version."""
    fields = _clean(data)
    if all(getattr(template, key) == value for key, value in fields.items()):
        return False
    before = updates.template_fields(template)
    for key, value in fields.items():
        setattr(template, key, value)
    if "risks" not in fields:
        template.risks = fit_risks(template.risks, len(fields["steps"]))
    template.version = (template.version or 1) + 1
    audit.record("template_update", "power_template", template.id, f"{template.code} v{template.version}",
                 user=actor)
    # Villages keep what they published; each one that adopted the item is offered the change.
    updates.offer(template, before, actor=actor)
    return True
