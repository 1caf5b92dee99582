"""The complaint blueprints: public (/complaints: the form, the receipt, tracking) and staff triage (/triage)."""
from flask import Blueprint

from portal.core import permissions

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
triage_bp = Blueprint("triage", __name__, url_prefix="/triage")
# Handlers only: sign in first; other roles get 403, or 404 on a case (existence must not leak).
triage_bp.before_request(permissions.guard_area(permissions.can_use_triage, hide_arg="case_number"))
