"""Cadre pages for disclosures: write a draft, preview it, publish it, correct it."""
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.permissions import can_use_publishing, guard_area
from portal.disclosures import drafting, payments, table_templates
from portal.disclosures.compose import form_data, submission
from portal.disclosures.decisions import check_decision
from portal.disclosures.forms import FORMS
from portal.disclosures.models import KINDS, Attachment, Disclosure
from portal.disclosures.periods import as_month
from portal.disclosures.table_templates import TEMPLATES
from portal.extensions import db
from portal.places.scope import load_owned, own_village
from portal.records.diff import diff_revisions
from portal.records.publishing import discard_answer, publish_answer
from portal.subsidies.service import Unexplained

bp = Blueprint("disclosures_manage", __name__, url_prefix="/publish")
# Only village cadres get past this line; each object is then checked against their own village.
bp.before_request(guard_area(can_use_publishing))


@bp.get("/disclosures/template/<topic>.<fmt>")
def table_template_download(topic: str, fmt: str):
    if topic not in TEMPLATES or fmt not in ("csv", "xlsx"):
        abort(404)
    data = table_templates.template_csv(topic) if fmt == "csv" else table_templates.template_xlsx(topic)
    mime = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mime, headers={
        "Content-Disposition": f"attachment; filename=template-{topic}.{fmt}"})


@bp.get("/disclosures/new")
def disclosure_choose():
    return render_template("disclosures/disclosure_choose.html", village=own_village(), kinds=KINDS)


PREFILL = ("domain", "topic", "title", "period_month", "period_start", "period_end", "period_label")


def _prefill(args) -> dict:
    """Start a form from a link (the dashboard's "publish now"): only the descriptive fields, as text."""
    data = {k: args.get(k, "")[:255] for k in PREFILL if args.get(k)}
    data["period_month"] = data.get("period_month") or as_month(data.get("period_start", ""),
                                                                data.get("period_end", ""))
    return data


def _form(kind: str, data: dict | None = None, *, stored: bool = False):
    """The kind's form from data (``stored``: from data alone, not from what this request posted)."""
    return FORMS[kind](data=data or {}, **({"formdata": None} if stored else {}))


def _edit_form(disclosure: Disclosure, draft: dict, *, stored: bool = False):
    data = form_data(disclosure.kind, draft)
    data["reason"] = disclosure.draft_reason or ""
    return _form(disclosure.kind, data, stored=stored)


def _save(kind: str, form, disclosure_id: int | None, previous: dict):
    """Validate and store the draft; return the disclosure, or None with errors set on the form."""
    if not form.validate_on_submit():
        return None, None
    try:
        sub = submission(kind, form, previous, request.form)
    except PortalError as exc:
        show_errors(form, exc)
        return None, None
    if sub.table is not None:  # the table has errors: show it beside the field, store nothing
        show_errors(form, PortalError(errors={"upload": [e.message for e in sub.table.errors]}))
        return None, sub.table
    try:
        with write_transaction():
            if disclosure_id is None:
                disclosure = drafting.create_draft(own_village(), current_user, kind, form.disclosure_meta(),
                                                   sub.content, sub.warnings)
            else:
                disclosure = load_owned(Disclosure, disclosure_id)
                drafting.save_draft(disclosure, current_user, form.disclosure_meta(), sub.content, form.reason.data,
                                    sub.warnings)
            if sub.stored:
                drafting.add_files(disclosure, sub.stored)
            disclosure_id = disclosure.id
    except PortalError as exc:
        sub.discard_uploads()
        show_errors(form, exc)
        return None, None
    except BaseException:
        sub.discard_uploads()
        raise
    return disclosure_id, None


def _render_form(village, kind, form, disclosure=None, draft=None, table=None):
    files = _attachments((draft or {}).get("files", []))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("disclosures/disclosure_edit.html", village=village, kind=kind, form=form,
                           table_topics=[t for t in TEMPLATES if t in drafting.TOPICS],
                           disclosure=disclosure, draft=draft or {}, refused_table=table, files=files,
                           correction=bool(disclosure and drafting.is_correction(disclosure))), status


