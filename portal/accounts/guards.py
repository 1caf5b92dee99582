"""Steps a signed-in account must finish before any other page: a new password, a second factor."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.permissions import two_factor_required

# Pages reachable while a step is pending (signing out, switching language or text size, files).
EXEMPT_ENDPOINTS = frozenset({
    "static", "accounts.logout", "accounts.login", "accounts.login_two_factor",
    "home.language_set", "home.display_set", "accounts.account_setup",
})
PASSWORD_ENDPOINTS = frozenset({"accounts.password_change"})
ENROL_ENDPOINTS = frozenset({"accounts.two_factor"})


def account_steps():
    """Send the account to the step it still owes (runs before every request)."""
    if request.endpoint in EXEMPT_ENDPOINTS or request.blueprint == "api":
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        if request.endpoint in PASSWORD_ENDPOINTS:
            return None
        flash(_("Please replace your temporary password before you continue."), "error")
        return redirect(url_for("accounts.password_change"))
    if not current_user.totp_enabled and request.endpoint not in ENROL_ENDPOINTS and two_factor_required(current_user):
        flash(_("Accounts that read complaints must use two-step verification. Please set it up now."), "error")
        return redirect(url_for("accounts.two_factor"))
    return None
