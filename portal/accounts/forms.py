"""Sign-in, password and second-factor forms."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.core.forms import PortalForm


class LoginForm(PortalForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username.")),
                                                       Length(max=256, message=_l("Enter your username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class CodeForm(PortalForm):
    code = StringField(_l("Verification code"), validators=[DataRequired(_l("Enter the code.")),
                                               Length(max=64, message=_l("That code is not right."))])


class EnrolForm(CodeForm):
    """Confirm the authenticator app with its first code."""


class TwoFactorOffForm(PortalForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password."))])
    code = StringField(_l("Code from your authenticator app"),
                       validators=[DataRequired(_l("Enter the 6-digit code from your authenticator app."))])


class ConfirmForm(PortalForm):
    """A button that only carries the CSRF token (sign out)."""


class SetupForm(PortalForm):
    """Set one's own password through a one-time link."""

    token = HiddenField()
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm_password = PasswordField(_l("New password again"),
                                     validators=[DataRequired(_l("Enter the new password again."))])


class PasswordChangeForm(PortalForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new_password", message=_l("The two new passwords are not the same.")),
    ])
