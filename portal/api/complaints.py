"""POST /api/v1/complaints and /api/v1/complaints/track: the same services as the web forms."""
from flask import jsonify, request
from flask_babel import gettext as _

from portal.api.blueprint import BadRequest, bp
from portal.api.complaint_schemas import (
    ComplaintMultipartSchema,
    ComplaintReceiptSchema,
    ComplaintStatusSchema,
    ComplaintSubmissionSchema,
    TrackRequestSchema,
)
from portal.api.spec import operation
from portal.complaints import tracking
from portal.complaints.clock import clock
from portal.complaints.intake import submit
from portal.complaints.ratelimit import intake_limit, track_limit
from portal.complaints.receipts import format_receipt
from portal.core.errors import PortalError, json_error
from portal.extensions import csrf

# Internal field names → the names the API documents.
API_FIELDS = {"contact_name": "contact.name", "contact_phone": "contact.phone"}
FORM_FIELDS = ("village", "category", "about", "description", "happened_on", "power_item", "step", "disclosure",
               "anonymous", "concerns_township_officials", "about_whom")


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
@operation("File a complaint (no account needed)", "createComplaint", "complaints",
           body={"application/json": ComplaintSubmissionSchema, "multipart/form-data": ComplaintMultipartSchema},
           answers={201: ("Filed", ComplaintReceiptSchema), 400: "Invalid fields; nothing stored",
                    413: "Body too large", 429: "Too many submissions from this address"})
def complaints_create():
    raw, files, errors = _read_submission()
    if errors:
        raise BadRequest(errors)
    try:
        complaint, receipt = submit(raw, files, channel="api")
    except PortalError as exc:
        raise BadRequest({API_FIELDS.get(k, k): v for k, v in exc.errors.plain().items()}) from exc
    # For residents ``case_number`` is the complaint's random reference (docs/security.md, section 1).
    return jsonify(ComplaintReceiptSchema().dump({
        "case_number": complaint.public_reference, "receipt": receipt, "receipt_formatted": format_receipt(receipt),
        "status": complaint.status})), 201


@bp.post("/complaints/track")
@csrf.exempt
@track_limit
@operation("Follow a complaint with its receipt (never put the receipt in a URL)", "trackComplaint", "complaints",
           body={"application/json": TrackRequestSchema},
           answers={200: ("The case as the complainant sees it", ComplaintStatusSchema),
                    404: "No case for this receipt (the same answer for any wrong receipt)",
                    429: "Too many attempts from this address"})
def complaints_track():
    body = _json_body() if request.mimetype == "application/json" else request.form
    receipt = body.get("receipt") if hasattr(body, "get") else None
    complaint = tracking.find_by_receipt(receipt)
    if complaint is None:
        # One answer for every wrong receipt.
        return json_error(404, _("No report matches this receipt."))
    return jsonify(ComplaintStatusSchema().dump(tracking.summary(complaint, clock())))
