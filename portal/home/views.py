"""Public place pages: find a village, a township's villages, a village's page."""
from flask import Blueprint, make_response, redirect, render_template, request

from portal.core.http import cached_page, not_modified, page_etag
from portal.core.i18n import LOCALE_COOKIE, SUPPORTED
from portal.core.page_cache import shared_page
from portal.core.timezone import local_midnight_utc, local_today
from portal.core.urls import safe_next_url
from portal.home.service import recent_changes, village_page
from portal.places import service
from portal.places.search import search_villages

bp = Blueprint("home", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def home():
    query = request.args.get("q", "").strip()
    results = search_villages(query) if query else None
    townships = service.list_townships() if not query else []
    return render_template("home/home.html", query=query, results=results, townships=townships,
                           recent=recent_changes() if not query else [])


@bp.get("/townships/<code>")
def township_show(code: str):
    township = service.get_township(code)
    return render_template("home/township_show.html", township=township)


@bp.get("/villages/<code>")
@shared_page("code")
def village_show(code: str):
    village = service.get_village_summary(code)
    # Today's date is part of the page: what counts as missing changes at midnight.
    today = local_today()
    etag = page_etag("village", village.id, village.content_version, today)
    last_modified = max(village.updated_at, local_midnight_utc(today))
    cached = not_modified(etag, last_modified)
    if cached is not None:
        return cached
    # Stored for every worker and node (core.page_cache) until the village publishes again.
    body = render_template("home/village_show.html", page=village_page(village), village=village)
    return cached_page(body, etag, last_modified)


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
