"""Staff sign-in (password, then the second factor when enrolled), sign-out and the "My work" page."""
import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import approvals, service, throttle, two_factor
from portal.accounts.blueprint import bp
from portal.accounts.forms import CodeForm, ConfirmForm, LoginForm, PasswordChangeForm, SetupForm
from portal.accounts.models import User
from portal.core import audit
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.urls import safe_next_url
from portal.extensions import db

PENDING_SECONDS = 300
# (area, endpoint, label): the staff areas; the page links to those the user may enter.
AREAS = (
    ("publish", "home_manage.dashboard_show", _l("Publish for my village")),
    ("triage", "triage.inbox_list", _l("Complaints to handle")),
    ("oversight", "oversight.dashboard", _l("Oversight and statistics")),
    ("admin", "admin.home", _l("County administration")),
    ("payment_review", "subsidies_township.queue_list", _l("Flagged payment lists")),
    ("relatives", "subsidies_relatives.relatives_list", _l("My close relatives")),
)


def _failure_message() -> str:
    # One message for unknown user, wrong password and inactive account.
    return _("The username or password is not right, or the account cannot sign in.")


def sign_in(user: User) -> None:
    """Start a fresh session for the user (old session data is dropped)."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session["started_at"] = now
    session["seen_at"] = now


@bp.route("/login", methods=["GET", "POST"])
@throttle.per_address
def login():
    """Check username and password; continue to the second step when enrolled."""
    next_url = safe_next_url(request.args.get("next"), url_for("accounts.home"))
    form = LoginForm()
    if form.validate_on_submit():
        # Counted before the check, atomically: concurrent guesses cannot all pass the limit.
        if not throttle.reserve_attempt(form.username.data):
            abort(429)
        user = service.authenticate(form.username.data, form.password.data)
        if user is None:
            show_errors(form, PortalError(_failure_message()))
        else:
            throttle.attempt_succeeded(form.username.data)
            with write_transaction():
                user = db.session.get(User, user.id)
                service.upgrade_hash(user, form.password.data)
                if not user.totp_enabled:
                    service.record_sign_in(user)
            if user.totp_enabled:
                session.clear()
                session[throttle.PENDING_KEY] = {"user": user.get_id(), "at": int(time.time()), "next": next_url}
                return redirect(url_for("accounts.login_two_factor"))
            sign_in(user)
            return redirect(next_url)
    return render_template("accounts/login.html", form=form, next_url=request.args.get("next"))


def _pending_user() -> User | None:
    pending = session.get(throttle.PENDING_KEY) or {}
    if int(time.time()) - int(pending.get("at") or 0) > PENDING_SECONDS:
        return None
    try:
        user_id, version = (int(part) for part in str(pending.get("user", "")).split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version or not user.totp_enabled:
        return None
    return user


@bp.route("/login/2fa", methods=["GET", "POST"])
@throttle.per_address
@throttle.per_pending_user
def login_two_factor():
    """Finish signing in with an authenticator code or a recovery code."""
    if _pending_user() is None:
        session.pop(throttle.PENDING_KEY, None)
        flash(_("Please sign in again."), "error")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        with write_transaction():
            user = _pending_user()
            accepted = user is not None and two_factor.verify(user, form.code.data)
            if accepted:
                service.record_sign_in(user)
        if accepted:
            next_url = safe_next_url(session.get(throttle.PENDING_KEY, {}).get("next"), url_for("accounts.home"))
            sign_in(user)
            if two_factor.recovery_codes_left(user) <= 3:
                flash(_("You have %(n)s recovery codes left. Make new ones on the two-step verification page.",
                        n=two_factor.recovery_codes_left(user)), "error")
            return redirect(next_url)
        show_errors(form, PortalError(_("That code is not right."), field="code"))
    return render_template("accounts/login_2fa.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Ask on GET; on POST end this account's sessions everywhere."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    form = ConfirmForm()
    if form.validate_on_submit():
        with write_transaction():
            user = db.session.get(User, current_user.id)
            service.end_sessions(user)  # every copy of this session cookie stops working
            audit.record("logout", "user", user.id, user.username, user=user)
        logout_user()
        session.clear()
        flash(_("You have signed out."))
        return redirect(url_for("accounts.login"))
    return render_template("accounts/logout_confirm.html", form=form)


@bp.get("/")
@login_required
def home():
    """Show the staff member's areas of work and account settings."""
    return render_template("accounts/home.html", areas=AREAS,
                           codes_left=two_factor.recovery_codes_left(current_user))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@throttle.per_signed_in_user
def password_change():
    """Replace one's own password (also a temporary one)."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = db.session.get(User, current_user.id)
                service.change_own_password(user, form.current_password.data, form.new_password.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            started = session.get("started_at")
            login_user(user)  # the session version moved on; keep this session, end the others
            session["started_at"] = started or int(time.time())
            flash(_("Your password has been changed. Other sessions have been signed out."))
            return redirect(url_for("accounts.home"))
    return render_template("accounts/password_change.html", form=form)


@bp.route("/setup", methods=["GET", "POST"])
def account_setup():
    """Set one's own password through a one-time link; a complaint reader then enrols a second factor."""
    form = SetupForm()
    token = form.token.data if request.method == "POST" else request.args.get("token", "")
    if approvals.find_setup_token(token) is None:
        return render_template("accounts/setup_gone.html"), 404
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = approvals.use_setup_token(token, form.new_password.data, form.confirm_password.data)
                service.record_sign_in(user)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            sign_in(user)
            flash(_("Your password is set."))
            return redirect(url_for("accounts.home"))
    form.token.data = token
    return render_template("accounts/setup.html", form=form), 400 if form.errors else 200


@bp.errorhandler(429)
def too_many_attempts(_exc):
    """Show the form again with a clear message instead of a bare error page."""
    message = _("Too many failed attempts. For your safety, please wait a few minutes and try again.")
    if request.endpoint == "accounts.login_two_factor":
        form, template = CodeForm(), "accounts/login_2fa.html"
    elif request.endpoint == "accounts.password_change":
        form, template = PasswordChangeForm(), "accounts/password_change.html"
    elif request.endpoint == "accounts.login":
        form, template = LoginForm(), "accounts/login.html"
    else:
        return render_template("errors/error.html", code=429, message=message), 429
    show_errors(form, PortalError(message))
    return render_template(template, form=form, next_url=request.args.get("next")), 429

