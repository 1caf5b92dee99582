"""Mask personal identifiers (ID, bank card and phone numbers) before publication.

DOMAIN.md §4: ID numbers keep the first 6 and last 4 characters, bank or card
numbers show only `**** 6789`, mobile phones `138****5678`. Counties that want
another pattern replace these functions; everything else calls them by name.
"""
import datetime
import re
import unicodedata

MASK = "*"

_ID18 = re.compile(r"\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]")
_ID15 = re.compile(r"\d{6}(\d{2})(\d{2})(\d{2})\d{3}")
_ACCOUNT = re.compile(r"\d{8,30}X?")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"(0\d{2,3})?(\d{7,8})")

# Free-text detectors. Python's \d also matches full-width digits, so
# "３３９９０１…" is caught too. Any run of 15+ digits is masked: it is an ID,
# a card or an account number, and a false positive only costs a few digits.
_TEXT_LONG_RUN = re.compile(r"(?<!\d)\d{15,}(?:[Xx](?!\d))?")
_TEXT_SPACED_ID = re.compile(r"(?<!\d)\d{6}[ -]\d{8}[ -]\d{3}[\dXx](?![\dXx])")
_TEXT_GROUPED_CARD = re.compile(r"(?<![\d*])\d{4}([ -])\d{4}(?:\1\d{4}){2}(?:\1?\d{1,3})?(?!\d)")
_TEXT_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")


def _compact(value: str) -> str:
    """Return value in half-width form without spaces, hyphens or brackets."""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s\-()]", "", text).upper()


def _valid_birth_date(year: int, month: int, day: int) -> bool:
    """Tell whether the birth date embedded in an ID number exists."""
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return False
    return datetime.date(1880, 1, 1) <= born <= datetime.date.today()


def is_id_number(value: str) -> bool:
    """Tell whether value is an 18-character or old 15-digit resident ID number."""
    s = _compact(value)
    # The check digit is not enforced: older records and demo data often fail it.
    if m := _ID18.fullmatch(s):
        return _valid_birth_date(*(int(g) for g in m.groups()))
    if m := _ID15.fullmatch(s):
        year, month, day = (int(g) for g in m.groups())
        return _valid_birth_date(1900 + year, month, day)
    return False


def mask_id_number(value: str) -> str:
    """Mask an ID number as 339901********1234; raise ValueError if it is not one."""
    s = _compact(value)
    if not is_id_number(s):
        raise ValueError("not an ID number")
    return s[:6] + MASK * (len(s) - 10) + s[-4:]


def mask_bank_account(value: str) -> str:
    """Mask a bank, card or account number as **** 6789; raise ValueError if it is not one."""
    s = _compact(value)
    if not _ACCOUNT.fullmatch(s):
        raise ValueError("not an account number")
    return MASK * 4 + " " + s[-4:]


def mask_phone(value: str) -> str:
    """Mask a phone number as 138****5678 (landlines 0571-****4321); raise ValueError otherwise."""
    s = _compact(value)
    if m := _MOBILE.fullmatch(s):
        number = m.group(1)
        return number[:3] + MASK * 4 + number[-4:]
    if m := _LANDLINE.fullmatch(s):
        area, local = m.groups()
        masked = MASK * (len(local) - 4) + local[-4:]
        return f"{area}-{masked}" if area else masked
    raise ValueError("not a phone number")


def _mask_long_run(match: re.Match) -> str:
    """Mask a long digit run as an ID number when it is one, else as an account."""
    token = match.group(0)
    if is_id_number(token):
        digits = re.sub(r"[ -]", "", token)
        return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]
    return MASK * 4 + " " + token[-4:]


def mask_text(text: str) -> str:
    """Mask every ID, card or mobile number found inside free text."""
    if not text:
        return text
    text = _TEXT_LONG_RUN.sub(_mask_long_run, text)
    text = _TEXT_SPACED_ID.sub(_mask_long_run, text)
    # Phones before grouped cards, so "138-1234-5678 6222 0212 …" splits correctly.
    text = _TEXT_MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    return _TEXT_GROUPED_CARD.sub(lambda m: MASK * 4 + " " + m.group(0)[-4:], text)
