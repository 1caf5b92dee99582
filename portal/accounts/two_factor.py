"""Second factor: TOTP codes from an authenticator app, and one-time recovery codes.

The TOTP secret is stored encrypted (portal.core.crypto); recovery codes only as
SHA-256 hashes (they carry about 79 random bits, so a fast hash is enough).
"""
import base64
import hashlib
import hmac
import io
import json
import re
import secrets
import time

import pyotp
import segno
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.core import audit
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.errors import PortalError

ISSUER = "Sunshine Village Affairs"
RECOVERY_CODE_COUNT = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_TOTP_RE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    """Return a fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """Render text as a QR code in an SVG data: URI (allowed by the CSP's img-src data:)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=5, border=4, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def grouped(secret: str) -> str:
    """Show a secret in groups of four so it can be typed by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str | None) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _matching_counter(secret: str, code: str, after: int | None, now: float | None = None) -> int | None:
    """Return the time step whose code matches (one step of clock drift allowed), if not used yet."""
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for counter in (current - 1, current, current + 1):
        if after is not None and counter <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode("ascii", "ignore")).hexdigest()


def make_recovery_codes() -> tuple[list[str], str]:
    """Return new recovery codes to show once, and the JSON of their hashes to store."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
        codes.append("-".join(chars[i:i + 4] for i in range(0, 16, 4)))
    return codes, json.dumps([_hash_code(c) for c in codes])


def recovery_codes_left(user: User) -> int:
    """Count the recovery codes the user has not used yet."""
    return len(json.loads(user.recovery_codes or "[]"))


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on after the user proved their app works; return recovery codes."""
    counter = _matching_counter(secret, _clean(code), None) if _TOTP_RE.match(_clean(code)) else None
    if counter is None:
        raise PortalError(_l("That code is not right. Check the time on your phone and enter the newest code."),
                          field="code")
    codes, hashes = make_recovery_codes()
    user.totp_secret = encrypt_text(secret)
    user.totp_enabled = True
    user.totp_last_counter = counter
    user.recovery_codes = hashes
    user.must_enrol_2fa = False
    # Whoever else holds a session of this account (a stolen cookie) is signed out.
    user.session_version = (user.session_version or 0) + 1
    audit.record("2fa_enable", "user", user.id, user.username, user=user)
    return codes


def verify(user: User, code: str | None) -> bool:
    """Check a TOTP code or a recovery code (which is then used up)."""
    cleaned = _clean(code)
    if not user.totp_enabled or not user.totp_secret or not cleaned:
        return False
    if _TOTP_RE.match(cleaned):
        counter = _matching_counter(decrypt_text(user.totp_secret), cleaned, user.totp_last_counter)
        if counter is None:
            return False
        user.totp_last_counter = counter
        return True
    wanted = _hash_code(cleaned)
    stored = json.loads(user.recovery_codes or "[]")
    match = next((h for h in stored if hmac.compare_digest(h, wanted)), None)
    if match is None:
        return False
    stored.remove(match)
    user.recovery_codes = json.dumps(stored)
    audit.record("2fa_recovery_code_used", "user", user.id, f"{len(stored)} left", user=user)
    return True


def regenerate_codes(user: User, code: str) -> list[str]:
    """Replace the recovery codes after a valid code; return the new ones to show once."""
    if not verify(user, code):
        raise PortalError(_l("That code is not right."), field="code")
    codes, hashes = make_recovery_codes()
    user.recovery_codes = hashes
    audit.record("2fa_new_recovery_codes", "user", user.id, user.username, user=user)
    return codes


def disable(user: User, actor=None) -> None:
    """Turn the second factor off and forget the secret and recovery codes."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_counter = None
    user.recovery_codes = None
    audit.record("2fa_disable", "user", user.id, user.username, user=actor if actor is not None else user)
