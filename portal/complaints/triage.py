"""Staff triage: the inbox, the case page, attachments and the audit log (handlers only)."""
from flask import abort, render_template, request, send_file
from flask_login import current_user
from sqlalchemy import select

from portal.complaints import casefile, leads
from portal.complaints.blueprint import triage_bp as bp
from portal.complaints.clock import clock
from portal.complaints.events import audit_case
from portal.complaints.forms import ActionForm
from portal.complaints.inbox import Filters, inbox, scope_villages
from portal.complaints.models import CATEGORIES, DISPOSAL_MODES, FINDINGS
from portal.core import audit, permissions
from portal.core.audit import AuditEntry
from portal.core.db import write_transaction
from portal.core.labels import LABELS
from portal.core.roles import STATUSES
from portal.core.storage import FILE_CSP, content_disposition, open_upload
from portal.extensions import db

AUDIT_PAGE = 50


@bp.get("/")
def inbox_list():
    filters = Filters.from_args(request.args)
    clk = clock()
    page = inbox(current_user, filters, clk)
    html = render_template("complaints/inbox_list.html", page=page, filters=filters,
                           leads=leads.leads_for(current_user, [c for c, _state in page.rows]),
                           villages=scope_villages(current_user),
                           show_audit=permissions.can_view_audit_log(current_user),
                           statuses=STATUSES, categories=CATEGORIES, today=clk.today)
    with write_transaction():
        audit.record("complaint_list_viewed", "complaint", None, request.query_string.decode("ascii", "replace")[:200])
    return html


def render_case(case_number: str, *, reveal: bool = False, errors=None, form=None, status: int = 200):
    """Render the case page; every render is an audited read (and so is revealing the contact)."""
    complaint = casefile.get_readable(case_number, current_user)
    if permissions.must_recuse(current_user, complaint):
        # The case names this handler: they see nothing of it and can only step aside.
        html = render_template("complaints/case_must_recuse.html", case_number=case_number, errors=errors or {},
                               form=form or ActionForm(formdata=None))
        with write_transaction():
            audit_case("complaint_recusal_required", complaint, current_user)
        return html, status
    contact = casefile.reveal_contact(complaint) if reveal else None
    view = casefile.case_view(complaint, current_user, clock())
    lead = leads.leads_for(current_user, [complaint])[complaint.id]
    html = render_template("complaints/case_show.html", **view, contact=contact, errors=errors or {}, lead=lead,
                           lead_reasons=leads.REASON_LABELS,
                           form=form or ActionForm(formdata=None), findings=FINDINGS, disposal_modes=DISPOSAL_MODES,
                           category_labels=LABELS["complaint_category"])
    # The page is handed out only once its read is on record.
    with write_transaction():
        audit_case("complaint_viewed", complaint, current_user)
        if contact is not None:
            audit_case("contact_viewed", complaint, current_user)
    return html, status


def render_review(complaint, values: dict, form):
    """Show the conclusion exactly as the complainant will read it, before it is published."""
    html = render_template("complaints/case_review.html", complaint=complaint, values=values, form=form,
                           state=clock().state(complaint))
    with write_transaction():
        audit_case("complaint_viewed", complaint, current_user, "review before concluding")
    return html


@bp.get("/<case_number>")
def case_show(case_number: str):
    return render_case(case_number)


@bp.get("/<case_number>/contact")
def contact_show(case_number: str):
    return render_case(case_number, reveal=True)


@bp.get("/<case_number>/files/<int:attachment_id>")
def attachment_show(case_number: str, attachment_id: int):
    with write_transaction():
        complaint = casefile.get_readable(case_number, current_user)
        permissions.require(permissions.can_see_case_contents(current_user, complaint), not_found=True)
        attachment = casefile.get_attachment(complaint, attachment_id)
        audit_case("attachment_viewed", complaint, current_user, str(attachment.id))
    try:
        handle = open_upload(attachment.stored_name)
    except FileNotFoundError:
        abort(404)
    response = send_file(handle, mimetype=attachment.mime_type, conditional=False, etag=False, max_age=0)
    kind = "inline" if attachment.mime_type.startswith("image/") else "attachment"
    response.headers["Content-Disposition"] = content_disposition(kind, attachment.original_name, attachment.mime_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response  # no-store like every staff page (core.http)


@bp.get("/audit")
def audit_list():
    permissions.require(permissions.can_view_audit_log(current_user))
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    action = request.args.get("action", "")
    if action and action.replace("_", "").isalnum() and action.isascii():
        stmt = stmt.where(AuditEntry.action == action)
    entries = list(db.session.scalars(stmt.offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)))
    html = render_template("complaints/audit_list.html", entries=entries[:AUDIT_PAGE], page=page,
                           has_next=len(entries) > AUDIT_PAGE, action=action)
    with write_transaction():
        audit.record("audit_log_viewed", "audit", None, f"page={page}")
    return html
