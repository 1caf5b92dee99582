"""The page flow of editing a power item: step rows, row actions, preview, then publish."""
from dataclasses import dataclass, field

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.labels import label
from portal.powers import editing as power_list
from portal.powers import step_rows

# Fields of the item as the preview lists them when they change.
_SHOWN = (("title", _l("Title")), ("category", _l("Category")), ("responsible_body", _l("Responsible body")),
          ("responsible_person", _l("Responsible person")),
          ("responsible_phone", _l("Phone of the responsible person")),
          ("supervisor", _l("Supervised by")), ("hotline", _l("Supervision hotline")),
          ("total_time_limit", _l("Overall time limit")), ("legal_basis", _l("Legal basis")),
          ("steps", _l("Steps")), ("risks", _l("Risk points")), ("note", _l("Note")))
_NOT_CARRIED = {"csrf_token", "action", "row_action"}
ACTIONS = ("publish", "preview", "edit")


@dataclass
class Outcome:
    """What the submitted editor asks for: a page to show again, or values to publish."""

    page: tuple | None = None
    values: dict | None = None
    rows: list = field(default_factory=list)


def rows_for(item) -> tuple[list[dict], str]:
    """The rows and the whole-item risk text to start editing an item with."""
    if item is None:
        return [step_rows.blank()], ""
    rows, rest = step_rows.from_item(item.steps, item.risks)
    return rows, power_list.format_risks(rest)


def edit_page(village, item, form, rows, focus=None, outcome=None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template("powers/power_edit.html", village=village, item=item, form=form, rows=rows,
                           levels=step_rows.LEVELS, focus=focus, outcome=outcome, max_rows=step_rows.MAX_ROWS), status


def _rows_from_text(text: str) -> list[dict]:
    try:
        return step_rows.from_item(power_list.parse_steps(text), [])[0]
    except PortalError:
        return [step_rows.blank()]


def handle(village, item, form) -> Outcome:
    """Handle a POST of the editor: a row action, going back from the preview, a preview, or publish."""
    has_rows = step_rows.present(request.form)
    rows = step_rows.from_form(request.form) if has_rows else _rows_from_text(form.steps.data or "")
    row_action = request.form.get("row_action")
    action = request.form.get("action", "publish")  # older clients post straight to publish
    if row_action:
        if not step_rows.is_action(row_action):
            show_errors(form, PortalError(_l("Choose add, move or remove for a step.")))
            return Outcome(page=edit_page(village, item, form, rows))
        rows, focus = step_rows.apply_action(rows, row_action)
        return Outcome(page=edit_page(village, item, form, rows, focus, outcome="rows"))
    if action not in ACTIONS:
        show_errors(form, PortalError(_l("Choose to preview or to publish the changes.")))
        return Outcome(page=edit_page(village, item, form, rows))
    if action == "edit":
        return Outcome(page=edit_page(village, item, form, rows))
    if not form.validate_on_submit():
        return Outcome(page=edit_page(village, item, form, rows))
    values = {**form.data, **({"step_rows": rows} if has_rows else {})}
    try:
        attrs = power_list.parsed(values)
    except PortalError as exc:
        show_errors(form, exc)
        return Outcome(page=edit_page(village, item, form, rows))
    if action != "publish":
        carried = [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CARRIED]
        return Outcome(page=(render_template("powers/power_preview.html", village=village, item=item,
                                             attrs=attrs, risks=_by_step(attrs["risks"]), carried=carried,
                                             changes=changes(item, attrs)), 200))
    return Outcome(values=values, rows=rows)


def fail(village, item, form, rows, exc: PortalError):
    show_errors(form, exc)
    return edit_page(village, item, form, rows)


def _by_step(risks: list[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for risk in risks:
        grouped.setdefault(risk.get("step_seq") or 0, []).append(risk)
    return grouped


def _as_text(name: str, value) -> str:
    if name == "category":
        return str(label("power_category", value)) if value else ""
    if name == "steps":
        return "\n".join(f"{s['seq']}. {s['actor_role']}：{s['action']}"
                         + (f"（{s['time_limit']}）" if s.get("time_limit") else "")
                         + (f" → {s['output_doc']}" if s.get("output_doc") else "")
                         + (" ⚠" if s.get("is_risk_point") else "") for s in value or [])
    if name == "risks":
        return power_list.format_risks(value)
    if name == "legal_basis":
        return "\n".join(value or [])
    return value or ""


def changes(item, attrs: dict) -> list[tuple[str, str, str]]:
    """Each shown field whose text changes, with its old and new text (all of them for a new item)."""
    out = []
    for name, title in _SHOWN:
        old = _as_text(name, getattr(item, name)) if item is not None else ""
        new = _as_text(name, attrs.get(name))
        if old != new:
            out.append((str(title), old, new))
    return out
