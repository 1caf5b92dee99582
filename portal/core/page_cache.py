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
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request, session
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie, parse_date, parse_etags
from werkzeug.wrappers import Response

from portal.core.i18n import LOCALE_COOKIE, SUPPORTED
from portal.core.timezone import DEFAULT_ZONE

log = logging.getLogger("portal.page_cache")
cache = Cache()

ALL = "*"  # the scope every page belongs to
_PENDING = "page_cache_scopes"
# Headers of the answer that belong to one response only, never to the stored page.
_NOT_STORED = frozenset({"content-length", "content-encoding", "set-cookie"})
# What a 304 repeats of the page's headers (RFC 9110 15.4.5), besides the security headers.
_NOT_IN_304 = frozenset({"content-type", "content-length", "content-encoding", "content-language"})


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A rendered page as answered: generations, validators, final headers and body, plain and gzipped."""

    scope_gen: int
    all_gen: int
    etag: str
    last_modified: datetime | None
    headers: tuple
    body: bytes
    gzipped: bytes


class SharedPages:
    """One app's shared cache: the backend, which endpoints it keeps, and whether Redis may be used now."""

    def __init__(self, app: Flask, backend):
        self.backend = backend
        self.endpoints: dict[str, str] = {}  # endpoint → the view argument that names the page's scope
        self.timeout = app.config.get("PAGE_CACHE_TIMEOUT", 3600)
        self.retry = app.config.get("PAGE_CACHE_RETRY", 5)
        # Either cookie may stand for a signed-in user: such requests are left to Flask.
        self.private_cookies = (app.config.get("SESSION_COOKIE_NAME", "session"),
                                app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
        self.zone = ZoneInfo(app.config.get("PORTAL_TIMEZONE", DEFAULT_ZONE))
        self.down_until = 0.0
        self.failed = False
        self.lock = threading.Lock()

    def call(self, fn, *args):
        """Run one cache call; on any storage error step aside for `retry` seconds and return None."""
        if self.down_until and time.monotonic() < self.down_until:
            return None
        try:
            if self.failed:
                # A publish may have happened while Redis could not record it: renew every page first.
                self.backend.inc(_gen_key(ALL))
                self._recovered()
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - redis, socket and pickling errors alike: pages must still answer
            self._failure(exc)
            return None

    def _failure(self, exc: Exception) -> None:
        with self.lock:
            first = not self.failed
            self.failed = True
            self.down_until = time.monotonic() + self.retry
        if first:
            log.warning("Page cache unreachable (%s): pages are rendered from the database; retrying every %ss",
                        type(exc).__name__, self.retry)

    def _recovered(self) -> None:
        with self.lock:
            was, self.failed, self.down_until = self.failed, False, 0.0
        if was:
            log.warning("Page cache recovered: every stored page is renewed")

    def today(self) -> date:
        """The county's date (core.timezone.local_today, without needing an app context)."""
        return datetime.now(self.zone).date()

    def lookup(self, endpoint: str, scope: str, cookies, scheme: str):
        """(stored page or None, key, scope generation, global generation); None when the cache is unusable."""
        key = _variant_key(endpoint, scope, cookies, scheme, self.today())
        found = self.call(self.backend.get_many, _gen_key(ALL), _gen_key(scope), key)
        if found is None:
            return None
        all_gen, scope_gen, page = int(found[0] or 0), int(found[1] or 0), found[2]
        if isinstance(page, StoredPage) and page.scope_gen == scope_gen and page.all_gen == all_gen:
            return page, key, scope_gen, all_gen
        return None, key, scope_gen, all_gen


def _gen_key(scope: str) -> str:
    return f"gen:{scope}"


def _variant_key(endpoint: str, scope: str, cookies, scheme: str, today: date) -> str:
    # What the page depends on besides its data: language, text size, the county's day (what counts as
    # missing changes at midnight) and the scheme (HTTPS answers carry HSTS). Never the query string.
    locale = cookies.get(LOCALE_COOKIE)
    locale = locale if locale in SUPPORTED else "zh_Hans_CN"
    return f"page:{endpoint}:{scope}:{locale}:{cookies.get('textsize', '')}:{today}:{scheme}"


def _state(app: Flask | None = None) -> SharedPages:
    return (app or current_app).extensions["portal_page_cache"]


def _unchanged(page: StoredPage, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """The conditional GET of core.http (If-None-Match, else If-Modified-Since), on the stored validators."""
    if if_none_match:
        return parse_etags(if_none_match).contains_weak(page.etag)
    if page.last_modified and if_modified_since:
        since = parse_date(if_modified_since)
        return since is not None and page.last_modified.replace(microsecond=0) <= since
    return False


def _stored_answer(page: StoredPage, environ: dict) -> tuple[str, list, bytes]:
    """Status line, headers and body for a stored page: 304, gzipped or plain."""
    if _unchanged(page, environ.get("HTTP_IF_NONE_MATCH"), environ.get("HTTP_IF_MODIFIED_SINCE")):
        return "304 NOT MODIFIED", [(k, v) for k, v in page.headers if k.lower() not in _NOT_IN_304], b""
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        body = page.gzipped
        headers = [*page.headers, ("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
    else:
        body = page.body
        headers = [*page.headers, ("Content-Length", str(len(body)))]
    return "200 OK", headers, body


class FastPages:
    """WSGI middleware: a stored public page is answered here, before Flask builds a request, opens the
    session or touches the database. Anything else (a miss, a session cookie, Redis away) goes on to Flask."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.urls = None

    def __call__(self, environ, start_response):
        answer = None
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not environ.get("QUERY_STRING"):
            try:
                answer = self._answer(environ)
            except Exception:  # noqa: BLE001 - never fail here: Flask answers (and reports) instead
                log.exception("Page cache fast path failed; the app answers")
                answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _answer(self, environ):
        state = _state(self.app)
        if not state.endpoints:
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if any(name in cookies for name in state.private_cookies):
            return None  # a session may hold a signed-in user or a message: Flask decides
        path = environ.get("PATH_INFO") or "/"
        if not path.isascii():
            return None  # the app decodes such paths; shared pages have plain ones
        if self.urls is None:
            # The routes are complete once the app serves; host and scheme play no part in them.
            self.urls = self.app.url_map.bind("localhost")
        try:
            endpoint, args = self.urls.match(path, method="GET")
        except Exception:  # noqa: BLE001 - 404, 405, redirects: Flask answers those
            return None
        arg = state.endpoints.get(endpoint)
        if arg is None:
            return None
        found = state.lookup(endpoint, str(args.get(arg, "")), cookies, environ.get("wsgi.url_scheme", "http"))
        if not found:
            return None
        if found[0] is None:
            # A miss: hand the generations just read to the app, which must not read them again.
            environ["portal.page_cache_slot"] = found[1:]
            return None
        return _stored_answer(found[0], environ)


def _eligible() -> str | None:
    """The scope of the request's page when it may come from (or go to) the shared cache."""
    arg = _state().endpoints.get(request.endpoint or "")
    if arg is None or request.method not in ("GET", "HEAD") or request.query_string:
        return None
    # Signed-in staff see their own header; a pending message must be shown once: render those.
    if "_user_id" in session or "_flashes" in session:
        return None
    return str((request.view_args or {}).get(arg, ""))


def _serve_stored():
    """before_request, first of all, for requests FastPages passed on (a session cookie without a user):
    answer from the shared cache, or note what a miss must store."""
    g.pop("page_cache_slot", None)  # g may outlive a request (tests, CLI): never reuse another's slot
    scope = _eligible()
    if scope is None:
        return None
    slot = request.environ.get("portal.page_cache_slot")
    if slot is not None:
        g.page_cache_slot = slot
        return None
    found = _state().lookup(request.endpoint, scope, request.cookies, request.scheme)
    if found is None:
        return None
    page, key, scope_gen, all_gen = found
    if page is not None:
        status, headers, body = _stored_answer(page, request.environ)
        return Response(body, status=status, headers=headers)
    # A miss: the generations were read before the view reads the database (see the module's note).
    g.page_cache_slot = (key, scope_gen, all_gen)
    return None


def _store(response: Response) -> Response:
    """after_request, last of all: keep a freshly rendered 200 page with its final headers for every node,
    and answer this client as a hit would (gzipped when it takes gzip)."""
    slot = g.pop("page_cache_slot", None)
    if slot is None or response.status_code != 200 or response.direct_passthrough or not response.get_etag()[0]:
        return response
    if "_flashes" in session or "_user_id" in session:
        return response
    key, scope_gen, all_gen = slot
    response.vary.add("Accept-Encoding")
    body = response.get_data()
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_STORED)
    page = StoredPage(scope_gen, all_gen, response.get_etag()[0], response.last_modified, headers, body,
                      gzip.compress(body, 5, mtime=0))
    state = _state()
    state.call(state.backend.set, key, page, state.timeout)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(page.gzipped)
        response.headers["Content-Encoding"] = "gzip"
    return response


def shared_page(scope_arg: str):
    """Mark a public view whose 200 answers are kept in the shared cache, scoped by one view argument.

    The view must stamp its answer with an ETag (core.http.conditional with revalidate) built from everything the
    page shows, and its data must change only with a generation raised by `changed`.
    """
    def decorate(view):
        view.page_cache_scope = scope_arg
        return view

    return decorate


def changed(session_: Session, scope: str) -> None:
    """Record that the pages of `scope` change with this transaction; they are renewed once it commits."""
    session_.info.setdefault(_PENDING, set()).add(scope)


def changed_everywhere(session_: Session) -> None:
    """Every public page changes with this transaction (a township renamed)."""
    changed(session_, ALL)


def renew(*scopes: str) -> None:
    """Raise the generations of these scopes now (after a commit): their stored pages stop being served."""
    state = _state()
    for scope in scopes:
        state.call(state.backend.inc, _gen_key(scope))


def _after_commit(session_: Session) -> None:
    scopes = session_.info.pop(_PENDING, None)
    if scopes and current_app and "portal_page_cache" in current_app.extensions:
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
    return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}


def init_app(app: Flask) -> None:
    """Bind the cache; answer stored pages in front of the app, and before every other before_request."""
    cache.init_app(app, config=_config(app))
    state = SharedPages(app, app.extensions["cache"][cache])
    app.extensions["portal_page_cache"] = state
    for endpoint, view in app.view_functions.items():
        if getattr(view, "page_cache_scope", None):
            state.endpoints[endpoint] = view.page_cache_scope
    app.before_request_funcs.setdefault(None, []).insert(0, _serve_stored)
    # after_request functions run last-registered first: this one sees the final headers.
    app.after_request_funcs.setdefault(None, []).insert(0, _store)
    _wrap_inside_proxy_fix(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)


def _wrap_inside_proxy_fix(app: Flask) -> None:
    """Put FastPages behind the trusted-proxy fix, so it sees the client's scheme as Flask does."""
    from portal.core.proxies import TrustedProxyFix

    outer = app.wsgi_app
    if isinstance(outer, TrustedProxyFix):
        fast = FastPages(app, outer.wsgi_app)
        outer.wsgi_app = fast
        outer.fixed.app = fast
    else:
        app.wsgi_app = FastPages(app, outer)
