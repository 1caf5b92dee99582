"""The /auth blueprint; the sign-in views and the second-factor views attach to it."""
from flask import Blueprint

from portal.accounts.guards import account_steps

bp = Blueprint("accounts", __name__, url_prefix="/auth")
bp.before_app_request(account_steps)

