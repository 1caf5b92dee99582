"""Words and links for obligations and months, in the reader's language (template globals)."""
from datetime import date
from functools import lru_cache
from urllib.parse import quote_plus

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
    return _owed(ob.kind, ob.start, ob.end, ob.due, str(get_locale() or "zh_Hans_CN"))[0]


def complaint_link(village, ob) -> str:
    """Build the one-tap link to report a missing disclosure, with the form prefilled."""
    return _link(village, ob, str(get_locale() or "zh_Hans_CN"))


def _link(village, ob, locale: str) -> str:
    return _form_link(_form_prefix(village), quote_plus(village.name), _owed(ob.kind, ob.start, ob.end, ob.due, locale))


def _form_prefix(village) -> str:
    return f"{COMPLAINT_FORM}?village={quote_plus(village.code)}&category=disclosure_failure&about="


def _form_link(prefix: str, name: str, owed: tuple[str, str, str]) -> str:
    # The query is encoded once per obligation and language; only the village's code and name are
    # encoded per page (quote_plus works character by character, so the pieces join exactly).
    return prefix + owed[2].replace(_VILLAGE_ENCODED, name)


def missing_lines(village, missing) -> list[tuple[str, str]]:
    """(text, complaint link) of each missing obligation (kind, start, end, due), in the order given."""
    locale = str(get_locale() or "zh_Hans_CN")
    prefix, name = _form_prefix(village), quote_plus(village.name)
    lines = []
    for o in missing:
        owed = _owed(o.kind, o.start, o.end, o.due, locale)
        lines.append((owed[0], _form_link(prefix, name, owed)))
    return lines


_VILLAGE = "\x00village\x00"
_VILLAGE_ENCODED = quote_plus(_VILLAGE)


@lru_cache(maxsize=4096)
def _owed(kind: str, start: date, end: date, due: date, locale: str) -> tuple[str, str, str]:
    """The words for one obligation in one language; every village owes the same months, so they are kept.

    Returns the text, the complaint's "about" line with a placeholder for the village's name, and that
    line encoded for a query string.
    """
    ob = _Period(kind, start, end)
    text = _("%(what)s, %(period)s", what=label("obligation", kind), period=period_text(ob))
    about = _("%(village)s has not published: %(what)s (due %(due)s)", village=_VILLAGE, what=text,
              due=due.isoformat())
    return text, about, quote_plus(about)


class _Period:
    __slots__ = ("kind", "start", "end")

    def __init__(self, kind, start, end):
        self.kind, self.start, self.end = kind, start, end


def csv_url() -> str:
    """Link to the CSV form of the current page, keeping its filters."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "format": "csv"}
    return url_for(request.endpoint, **args)


def register_globals(bp: Blueprint) -> None:
    """Make the helpers available to every template (the village page includes _missing.html)."""
    for fn in (month_name, period_text, obligation_text, complaint_link, csv_url):
        bp.add_app_template_global(fn)
