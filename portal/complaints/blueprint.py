"""The complaint blueprints: public (/complaints: the form, the receipt, tracking) and staff triage (/triage)."""
from flask import Blueprint, abort, request
from flask_login import current_user

from portal.core import permissions
from portal.extensions import login_manager

bp = Blueprint("complaints", __name__, url_prefix="/complaints")
triage_bp = Blueprint("triage", __name__, url_prefix="/triage")


@triage_bp.before_request
def guard():
    """Handlers only: sign in first; other roles get 403, or 404 on a case (existence must not leak)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_use_triage(current_user):
        abort(404 if (request.view_args or {}).get("case_number") else 403)
    return None
