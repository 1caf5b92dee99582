"""The county admin area: one blueprint, guarded as a whole."""
from flask import Blueprint, abort
from flask_login import current_user

from portal.core.permissions import can_manage_places
from portal.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _only_the_county_admin():
    """Anonymous visitors go to sign-in; every other role is refused."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can_manage_places(current_user):
        abort(403)
    return None

