"""Public pages kept once for every worker and node (Flask-Caching on Redis), answered before any other work.

A public page changes only when a cadre publishes, so a rendered page is stored with its
validators and a gzip copy, and the next reader on any node gets those bytes (or a 304)
from one Redis round trip: no session user, no database, no template.

Correctness rests on generations, not on deleting entries:
* every entry carries the generation of its scope (a village's code) and the global generation
  read *before* the page's data was read from the database;
* a publish increments the scope's generation *after* its transaction commits;
* an entry is served only while both generations still match.
So a render that raced a publish stores an entry that is already outdated, and the next request,
on any node, renders afresh. Generation counters never expire (Redis must not evict keys without
a TTL: the default `noeviction` or a `volatile-*` policy); pages expire after PAGE_CACHE_TIMEOUT.

Redis down or hung: every call gives up after REDIS_TIMEOUT, the cache steps aside for
PAGE_CACHE_RETRY seconds (pages render from the database), the error log says so once, and the
first call after it answers again raises the global generation, since a publish may have happened
meanwhile that could not be recorded.
"""
import gzip
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.core.http import not_modified
from portal.core.i18n import select_locale
from portal.core.timezone import local_today

log = logging.getLogger("portal.page_cache")
cache = Cache()

ALL = "*"  # the scope every page belongs to
_ENDPOINTS: dict[str, str] = {}  # endpoint → name of the view argument that is the page's scope
_PENDING = "page_cache_scopes"
_SKIPPED_HEADERS = frozenset({"content-length", "content-encoding", "set-cookie", "etag", "last-modified"})


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A rendered page as stored: its validators, headers and body, plain and gzipped."""

    scope_gen: int
    all_gen: int
    etag: str
    last_modified: datetime | None
    mimetype: str
    headers: tuple
    body: bytes
    gzipped: bytes


class _Health:
    """Whether this process may use Redis now; logs the first failure and the recovery once each."""

    def __init__(self):
        self.down_until = 0.0
        self.failed = False
        self.lock = threading.Lock()

    def usable(self) -> bool:
        return not self.down_until or time.monotonic() >= self.down_until

    def failure(self, exc: Exception, retry: float) -> None:
        with self.lock:
            first = not self.failed
            self.failed = True
            self.down_until = time.monotonic() + retry
        if first:
            log.warning("Page cache unreachable (%s): pages are rendered from the database; retrying every %ss",
                        type(exc).__name__, retry)

    def recovered(self) -> None:
        with self.lock:
            was, self.failed, self.down_until = self.failed, False, 0.0
        if was:
            log.warning("Page cache recovered: every stored page is renewed")


def _backend():
    return current_app.extensions["portal_page_cache"]


def _health() -> _Health:
    return current_app.extensions["portal_page_cache_health"]


def _call(fn, *args):
    """Run one cache call; on any storage error step aside for a while and return None."""
    health = _health()
    if not health.usable():
        return None
    try:
        if health.failed:
            # A publish may have happened while Redis could not record it: renew every page first.
            _backend().inc(_gen_key(ALL))
            health.recovered()
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - redis, socket and pickling errors alike: pages must still answer
        health.failure(exc, current_app.config.get("PAGE_CACHE_RETRY", 5))
        return None


def _gen_key(scope: str) -> str:
    return f"gen:{scope}"


def _variant_key(scope: str) -> str:
    # What the page depends on besides its data: language, text size, and the county's day
    # (what counts as missing changes at midnight). The query string is never part of a stored page.
    return f"page:{request.endpoint}:{scope}:{select_locale()}:{request.cookies.get('textsize', '')}:{local_today()}"


def _eligible() -> str | None:
    """The scope of the request's page when it may come from (or go to) the shared cache."""
    arg = _ENDPOINTS.get(request.endpoint or "")
    if arg is None or request.method not in ("GET", "HEAD") or request.query_string:
        return None
    # Signed-in staff see their own header; a pending message must be shown once: render those.
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]) and ("_user_id" in session or
                                                                           "_flashes" in session):
        return None
    return str((request.view_args or {}).get(arg, ""))


