"""The one-line-per-step text format of power-list steps, for county templates and village items alike.

A step reads ``who | what | time limit | record``; a "!" at either end of the
line's action (or at the start of the line) marks a risk point.
"""
from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError

# The county's longest standard procedures have about 35 steps; a village item adopted
# from a template must be editable with the same limit.
MAX_STEPS = 40
MAX_PART = 255


def parse_steps(text: str) -> list[dict]:
    """Read step lines into step dicts; refuse malformed lines, naming them."""
    steps, problems, too_long = [], [], []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in line.lstrip("!").split("|")]
        if len(parts) < 2 or len(parts) > 4 or not parts[0] or not parts[1].strip("!").strip():
            problems.append(number)
            continue
        if any(len(part) > MAX_PART for part in parts):
            too_long.append(number)
            continue
        actor, action, limit, record = parts + [""] * (4 - len(parts))
        steps.append({"seq": len(steps) + 1, "actor_role": actor, "action": action.strip("!").strip(),
                      "time_limit": limit, "output_doc": record,
                      "is_risk_point": line.startswith("!") or action.startswith("!") or action.endswith("!")})
    if problems:
        raise PortalError(_l("Lines %(lines)s need at least “who | what”, and at most four parts.",
                             lines=", ".join(map(str, problems))), field="steps")
    if too_long:
        raise PortalError(_l("Line %(n)s is too long (at most 255 characters per part).", n=too_long[0]),
                          field="steps")
    if not steps:
        raise PortalError(_l("Write at least one step."), field="steps")
    if len(steps) > MAX_STEPS:
        raise PortalError(_l("Write at most %(n)d steps.", n=MAX_STEPS), field="steps")
    return steps


def format_steps(steps: list[dict]) -> str:
    """Write steps back as editable lines."""
    lines = []
    for step in steps or []:
        action = (step.get("action") or "") + ("!" if step.get("is_risk_point") else "")
        lines.append(" | ".join([step.get("actor_role") or "", action, step.get("time_limit") or "",
                                 step.get("output_doc") or ""]).rstrip(" |"))
    return "\n".join(lines)


def fit_risks(risks: list[dict], step_count: int) -> list[dict]:
    """Move risks tied to a step that no longer exists to the whole item (step 0)."""
    return [{**r, "step_seq": r.get("step_seq") if (r.get("step_seq") or 0) <= step_count else 0}
            for r in risks or []]
