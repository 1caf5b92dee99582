"""A printable A4 poster per village for the notice board: QR codes, hotlines, how to report."""
from flask import Blueprint, render_template
from flask_babel import gettext as _

from portal.core.http import conditional, revalidate
from portal.core.urls import public_base_url
from portal.home.printing import qr_svg
from portal.places.service import get_village, village_hotlines

bp = Blueprint("poster", __name__)


@bp.get("/villages/<code>/poster")
@conditional
def village_poster(code: str):
    village = get_village(code)
    revalidate("poster", village.id, village.content_version, public_base_url(), last_modified=village.updated_at)
    base = public_base_url()
    page_url = f"{base}/villages/{village.code}"
    complaint_url = f"{base}/complaints/new?village={village.code}"
    return render_template("home/poster.html", village=village, page_url=page_url, complaint_url=complaint_url,
                           hotlines=village_hotlines(village),
                           page_qr=qr_svg(page_url, _("QR code of the %(village)s page", village=village.name)),
                           complaint_qr=qr_svg(complaint_url, _("QR code of the form to report a problem")))
