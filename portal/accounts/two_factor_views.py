"""Setting up, renewing and turning off the second factor (/auth/2fa)."""
import time

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from portal.accounts import throttle
from portal.accounts import two_factor as totp
from portal.accounts.blueprint import bp
from portal.accounts.forms import CodeForm, EnrolForm, TwoFactorOffForm
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import can_turn_off_two_factor
from portal.extensions import db

# The secret being set up lives in the session, encrypted, until the user confirms it.
ENROL_KEY = "enrol_totp"


def _enrol_secret() -> str:
    token = session.get(ENROL_KEY)
    if token:
        try:
            return decrypt_text(token)
        except ValueError:
            pass
    secret = totp.new_secret()
    session[ENROL_KEY] = encrypt_text(secret)
    return secret


def _manage_page(code_form=None, off_form=None, status=200):
    return render_template(
        "accounts/two_factor_manage.html",
        code_form=code_form or CodeForm(), off_form=off_form or TwoFactorOffForm(),
        codes_left=totp.recovery_codes_left(current_user), can_turn_off=can_turn_off_two_factor(current_user),
    ), status


@bp.route("/2fa", methods=["GET", "POST"])
@login_required
def two_factor():
    """Set up two-step verification, or manage it once it is on."""
    if current_user.totp_enabled:
        return _manage_page()
    secret = _enrol_secret()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = db.session.get(User, current_user.id)
                codes = totp.enable(user, secret, form.code.data)  # also ends the account's other sessions
        except PortalError as exc:
            show_errors(form, exc)
        else:
            session.pop(ENROL_KEY, None)
            started = session.get("started_at")
            login_user(user)  # this session goes on with the new session version
            session["started_at"] = started or int(time.time())
            return render_template("accounts/two_factor_codes.html", codes=codes, first_time=True)
    uri = totp.provisioning_uri(secret, current_user.username)
    return render_template("accounts/two_factor_setup.html", form=form, qr=totp.qr_data_uri(uri),
                           secret=totp.grouped(secret))


@bp.post("/2fa/codes")
@login_required
@throttle.per_signed_in_user
def two_factor_codes():
    """Replace the recovery codes after a valid code."""
    if not current_user.totp_enabled:
        return redirect(url_for("accounts.two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = db.session.get(User, current_user.id)
                codes = totp.regenerate_codes(user, form.code.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            return render_template("accounts/two_factor_codes.html", codes=codes, first_time=False)
    return _manage_page(code_form=form)


@bp.post("/2fa/off")
@login_required
@throttle.per_signed_in_user
def two_factor_off():
    """Turn two-step verification off after the password and a current code, where allowed."""
    if not current_user.totp_enabled:
        return redirect(url_for("accounts.two_factor"))
    if not can_turn_off_two_factor(current_user):
        abort(403)
    form = TwoFactorOffForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            show_errors(form, PortalError(_("The password is not right."), field="password"))
            return _manage_page(off_form=form)
        with write_transaction():
            user = db.session.get(User, current_user.id)
            # A current code (or a recovery code): a stolen password and session cannot remove the factor.
            proved = totp.verify(user, form.code.data)
            if proved:
                totp.disable(user)
        if proved:
            flash(_("Two-step verification is now off."))
            return redirect(url_for("accounts.home"))
        show_errors(form, PortalError(_("That code is not right."), field="code"))
    return _manage_page(off_form=form)
