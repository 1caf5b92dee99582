"""The printable monthly open letter to a village's households (/villages/<code>/letter?month=YYYY-MM)."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from portal.core.http import conditional, revalidate
from portal.core.timezone import add_months, local_midnight_utc, local_today
from portal.core.urls import public_base_url
from portal.home import letter_content
from portal.home.printing import qr_svg
from portal.places.service import get_village, village_hotlines

bp = Blueprint("letter", __name__)


@bp.get("/villages/<code>/letter")
@conditional
def letter_show(code: str):
    village = get_village(code)
    today = local_today()
    last_month = add_months(today.replace(day=1), -1)
    try:
        month = letter_content.parse_month(request.args.get("month"), today)
    except letter_content.MonthError as exc:
        body = render_template("home/letter_show.html", village=village, letter=None, error=exc.message,
                               typed=(request.args.get("month") or "")[:20], last_month=last_month, today=today)
        return body, 400
    # What a month's letter says changes with later corrections and with "today" (what is still owed).
    revalidate("letter", village.id, village.content_version, month, today, public_base_url(),
               last_modified=max(village.updated_at, local_midnight_utc(today)))
    letter = letter_content.compose(village, month, today)
    complaint_url = f"{public_base_url()}/complaints/new?village={village.code}"
    return render_template(
        "home/letter_show.html", village=village, letter=letter, error=None, typed=month.strftime("%Y-%m"),
        last_month=last_month, today=today, hotlines=village_hotlines(village), complaint_url=complaint_url,
        page_url=f"{public_base_url()}/villages/{village.code}",
        complaint_qr=qr_svg(complaint_url, _("QR code of the form to report a problem")),
        previous=add_months(month, -1), following=add_months(month, 1) if month < today.replace(day=1) else None)
