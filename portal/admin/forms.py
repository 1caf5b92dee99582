"""Forms of the admin area; the services check the values and name the field at fault."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField

from portal.admin.settings_service import DEADLINE_FIELDS
from portal.complaints.models import CATEGORIES
from portal.core.forms import PortalForm
from portal.core.labels import label
from portal.core.roles import LEVELS, ROLES


def _choices(group: str, codes) -> list[tuple[str, str]]:
    return [(code, label(group, code)) for code in codes]


class AccountEditForm(PortalForm):
    display_name = StringField(_l("Full name"))
    email = StringField(_l("E-mail"))
    role = SelectField(_l("Role"), validate_choice=False)
    township = SelectField(_l("Township"), validate_choice=False,
                           description=_l("For township handlers. Leave empty for village and county accounts."))
    village = StringField(_l("Village code"), description=_l("12 digits, for village cadres only."))

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices("user_role", ROLES)
        self.township.choices = [("", _l("(none)"))] + [(t.code, f"{t.name} {t.code}") for t in townships]


class AccountNewForm(AccountEditForm):
    username = StringField(_l("Username"), description=_l("3 to 64 lower-case letters, digits, '.', '_' or '-'."))


class OfficialForm(PortalForm):
    township = SelectField(_l("Township"), validate_choice=False)
    name = StringField(_l("Name"), description=_l("As residents would write it, e.g. 王振华."))
    post = StringField(_l("Post"), description=_l("For example 党委书记, 镇长, 纪委书记, 分管副镇长."))

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.township.choices = [("", _l("Choose the township"))] + [(t.code, t.name) for t in townships]


class ConfirmForm(PortalForm):
    """A button that only carries the CSRF token."""


class TownshipEditForm(PortalForm):
    name = StringField(_l("Place name"))
    hotline = StringField(_l("Complaint hotline"))
    discipline_secretary = StringField(_l("Discipline secretary"))
    liaison_cadre = StringField(_l("Liaison cadre"))


class TownshipNewForm(TownshipEditForm):
    code = StringField(_l("Township code"), description=_l("9 digits: the county code followed by 3 digits."))


class VillageEditForm(PortalForm):
    name = StringField(_l("Place name"))
    supervision_phone = StringField(_l("Supervision phone"))


class VillageNewForm(VillageEditForm):
    code = StringField(_l("Village code"), description=_l("12 digits: the township code followed by 3 digits."))


def routing_form(values: dict[str, str], default_label: str) -> PortalForm:
    """Build a form with one choice of level per complaint category."""

    class RoutingForm(PortalForm):
        pass

    choices = [("", default_label)] + _choices("handling_level", LEVELS)
    for category in CATEGORIES:
        setattr(RoutingForm, f"rule_{category}",
                SelectField(label("complaint_category", category), choices=choices, validate_choice=False,
                            default=values.get(category, "")))
    return RoutingForm()


class DeadlinesForm(PortalForm):
    decide_working_days = StringField(_l("Decide to accept, decline or transfer (working days)"))
    forward_working_days = StringField(_l("Forward to the county (working days)"))
    conclude_days = StringField(_l("Conclude after acceptance (days)"))
    max_extension_days = StringField(_l("Longest extension (days)"))
    review_request_days = StringField(_l("Time to ask for a review after the reply (days)"))
    review_answer_days = StringField(_l("Answer a review (days)"))
    warn_days = StringField(_l("Warn this many days before a deadline"))

    def data_for_service(self) -> dict:
        return {key: getattr(self, key).data for key in DEADLINE_FIELDS}


class HolidayForm(PortalForm):
    day = StringField(_l("Date"), description=_l("Written like 2026-10-08."))
    kind = RadioField(_l("This day is"), choices=[("off", _l("a day off")), ("working", _l("a working day"))],
                      validate_choice=False, default="off")
    note = StringField(_l("Note"), description=_l("For example: make-up working day for the National Day holiday."))


class SecurityForm(PortalForm):
    require_2fa = BooleanField(_l("Complaint handlers must use two-step verification"))


class EmblemForm(PortalForm):
    emblem = FileField(_l("Emblem (PNG or JPEG, at most 1 MB)"),
                       description=_l("Shown at the top of the home page and when a link is shared. A square "
                                      "picture of 200 to 600 pixels looks best."))
