"""Forms of the cadre's disclosures: one per kind of content."""
import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, Form, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from portal.core.forms import PortalForm, TextRulesMeta, choices, iso_date, max_length, required, whole_number
from portal.disclosures.decisions import STEPS
from portal.disclosures.models import DOMAINS, TOPICS
from portal.disclosures.periods import derive_label, month_range


def month_value(form, field):
    """Accept an empty value or a month such as 2025-03."""
    if field.data and field.data.strip():
        try:
            month_range(field.data)
        except ValueError:
            raise ValidationError(_l("Write a month such as 2025-03.")) from None


def _dates(start, end):
    try:
        return datetime.date.fromisoformat((start or "").strip()), datetime.date.fromisoformat((end or "").strip())
    except ValueError:
        return None, None


class MetaForm(PortalForm):
    domain = SelectField(_l("Category"))
    topic = SelectField(_l("Topic"))
    title = StringField(_l("Title"), [required(_l("Give the disclosure a title.")), max_length(255)])
    period_month = StringField(_l("Month covered"), [month_value])
    period_label = StringField(_l("Period, as it should read (leave empty to name it from the dates)"),
                               [max_length(64)])
    period_start = StringField(_l("Period starts"), [iso_date])
    period_end = StringField(_l("Period ends"), [iso_date])
    reason = TextAreaField(_l("Reason for the correction"), [max_length(1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain.choices = choices("domain", DOMAINS)
        self.topic.choices = choices("topic", TOPICS)

    def disclosure_meta(self) -> dict:
        meta = {name: (getattr(self, name).data or "").strip()
                for name in ("domain", "topic", "title", "period_label", "period_start", "period_end")}
        if (self.period_month.data or "").strip():  # the month, entered once, sets both dates
            start, end = month_range(self.period_month.data)
            meta.update(period_start=start.isoformat(), period_end=end.isoformat())
            if meta["period_label"] == derive_label(*_dates(self.period_start.data, self.period_end.data)):
                meta["period_label"] = ""  # a label derived from earlier dates follows the new month
        return meta


class TextForm(MetaForm):
    markdown = TextAreaField(_l("Text"), [required(_l("Write the text of the notice.")), max_length(100_000)])
    text_format = RadioField(_l("How the text is laid out"), default="plain",
                             choices=[("plain", _l("As typed: a blank line starts a new paragraph")),
                                      ("markdown", _l("With Markdown marks (## heading, - list, **bold**)"))])


class TableForm(MetaForm):
    upload = FileField(_l("Table file (CSV or XLSX)"))
    notes = TextAreaField(_l("Notes under the table (optional)"), [max_length(20000)])


class StepForm(Form):
    """One 四议两公开 step; every field may stay empty."""

    class Meta(TextRulesMeta):
        pass

    date = StringField(_l("Date"), [iso_date])
    expected = StringField(_l("Members due to attend"), [whole_number])
    present = StringField(_l("Present"), [whole_number])
    votes_for = StringField(_l("For"), [whole_number])
    against = StringField(_l("Against"), [whole_number])
    abstain = StringField(_l("Abstain"), [whole_number])
    notice_date = StringField(_l("Plan sent to members on"), [iso_date])
    posted_from = StringField(_l("Posted from"), [iso_date])
    posted_until = StringField(_l("Posted until"), [iso_date])
    note = TextAreaField(_l("Note"), [max_length(2000)])


STEP_FIELD_KEYS = {"votes_for": "for"}  # form field name → key in the stored record
STEP_COUNTS = ("expected", "present", "for", "against", "abstain")


class DecisionForm(MetaForm):
    matter = TextAreaField(_l("Matter decided"), [required(_l("Say what was decided.")), max_length(2000)])
    dual_role = BooleanField(_l("The party secretary is also the committee director"))
    not_implemented = BooleanField(_l("The work is not finished yet (the result will be published later)"))
    proposal = FormField(StepForm)
    committees = FormField(StepForm)
    party_meeting = FormField(StepForm)
    representatives = FormField(StepForm)
    resolution_disclosure = FormField(StepForm)
    result_disclosure = FormField(StepForm)

    def record(self) -> dict:
        """Return the decision record the form describes (empty steps left out)."""
        steps = []
        for step in STEPS:
            entry = {}
            for sub in getattr(self, step):
                value = (sub.data or "").strip()
                key = STEP_FIELD_KEYS.get(sub.short_name, sub.short_name)
                if value:
                    entry[key] = int(value) if key in STEP_COUNTS else value
            if entry:
                steps.append({"step": step, **entry})
        record = {"matter": (self.matter.data or "").strip(), "dual_role": bool(self.dual_role.data), "steps": steps}
        if self.not_implemented.data:
            record["implemented"] = False
        return record

    @staticmethod
    def data_from(content: dict) -> dict:
        """Form data prefilled from a stored decision record."""
        data = {"matter": content.get("matter", ""), "dual_role": bool(content.get("dual_role")),
                "not_implemented": content.get("implemented") is False}
        back = {v: k for k, v in STEP_FIELD_KEYS.items()}
        for entry in content.get("steps") or []:
            if entry.get("step") in STEPS:
                data[entry["step"]] = {back.get(k, k): "" if v is None else str(v) for k, v in entry.items()
                                       if k != "step"}
        return data


class AttachmentForm(MetaForm):
    description = TextAreaField(_l("Description (optional)"), [max_length(20000)])
    files = MultipleFileField(_l("Add files (JPEG, PNG or PDF)"))


FORMS = {"text": TextForm, "table": TableForm, "decision": DecisionForm, "attachment": AttachmentForm}
