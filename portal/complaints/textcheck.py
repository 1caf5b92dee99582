"""Rules for text typed by residents and staff: readable, bounded, no hidden characters (portal/core/text.py)."""
import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.core.errors import Errors
from portal.core.text import HIDDEN_MESSAGE, has_hidden

# Werkzeug keeps undecodable bytes of a urlencoded form as literal %XX escapes.
_UNDECODED = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f]){2,}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})")
_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def clean_text(value, field: str, errors: Errors, *, max_len: int, min_len: int = 0, required: bool = False,
               multiline: bool = False, too_short=None) -> str | None:
    """Return the trimmed text of a field, or None after adding a message to errors."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, _l("Enter text here."))
        return None
    if "\ufffd" in value or _UNDECODED.search(value) or any(unicodedata.category(ch) == "Cs" for ch in value):
        errors.add(field, _l("Some characters could not be read. Please type the text again (UTF-8)."))
        return None
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    if has_hidden(text, multiline=multiline):  # the portal's one rule (portal/core/text.py)
        errors.add(field, HIDDEN_MESSAGE)
        return None
    text = text.strip() if multiline else " ".join(text.split())
    if not text:
        if required:
            errors.add(field, _l("This field is required."))
            return None
        return ""
    if len(text) < min_len:
        errors.add(field, too_short or _l("Write at least %(n)s characters.", n=min_len))
        return None
    if len(text) > max_len:
        errors.add(field, _l("Write at most %(n)s characters (you wrote %(m)s).", n=max_len, m=len(text)))
        return None
    return text


def parse_bool(value, field: str, errors: Errors, default: bool) -> bool:
    """Read a yes/no value from a form, JSON or multipart field."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    errors.add(field, _l("Choose yes or no."))
    return default


def parse_int(value, field: str, errors: Errors, message) -> int | None:
    """Read an optional positive id; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, message)
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        number = int(value.strip())
    else:
        errors.add(field, message)
        return None
    if number <= 0 or number > 2**31 - 1:
        errors.add(field, message)
        return None
    return number


def parse_past_date(value, field: str, errors: Errors, today: date) -> date | None:
    """Read an optional YYYY-MM-DD date that is not in the future."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    message = _l("Enter the date as year-month-day, for example 2025-03-01.")
    if not isinstance(value, str) or len(value.strip()) > 10:
        errors.add(field, message)
        return None
    try:
        day = date.fromisoformat(unicodedata.normalize("NFKC", value.strip()).replace("/", "-"))
    except ValueError:
        errors.add(field, message)
        return None
    if day > today:
        errors.add(field, _l("The date cannot be in the future."))
        return None
    if day.year < 1950:
        errors.add(field, message)
        return None
    return day


def normalize_phone(value, field: str, errors: Errors) -> str | None:
    """Return a Chinese mobile (13812345678) or landline (0571-88886666) number, or None with a message."""
    message = _l("Enter a mobile number (11 digits starting with 1) or a landline with its area code, "
                 "for example 0571-88886666.")
    if not isinstance(value, str) or not value.strip():
        errors.add(field, _l("Enter a phone number so the handler can reach you."))
        return None
    if len(value) > 40:
        errors.add(field, message)
        return None
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        errors.add(field, message)
        return None
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _LANDLINE.fullmatch(digits)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    errors.add(field, message)
    return None
