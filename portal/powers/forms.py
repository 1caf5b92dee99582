"""Forms of the cadre's power-list editing and of the county's standard list."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from portal.core.forms import PortalForm, choices, max_length, required
from portal.powers.models import CATEGORIES, TOP_CLASSES


class ContactsForm(PortalForm):
    responsible_person = StringField(_l("Responsible person"), [max_length(64)])
    responsible_phone = StringField(_l("Phone of the responsible person"), [max_length(32)])
    supervisor = StringField(_l("Supervised by"), [max_length(255)])
    hotline = StringField(_l("Supervision hotline"), [max_length(128)])


class ItemForm(ContactsForm):
    code = StringField(_l("Item code (optional)"), [Optional(), max_length(32)])
    title = StringField(_l("Title"), [required(_l("Give the item a title.")), max_length(128)])
    category = SelectField(_l("Category"))
    responsible_body = StringField(_l("Responsible body"), [max_length(255)])
    total_time_limit = StringField(_l("Overall time limit"), [max_length(64)])
    legal_basis = TextAreaField(_l("Legal basis (one per line)"), [max_length(5000)])
    steps = TextAreaField(_l("Steps (one per line)"), [max_length(20000)])  # older clients; the page sends step rows
    risks = TextAreaField(_l("Risks of the whole item (one per line)"), [max_length(20000)])
    note = TextAreaField(_l("Note"), [max_length(5000)])
    reason = TextAreaField(_l("Reason for this change (published with it)"),
                           [required(_l("Say why you are making this change; the reason is published with it.")),
                            max_length(1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices("power_category", CATEGORIES)


class RetireForm(PortalForm):
    reason = TextAreaField(_l("Reason for retiring the item (published with it)"),
                           [required(_l("Say why you are making this change; the reason is published with it.")),
                            max_length(1000)])


class DeclineForm(PortalForm):
    reason = TextAreaField(_l("Why you keep your item as it is (optional, the county sees it)"), [max_length(1000)])


class TemplateEditForm(PortalForm):
    """The county's standard item; the service checks every value (it is also used by imports)."""

    title = StringField(_l("Title"))
    category = SelectField(_l("Category"), validate_choice=False)
    top_class = SelectField(_l("Class"), validate_choice=False)
    responsible_body = StringField(_l("Responsible body"))
    total_time_limit = StringField(_l("Overall time limit"))
    legal_basis = TextAreaField(_l("Legal basis"), description=_l("One law, regulation or document per line."))
    steps = TextAreaField(_l("Steps"), description=_l(
        "One step per line: who | what | time limit | record. End the 'what' with ! to mark a risk point."))
    risks = TextAreaField(_l("Risk points and controls"), description=_l(
        "One per line: step number | high, medium or low | the risk | how it is controlled. "
        "Step 0 concerns the whole item."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choices("power_category", CATEGORIES)
        self.top_class.choices = choices("top_class", TOP_CLASSES)


class TemplateNewForm(TemplateEditForm):
    code = StringField(_l("Item code"), description=_l("Letters, digits and '-', e.g. QX-A-02."))
