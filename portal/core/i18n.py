"""Languages: Simplified Chinese by default, English on request."""
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel.dates import format_date as babel_format_date
from flask import Flask, current_app, request
from jinja2 import pass_context
from markupsafe import Markup

from portal import paths
from portal.core.labels import label
from portal.extensions import babel

LOCALE_COOKIE = "lang"
SUPPORTED = ("zh_Hans_CN", "en")
RENDER_LOCALE = "render_locale"  # the template variable holding the reader's language for one render


def select_locale() -> str:
    """Pick the locale: explicit choice (cookie), else Chinese."""
    chosen = request.cookies.get(LOCALE_COOKIE) if request else None
    if chosen in SUPPORTED:
        return chosen
    return "zh_Hans_CN"


def _render_locale() -> dict:
    """Resolve the reader's language once per render (a context processor): a page translates dozens of
    strings, labels and dates, and asking Flask-Babel each time cost more than the translating."""
    return {RENDER_LOCALE: str(flask_babel.get_locale())}


def _locale_of(context) -> str:
    # Templates imported without context (macro libraries) do not see the render's variables.
    return context.get(RENDER_LOCALE) or str(flask_babel.get_locale())


@pass_context
def _html_lang(context) -> str:
    """Return the BCP 47 tag for <html lang>."""
    return "en" if _locale_of(context) == "en" else "zh-CN"


@pass_context
def _current_locale(context) -> str:
    return _locale_of(context)


@pass_context
def _template_gettext(context, message: str) -> str:
    return _template_text(message, _locale_of(context))


@pass_context
def _template_underscore(context, message: str, **variables) -> str:
    """`_()` in templates: jinja2.ext's newstyle gettext (escaped, always %-formatted) without its two
    indirections through the context, for the fifty strings of a page."""
    text = _template_text(message, _locale_of(context))
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_context
def _template_label(context, group: str, code) -> str:
    return label(group, code, _locale_of(context))


@pass_context
def _date_filter(context, value, fmt="medium") -> str:
    """Format a date (a moment: its day in the portal's time zone) in the reader's language."""
    if not value:
        return ""
    if isinstance(value, datetime):
        # What flask_babel.to_user_timezone does (the portal's zone is BABEL_DEFAULT_TIMEZONE), minus its cost.
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(_babel_zone(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC"))).date()
    return _formatted_date(value, fmt, _locale_of(context))


@lru_cache(maxsize=4096)
def _template_text(message: str, locale: str) -> str:
    # The catalogues are read once per process (Flask-Babel caches them too); the locale is in the key.
    return flask_babel.get_translations().ugettext(message)


@lru_cache(maxsize=8)
def _babel_zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def _formatted_date(day: date, fmt: str, locale: str) -> str:
    # Babel's formatting costs ~0.1 ms a call and a page shows many dates of the same few days.
    return babel_format_date(day, fmt, locale=locale)


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the portal's catalogues."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(paths.TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    # Templates translate the same few hundred strings over and over: keep each per language.
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=lambda s, p, n: flask_babel.get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: flask_babel.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: flask_babel.get_translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["_"] = _template_underscore
    app.context_processor(_render_locale)
    app.jinja_env.globals["html_lang"] = _html_lang
    app.jinja_env.globals["current_locale"] = _current_locale
    from flask_babel import format_datetime, format_decimal

    app.jinja_env.globals["label"] = _template_label
    app.jinja_env.filters["date"] = _date_filter
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": format_datetime(d, fmt) if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""
