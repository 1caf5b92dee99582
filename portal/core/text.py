"""One rule for plain text typed into a form: no hidden characters, and never cut short.

Hidden characters are those a reader cannot see but that change what the text says or how
it shows: control characters (NUL above all: PostgreSQL refuses it in a text column), bidi
embeddings and overrides (they make "exe.txt" read as "txt.exe"), and zero-width
characters (they split a word so a search or a name check misses it). Complaints,
publishing and every staff form refuse them with the one message below; nothing strips them
silently. Tab and line breaks stay allowed in multi-line fields.
"""
import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from portal.core.errors import PortalError

# Code point ranges, inclusive. Zero-width joiner and non-joiner (U+200C, U+200D) are not
# here: emoji sequences and some scripts need them to show at all.
HIDDEN_RANGES = (
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F),  # C0 controls except tab, line feed, carriage return
    (0x7F, 0x9F),  # DEL and the C1 controls
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200B, 0x200B), (0x200E, 0x200F),  # zero-width space; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064), (0x2066, 0x206F),  # word joiner, invisible operators, bidi isolates, deprecated formats
    (0xD800, 0xDFFF),  # lone surrogates: they cannot be stored or sent as UTF-8
    (0xFEFF, 0xFEFF),  # zero-width no-break space (a byte-order mark inside text)
)
HIDDEN_MESSAGE = _l("The text contains invisible control characters. Please type it again.")


def _class(ranges) -> str:
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_HIDDEN = re.compile(f"[{_class(HIDDEN_RANGES)}]")
_HIDDEN_ONE_LINE = re.compile(f"[{_class(HIDDEN_RANGES)}\\t\\n\\r]")


def has_hidden(text, *, multiline: bool = True) -> bool:
    """True when text carries a hidden character (or, for a one-line field, a tab or line break)."""
    return isinstance(text, str) and bool((_HIDDEN if multiline else _HIDDEN_ONE_LINE).search(text))


def refuse_hidden(field: str | None, *texts, multiline: bool = True) -> None:
    """Raise PortalError on field when any of the texts carries hidden characters."""
    for text in texts:
        if has_hidden(text, multiline=multiline):
            raise PortalError(HIDDEN_MESSAGE, field=field)


def too_long_message(limit: int):
    """The one message for text over its limit (the form base class's max_length says the same)."""
    return _l("Write at most %(max)d characters.", max=limit)


def refuse_too_long(field: str | None, text, limit: int) -> None:
    """Raise PortalError on field when text is longer than limit: refused, never cut short."""
    if isinstance(text, str) and len(text) > limit:
        raise PortalError(too_long_message(limit), field=field)


def no_hidden(form, field) -> None:
    """WTForms validator: refuse hidden characters in a text field (the form base class adds it to every one)."""
    if has_hidden(field.data):
        raise StopValidation(str(HIDDEN_MESSAGE))


def strip_hidden(text: str) -> str:
    """Drop hidden characters: only for text that is searched or shown, never for what a form stores."""
    return _HIDDEN.sub("", text)