def _answer(page: StoredPage) -> Response:
    """The stored page (gzipped when the client takes it), or a 304, with the validators it was stored with."""
    unchanged = not_modified(page.etag, page.last_modified)
    if unchanged is not None:
        unchanged.vary.add("Accept-Encoding")
        return unchanged
    packed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(page.gzipped if packed else page.body, headers=list(page.headers), mimetype=page.mimetype)
    response.set_etag(page.etag, weak=True)
    if page.last_modified:
        response.last_modified = page.last_modified
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _serve_stored():
    """before_request, first of all: answer from the shared cache, or note what a miss must store."""
    g.pop("page_cache_slot", None)  # g may outlive a request (tests, CLI): never reuse another's slot
    scope = _eligible()
    if scope is None:
        return None
    key = _variant_key(scope)
    found = _call(_backend().get_many, _gen_key(ALL), _gen_key(scope), key)
    if found is None:
        return None
    all_gen, scope_gen, page = int(found[0] or 0), int(found[1] or 0), found[2]
    if isinstance(page, StoredPage) and page.scope_gen == scope_gen and page.all_gen == all_gen:
        return _answer(page)
    # A miss: the generations were read before the view reads the database (see the module's note).
    g.page_cache_slot = (key, scope_gen, all_gen)
    return None


def _store(response: Response) -> Response:
    """Keep a freshly rendered 200 page for every node; answer this client as a hit would."""
    slot = g.pop("page_cache_slot", None)
    etag, _weak = response.get_etag()
    if slot is None or response.status_code != 200 or not etag or response.direct_passthrough:
        return response
    if "_flashes" in session or "_user_id" in session:
        return response
    key, scope_gen, all_gen = slot
    body = response.get_data()
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _SKIPPED_HEADERS
                    and k.lower() != "content-type")
    page = StoredPage(scope_gen, all_gen, etag, response.last_modified, response.mimetype, headers, body,
                      gzip.compress(body, 6, mtime=0))
    _call(_backend().set, key, page, current_app.config.get("PAGE_CACHE_TIMEOUT", 3600))
    return _answer(page)


def shared_page(scope_arg: str):
    """Mark a public view whose 200 answers are kept in the shared cache, scoped by one view argument.

    The view must stamp its answer with an ETag (core.http.cached_page) built from everything
    the page shows, and its data must change only with a generation raised by `changed`.
    """
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return _store(make_response(view(*args, **kwargs)))

        wrapper.page_cache_scope = scope_arg
        return wrapper

    return decorate


def changed(session_: Session, scope: str) -> None:
    """Record that the pages of `scope` change with this transaction; they are renewed once it commits."""
    session_.info.setdefault(_PENDING, set()).add(scope)


def changed_everywhere(session_: Session) -> None:
    """Every public page changes with this transaction (a township renamed, a county setting)."""
    changed(session_, ALL)


def renew(*scopes: str) -> None:
    """Raise the generations of these scopes now (after a commit): their stored pages stop being served."""
    backend = _backend()
    for scope in scopes:
        _call(backend.inc, _gen_key(scope))


def _after_commit(session_: Session) -> None:
    scopes = session_.info.pop(_PENDING, None)
    if scopes and current_app:
        renew(*sorted(scopes))


def _config(app: Flask) -> dict:
    url = app.config.get("PAGE_CACHE_URL")
    if url:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = app.config.get("REDIS_TIMEOUT", 0.25)
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url,
                "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX", "portal:page:"),
                "CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_TIMEOUT", 3600),
                # Short timeouts and no retries: a hung Redis must not stall a page (docs/deploy.md).
                "CACHE_OPTIONS": {"socket_timeout": timeout, "socket_connect_timeout": timeout,
                                  "retry": Retry(NoBackoff(), 0), "health_check_interval": 0}}
    if app.config.get("PORTAL_ENV") in ("development", "test"):
        # One process (make run, tests): its own memory is the shared cache.
        return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000, "CACHE_DEFAULT_TIMEOUT": 3600}
    log.warning("PAGE_CACHE_URL (or REDIS_URL) is not set: public pages are rendered on every request")
    return {"CACHE_TYPE": "NullCache"}


def init_app(app: Flask) -> None:
    """Bind the cache and answer stored pages before every other before_request function."""
    cache.init_app(app, config=_config(app))
    app.extensions["portal_page_cache"] = app.extensions["cache"][cache]
    app.extensions["portal_page_cache_health"] = _Health()
    for endpoint, view in app.view_functions.items():
        if getattr(view, "page_cache_scope", None):
            _ENDPOINTS[endpoint] = view.page_cache_scope
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_stored)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
