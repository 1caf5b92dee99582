"""The subsidy blueprints: the resident's self-check, the township's queue and deceased list, cadres' relatives."""
from flask import Blueprint

from portal.core.permissions import can_declare_relatives, can_review_payment_lists, guard_area

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")
township_bp = Blueprint("subsidies_township", __name__, url_prefix="/oversight/payment-lists")
township_bp.before_request(guard_area(can_review_payment_lists))
relatives_bp = Blueprint("subsidies_relatives", __name__, url_prefix="/publish/relatives")
relatives_bp.before_request(guard_area(can_declare_relatives))
