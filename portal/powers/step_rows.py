"""The power-item step editor: one row per step, with add, remove and reorder that need no JavaScript.

A row is a dict of text: actor, action, limit, record, risk ("1" when it is a 廉政风险点), level,
risk_text and control. Rows travel as form fields named ``step-<n>-<part>``; a submit button
``row_action`` names what to do with them (``add``, ``remove-<n>``, ``up-<n>``, ``down-<n>``).
"""
import re

from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError
from portal.core.text import refuse_hidden, refuse_too_long
from portal.powers.steps import MAX_STEPS

PARTS = ("actor", "action", "limit", "record", "risk", "level", "risk_text", "control")
LEVELS = ("high", "medium", "low")
MAX_ROWS = MAX_STEPS
MAX_TEXT = 2000  # per part of a row
_NAME = re.compile(r"step-(\d{1,3})-(\w+)")
_ACTION = re.compile(r"(add|remove|up|down)(?:-(\d{1,3}))?")


def blank() -> dict:
    return {part: "" for part in PARTS} | {"level": "medium"}


def present(form) -> bool:
    """Tell whether a submitted form carries step rows (older clients send the one-line text instead)."""
    return any(_NAME.fullmatch(key) for key in form.keys())


def from_form(form) -> list[dict]:
    """Read the rows of a submitted form in their numbered order."""
    rows: dict[int, dict] = {}
    for key in form.keys():
        if (m := _NAME.fullmatch(key)) and m.group(2) in PARTS:
            rows.setdefault(int(m.group(1)), blank())[m.group(2)] = (form.get(key) or "").strip()
    return [rows[n] for n in sorted(rows)][:MAX_ROWS + 1]


def from_item(steps: list[dict], risks: list[dict]) -> tuple[list[dict], list[dict]]:
    """Turn stored steps and risks into rows; return the rows and the risks no row holds (whole-item ones)."""
    rows, rest = [], list(risks or [])
    for step in steps or []:
        row = blank() | {"actor": step.get("actor_role") or "", "action": step.get("action") or "",
                         "limit": step.get("time_limit") or "", "record": step.get("output_doc") or ""}
        own = next((r for r in rest if r.get("step_seq") == step.get("seq")), None)
        if own is not None:
            rest.remove(own)
            row.update(risk="1", level=own.get("level") or "medium", risk_text=own.get("risk") or "",
                       control=own.get("control") or "")
        elif step.get("is_risk_point"):
            row["risk"] = "1"
        rows.append(row)
    return rows or [blank()], rest


def is_action(action: str) -> bool:
    """Tell whether a row button's value is one the editor knows."""
    return _ACTION.fullmatch(action or "") is not None


def apply_action(rows: list[dict], action: str) -> tuple[list[dict], int]:
    """Add, remove or move a row; return the rows and the index of the row to show."""
    m = _ACTION.fullmatch(action or "")
    if not m:
        return rows, 0
    verb, index = m.group(1), int(m.group(2) or 0)
    rows = list(rows)
    if verb == "add":
        if len(rows) < MAX_ROWS:
            rows.insert(index + 1 if m.group(2) else len(rows), blank())
        return rows, (index + 1 if m.group(2) else len(rows) - 1)
    if not 0 <= index < len(rows):
        return rows, 0
    if verb == "remove":
        rows.pop(index)
        return rows or [blank()], max(0, min(index, len(rows) - 1))
    other = index - 1 if verb == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        return rows, other
    return rows, index


def to_steps(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Validate rows into the stored steps and their risks; empty rows are skipped."""
    steps, risks = [], []
    filled = [row for row in rows if any(row.get(p) for p in PARTS if p not in ("level", "risk"))]
    if not filled:
        raise PortalError(_l("Write at least one step."), field="steps")
    if len(filled) > MAX_ROWS:
        raise PortalError(_l("Write at most %(n)d steps.", n=MAX_ROWS), field="steps")
    for seq, row in enumerate(filled, start=1):
        texts = [row.get(p) for p in PARTS]
        refuse_hidden("steps", *texts)
        for text in texts:
            refuse_too_long("steps", text, MAX_TEXT)
        if not row.get("actor") or not row.get("action"):
            raise PortalError(_l("Step %(n)d: say who does it and what they do.", n=seq), field="steps")
        risky = bool(row.get("risk"))
        if risky and not row.get("control"):
            raise PortalError(_l("Step %(n)d is marked as an integrity risk point: say how the risk is controlled.",
                                 n=seq), field="steps")
        steps.append({"seq": seq, "actor_role": row["actor"], "action": row["action"],
                      "time_limit": row.get("limit") or "", "output_doc": row.get("record") or "",
                      "is_risk_point": risky})
        if risky:
            level = row.get("level") if row.get("level") in LEVELS else "medium"
            risks.append({"step_seq": seq, "level": level, "risk": row.get("risk_text") or row["action"],
                          "control": row["control"]})
    return steps, risks
