"""Forms of the cadre's duty reports."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from portal.core.forms import PortalForm, max_length, required
from portal.core.labels import LABELS
from portal.duty.models import SECTIONS


class SectionsForm(PortalForm):
    title = StringField(_l("Title"), [required(_l("Give the report a title.")), max_length(255)])
    reason = TextAreaField(_l("Reason for the correction"), [max_length(1000)])

    def sections(self) -> dict:
        return {key: getattr(self, key).data or "" for key in SECTIONS}


for _key in SECTIONS:
    setattr(SectionsForm, _key, TextAreaField(LABELS["duty_section"][_key], [max_length(20000)]))


class NewReportForm(SectionsForm):
    cadre = SelectField(_l("Cadre"), coerce=int)
    period = StringField(_l("Period (e.g. 2025)"),
                         [required(_l("Say which period the report covers.")), max_length(16)])
