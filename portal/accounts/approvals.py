"""Four eyes on the power to read complaints.

Creating an account that reads complaints (or an admin account that could
approve one), resetting such an account's password or second factor, and
changing a role towards one are stored as requests; nothing happens until a
second county admin approves. A new or reset account then gets a one-time
link (single use, expiring, stored only as a hash) where its owner sets their
own password; a complaint reader enrols a second factor right after. No admin
ever sees a password that opens complaints. The server's ``users create`` CLI
is not affected (it is run by whoever operates the server).

Functions change the session's objects; the caller owns the transaction.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.accounts import service
from portal.accounts import two_factor as totp
from portal.accounts.models import AccountRequest, SetupToken, User
from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.permissions import can_approve_account_request, needs_second_approval, two_factor_recommended
from portal.extensions import db

KINDS = ("create", "password_reset", "two_factor_reset", "role_change")
SETUP_HOURS = 72


def _pending_for(kind: str, target_id: int | None = None, username: str | None = None) -> AccountRequest | None:
    stmt = select(AccountRequest).where(AccountRequest.outcome.is_(None), AccountRequest.kind == kind)
    stmt = stmt.where(AccountRequest.target_id == target_id) if target_id is not None else stmt
    found = db.session.scalars(stmt)
    if username is not None:
        return next((r for r in found if (r.payload or {}).get("username") == username), None)
    return next(iter(found), None)


def _file(kind: str, actor, target: User | None = None, payload: dict | None = None) -> AccountRequest:
    if _pending_for(kind, target.id if target else None, (payload or {}).get("username") if not target else None):
        raise PortalError(_l("The same change is already waiting for approval."))
    request = AccountRequest(kind=kind, target_id=target.id if target else None, payload=payload or {},
                             requested_by_id=getattr(actor, "id", None), requested_at=utcnow())
    db.session.add(request)
    db.session.flush()
    what = target.username if target else (payload or {}).get("username")
    audit.record("account_request", "account_request", request.id, f"{kind} {what}", user=actor)
    return request


def _profile(username, role, township_code, village_code, display_name, email) -> dict:
    return {"username": username, "role": role, "township": (township_code or "").strip(),
            "village": (village_code or "").strip(), "display_name": (display_name or "").strip(),
            "email": (email or "").strip()}


def request_create(username: str, role: str, *, township_code=None, village_code=None, display_name=None,
                   email=None, actor=None) -> AccountRequest:
    """Check a new account as create_user would, and file it for a second approval."""
    username = service.normalize_username(username)
    if not service.USERNAME_RE.match(username):
        raise PortalError(_l("Use 3 to 64 lower-case letters, digits, '.', '_' or '-' for the username."),
                          field="username")
    if service.get_user(username) is not None:
        raise PortalError(_l("That username is already taken."), field="username")
    service.resolve_scope(role, township_code, village_code)
    service._clean_profile(display_name, email)
    return _file("create", actor, payload=_profile(username, role, township_code, village_code, display_name, email))


def request_password_reset(user: User, actor=None) -> AccountRequest:
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise PortalError(_l("To change your own password, use 'Change my password'."))
    return _file("password_reset", actor, user)


def request_two_factor_reset(user: User, actor=None) -> AccountRequest:
    return _file("two_factor_reset", actor, user)


def request_role_change(user: User, role: str, township_code=None, village_code=None, *, display_name=None,
                        email=None, actor=None) -> AccountRequest:
    if actor is not None and getattr(actor, "id", None) == user.id and role != user.role:
        raise PortalError(_l("You cannot change your own role."), field="role")
    service.resolve_scope(role, township_code, village_code)
    service._clean_profile(display_name, email)
    return _file("role_change", actor, user,
                 _profile(user.username, role, township_code, village_code, display_name, email))


def change_needs_approval(user: User, role: str, township_code: str | None) -> bool:
    """A change of role or township towards a complaint-reading (or approving) role needs a second approval."""
    if not needs_second_approval(role):
        return False
    current_township = user.township.code if user.township is not None else ""
    return role != user.role or (township_code or "").strip() != (current_township or "")


def pending() -> list[AccountRequest]:
    """Requests waiting for a decision, oldest first."""
    return list(db.session.scalars(select(AccountRequest).where(AccountRequest.outcome.is_(None))
                                   .order_by(AccountRequest.id)))


def _decide(request_id: int, approver, outcome: str) -> AccountRequest:
    request = db.session.get(AccountRequest, request_id)
    if request is None:
        raise PortalError(_l("That request does not exist."))
    if request.outcome is not None:
        raise PortalError(_l("That request has already been decided."))
    if not can_approve_account_request(approver, request):
        raise PortalError(_l("A second county administrator must decide: you cannot approve your own request."))
    # Decided once, also when two admins press the button at the same moment.
    done = db.session.execute(update(AccountRequest).where(AccountRequest.id == request.id,
                                                           AccountRequest.outcome.is_(None))
                              .values(outcome=outcome, decided_by_id=approver.id, decided_at=utcnow())
                              .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise PortalError(_l("That request has already been decided."))
    db.session.refresh(request)
    return request


def reject(request_id: int, approver) -> AccountRequest:
    request = _decide(request_id, approver, "rejected")
    audit.record("account_request_rejected", "account_request", request.id, request.kind, user=approver)
    return request


def _unusable_password() -> str:
    return secrets.token_urlsafe(48)  # nobody knows it; the owner sets their own through the link


def approve(request_id: int, approver) -> tuple[AccountRequest, User, str | None]:
    """Carry out a request; return it, its account and, where the owner must set a password, the one-time link."""
    request = _decide(request_id, approver, "approved")
    payload, link = request.payload or {}, None
    if request.kind == "create":
        user = service.create_user(payload["username"], payload["role"], _unusable_password(),
                                   township_code=payload.get("township"), village_code=payload.get("village"),
                                   display_name=payload.get("display_name"), email=payload.get("email"),
                                   actor=approver)
        user.must_enrol_2fa = two_factor_recommended(user)
        link = issue_setup_token(user)
    else:
        user = request.target
        if user is None:
            raise PortalError(_l("The account no longer exists."))
        if request.kind == "password_reset":
            service.set_password(user, _unusable_password(), actor=approver)  # the old one stops working
            link = issue_setup_token(user)
        elif request.kind == "two_factor_reset":
            totp.disable(user, actor=approver)
            service.end_sessions(user)
            user.must_enrol_2fa = two_factor_recommended(user)
        elif request.kind == "role_change":
            service.change_scope(user, payload["role"], payload.get("township"), payload.get("village"),
                                 display_name=payload.get("display_name"), email=payload.get("email"),
                                 actor=approver)
            if not user.totp_enabled:
                user.must_enrol_2fa = two_factor_recommended(user)
    audit.record("account_request_approved", "account_request", request.id, f"{request.kind} {user.username}",
                 user=approver)
    return request, user, link


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def issue_setup_token(user: User) -> str:
    """Make a one-time password link token for the account (older unused links stop working)."""
    db.session.execute(update(SetupToken).where(SetupToken.user_id == user.id, SetupToken.used_at.is_(None))
                       .values(used_at=utcnow()).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get("ACCOUNT_SETUP_HOURS", SETUP_HOURS)
    db.session.add(SetupToken(user_id=user.id, token_hash=_hash(token), expires_at=utcnow() + timedelta(hours=hours)))
    user.must_change_password = False
    return token


def find_setup_token(token: str | None) -> SetupToken | None:
    """Return the unused, unexpired link of a token, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    found = db.session.scalar(select(SetupToken).where(SetupToken.token_hash == _hash(token)))
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    return found


def use_setup_token(token: str | None, password: str, confirm: str) -> User:
    """Set the owner's own password through the link, once; the link is spent."""
    found = find_setup_token(token)
    if found is None:
        raise PortalError(_l("This link is not valid any more. Ask the county administrator for a new one."))
    user = db.session.get(User, found.user_id)
    if user is None or not user.is_active:
        raise PortalError(_l("This link is not valid any more. Ask the county administrator for a new one."))
    if password != confirm:
        raise PortalError(_l("The two passwords are not the same."), field="confirm_password")
    try:
        service.set_password(user, password, actor=user)
    except PortalError as exc:
        raise PortalError(exc.message, field="new_password") from exc
    spent = db.session.execute(update(SetupToken).where(SetupToken.id == found.id, SetupToken.used_at.is_(None))
                               .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if spent != 1:
        raise PortalError(_l("This link is not valid any more. Ask the county administrator for a new one."))
    return user
