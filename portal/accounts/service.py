"""Account rules shared by the sign-in pages, the admin area and the `users` CLI.

Functions change the session's objects and record an audit entry; the caller
owns the transaction (``write_transaction()``).
"""
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.core import audit
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.permissions import two_factor_recommended
from portal.core.roles import ROLES, Role
from portal.core.text import refuse_hidden
from portal.extensions import db
from portal.places.models import Township, Village

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# No 0/o, 1/l/i: a temporary password is read aloud or copied from paper.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def normalize_username(text: str | None) -> str:
    """Return the canonical spelling of a username (trimmed, lower-case)."""
    return (text or "").strip().lower()


def get_user(username: str) -> User | None:
    """Find an account by username (a name no account could have is not looked up at all)."""
    name = normalize_username(username)
    if not USERNAME_RE.match(name):
        return None
    return db.session.scalar(select(User).where(User.username == name))


def list_users() -> list[User]:
    """All accounts with their places, by role and username."""
    stmt = select(User).options(db.joinedload(User.township), db.joinedload(User.village))
    return sorted(db.session.scalars(stmt), key=lambda u: (ROLES.index(u.role) if u.role in ROLES else 99, u.username))


def check_password_policy(password: str, username: str = "") -> None:
    """Refuse passwords that are too short, too long or the username itself."""
    if len(password or "") < MIN_PASSWORD:
        raise PortalError(_l("Use at least %(n)s characters for the password.", n=MIN_PASSWORD), field="password")
    if len(password) > MAX_PASSWORD:
        raise PortalError(_l("Use at most %(n)s characters for the password.", n=MAX_PASSWORD), field="password")
    if normalize_username(password) == normalize_username(username):
        raise PortalError(_l("The password must not be the username."), field="password")


def resolve_scope(role: str, township_code: str | None,
                  village_code: str | None) -> tuple[Township | None, Village | None]:
    """Check a role against its place and return (township, village) for the account."""
    township_code = (township_code or "").strip()
    village_code = (village_code or "").strip()
    # Hidden characters (NUL above all, which PostgreSQL refuses) must never reach a query.
    refuse_hidden("township", township_code)
    refuse_hidden("village", village_code)
    if role not in ROLES:
        raise PortalError(_l("Choose one of the roles in the list."), field="role")
    if role == Role.VILLAGE_CADRE:
        if township_code and not village_code:
            raise PortalError(_l("A village cadre belongs to a village: give the village code."), field="village")
        if not village_code:
            raise PortalError(_l("A village cadre needs the code of their village."), field="village")
        village = db.session.scalar(select(Village).where(Village.code == village_code))
        if village is None:
            raise PortalError(_l("There is no village with code %(code)s.", code=village_code), field="village")
        if township_code and village.township.code != township_code:
            raise PortalError(_l("That village does not belong to the township given."), field="township")
        return village.township, village
    if village_code:
        raise PortalError(_l("Only village cadres belong to a village; leave the village empty."), field="village")
    if role == Role.TOWNSHIP_HANDLER:
        if not township_code:
            raise PortalError(_l("A township handler needs the code of their township."), field="township")
        township = db.session.scalar(select(Township).where(Township.code == township_code))
        if township is None:
            raise PortalError(_l("There is no township with code %(code)s.", code=township_code), field="township")
        return township, None
    if township_code:
        raise PortalError(_l("County accounts do not belong to a township; leave the township empty."),
                          field="township")
    return None, None


def _clean_profile(display_name: str | None, email: str | None) -> tuple[str | None, str | None]:
    display_name = (display_name or "").strip() or None
    email = (email or "").strip() or None
    refuse_hidden("display_name", display_name)
    refuse_hidden("email", email)
    if display_name and len(display_name) > 64:
        raise PortalError(_l("Use at most 64 characters for the name."), field="display_name")
    if email and (len(email) > 255 or not EMAIL_RE.match(email)):
        raise PortalError(_l("Enter an e-mail address like name@example.gov.cn."), field="email")
    return display_name, email


