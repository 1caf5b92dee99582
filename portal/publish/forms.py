"""Forms of the cadre workspace; every message is translatable."""
import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.disclosures.decisions import STEPS
from portal.disclosures.models import DOMAINS, TOPICS
from portal.duty.models import SECTIONS
from portal.labels import LABELS, label
from portal.powers.models import CATEGORIES

# Control, bidi-override and lone-surrogate characters: invisible, misleading, and refused by PostgreSQL (NUL).
_UNWANTED = {c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
                              *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000))}


def scrub(value):
    """Filter typed text: normalise line ends and drop characters nobody means to type."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_UNWANTED)


class ScrubbingMeta:
    """Apply scrub to every text field of a form."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            return unbound_field.bind(form=form, filters=[*unbound_field.kwargs.get("filters", ()), scrub], **options)
        return unbound_field.bind(form=form, **options)


class PortalForm(FlaskForm):
    class Meta(ScrubbingMeta):
        pass


def _required(message):
    return DataRequired(message=message)


def _max(n: int):
    return Length(max=n, message=_l("Write at most %(max)d characters.", max=n))


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


def show_error(form, exc) -> None:
    """Put a service's PortalError beside its field, or at the top when it names none."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def _choices(group: str, codes) -> list[tuple[str, str]]:
    return [(code, label(group, code)) for code in codes]


# ---- power list -----------------------------------------------------------------------------

class ContactsForm(PortalForm):
    responsible_person = StringField(_l("Responsible person"), [_max(64)])
    responsible_phone = StringField(_l("Phone of the responsible person"), [_max(32)])
    supervisor = StringField(_l("Supervised by"), [_max(255)])
    hotline = StringField(_l("Supervision hotline"), [_max(128)])


class ItemForm(ContactsForm):
    code = StringField(_l("Item code (optional)"), [Optional(), _max(32)])
    title = StringField(_l("Title"), [_required(_l("Give the item a title.")), _max(128)])
    category = SelectField(_l("Category"))
    responsible_body = StringField(_l("Responsible body"), [_max(255)])
    total_time_limit = StringField(_l("Overall time limit"), [_max(64)])
    legal_basis = TextAreaField(_l("Legal basis (one per line)"), [_max(5000)])
    steps = TextAreaField(_l("Steps (one per line)"), [_required(_l("Write at least one step.")), _max(20000)])
    risks = TextAreaField(_l("Risk points (one per line)"), [_max(20000)])
    note = TextAreaField(_l("Note"), [_max(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _choices("power_category", CATEGORIES)


# ---- disclosures ----------------------------------------------------------------------------

class MetaForm(PortalForm):
    domain = SelectField(_l("Category"))
    topic = SelectField(_l("Topic"))
    title = StringField(_l("Title"), [_required(_l("Give the disclosure a title.")), _max(255)])
    period_label = StringField(_l("Period, as it should read (e.g. January 2025)"), [_max(64)])
    period_start = StringField(_l("Period starts"), [iso_date])
    period_end = StringField(_l("Period ends"), [iso_date])
    reason = TextAreaField(_l("Reason for the correction"), [_max(1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain.choices = _choices("domain", DOMAINS)
        self.topic.choices = _choices("topic", TOPICS)

    def disclosure_meta(self) -> dict:
        return {name: (getattr(self, name).data or "").strip()
                for name in ("domain", "topic", "title", "period_label", "period_start", "period_end")}


class TextForm(MetaForm):
    markdown = TextAreaField(_l("Text"), [_required(_l("Write the text of the notice.")), _max(100_000)])


class TableForm(MetaForm):
    upload = FileField(_l("Table file (CSV or XLSX)"))
    notes = TextAreaField(_l("Notes under the table (optional)"), [_max(20000)])


class StepForm(Form):
    """One 四议两公开 step; every field may stay empty."""

    class Meta(ScrubbingMeta):
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
    note = TextAreaField(_l("Note"), [_max(2000)])


STEP_FIELD_KEYS = {"votes_for": "for"}  # form field name → key in the stored record
STEP_COUNTS = ("expected", "present", "for", "against", "abstain")


class DecisionForm(MetaForm):
    matter = TextAreaField(_l("Matter decided"), [_required(_l("Say what was decided.")), _max(2000)])
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
    description = TextAreaField(_l("Description (optional)"), [_max(20000)])
    files = MultipleFileField(_l("Add files (JPEG, PNG or PDF)"))


FORMS = {"text": TextForm, "table": TableForm, "decision": DecisionForm, "attachment": AttachmentForm}


# ---- duty reports ---------------------------------------------------------------------------

class SectionsForm(PortalForm):
    title = StringField(_l("Title"), [_required(_l("Give the report a title.")), _max(255)])
    reason = TextAreaField(_l("Reason for the correction"), [_max(1000)])

    def sections(self) -> dict:
        return {key: getattr(self, key).data or "" for key in SECTIONS}


for _key in SECTIONS:
    setattr(SectionsForm, _key, TextAreaField(LABELS["duty_section"][_key], [_max(20000)]))


class NewReportForm(SectionsForm):
    cadre = SelectField(_l("Cadre"), coerce=int)
    period = StringField(_l("Period (e.g. 2025)"), [_required(_l("Say which period the report covers.")), _max(16)])
