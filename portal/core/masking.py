"""Mask personal identifiers (ID, bank card and phone numbers) before publication.

DOMAIN.md §4: ID numbers keep the first 6 and last 4 characters, bank or card
numbers show only `**** 6789`, mobile phones `138****5678`. Counties that want
another pattern replace these functions; everything else calls them by name.
"""
import datetime
import re
import unicodedata

from flask_babel import lazy_gettext as _l

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


KINDS = ("id", "card", "mobile")  # what free-text masking finds, for the notes that say what was masked


def _mask_long_run(match: re.Match, found: dict | None = None) -> str:
    """Mask a long digit run as an ID number when it is one, else as an account."""
    token = match.group(0)
    if is_id_number(token):
        _note(found, "id", token)
        digits = re.sub(r"[ -]", "", token)
        return digits[:6] + MASK * (len(digits) - 10) + digits[-4:]
    _note(found, "card", token)
    return MASK * 4 + " " + token[-4:]


def _note(found: dict | None, kind: str, token: str) -> None:
    """Remember a number found (by its digits, so the same number in the text and its HTML counts once)."""
    if found is not None:
        found.setdefault(kind, set()).add(re.sub(r"\D", "", unicodedata.normalize("NFKC", token)))


def _mask_found(text: str, found: dict) -> str:
    text = _TEXT_LONG_RUN.sub(lambda m: _mask_long_run(m, found), text)
    text = _TEXT_SPACED_ID.sub(lambda m: _mask_long_run(m, found), text)
    # Phones before grouped cards, so "138-1234-5678 6222 0212 …" splits correctly.
    text = _TEXT_MOBILE.sub(lambda m: (_note(found, "mobile", m.group(0)), mask_phone(m.group(0)))[1], text)
    return _TEXT_GROUPED_CARD.sub(lambda m: (_note(found, "card", m.group(0)), MASK * 4 + " " + m.group(0)[-4:])[1],
                                  text)


def _counts(found: dict) -> dict[str, int]:
    return {kind: len(tokens) for kind, tokens in found.items() if tokens}


def mask_text_counted(text: str) -> tuple[str, dict[str, int]]:
    """Mask every ID, card or mobile number inside free text; return the text and how many distinct ones of each."""
    found: dict = {}
    if not text:
        return text, {}
    return _mask_found(text, found), _counts(found)


def mask_text(text: str) -> str:
    """Mask every ID, card or mobile number found inside free text."""
    return mask_text_counted(text)[0]


def add_counts(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    for kind, n in more.items():
        total[kind] = total.get(kind, 0) + n
    return total


def count_in(*texts: str | None) -> dict[str, int]:
    """How many distinct ID, card and mobile numbers free texts hold (what masking will hide)."""
    found: dict = {}
    for text in texts:
        _mask_found(text or "", found)
    return _counts(found)


# Keys of published content that are not free text and must keep their digits.
_NOT_TEXT = {"sha256", "hash", "id", "mime", "size", "kind", "meta", "step", "code", "report_id"}


def mask_content(value) -> tuple[object, dict[str, int]]:
    """Mask personal numbers in every free-text string of published content (dicts and lists walked).

    Returns the masked content and how many distinct numbers of each kind were masked.
    """
    found: dict = {}
    return _mask_value(value, None, found), _counts(found)


def _mask_value(value, key: str | None, found: dict):
    if isinstance(value, str):
        return value if key in _NOT_TEXT else _mask_found(value, found)
    if isinstance(value, list):
        return [_mask_value(item, key, found) for item in value]
    if isinstance(value, dict):
        return {name: item if name in _NOT_TEXT and not isinstance(item, (dict, list))
                else _mask_value(item, name, found) for name, item in value.items()}
    return value


def masked_note(*texts: str | None) -> list[str]:
    """Say, for the preview, which personal numbers the free texts held and publication masks."""
    counts = count_in(*texts)
    if not counts:
        return []
    return [str(_l("Personal data was masked before publication: %(id)d ID card numbers, %(card)d bank card or "
                   "account numbers, %(mobile)d mobile numbers. Check that nothing else identifies a person.",
                   id=counts.get("id", 0), card=counts.get("card", 0), mobile=counts.get("mobile", 0)))]
