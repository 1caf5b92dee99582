"""Forms of the complaint pages; the rules themselves live in the services."""
from wtforms import HiddenField, MultipleFileField, RadioField, StringField, TextAreaField

from portal.complaints.models import DISPOSAL_MODES, FINDINGS, RATINGS
from portal.core.forms import PortalForm


class IntakeForm(PortalForm):
    village = StringField()
    category = StringField()
    concerns_township_officials = StringField()
    about_whom = StringField()
    about = StringField()
    description = TextAreaField()
    happened_on = StringField()
    files = MultipleFileField()
    anonymous = StringField(default="1")
    contact_name = StringField()
    contact_phone = StringField()
    notify_sms = StringField()
    power_item = HiddenField()
    step = HiddenField()
    disclosure = HiddenField()

    def raw(self) -> dict:
        """The submitted values as the intake service reads them."""
        return {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "files")}


class TrackForm(PortalForm):
    receipt = StringField()


class TextForm(PortalForm):
    """Answer a question, add information or give the reason for a review."""

    body = TextAreaField()
    files = MultipleFileField()


class RateForm(PortalForm):
    rating = RadioField(choices=[(r, r) for r in RATINGS], validate_choice=False)


class ActionForm(PortalForm):
    """One form for every handler action; the service checks what each action needs."""

    action = HiddenField()
    confirm = HiddenField()  # "1" once the handler has seen the conclusion as the complainant will
    reply = TextAreaField()
    transferred_to = StringField()
    finding = RadioField(choices=[(f, f) for f in FINDINGS], validate_choice=False)
    disposal_mode = RadioField(choices=[(m, m) for m in DISPOSAL_MODES], validate_choice=False)
    clarification = TextAreaField()
    days = StringField()
    reason = TextAreaField()
    body = TextAreaField()
    note = TextAreaField()
    other = StringField()  # the other case of a link or unlink
