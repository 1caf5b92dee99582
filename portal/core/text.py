"""One rule for plain text typed into a form: no invisible control or bidi-override characters."""
import re

from flask_babel import lazy_gettext as _l

from portal.core.errors import PortalError

# NUL above all: PostgreSQL refuses it in a text column, so letting it through is a 500 there.
# Tab and line breaks stay allowed (multi-line fields).
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def refuse_hidden(field: str | None, *texts) -> None:
    """Raise PortalError on field when any of the texts carries hidden control characters."""
    for text in texts:
        if isinstance(text, str) and _HIDDEN.search(text):
            raise PortalError(_l("The text contains invisible control characters. Please type it again."),
                              field=field)