@bp.route("/disclosures/new/<kind>", methods=["GET", "POST"])
def disclosure_new(kind: str):
    if kind not in KINDS:
        abort(404)
    village = own_village()
    form = _form(kind, {"domain": "village", "topic": "other", **_prefill(request.args)})
    if request.method == "POST":
        saved, table = _save(kind, form, None, {})
        if saved:
            return redirect(url_for(".disclosure_preview", disclosure_id=saved))
        return _render_form(village, kind, form, table=table)
    return _render_form(village, kind, form)


@bp.route("/disclosures/<int:disclosure_id>/edit", methods=["GET", "POST"])
def disclosure_edit(disclosure_id: int):
    village = own_village()
    disclosure = load_owned(Disclosure, disclosure_id)
    draft = drafting.editable(disclosure)
    form = _edit_form(disclosure, draft)
    if request.method == "POST":
        saved, table = _save(disclosure.kind, form, disclosure.id, draft)
        if saved:
            return redirect(url_for(".disclosure_preview", disclosure_id=saved))
        return _render_form(village, disclosure.kind, form, disclosure, draft, table)
    return _render_form(village, disclosure.kind, form, disclosure, draft)


def _attachments(files: list[dict]) -> list[tuple[dict, Attachment | None]]:
    ids = [f.get("id") for f in files]
    found = {a.id: a for a in db.session.scalars(select(Attachment).where(Attachment.id.in_(ids)))} if ids else {}
    return [(f, found.get(f.get("id"))) for f in files]


@bp.get("/disclosures/<int:disclosure_id>")
def disclosure_preview(disclosure_id: int):
    return _preview(disclosure_id)


def _preview(disclosure_id: int, explain_errors: dict | None = None, explained: dict | None = None,
             status: int = 200):
    village = own_village()
    disclosure = load_owned(Disclosure, disclosure_id)
    draft = disclosure.draft_content or None
    _plist, anomalies = payments.screen_draft(disclosure, draft)  # a payment list's warnings, to explain
    content = drafting.public_part(draft) if draft else (disclosure.current_revision.content or {})
    breaches = check_decision({k: v for k, v in content.items() if k not in ("kind", "breaches")}) \
        if disclosure.kind == "decision" else []
    diff = None
    if draft and disclosure.current_revision is not None:
        meta = draft.get("_meta") or drafting.meta_of(disclosure)
        diff = diff_revisions(disclosure.current_revision.title, disclosure.current_revision.content,
                              meta.get("title", disclosure.title), drafting.revision_content(content, meta))
    return render_template("disclosures/disclosure_preview.html", village=village, disclosure=disclosure, draft=draft,
                           content=content, meta=(draft or {}).get("_meta") or drafting.meta_of(disclosure),
                           warnings=(draft or {}).get("_warnings", []), breaches=breaches, diff=diff,
                           files=_attachments(content.get("files", [])), anomalies=anomalies,
                           explain_errors=explain_errors or {}, explained=explained or {}), status


def _refused_page(disclosure_id: int, exc: PortalError, explained: dict):
    """The page that shows why the publication was refused: each payment-list warning without an
    explanation beside its box on the preview, or the draft's form (as stored) with the message
    beside its field. None for a refusal about no field."""
    if isinstance(exc, Unexplained):
        return _preview(disclosure_id, exc.problems, explained, 400)
    if not exc.field:
        return None
    disclosure = load_owned(Disclosure, disclosure_id)
    draft = drafting.editable(disclosure)
    form = _edit_form(disclosure, draft, stored=True)
    show_errors(form, exc)
    return _render_form(own_village(), disclosure.kind, form, disclosure, draft)


@bp.post("/disclosures/<int:disclosure_id>/publish")
def disclosure_publish(disclosure_id: int):
    explained = {k[len("explain-"):]: v for k, v in request.form.items() if k.startswith("explain-")}
    return publish_answer(
        lambda: drafting.publish_draft(load_owned(Disclosure, disclosure_id), current_user, explained),
        lambda exc: _refused_page(disclosure_id, exc, explained),
        url_for(".disclosure_preview", disclosure_id=disclosure_id))


@bp.post("/disclosures/<int:disclosure_id>/discard")
def disclosure_discard(disclosure_id: int):
    return discard_answer(lambda: drafting.discard_draft(load_owned(Disclosure, disclosure_id), current_user),
                          url_for(".disclosure_preview", disclosure_id=disclosure_id))
