"""Keyed hashes of ID and card numbers: payment lines, relatives and the deceased are matched without raw numbers.

Only HMACs under the deployment's SUBSIDY_HMAC_KEY are stored (derived from SECRET_KEY when unset);
an ID number has too few possible values for a plain hash to hide it.
"""
import datetime
import hashlib
import re
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.crypto import keyed_hash
from portal.core.masking import MASK

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID18 = re.compile(r"\d{17}[\dX]")
NAME_MAX = 30


def _key() -> bytes:
    configured = current_app.config.get("SUBSIDY_HMAC_KEY")
    if configured:
        return str(configured).encode()
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hashlib.sha256(b"subsidy-hmac-key:" + secret).digest()


def compact(value: str) -> str:
    """Half-width, upper case, without spaces or hyphens (how an ID or card number is compared)."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an 18-character resident ID number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id(value: str) -> str | None:
    """Return the compact 18-character ID number when its birth date and check character are right, else None."""
    s = compact(value)
    if not _ID18.fullmatch(s) or check_digit(s[:17]) != s[17]:
        return None
    try:
        born = datetime.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None
    return s if datetime.date(1880, 1, 1) <= born <= datetime.date.today() else None


def id_problem(value: str):
    """Say what is wrong with a typed ID number, or None when it is a valid one."""
    s = compact(value)
    if not s:
        return _l("Enter your ID card number.")
    if not _ID18.fullmatch(s):
        return _l("An ID card number has 18 characters: 17 digits and a last digit or X.")
    if valid_id(s) is None:
        return _l("This ID card number is not valid: check each digit against your card.")
    return None


def id_hash(value: str) -> str | None:
    """The keyed hash of an ID number as written in a list (old and unchecked numbers too), or None if empty."""
    s = compact(value)
    # A number already masked (339901********1234) identifies nobody: it gets no hash.
    return keyed_hash(_key(), "id", s) if re.fullmatch(r"\d{15}|\d{17}[\dX]", s) else None


def card_hash(value: str) -> str | None:
    """The keyed hash of a bank or 一卡通 card number (its digits), or None if it has none."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    digits = re.sub(r"\D", "", text)
    return keyed_hash(_key(), "card", digits) if len(digits) >= 8 and MASK not in text else None


def name_key(name: str) -> str:
    """A name as compared: half-width, without spaces or the middle dot of minority names."""
    return re.sub(r"[\s·•・.]", "", unicodedata.normalize("NFKC", str(name or "")))[:NAME_MAX * 2]


def name_matches(published: str | None, typed_key: str) -> bool:
    """Tell whether a published name (perhaps masked, like 郑**) fits the typed one."""
    shown = name_key(published or "")
    if not shown:
        return True  # lists without a name column: the ID number alone decides
    if MASK in shown:
        visible = shown.rstrip(MASK)
        return len(shown) == len(typed_key) and typed_key.startswith(visible) and bool(visible)
    return shown == typed_key


def mask_id(value: str) -> str:
    """The ID number as lists publish it: first 6 and last 4 characters."""
    s = compact(value)
    return s[:6] + MASK * max(len(s) - 10, 0) + s[-4:] if len(s) > 10 else MASK * len(s)
