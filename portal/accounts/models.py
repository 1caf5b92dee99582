"""Staff accounts, scoped to one place."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.places.models import Township, Village


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("township.id", ondelete="SET NULL"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("village.id", ondelete="SET NULL"), index=True)
    is_active_flag: Mapped[bool] = mapped_column("is_active", default=True)
    # Bumped on logout, password change, deactivation and role/scope change: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    recovery_codes: Mapped[str | None] = mapped_column(String(2000))
    # Last TOTP time step accepted, so a code cannot be replayed within its window.
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    # Set after an admin reset: the temporary password must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Set at the first sign-in of a complaint-reading account: no page opens before a second factor is set up.
    must_enrol_2fa: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    township: Mapped[Township | None] = relationship()
    village: Mapped[Village | None] = relationship()

    @property
    def is_active(self) -> bool:
        return bool(self.is_active_flag)

    def get_id(self) -> str:
        # The version travels in the session so a bumped version logs the cookie out.
        return f"{self.id}:{self.session_version}"


class SignInThrottle(db.Model):
    """Counted sign-in attempts of one (account name, address) pair or one address, keyed by a keyed hash.

    Incremented by a single UPDATE … RETURNING before the password is checked,
    so concurrent guesses cannot all pass the limit; ``next_at`` is when the
    next attempt may be checked (a growing delay, never a lock of the account).
    """

    __tablename__ = "sign_in_throttle"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AccountRequest(db.Model):
    """A change that gives someone the power to read complaints, waiting for a second county account.

    kind: create | password_reset | two_factor_reset | role_change; ``payload`` holds
    what the requester typed (never a password).
    """

    __tablename__ = "account_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)  # approved | rejected; None: pending

    target: Mapped[User | None] = relationship(foreign_keys=[target_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])


class SetupToken(db.Model):
    """A one-time link to set one's own password (stored as a SHA-256 hash; single use; expires)."""

    __tablename__ = "setup_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
