"""Local dates of the county (Asia/Shanghai by default) and calendar arithmetic."""
import calendar
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"


def local_zone() -> ZoneInfo:
    """Return the portal's time zone (the default outside an app context)."""
    name = current_app.config.get("PORTAL_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return _zone(name)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_today() -> date:
    """Return today's date where the county is."""
    return datetime.now(local_zone()).date()


def local_date(moment: datetime | None) -> date | None:
    """Return the local calendar date of an aware (or UTC-naive) moment; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone()).date()


def local_midnight_utc(day: date) -> datetime:
    """Return the UTC moment at which a local day begins."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def month_end(day: date) -> date:
    """Return the last day of the month of day."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_back(day: date, n: int) -> date:
    """Return the same day n months earlier (clamped to the month's length)."""
    index = day.year * 12 + day.month - 1 - n
    year, month = divmod(index, 12)
    first = date(year, month + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def add_months(day: date, n: int) -> date:
    """Return the first day of the month n months after day's month."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def quarter_of(day: date) -> int:
    """Return the quarter (1–4) of a date."""
    return (day.month - 1) // 3 + 1
