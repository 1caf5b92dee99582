"""County settings the admin keeps: complaint deadlines, the holiday corrections, sign-in security."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.complaints.deadlines import DeadlineRules
from portal.complaints.models import HolidayOverride
from portal.core import audit
from portal.core.errors import PortalError
from portal.core.permissions import REQUIRE_2FA_SETTING
from portal.core.settings import get_setting, set_setting
from portal.extensions import db

DEADLINE_KEY = "deadline_rules"
DEADLINE_FIELDS = ("decide_working_days", "forward_working_days", "conclude_days", "max_extension_days",
                   "review_request_days", "review_answer_days", "warn_days")
MAX_DAYS = 365


def current_deadlines() -> DeadlineRules:
    """The stored deadline rules, or the portal defaults when none (or broken ones) are stored."""
    try:
        return DeadlineRules.from_mapping(get_setting(DEADLINE_KEY) or {})
    except (TypeError, ValueError):
        return DeadlineRules()


def save_deadlines(raw: dict, actor=None) -> DeadlineRules:
    """Check and store the deadline rules (whole days, 1 to 365)."""
    values = {}
    for key in DEADLINE_FIELDS:
        text = str(raw.get(key) if raw.get(key) is not None else "").strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
            raise PortalError(_l("Enter a whole number of days from 1 to %(n)s.", n=MAX_DAYS), field=key)
        values[key] = int(text)
    try:
        rules = DeadlineRules.from_mapping(values)
    except ValueError as exc:  # the rules' own check, should the two ever differ
        raise PortalError(_l("These deadlines are not valid.")) from exc
    before = get_setting(DEADLINE_KEY)
    if before != values:
        set_setting(DEADLINE_KEY, values)
        audit.record("deadlines_update", "setting", DEADLINE_KEY, f"{before} -> {values}", user=actor)
    return rules


def list_holidays() -> list[HolidayOverride]:
    """The county's corrections to the holiday calendar, newest date first."""
    return list(db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day.desc())))


def parse_day(text: str | None) -> date:
    """Read a date written as YYYY-MM-DD."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise PortalError(_l("Enter a date like 2026-10-08."), field="day") from None


def add_holiday(day_text: str, kind: str, note: str | None, actor=None) -> HolidayOverride:
    """Declare a date a working day or a day off."""
    day = parse_day(day_text)
    if not 2000 <= day.year <= 2100:
        raise PortalError(_l("Enter a date between 2000 and 2100."), field="day")
    if kind not in ("working", "off"):
        raise PortalError(_l("Choose whether the day is worked or off."), field="kind")
    note = (note or "").strip() or None
    if note and len(note) > 255:
        raise PortalError(_l("Use at most %(n)s characters.", n=255), field="note")
    if db.session.scalar(select(HolidayOverride.id).where(HolidayOverride.day == day)) is not None:
        raise PortalError(_l("This date already has a correction; remove it first."), field="day")
    override = HolidayOverride(day=day, is_working_day=kind == "working", note=note)
    db.session.add(override)
    db.session.flush()
    audit.record("holiday_add", "holiday_override", day.isoformat(), f"{kind} {note or ''}".strip(), user=actor)
    return override


def remove_holiday(override: HolidayOverride, actor=None) -> None:
    """Drop a correction; the national calendar applies to that date again."""
    audit.record("holiday_remove", "holiday_override", override.day.isoformat(),
                 "working" if override.is_working_day else "off", user=actor)
    db.session.delete(override)


def two_factor_enforced() -> bool:
    """Tell whether complaint handlers must use two-step verification."""
    return bool(get_setting(REQUIRE_2FA_SETTING, False))


def set_two_factor_enforced(enforced: bool, actor=None) -> None:
    """Require (or stop requiring) two-step verification of complaint handlers."""
    if two_factor_enforced() == bool(enforced):
        return
    set_setting(REQUIRE_2FA_SETTING, bool(enforced))
    audit.record("security_update", "setting", REQUIRE_2FA_SETTING, str(bool(enforced)), user=actor)
