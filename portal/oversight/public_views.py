"""Public figures at /statistics: per township and village, last twelve months; CSV too."""
from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from portal.complaints.models import Complaint
from portal.core.exports import csv_response, wants_csv
from portal.core.http import cached_page, not_modified, page_etag
from portal.core.timezone import local_midnight_utc, local_today
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.oversight.figures import CSV_HEADER, chosen_township, csv_rows, public_figures
from portal.places.models import Township

bp = Blueprint("figures", __name__)


def data_version():
    """What the figures depend on, cheaply: the newest change to any complaint or disclosure."""
    complaints = db.session.execute(select(func.count(Complaint.id), func.max(Complaint.updated_at))).one()
    published = db.session.scalar(select(func.max(Disclosure.last_published_at)))
    return (*complaints, published)


@bp.get("/statistics")
def statistics_show():
    township, error = chosen_township(request.args.get("township"))
    today = local_today()
    csv = wants_csv(request)
    version = data_version()
    etag = page_etag("statistics", today, township.code if township else "", csv, *version)
    last_modified = max([v for v in version[1:] if v is not None] + [local_midnight_utc(today)])
    cached = None if error else not_modified(etag, last_modified)
    if cached is not None:
        return cached
    figures = public_figures(today, township)
    if csv:
        name = f"statistics-{township.code if township else 'county'}-{figures.start}-{figures.end}.csv"
        return cached_page(csv_response(name, CSV_HEADER, csv_rows(figures)), etag, last_modified)
    townships = list(db.session.scalars(select(Township).order_by(Township.code)))
    body = render_template("oversight/statistics.html", figures=figures, townships=townships, error=error,
                           today=today)
    if error:
        return body, 400
    return cached_page(body, etag, last_modified)
