"""The form base class: typed text with hidden characters is refused, service errors land beside their field."""
import datetime

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.core.labels import label
from portal.core.text import no_hidden, too_long_message


def line_ends(value):
    """Normalise line ends (a browser sends CR LF) so lengths and diffs count what the user sees."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n")


class TextRulesMeta:
    """Give every text field of a form the portal's text rule: hidden characters refused (portal/core/text.py)."""

    def bind_field(self, form, unbound_field, options):
        if not issubclass(unbound_field.field_class, StringField):
            return unbound_field.bind(form=form, **options)
        field = unbound_field.bind(form=form, filters=[*unbound_field.kwargs.get("filters", ()), line_ends], **options)
        field.validators = [no_hidden, *field.validators]  # first: its message alone, not "too long" as well
        return field


class PortalForm(FlaskForm):
    """The base of every form in the portal."""

    class Meta(TextRulesMeta):
        pass


def required(message):
    """A DataRequired with the given message."""
    return DataRequired(message=message)


def max_length(n: int):
    """Refuse text longer than n characters."""
    return Length(max=n, message=too_long_message(n))


def iso_date(form, field):
    """Accept an empty value or a date such as 2025-01-31."""
    if field.data and field.data.strip():
        try:
            datetime.date.fromisoformat(field.data.strip())
        except ValueError:
            raise ValidationError(_l("Write a date such as 2025-01-31.")) from None


def whole_number(form, field):
    """Accept an empty value or a whole number such as 12."""
    if field.data and field.data.strip() and not (field.data.strip().isascii() and field.data.strip().isdigit()):
        raise ValidationError(_l("Write a whole number, such as 12."))
    if field.data and field.data.strip() and int(field.data.strip()) > 1_000_000:
        raise ValidationError(_l("This number is too large."))


def show_errors(form, exc, *, prefix: str = "", rename: dict | None = None,
                redirecting: bool = False) -> dict[str, list[str]]:
    """Put a service's PortalError on the form: each message beside its field, the others at the top.

    ``rename`` maps a service's field name to the form's. Return the messages as
    {prefix + field: [text, …]} ("form" for the top) for pages that lay their fields out by hand.
    ``redirecting`` is for a button with no form of its own whose view redirects: every message
    is flashed, so the next page shows it at the top where its notices are.
    """
    shown: dict[str, list[str]] = {}
    for name, messages in exc.errors.items():
        name = (rename or {}).get(name, name) or "form"
        texts = [str(m) for m in messages]
        if form is not None:
            target = getattr(form, name, None) if name != "form" else None
            if target is not None and hasattr(target, "errors"):
                target.errors = [*target.errors, *texts]
            else:
                form.form_errors.extend(texts)
        if redirecting:
            for text in texts:
                flash(text, "error")
        shown.setdefault(prefix + name, []).extend(texts)
    return shown


def choices(group: str, codes) -> list[tuple[str, str]]:
    return [(code, label(group, code)) for code in codes]
