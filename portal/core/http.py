"""HTTP caching: conditional GET for public pages (ETag, Last-Modified, 304) and no-store for staff pages.

Every public GET view carries ``@conditional``. A view that knows cheaply what its page depends on
declares it before rendering with ``revalidate(...)``, so a current client gets its 304 without any
template work; any other view is answered by a validator made from the body it rendered.
"""
import functools
import hashlib
from datetime import datetime

from flask import Flask, Response, g, make_response, request

from portal.core.i18n import select_locale
from portal.core.security import PRIVATE_PREFIXES, STAFF_PREFIXES


def page_etag(*parts) -> str:
    """Build a weak validator from what the page depends on (data version, language, text size)."""
    raw = "|".join(str(p) for p in (*parts, select_locale(), request.cookies.get("textsize", "")))
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def _is_current(etag: str, last_modified: datetime | None) -> bool:
    """Tell whether the client's copy (If-None-Match, else If-Modified-Since) is still current."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    return bool(last_modified and request.if_modified_since
                and last_modified.replace(microsecond=0) <= request.if_modified_since)


def _stamp(response: Response, etag: str, last_modified: datetime | None) -> Response:
    response.set_etag(etag, weak=True)
    if last_modified:
        response.last_modified = last_modified
    # Revalidate every time: a correction must show at once, yet 304s cost almost nothing.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    return response


class _NotModified(Exception):
    """The client's copy is current: `conditional` answers 304 (raised outside it, it is a loud 500)."""


def revalidate(*parts, last_modified: datetime | None = None) -> str:
    """Declare what the page depends on; stop the view at once with a 304 when the client's copy is current.

    Return the ETag (a key for rendered-page caches). Only valid inside a view decorated with `conditional`.
    """
    etag = page_etag(*parts)
    g.page_validators = (etag, last_modified)
    if _is_current(etag, last_modified):
        raise _NotModified
    return etag


def conditional(view):
    """Answer a public GET conditionally: ETag and Last-Modified on 200, 304 when the client's copy is current."""

    @functools.wraps(view)
    def answer(*args, **kwargs):
        g.pop("page_validators", None)
        try:
            response = make_response(view(*args, **kwargs))
        except _NotModified:
            return _stamp(Response(status=304), *g.pop("page_validators"))
        validators = g.pop("page_validators", None)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or _never_cached(response):
            return response
        if validators is not None:
            return _stamp(response, *validators)
        if response.get_etag()[0] is None and not response.direct_passthrough:
            # No cheap validator was declared: the rendered body is its own.
            _stamp(response, hashlib.sha1(response.get_data()).hexdigest()[:20], None)
        return response.make_conditional(request)

    answer.conditional_get = True
    return answer


def _never_cached(response: Response) -> bool:
    return response.cache_control.no_store


def no_store(response: Response) -> Response:
    """Forbid any copy of the response in a browser or proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _staff_and_private_never_stored(response: Response) -> Response:
    """The one rule for staff pages (drafts, cases, accounts) and pages that could expose a complainant."""
    if request.path.startswith(STAFF_PREFIXES + PRIVATE_PREFIXES):
        no_store(response)
    return response


def init_app(app: Flask) -> None:
    """Install the no-store rule for staff and private pages."""
    app.after_request(_staff_and_private_never_stored)
