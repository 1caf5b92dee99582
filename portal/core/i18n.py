"""Languages: Simplified Chinese by default, English on request."""
import flask_babel
from flask import Flask, request

from portal import paths
from portal.extensions import babel

LOCALE_COOKIE = "lang"
SUPPORTED = ("zh_Hans_CN", "en")


def select_locale() -> str:
    """Pick the locale: explicit choice (cookie), else Chinese."""
    chosen = request.cookies.get(LOCALE_COOKIE) if request else None
    if chosen in SUPPORTED:
        return chosen
    return "zh_Hans_CN"


def html_lang() -> str:
    """Return the BCP 47 tag for <html lang>."""
    return "en" if select_locale() == "en" else "zh-CN"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the portal's catalogues."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(paths.TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on the app context, which a request may share
    # (CLI, tests); choose afresh for every request.
    app.before_request(flask_babel.refresh)
    app.jinja_env.globals["html_lang"] = html_lang
    app.jinja_env.globals["current_locale"] = select_locale
    from flask_babel import format_date, format_datetime, format_decimal

    from portal.core.labels import label

    app.jinja_env.globals["label"] = label
    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": format_datetime(d, fmt) if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""
