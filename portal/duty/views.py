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
from portal.records.redaction import redactions_of

bp = Blueprint("duty", __name__)


def _published(code: str, report_id: int) -> tuple:
    """The village and its published report, or 404 (a draft or another village's report is not public)."""
    village = get_village(code)
    report = db.session.scalar(select(DutyReport).where(DutyReport.id == report_id,
                                                        DutyReport.village_id == village.id))
    if report is None or report.status != "published" or report.current_revision is None:
        abort(404)
    return village, report


@bp.get("/villages/<code>/reports/<int:report_id>")
@conditional
def report_show(code: str, report_id: int):
    village, report = _published(code, report_id)
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
    village, report = _published(code, report_id)
    return diff_response(
        village, revisions_of("duty_report", report.id), etag_key="report-diff",
        back_url=url_for("duty.report_show", code=village.code, report_id=report.id),
        endpoint="duty.report_diff", code=village.code, report_id=report.id,
    )
