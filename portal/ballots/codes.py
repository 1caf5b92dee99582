"""One-time ballot codes shared by evaluation rounds and polls.

A ballot code is 12 random digits (about 40 bits); it is printed once and
stored only as an HMAC-SHA256 keyed with the deployment's RECEIPT_PEPPER, so
the database alone cannot tell which code is which.
"""
import hashlib
import hmac
import secrets
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError
from portal.extensions import db

CODE_DIGITS = 12


class BallotRefused(PortalError):
    """A ballot code cannot be used; ``reason`` is wrong, used or closed."""

    def __init__(self, reason: str):
        messages = {
            "wrong": _l("This code is not valid. Check the 12 digits on your slip and try again."),
            "used": _l("This code has already been used. Each code votes only once."),
            "closed": _l("This evaluation is closed and takes no more votes."),
        }
        super().__init__(messages[reason], field="code")
        self.reason = reason


def new_code() -> str:
    """Draw a random 12-digit code."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def format_code(digits: str) -> str:
    """Group a code in fours for printing: 1234 5678 9012."""
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


def normalise_code(text: str | None) -> str | None:
    """Return the 12 digits of what a resident typed (spaces, dashes, full-width digits allowed), or None."""
    text = unicodedata.normalize("NFKC", text or "")[:64]
    digits = "".join(c for c in text if c.isdigit() and c.isascii())
    rest = "".join(c for c in text if not (c.isdigit() and c.isascii()) and c not in " -\u3000")
    return digits if len(digits) == CODE_DIGITS and not rest else None


def code_hash(digits: str, purpose: str) -> str:
    """Key-hash a code; the purpose keeps evaluation and poll codes apart."""
    pepper = str(current_app.config["RECEIPT_PEPPER"]).encode()
    return hmac.new(pepper, f"{purpose}:{digits}".encode(), hashlib.sha256).hexdigest()


def issue_codes(count: int, purpose: str, make_row) -> list[str]:
    """Create count unused codes as rows (make_row(hash) → model); return the printable codes."""
    codes, hashes = [], set()
    while len(codes) < count:
        digits = new_code()
        digest = code_hash(digits, purpose)
        if digest in hashes:
            continue
        hashes.add(digest)
        db.session.add(make_row(digest))
        codes.append(format_code(digits))
    return codes
