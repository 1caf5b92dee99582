"""Public figures at /statistics: per township and village, last twelve months; CSV too."""

from flask import Blueprint, render_template, request
from sqlalchemy import select

from portal.core.exports import csv_response, wants_csv
from portal.core.http import conditional
from portal.core.timezone import local_today
from portal.extensions import db
from portal.oversight.figures import CSV_HEADER, chosen_township, csv_rows, public_figures
from portal.places.models import Township

bp = Blueprint("figures", __name__)


@bp.get("/statistics")
@conditional
def statistics_show():
    township, error = chosen_township(request.args.get("township"))
    today = local_today()
    csv = wants_csv(request)
    figures = public_figures(today, township)
    # The validator is a hash of what is shown (conditional), never when a complaint last changed: a
    # changing date or version would tell that a case moved even where its count is suppressed.
    if csv:
        name = f"statistics-{township.code if township else 'county'}-{figures.start}-{figures.end}.csv"
        return csv_response(name, CSV_HEADER, csv_rows(figures))
    townships = list(db.session.scalars(select(Township).order_by(Township.code)))
    body = render_template("oversight/statistics.html", figures=figures, townships=townships, error=error,
                           today=today)
    return (body, 400) if error else body
