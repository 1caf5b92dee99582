"""Public duty-report pages."""
from flask import Blueprint, abort, render_template
from sqlalchemy import select

from portal.disclosures.service import revisions_of
from portal.extensions import db
from portal.places.service import get_village
from portal.duty.models import SECTIONS, DutyReport

bp = Blueprint("duty", __name__)


@bp.get("/villages/<code>/reports/<int:report_id>")
def report_show(code: str, report_id: int):
    village = get_village(code)
    report = db.session.scalar(select(DutyReport).where(DutyReport.id == report_id, DutyReport.village_id == village.id))
    if report is None or report.status != "published" or report.current_revision is None:
        abort(404)
    return render_template("duty/report_show.html", village=village, report=report, sections=SECTIONS,
                           content=report.current_revision.content, revisions=revisions_of("duty_report", report.id))
