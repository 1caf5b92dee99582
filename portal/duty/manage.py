"""Cadre pages for sunshine duty reports (述责述廉): draft, preview, publish, correct."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.forms import show_errors
from portal.core.labels import label
from portal.core.masking import masked_note
from portal.core.permissions import can_use_publishing, guard_area
from portal.duty import drafting
from portal.duty.forms import NewReportForm, SectionsForm
from portal.duty.models import SECTIONS, DutyReport
from portal.extensions import db
from portal.places.models import Cadre
from portal.places.scope import load_owned, own_village
from portal.records.diff import diff_revisions
from portal.records.publishing import discard_answer, publish_answer

bp = Blueprint("duty_manage", __name__, url_prefix="/publish")
# Only village cadres get past this line; each object is then checked against their own village.
bp.before_request(guard_area(can_use_publishing))


def _render(village, form, report=None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template("duty/report_edit.html", village=village, form=form, report=report, sections=SECTIONS,
                           correction=bool(report and drafting.is_correction(report))), status


@bp.route("/reports/new", methods=["GET", "POST"])
def report_new():
    village = own_village()
    form = NewReportForm(period=request.args.get("period", "")[:16])
    form.cadre.choices = [(c.id, f"{c.name} · {label('cadre_role', c.role)}") for c in village.cadres]
    if form.validate_on_submit():
        try:
            with write_transaction():
                village = own_village()
                cadre = db.session.get(Cadre, form.cadre.data)
                if cadre is None:
                    raise PortalError(_("Choose one of the village's cadres."), field="cadre")
                report = drafting.create_draft(village, current_user, cadre, form.period.data, form.title.data,
                                               form.sections())
                report_id = report.id
        except PortalError as exc:
            show_errors(form, exc)
        else:
            return redirect(url_for(".report_preview", report_id=report_id))
    return _render(village, form)


def _edit_form(report: DutyReport, *, stored: bool = False) -> SectionsForm:
    """The edit form filled from the draft (``stored``: from it alone, not from what this request posted)."""
    draft = drafting.editable(report)
    data = {"title": (draft.get("_meta") or {}).get("title", report.title), "reason": report.draft_reason or "",
            **(draft.get("sections") or {})}
    return SectionsForm(data=data, **({"formdata": None} if stored else {}))


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
def report_edit(report_id: int):
    village = own_village()
    report = load_owned(DutyReport, report_id)
    form = _edit_form(report)
    if request.method == "POST" and form.validate_on_submit():
        try:
            with write_transaction():
                drafting.save_draft(load_owned(DutyReport, report_id), current_user, form.title.data,
                                    form.sections(), form.reason.data)
        except PortalError as exc:
            show_errors(form, exc)
        else:
            return redirect(url_for(".report_preview", report_id=report_id))
    return _render(village, form, report)


@bp.get("/reports/<int:report_id>")
def report_preview(report_id: int):
    village = own_village()
    report = load_owned(DutyReport, report_id)
    draft = report.draft_content or None
    if draft:
        content = drafting.report_content(draft.get("sections") or {})
        title = (draft.get("_meta") or {}).get("title", report.title)
    else:
        content, title = report.current_revision.content or {}, report.title
    diff = None
    if draft and report.current_revision is not None:
        diff = diff_revisions(report.current_revision.title, report.current_revision.content, title,
                              {**content, "meta": drafting.recorded_meta(drafting.meta_of(report))})
    warnings = masked_note(*(draft.get("sections") or {}).values()) if draft else []
    return render_template("duty/report_preview.html", village=village, report=report, draft=draft,
                           content=content, title=title, sections=SECTIONS, diff=diff, warnings=warnings)


def _refused_page(report_id: int, exc: PortalError):
    """The draft's form as stored, with the message beside the field the publication was refused on."""
    if not exc.field:
        return None
    report = load_owned(DutyReport, report_id)
    form = _edit_form(report, stored=True)
    show_errors(form, exc)
    return _render(own_village(), form, report)


@bp.post("/reports/<int:report_id>/publish")
def report_publish(report_id: int):
    return publish_answer(lambda: drafting.publish_draft(load_owned(DutyReport, report_id), current_user),
                          lambda exc: _refused_page(report_id, exc), url_for(".report_preview", report_id=report_id))


@bp.post("/reports/<int:report_id>/discard")
def report_discard(report_id: int):
    return discard_answer(lambda: drafting.discard_draft(load_owned(DutyReport, report_id), current_user),
                          url_for(".report_preview", report_id=report_id))
