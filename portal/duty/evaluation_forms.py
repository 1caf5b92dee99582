"""Forms of the 民主测评: opening a round (handler)."""
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.forms import PortalForm
from portal.duty.evaluation_service import MAX_VOTERS


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(PortalForm):
    title = StringField(_l("Title of the evaluation"), validators=[
        DataRequired(_l("Give the evaluation a title.")), Length(max=255, message=_l("The title is too long."))])
    reports = CheckboxList(_l("Duty reports to evaluate"), coerce=int,
                           validators=[DataRequired(_l("Choose at least one published duty report of this village."))])
    closes_at = DateTimeLocalField(_l("Voting closes at (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Enter the closing date and time."))])
    voter_count = IntegerField(_l("Number of voters (ballot codes to print)"), validators=[
        InputRequired(_l("Enter the number of voters.")),
        NumberRange(min=1, max=MAX_VOTERS, message=_l("The number of voters must be between 1 and 2000."))])
