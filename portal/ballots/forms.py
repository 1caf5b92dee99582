"""Forms of a resident's ballot: entering a one-time code, confirming with a button."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.core.forms import PortalForm


class CodeForm(PortalForm):
    code = StringField(_l("Ballot code (12 digits)"), validators=[
        DataRequired(_l("Enter the 12-digit code printed on your slip.")),
        Length(max=64, message=_l("This code is not valid. Check the 12 digits on your slip and try again."))])


class ConfirmForm(PortalForm):
    """A button carrying only the CSRF token."""
