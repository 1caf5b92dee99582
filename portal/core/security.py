"""Response headers and the server-checked login session."""
import time

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l

from portal.extensions import login_manager

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Staff pages: drafts, case lists, accounts. No browser or proxy may keep a copy (core.http).
STAFF_PREFIXES = ("/auth", "/admin", "/publish", "/triage", "/evaluation", "/oversight", "/record/redact")
# Pages where a referrer or a cached copy could expose a complainant (no-store: core.http).
PRIVATE_PREFIXES = ("/complaints", "/api/v1/complaints", "/triage", "/auth", "/ballot", "/subsidies",
                    "/api/v1/subsidies")
# On those pages the browser names the page it comes from to this portal only, never to another
# site. "no-referrer" is not an option: over HTTPS the CSRF check (WTF_CSRF_SSL_STRICT) requires a
# same-origin Referer on every form post, and with "no-referrer" the browser sends none (and sends
# "Origin: null"), so every form answered "form expired". See docs/security.md, section 1.
PRIVATE_REFERRER_POLICY = "same-origin"


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.path.startswith(PRIVATE_PREFIXES):
        headers["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _enforce_idle_timeout(app: Flask):
    def check():
        if "_user_id" not in session:
            return
        now = int(time.time())
        idle = app.config["SESSION_IDLE_MINUTES"] * 60
        absolute = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
        started = session.get("started_at", now)
        last = session.get("seen_at", now)
        if now - last > idle or now - started > absolute:
            session.clear()
            return
        session.setdefault("started_at", now)
        session["seen_at"] = now

    return check


def init_app(app: Flask) -> None:
    """Install the login manager, session lifetimes and security headers."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "basic"
    app.before_request(_enforce_idle_timeout(app))
    app.after_request(_set_headers)
