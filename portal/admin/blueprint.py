"""The county admin area: one blueprint, guarded as a whole."""
from flask import Blueprint

from portal.core.permissions import can_manage_places, guard_area

bp = Blueprint("admin", __name__, url_prefix="/admin")
# Anonymous visitors go to sign-in; every other role than the county admin is refused.
bp.before_request(guard_area(can_manage_places))

