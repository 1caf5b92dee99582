"""Conditional GET for public pages: ETag and Last-Modified, answered with 304."""
import hashlib
from datetime import datetime

from flask import Response, make_response, request

from portal.core.i18n import select_locale


def page_etag(*parts) -> str:
    """Build a weak validator from what the page depends on (data version, language, text size)."""
    raw = "|".join(str(p) for p in (*parts, select_locale(), request.cookies.get("textsize", "")))
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def not_modified(etag: str, last_modified: datetime | None) -> Response | None:
    """Return a 304 when the client's copy is current, else None."""
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        return _stamp(Response(status=304), etag, last_modified)
    if not request.if_none_match and last_modified and request.if_modified_since:
        if last_modified.replace(microsecond=0) <= request.if_modified_since:
            return _stamp(Response(status=304), etag, last_modified)
    return None


def _stamp(response: Response, etag: str, last_modified: datetime | None) -> Response:
    response.set_etag(etag, weak=True)
    if last_modified:
        response.last_modified = last_modified
    # Revalidate every time: a correction must show at once, yet 304s cost almost nothing.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    return response


def cached_page(body, etag: str, last_modified: datetime | None, mimetype: str | None = None) -> Response:
    """Wrap a rendered page with its validators."""
    response = make_response(body)
    if mimetype:
        response.mimetype = mimetype
    return _stamp(response, etag, last_modified)
