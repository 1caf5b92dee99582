"""The cadre workspace's dashboard: what is in draft and recently published, across capabilities."""
from flask import Blueprint, render_template
from sqlalchemy import or_, select

from portal.core.permissions import can_use_publishing, guard_area
from portal.disclosures.models import KINDS, Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.home.owed import SHOWN, owed
from portal.places.scope import own_village
from portal.powers.updates import pending_for

bp = Blueprint("home_manage", __name__, url_prefix="/publish")
# Only village cadres get past this line; each object is then checked against their own village.
bp.before_request(guard_area(can_use_publishing))

RECENT = 30


def _pending(model, village_id: int):
    # A correction in progress always carries its reason, so draft_reason marks it.
    return list(db.session.scalars(
        select(model).where(model.village_id == village_id,
                            or_(model.status == "draft", model.draft_reason.is_not(None)))
        .order_by(model.id.desc())))


@bp.get("/")
def dashboard_show():
    village = own_village()
    published = list(db.session.scalars(
        select(Disclosure).where(Disclosure.village_id == village.id, Disclosure.status == "published")
        .order_by(Disclosure.last_published_at.desc(), Disclosure.id.desc()).limit(RECENT)))
    published_reports = list(db.session.scalars(
        select(DutyReport).where(DutyReport.village_id == village.id, DutyReport.status == "published")
        .order_by(DutyReport.period.desc(), DutyReport.id.desc()).limit(RECENT)))
    return render_template("home/dashboard_show.html", village=village, kinds=KINDS,
                           draft_disclosures=_pending(Disclosure, village.id),
                           draft_reports=_pending(DutyReport, village.id),
                           published=published, reports=published_reports, owed=owed(village), shown=SHOWN,
                           updates=pending_for(village))

