"""Public figures at /statistics: per township and village, last twelve months; CSV too."""
import hashlib

from flask import Blueprint, render_template, request
from sqlalchemy import select

from portal.core.exports import csv_response, wants_csv
from portal.core.http import cached_page, not_modified, page_etag
from portal.core.timezone import local_midnight_utc, local_today
from portal.extensions import db
from portal.oversight.figures import CSV_HEADER, chosen_township, csv_rows, public_figures
from portal.places.models import Township

bp = Blueprint("figures", __name__)


@bp.get("/statistics")
def statistics_show():
    township, error = chosen_township(request.args.get("township"))
    today = local_today()
    csv = wants_csv(request)
    figures = public_figures(today, township)
    # Validators come from what is shown, never from when a complaint last changed: a changing date or
    # version would tell that a case moved even where its count is suppressed.
    last_modified = local_midnight_utc(today)
    if csv:
        name = f"statistics-{township.code if township else 'county'}-{figures.start}-{figures.end}.csv"
        response = csv_response(name, CSV_HEADER, csv_rows(figures))
        return _validated(response.get_data(), lambda: response, last_modified)
    townships = list(db.session.scalars(select(Township).order_by(Township.code)))
    body = render_template("oversight/statistics.html", figures=figures, townships=townships, error=error,
                           today=today)
    if error:
        return body, 400
    return _validated(body.encode(), lambda: body, last_modified)


def _validated(data: bytes, respond, last_modified):
    """Answer 304 when the client holds these very bytes; else the page with its validators."""
    etag = page_etag("statistics", hashlib.sha256(data).hexdigest())
    cached = not_modified(etag, None)
    if cached is not None:
        return cached
    return cached_page(respond(), etag, last_modified)
