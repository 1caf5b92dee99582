"""Words and links for obligations and months, in the reader's language (template globals)."""
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from babel.dates import format_skeleton
from flask import Blueprint, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.core.labels import label

COMPLAINT_FORM = "/complaints/new"


def _skeleton(pattern: str, day: date) -> str:
    return _formatted(pattern, day, str(get_locale() or "zh_Hans_CN"))


@lru_cache(maxsize=4096)
def _formatted(pattern: str, day: date, locale: str) -> str:
    # Babel's skeleton matching is slow and the village page formats a dozen periods.
    return format_skeleton(pattern, day, locale=locale)


def month_name(key: str) -> str:
    """Turn "2025-03" into "2025年3月" / "Mar 2025"."""
    try:
        return _skeleton("yMMM", date.fromisoformat(key + "-01"))
    except ValueError:
        return key


def period_text(ob) -> str:
    """Name the period an obligation covers: a month, a quarter or a year."""
    if ob.kind == "finance_monthly":
        return _skeleton("yMMM", ob.start)
    if ob.kind == "duty_report":
        return _skeleton("y", ob.start)
    return _skeleton("yQQQ", ob.start)


def obligation_text(ob) -> str:
    """Say what is owed, e.g. "Monthly finance statement, 2025年3月"."""
    return _("%(what)s, %(period)s", what=label("obligation", ob.kind), period=period_text(ob))


def complaint_link(village, ob) -> str:
    """Build the one-tap link to report a missing disclosure, with the form prefilled."""
    about = _("%(village)s has not published: %(what)s (due %(due)s)", village=village.name,
              what=obligation_text(ob), due=ob.due.isoformat())
    query = urlencode({"village": village.code, "category": "disclosure_failure", "about": about})
    return f"{COMPLAINT_FORM}?{query}"


def csv_url() -> str:
    """Link to the CSV form of the current page, keeping its filters."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "format": "csv"}
    return url_for(request.endpoint, **args)


def register_globals(bp: Blueprint) -> None:
    """Make the helpers available to every template (the village page includes _missing.html)."""
    for fn in (month_name, period_text, obligation_text, complaint_link, csv_url):
        bp.add_app_template_global(fn)
