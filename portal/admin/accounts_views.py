"""Admin pages for staff accounts: list, create, change role or place, deactivate, reset."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.accounts import approvals, service
from portal.accounts import two_factor as totp
from portal.accounts.models import User
from portal.admin.blueprint import bp
from portal.admin.forms import AccountEditForm, AccountNewForm, ConfirmForm
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import can_approve_account_request, needs_second_approval
from portal.core.roles import Role
from portal.extensions import db
from portal.places.service import list_townships

PAGE_SIZE = 50


def _actor():
    return current_user._get_current_object()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/accounts")
def account_list():
    """List accounts, optionally filtered by username or name."""
    query = request.args.get("q", "").strip()[:64]
    page = max(1, request.args.get("page", 1, type=int))
    stmt = (select(User).options(joinedload(User.township), joinedload(User.village))
            .order_by(User.role, User.username).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE))
    if query:
        stmt = stmt.where(or_(User.username.contains(query, autoescape=True),
                              User.display_name.contains(query, autoescape=True)))
    users = db.session.scalars(stmt).all()
    return render_template("admin/account_list.html", users=users[:PAGE_SIZE], query=query, page=page,
                           has_more=len(users) > PAGE_SIZE)


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    """Create an account: a temporary password shown once, or, for roles that read complaints, a request."""
    form = AccountNewForm(townships=list_townships())
    submitted = form.validate_on_submit()
    if submitted and needs_second_approval(form.role.data):
        try:
            with write_transaction():
                approvals.request_create(form.username.data, form.role.data, township_code=form.township.data,
                                         village_code=form.village.data, display_name=form.display_name.data,
                                         email=form.email.data, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("The account waits for a second county administrator to approve it. Then its owner gets a "
                    "one-time link to set their own password."))
            return redirect(url_for("admin.approval_list"), code=303)
    elif submitted:
        temporary = service.make_temporary_password()
        try:
            with write_transaction():
                user = service.create_user(
                    form.username.data, form.role.data, temporary, township_code=form.township.data,
                    village_code=form.village.data, display_name=form.display_name.data, email=form.email.data,
                    temporary=True, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            return render_template("admin/account_password.html", user=user, password=temporary, created=True)
    return render_template("admin/account_new.html", form=form)


def _initial(user: User) -> dict:
    return {"display_name": user.display_name, "email": user.email, "role": user.role,
            "township": user.township.code if user.township and user.role == Role.TOWNSHIP_HANDLER else "",
            "village": user.village.code if user.village else ""}


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
def account_edit(user_id: int):
    """Change an account's role, place, name and e-mail."""
    user = _user_or_404(user_id)
    form = AccountEditForm(townships=list_townships(), data=_initial(user))
    submitted = form.validate_on_submit()
    if submitted and approvals.change_needs_approval(user, form.role.data, form.township.data):
        try:
            with write_transaction():
                approvals.request_role_change(_user_or_404(user_id), form.role.data, form.township.data,
                                              form.village.data, display_name=form.display_name.data,
                                              email=form.email.data, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("The new role waits for a second county administrator to approve it."))
            return redirect(url_for("admin.account_edit", user_id=user_id))
    elif submitted:
        try:
            with write_transaction():
                moved = service.change_scope(_user_or_404(user_id), form.role.data, form.township.data,
                                             form.village.data, display_name=form.display_name.data,
                                             email=form.email.data, actor=_actor())
        except PortalError as exc:
            show_errors(form, exc)
        else:
            flash(_("Changes saved. The account has been signed out everywhere.") if moved else _("Changes saved."))
            return redirect(url_for("admin.account_edit", user_id=user_id))
    return render_template("admin/account_edit.html", form=form, user=user, action_form=ConfirmForm(),
                           is_self=user.id == current_user.id)


def _act(user_id: int, action, done_message: str):
    _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            with write_transaction():
                action(_user_or_404(user_id))
        except PortalError as exc:
            show_errors(None, exc, redirecting=True)
        else:
            flash(done_message)
    return redirect(url_for("admin.account_edit", user_id=user_id))


@bp.post("/accounts/<int:user_id>/deactivate")
def account_deactivate(user_id: int):
    """Stop an account from signing in."""
    return _act(user_id, lambda u: service.deactivate(u, actor=_actor()),
                _("The account is deactivated and signed out everywhere. Its work stays in the records."))


@bp.post("/accounts/<int:user_id>/reactivate")
def account_reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    return _act(user_id, lambda u: service.reactivate(u, actor=_actor()), _("The account can sign in again."))


@bp.post("/accounts/<int:user_id>/two-factor-reset")
def account_two_factor_reset(user_id: int):
    """Turn off an account's second factor (a lost phone)."""
    if needs_second_approval(_user_or_404(user_id).role):
        return _act(user_id, lambda u: approvals.request_two_factor_reset(u, actor=_actor()),
                    _("The reset waits for a second county administrator to approve it."))

    def reset(user):
        totp.disable(user, actor=_actor())
        service.end_sessions(user)

    return _act(user_id, reset, _("Two-step verification is off for this account; they can set it up again."))


@bp.post("/accounts/<int:user_id>/password-reset")
def account_password_reset(user_id: int):
    """Give an account a temporary password, shown once (complaint readers: a link, after a second approval)."""
    if needs_second_approval(_user_or_404(user_id).role):
        return _act(user_id, lambda u: approvals.request_password_reset(u, actor=_actor()),
                    _("The reset waits for a second county administrator to approve it. Then the account's "
                      "owner gets a one-time link to set a new password."))
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.account_edit", user_id=user_id))
    try:
        with write_transaction():
            user = _user_or_404(user_id)
            temporary = service.reset_password(user, actor=_actor())
    except PortalError as exc:
        show_errors(None, exc, redirecting=True)
        return redirect(url_for("admin.account_edit", user_id=user_id))
    return render_template("admin/account_password.html", user=user, password=temporary, created=False)


@bp.get("/approvals")
def approval_list():
    """Account changes waiting for a second county administrator."""
    requests = approvals.pending()
    return render_template("admin/approval_list.html", requests=requests, form=ConfirmForm(),
                           can_decide={r.id: can_approve_account_request(current_user, r) for r in requests})


@bp.post("/approvals/<int:request_id>/approve")
def approval_approve(request_id: int):
    """Carry out a pending change; show the owner's one-time link once (never a password)."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.approval_list"), code=303)
    try:
        with write_transaction():
            request_, user, token = approvals.approve(request_id, _actor())
    except PortalError as exc:
        show_errors(None, exc, redirecting=True)
        return redirect(url_for("admin.approval_list"), code=303)
    link = url_for("accounts.account_setup", token=token, _external=True) if token else None
    return render_template("admin/approval_done.html", request_=request_, user=user, link=link)


@bp.post("/approvals/<int:request_id>/reject")
def approval_reject(request_id: int):
    if ConfirmForm().validate_on_submit():
        try:
            with write_transaction():
                approvals.reject(request_id, _actor())
        except PortalError as exc:
            show_errors(None, exc, redirecting=True)
        else:
            flash(_("The request has been rejected; nothing was changed."))
    return redirect(url_for("admin.approval_list"), code=303)
