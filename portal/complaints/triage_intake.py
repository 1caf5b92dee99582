"""Staff pages to enter a complaint received off-line and print the resident's receipt slip."""
from flask import redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.complaints import staff_intake
from portal.complaints.blueprint import triage_bp as bp
from portal.complaints.clock import clock
from portal.complaints.inbox import scope_villages
from portal.complaints.models import CATEGORIES
from portal.complaints.receipts import format_receipt
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.labels import LABELS
from portal.core.timezone import local_today as today

SLIP_KEY = "staff_receipt_slip"
FIELDS = ("village", "category", "channel", "about", "description", "happened_on", "anonymous", "contact_name",
          "contact_phone", "proxy_name", "consent", "consent_how", "intake_note", "concerns_township_officials",
          "notify_sms")


def _page(values: dict, errors: dict | None = None, status: int = 200):
    return render_template("complaints/complaint_enter.html", values=values, errors=errors or {},
                           villages=scope_villages(current_user), categories=CATEGORIES,
                           category_labels=LABELS["complaint_category"], channels=staff_intake.CHANNELS,
                           consent_ways=staff_intake.CONSENT_WAYS, consent_labels=staff_intake.CONSENT_LABELS,
                           today=today()), status


@bp.route("/new", methods=["GET", "POST"])
def complaint_enter():
    if request.method == "GET":
        return _page({"channel": request.args.get("channel", "phone"), "anonymous": "1"})
    values = {k: request.form.get(k, "") for k in FIELDS}
    try:
        complaint, receipt = staff_intake.enter(current_user, values, request.files.getlist("files"))
    except PortalError as exc:
        return _page(values, show_errors(None, exc), 400)
    # Shown once, like the web form's receipt: the slip page drops it on first view.
    session[SLIP_KEY] = {"case": complaint.case_number, "token": encrypt_text(receipt),
                         "village": complaint.village.name, "category": complaint.category,
                         "channel": complaint.channel, "due": str(clock().state(complaint).due or "")}
    return redirect(url_for("triage.receipt_slip"), code=303)


@bp.get("/new/slip")
def receipt_slip():
    slip = session.pop(SLIP_KEY, None)
    try:
        receipt = decrypt_text(slip["token"]) if slip else None
    except (ValueError, KeyError, TypeError):
        receipt = None
    if not receipt:
        return render_template("complaints/receipt_slip.html", slip=None), 404
    # /triage/ pages are sent with no-store and no-referrer (security.PRIVATE_PREFIXES).
    return render_template("complaints/receipt_slip.html", slip=slip, receipt=format_receipt(receipt), today=today())
