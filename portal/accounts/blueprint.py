"""The /auth blueprint; the sign-in views and the second-factor views attach to it."""
from flask import Blueprint, current_app, g

from portal.accounts.guards import account_steps

bp = Blueprint("accounts", __name__, url_prefix="/auth")
bp.before_app_request(account_steps)


@bp.teardown_app_request
def _forget_request_state(_exc):
    # Flask-Login caches the user, Flask-WTF the CSRF token, in g, which outlives a
    # request when an app context was already pushed (tests, CLI): sign-in changes
    # both, so the next request must not reuse them.
    g.pop("_login_user", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
