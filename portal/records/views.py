"""Public page of the record: a village's chain of published revisions."""
import math

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from portal.core.http import cached_page, not_modified, page_etag
from portal.extensions import db
from portal.places.service import get_village
from portal.records.models import PublishedRevision

bp = Blueprint("records", __name__)


@bp.get("/villages/<code>/record")
def chain_show(code: str):
    village = get_village(code)
    size = current_app.config.get("PAGE_SIZE", 20)
    pages = max(1, math.ceil((village.chain_length or 0) / size))
    page = request.args.get("page", 1, type=int)
    if page is None or not 1 <= page <= pages:
        abort(404)
    etag = page_etag("record", village.id, village.chain_length, village.chain_head, page)
    cached = not_modified(etag, village.updated_at)
    if cached is not None:
        return cached
    revisions = db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.village_id == village.id)
        .order_by(PublishedRevision.chain_seq.desc()).offset((page - 1) * size).limit(size)
    ).all()
    body = render_template("records/chain_show.html", village=village, revisions=revisions, page=page,
                           pages=pages, subject_url=subject_url, diff_url=diff_url)
    return cached_page(body, etag, village.updated_at)


def subject_url(village, revision: PublishedRevision) -> str:
    """Where the public reads a revision."""
    if revision.subject_type == "disclosure":
        return url_for("disclosures.disclosure_show", code=village.code, disclosure_id=revision.subject_id,
                       revision=revision.number)
    return url_for("duty.report_show", code=village.code, report_id=revision.subject_id)


def diff_url(village, revision: PublishedRevision) -> str | None:
    """Where the public reads what a correction changed."""
    if revision.number < 2:
        return None
    pair = {"from": revision.number - 1, "to": revision.number}
    if revision.subject_type == "disclosure":
        return url_for("disclosures.disclosure_diff", code=village.code, disclosure_id=revision.subject_id, **pair)
    return url_for("duty.report_diff", code=village.code, report_id=revision.subject_id, **pair)