def create_user(username: str, role: str, password: str, *, township_code: str | None = None,
                village_code: str | None = None, display_name: str | None = None, email: str | None = None,
                temporary: bool = False, actor=None) -> User:
    """Create an account scoped to its place; a temporary password must be changed at first sign-in."""
    username = normalize_username(username)
    if not USERNAME_RE.match(username):
        raise PortalError(_l("Use 3 to 64 lower-case letters, digits, '.', '_' or '-' for the username."),
                          field="username")
    if get_user(username) is not None:
        raise PortalError(_l("That username is already taken."), field="username")
    township, village = resolve_scope(role, township_code, village_code)
    display_name, email = _clean_profile(display_name, email)
    check_password_policy(password, username)
    user = User(username=username, role=role, township=township, village=village, display_name=display_name,
                email=email, password_hash=hash_password(password), password_changed_at=utcnow(),
                must_change_password=temporary, session_version=1, is_active_flag=True)
    db.session.add(user)
    db.session.flush()
    audit.record("account_create", "user", user.id, f"{username} role={role} scope={_scope_text(user)}", user=actor)
    return user


def _scope_text(user: User) -> str:
    if user.village is not None:
        return user.village.code
    return user.township.code if user.township is not None else "county"


def authenticate(username: str, password: str) -> User | None:
    """Return the active account the password opens, else None (same work for every failure).

    Reads only, so the slow hash check runs outside a write transaction.
    """
    user = get_user(username) if len(username or "") <= 64 else None
    ok = verify_password(user.password_hash if user else None, (password or "")[:MAX_PASSWORD])
    if not ok or user is None or not user.is_active:
        return None
    return user


def upgrade_hash(user: User, password: str) -> None:
    """Re-hash a just-verified password when today's parameters are stronger."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)


def record_sign_in(user: User) -> None:
    """Note a completed sign-in; a complaint reader's first one makes them enrol a second factor."""
    if user.last_login_at is None and not user.totp_enabled and two_factor_recommended(user):
        user.must_enrol_2fa = True
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, user.username, user=user)


def end_sessions(user: User) -> None:
    """Make every existing session cookie of this account stop working."""
    user.session_version = (user.session_version or 0) + 1


def set_password(user: User, password: str, *, temporary: bool = False, actor=None) -> None:
    """Replace the password and end the account's other sessions."""
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = temporary
    end_sessions(user)
    audit.record("password_reset" if temporary else "password_set", "user", user.id, user.username, user=actor)


def change_own_password(user: User, current: str, new: str) -> None:
    """Let a signed-in user replace their password after proving the current one."""
    if not verify_password(user.password_hash, current or ""):
        raise PortalError(_l("The current password is wrong."), field="current_password")
    if current == new:
        raise PortalError(_l("Choose a new password that differs from the current one."), field="new_password")
    try:
        set_password(user, new, actor=user)
    except PortalError as exc:
        raise PortalError(exc.message, field="new_password") from exc


def make_temporary_password() -> str:
    """Generate a one-time password of four groups of four characters (about 79 bits)."""
    chars = "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def reset_password(user: User, actor=None) -> str:
    """Give the account a temporary password (returned once) that must be changed at sign-in."""
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise PortalError(_l("To change your own password, use 'Change my password'."))
    temporary = make_temporary_password()
    set_password(user, temporary, temporary=True, actor=actor)
    return temporary


def deactivate(user: User, actor=None) -> None:
    """Stop an account from signing in and end its sessions (the account and its work stay)."""
    if actor is not None and getattr(actor, "id", None) == user.id:
        raise PortalError(_l("You cannot deactivate your own account."))
    if not user.is_active_flag:
        raise PortalError(_l("This account is already deactivated."))
    user.is_active_flag = False
    end_sessions(user)
    audit.record("account_deactivate", "user", user.id, user.username, user=actor)


def reactivate(user: User, actor=None) -> None:
    """Let a deactivated account sign in again."""
    if user.is_active_flag:
        raise PortalError(_l("This account is already active."))
    user.is_active_flag = True
    end_sessions(user)
    audit.record("account_reactivate", "user", user.id, user.username, user=actor)


def change_scope(user: User, role: str, township_code: str | None, village_code: str | None, *,
                 display_name: str | None = None, email: str | None = None, actor=None) -> bool:
    """Change an account's role, place and details; a new role or place ends its sessions."""
    if actor is not None and getattr(actor, "id", None) == user.id and role != user.role:
        raise PortalError(_l("You cannot change your own role."), field="role")
    township, village = resolve_scope(role, township_code, village_code)
    display_name, email = _clean_profile(display_name, email)
    before = f"role={user.role} scope={_scope_text(user)}"
    moved = (role, getattr(township, "id", None), getattr(village, "id", None)) != (
        user.role, user.township_id, user.village_id)
    user.role, user.township, user.village = role, township, village
    user.display_name, user.email = display_name, email
    if moved:
        end_sessions(user)
    audit.record("account_change", "user", user.id, f"{user.username} {before} -> role={role} "
                 f"scope={_scope_text(user)}", user=actor)
    return moved
