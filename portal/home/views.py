"""Public place pages: find a village, a township's villages, a village's page."""
from flask import Blueprint, abort, make_response, redirect, render_template, request, send_file

from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.http import conditional, revalidate
from portal.core.i18n import LOCALE_COOKIE, SUPPORTED
from portal.core.page_cache import shared_page
from portal.core.storage import FILE_CSP, open_upload
from portal.core.timezone import local_midnight_utc, local_today
from portal.core.urls import safe_next_url
from portal.home.service import recent_changes, village_for_page, village_page
from portal.places import emblem as county_emblem
from portal.places import service
from portal.places.search import MAX_QUERY, search_villages

bp = Blueprint("home", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@conditional
def home():
    query = request.args.get("q", "").strip()
    results, errors = None, {}
    if query:
        try:
            results = search_villages(query)
        except PortalError as exc:  # beside the search box; the page still answers 200
            errors = show_errors(None, exc)
    townships = service.list_townships() if not query else []
    return render_template("home/home.html", query=query, results=results, townships=townships, errors=errors,
                           max_query=MAX_QUERY, recent=recent_changes() if not query else [],
                           emblem=county_emblem.current())


@bp.get("/emblem/<name>")
@conditional
def emblem_show(name: str):
    """The county's emblem; its address changes with the picture, so it may be kept for a year."""
    emblem = county_emblem.current()
    if emblem is None or name != emblem.public_name:
        abort(404)
    try:
        handle = open_upload(emblem.stored_name)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype=emblem.mime_type, conditional=True, etag=emblem.sha256, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


@bp.get("/townships/<code>")
@conditional
def township_show(code: str):
    township = service.get_township(code)
    return render_template("home/township_show.html", township=township)


@bp.get("/villages/<code>")
@shared_page("code")
@conditional
def village_show(code: str):
    village, stored = village_for_page(code)
    # Today's date is part of the page: what counts as missing changes at midnight.
    today = local_today()
    revalidate("village", village.id, village.content_version, today,
               last_modified=max(village.updated_at, local_midnight_utc(today)))
    # Stored for every worker and node (core.page_cache) until the village publishes again.
    return render_template("home/village_show.html", page=village_page(village, today, stored), village=village,
                           hotlines=service.village_hotlines(village))


def _safe_next(default: str = "/") -> str:
    """Only ever return to a path on this portal."""
    return safe_next_url(request.args.get("next"), default)


@bp.get("/lang/<code>")
def language_set(code: str):
    response = make_response(redirect(_safe_next()))
    if code in SUPPORTED:
        response.set_cookie(LOCALE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.get("/display/<size>")
def display_set(size: str):
    response = make_response(redirect(_safe_next()))
    if size == "large":
        response.set_cookie("textsize", "large", max_age=ONE_YEAR, samesite="Lax", httponly=True)
    else:
        response.delete_cookie("textsize")
    return response
