"""POST /api/v1/subsidies/check: the 一卡通 self-check as JSON (the identity in the body, never in a URL)."""
from flask import jsonify, request
from flask_babel import gettext as _

from portal.api.blueprint import bp
from portal.extensions import csrf
from portal.subsidies import service
from portal.subsidies.ratelimit import check_limit


def _line(line) -> dict:
    return {
        "item": line.item, "amount": f"{line.amount:.2f}" if line.amount is not None else None,
        "period": line.period_label, "paid_on": line.paid_on.isoformat() if line.paid_on else None,
        "village": line.village.code, "village_name": line.village.name, "disclosure": line.disclosure_id,
        "revision": line.revision.number, "row": line.row_number, "payment": line.id, "title": line.revision.title,
    }


@bp.post("/subsidies/check")
@csrf.exempt
@check_limit
def subsidies_check():
    body = request.get_json(silent=True) if request.mimetype == "application/json" else None
    if not isinstance(body, dict):
        return jsonify({"errors": {"body": [_("Send a JSON object.")]}}), 400
    lines, errors = service.lookup(body.get("id_number"), body.get("name"))
    if errors:
        return jsonify({"errors": {k: [str(m) for m in v] for k, v in errors.items()}}), 400
    # The same answer for an unknown person and one never paid: an empty list.
    return jsonify({"payments": [_line(line) for line in lines]})
