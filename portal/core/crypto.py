"""Encryption at rest of short secrets (TOTP secrets, complainant contact details).

PORTAL_ENCRYPTION_KEY holds one Fernet key, or several separated by commas
during a key rotation: the first encrypts, all of them decrypt.
"""
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in str(current_app.config["PORTAL_ENCRYPTION_KEY"]).split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt_text(text: str) -> str:
    """Encrypt a text with the portal's key; the result is ASCII."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """Decrypt a text made by encrypt_text; raise ValueError if it was altered or made with another key."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise ValueError("the encrypted text cannot be read with this portal's key") from exc


def keyed_hash(key: bytes | str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of a value under a deployment secret, separated by purpose: can be looked up, not reversed.

    Like receipts (complaints/receipts.py): without the key no guess can even be checked.
    """
    key = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(key, purpose.encode() + b":" + value.encode("utf-8"), hashlib.sha256).hexdigest()
