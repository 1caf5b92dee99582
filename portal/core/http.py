"""Conditional GET for public pages: ETag and Last-Modified, answered with 304."""
import hashlib
import threading
from collections import OrderedDict
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


class RenderedPages:
    """A small per-process cache of rendered public pages, keyed by their ETag.

    A village page costs milliseconds of template work but changes rarely; its
    ETag already names everything it depends on, so the ETag is a safe key.
    Signed-in staff get fresh renders (their header differs).
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render) -> str:
        """Return the cached body for key, rendering (and keeping) it on a miss."""
        if _signed_in():
            return render()
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
                return body
        body = render()
        with self._lock:
            self._pages[key] = body
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def _signed_in() -> bool:
    from flask import session

    return "_user_id" in session


def rendered_pages() -> RenderedPages:
    """The current app's page cache (one per app, so tests and apps never share)."""
    from flask import current_app

    return current_app.extensions.setdefault("portal_rendered_pages", RenderedPages())
