"""Forms of the top-ten poll: opening it, proposing, moderating, issuing codes, posting progress."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.forms import PortalForm
from portal.polls.service import MAX_BALLOTS


class PollForm(PortalForm):
    year = IntegerField(_l("Year"), validators=[
        InputRequired(_l("Enter the year.")),
        NumberRange(min=2000, max=2100, message=_l("Enter a year such as 2026."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the poll a title.")),
                                                 Length(max=255, message=_l("The title is too long."))])
    proposals_from = DateField(_l("Proposals open on"), validators=[InputRequired(_l("Enter a date."))])
    proposals_until = DateField(_l("Proposals close on (inclusive)"), validators=[InputRequired(_l("Enter a date."))])
    voting_from = DateField(_l("Voting opens on"), validators=[InputRequired(_l("Enter a date."))])
    voting_until = DateField(_l("Voting closes on (inclusive)"), validators=[InputRequired(_l("Enter a date."))])


class ProposalForm(PortalForm):
    title = StringField(_l("The problem, in one line"), validators=[
        DataRequired(_l("Say in one line what the problem is.")),
        Length(max=120, message=_l("Keep it to 120 characters; add details below."))])
    detail = TextAreaField(_l("Details (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("Keep the details to 1000 characters."))])


class ModerationForm(PortalForm):
    action = SelectField(_l("Decision"), choices=[("accept", _l("Accept for the ballot")),
                                                  ("merge", _l("Merge into an accepted proposal")),
                                                  ("reject", _l("Do not take up"))])
    title = StringField(_l("Wording on the ballot"), validators=[Optional(), Length(max=255)])
    into = SelectField(_l("Merge into"), coerce=int, validators=[Optional()], validate_choice=False)
    note = StringField(_l("Note (the reason, for a rejection)"), validators=[Optional(), Length(max=500)])


class BallotsForm(PortalForm):
    count = IntegerField(_l("Number of ballot codes"), validators=[
        InputRequired(_l("Enter how many codes to print.")),
        NumberRange(min=1, max=MAX_BALLOTS, message=_l("Issue between 1 and 2000 codes at a time."))])


class ProgressForm(PortalForm):
    posted_on = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    lead_unit = StringField(_l("Lead unit (optional)"), validators=[Optional(), Length(max=255)])
    note = TextAreaField(_l("What was done"), validators=[DataRequired(_l("Say what was done.")),
                                                           Length(max=4000, message=_l("Keep it shorter."))])
    solved = BooleanField(_l("This problem is now solved"))
