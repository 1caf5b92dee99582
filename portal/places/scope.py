"""Load what a cadre asks for, only within their own village."""
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.core.permissions import can_publish, require
from portal.extensions import db
from portal.places.models import Township, Village


def own_village() -> Village:
    """The signed-in cadre's village, with its township and county."""
    village = db.session.get(Village, current_user.village_id,
                             options=[joinedload(Village.township).joinedload(Township.county)])
    if village is None:
        abort(404)
    require(can_publish(current_user, village))
    return village


def load_owned(model, object_id: int):
    """Load a village-owned object by id: 404 when missing, 403 when another village's."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    require(can_publish(current_user, obj.village))
    return obj
