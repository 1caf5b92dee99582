"""Public duty-report pages: a report, and what a correction changed."""
from flask import Blueprint, abort, render_template, url_for
from sqlalchemy import select

from portal.core.http import conditional, revalidate
from portal.disclosures.service import revisions_of
from portal.duty.models import SECTIONS, DutyReport
from portal.duty.results import latest_counts, results_of_report
from portal.extensions import db
from portal.places.service import get_village
from portal.records.diff_page import diff_response
from portal.records.models import PublishedRevision
from portal.records.redaction import redactions_of

bp = Blueprint("duty", __name__)


@bp.get("/villages/<code>/reports/<int:report_id>")
@conditional
def report_show(code: str, report_id: int):
    village = get_village(code)
    report = db.session.scalar(select(DutyReport).where(DutyReport.id == report_id,
                                                        DutyReport.village_id == village.id))
    if report is None or report.status != "published" or report.current_revision is None:
        abort(404)
    # Corrections, round results and redactions all reach the page through the village chain.
    revalidate("report", report.id, report.current_revision_id, village.content_version,
               last_modified=village.updated_at)
    results = [(revision, latest_counts(entry)) for revision, entry in results_of_report(report)]
    return render_template("duty/report_show.html", village=village, report=report, sections=SECTIONS,
                           content=report.current_revision.content, revisions=revisions_of("duty_report", report.id),
                           results=results,
                           redactions=redactions_of([report.current_revision_id]).get(report.current_revision_id, []))


@bp.get("/villages/<code>/reports/<int:report_id>/diff")
@conditional
def report_diff(code: str, report_id: int):
    village = get_village(code)
    report = db.session.scalar(select(DutyReport).where(DutyReport.id == report_id,
                                                        DutyReport.village_id == village.id))
    if report is None or report.status != "published":
        abort(404)
    revisions = db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.subject_type == "duty_report",
                                        PublishedRevision.subject_id == report.id)
        .order_by(PublishedRevision.number)).all()
    return diff_response(
        village, revisions, etag_key="report-diff",
        back_url=url_for("duty.report_show", code=village.code, report_id=report.id),
        endpoint="duty.report_diff", code=village.code, report_id=report.id,
    )
