"""POST /api/v1/subsidies/check: the 一卡通 self-check as JSON (the identity in the body, never in a URL)."""
from flask import jsonify, request
from flask_babel import gettext as _

from portal.api.blueprint import BadRequest, bp
from portal.api.spec import operation
from portal.api.subsidy_schemas import SubsidyCheckRequestSchema, SubsidyPaymentsSchema
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
@operation("Every payment to an ID number and name in the published payment lists (一卡通 self-check)",
           "checkSubsidies", "subsidies", body={"application/json": SubsidyCheckRequestSchema},
           answers={200: ("The payments; an empty list both for a person never paid and one unknown",
                          SubsidyPaymentsSchema),
                    400: "Invalid ID number or name",
                    429: "Too many checks from this address (shared with the web page)"})
def subsidies_check():
    body = request.get_json(silent=True) if request.mimetype == "application/json" else None
    if not isinstance(body, dict):
        raise BadRequest({"body": [_("Send a JSON object.")]})
    lines, errors = service.lookup(body.get("id_number"), body.get("name"))
    if errors:
        raise BadRequest({k: [str(m) for m in v] for k, v in errors.items()})
    # The same answer for an unknown person and one never paid: an empty list.
    return jsonify(SubsidyPaymentsSchema().dump({"payments": [_line(line) for line in lines]}))
