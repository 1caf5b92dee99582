"""POST /api/v1/complaints and /api/v1/complaints/track: the same services as the web forms."""
from flask import jsonify, request
from flask_babel import gettext as _

from portal.api.blueprint import bp
from portal.complaints import tracking
from portal.complaints.clock import clock
from portal.complaints.intake import submit
from portal.complaints.ratelimit import intake_limit, track_limit
from portal.complaints.receipts import format_receipt
from portal.core.errors import PortalError
from portal.extensions import csrf

# Internal field names → the names the API documents.
API_FIELDS = {"contact_name": "contact.name", "contact_phone": "contact.phone"}
FORM_FIELDS = ("village", "category", "about", "description", "happened_on", "power_item", "step", "disclosure",
               "anonymous", "concerns_township_officials", "about_whom")


def _bad(errors: dict, status: int = 400):
    return jsonify({"errors": errors}), status


def _json_body():
    """Return the parsed JSON body, or None when it is not JSON (also when nested too deep to parse)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:  # json raises this, not ValueError, for deeply nested arrays and objects
        return None


def _read_submission():
    """Return (raw fields, files, errors) from a JSON or multipart body."""
    if request.mimetype == "application/json":
        body = _json_body()
        if not isinstance(body, dict):
            return None, [], {"body": [_("Send a JSON object.")]}
        raw = {k: body.get(k) for k in FORM_FIELDS}
        contact = body.get("contact")
        if contact is not None and not isinstance(contact, dict):
            return None, [], {"contact": [_("Give the contact as an object with name and phone.")]}
        raw["contact_name"] = (contact or {}).get("name")
        raw["contact_phone"] = (contact or {}).get("phone")
        return raw, [], {}
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raw = {k: request.form.get(k) for k in FORM_FIELDS}
        raw["contact_name"] = request.form.get("contact.name", request.form.get("contact_name"))
        raw["contact_phone"] = request.form.get("contact.phone", request.form.get("contact_phone"))
        return raw, request.files.getlist("files"), {}
    return None, [], {"body": [_("Send JSON or multipart/form-data.")]}


@bp.post("/complaints")
@csrf.exempt
@intake_limit
def complaints_create():
    raw, files, errors = _read_submission()
    if errors:
        return _bad(errors)
    try:
        complaint, receipt = submit(raw, files, channel="api")
    except PortalError as exc:
        return _bad({API_FIELDS.get(k, k): v for k, v in exc.errors.plain().items()})
    # For residents ``case_number`` is the complaint's random reference (docs/security.md, section 1).
    return jsonify({"case_number": complaint.public_reference, "receipt": receipt,
                    "receipt_formatted": format_receipt(receipt), "status": complaint.status}), 201


@bp.post("/complaints/track")
@csrf.exempt
@track_limit
def complaints_track():
    body = _json_body() if request.mimetype == "application/json" else request.form
    receipt = body.get("receipt") if hasattr(body, "get") else None
    complaint = tracking.find_by_receipt(receipt)
    if complaint is None:
        # One answer for every wrong receipt.
        return jsonify({"error": _("No report matches this receipt."), "status": 404}), 404
    return jsonify(tracking.as_json(tracking.summary(complaint, clock())))
