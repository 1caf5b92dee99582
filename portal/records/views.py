"""Public page of the record: a village's chain of published revisions."""
import math

from flask import Blueprint, abort, current_app, render_template, request, url_for
from sqlalchemy import select

from portal.core.http import conditional, revalidate
from portal.extensions import db
from portal.places.service import get_village
from portal.records.links import revision_path
from portal.records.models import PublishedRevision

bp = Blueprint("records", __name__)


@bp.get("/villages/<code>/record")
@conditional
def chain_show(code: str):
    village = get_village(code)
    size = current_app.config.get("PAGE_SIZE", 20)
    pages = max(1, math.ceil((village.chain_length or 0) / size))
    page = request.args.get("page", 1, type=int)
    if page is None or not 1 <= page <= pages:
        abort(404)
    revalidate("record", village.id, village.chain_length, village.chain_head, page,
               last_modified=village.updated_at)
    revisions = db.session.scalars(
        select(PublishedRevision).where(PublishedRevision.village_id == village.id)
        .order_by(PublishedRevision.chain_seq.desc()).offset((page - 1) * size).limit(size)
    ).all()
    return render_template("records/chain_show.html", village=village, revisions=revisions, page=page,
                           pages=pages, subject_url=subject_url, diff_url=diff_url)


def subject_url(village, revision: PublishedRevision) -> str:
    """Where the public reads a revision; on this page, results lead to the report, a removal to its target."""
    if revision.subject_type == "evaluation":
        report_ids = [e.get("report_id") for e in (revision.content or {}).get("results") or []]
        return url_for("duty.report_show", code=village.code, report_id=report_ids[0]) if report_ids else "#"
    if revision.subject_type == "redaction":
        return f"#seq-{(revision.content or {}).get('target', {}).get('chain_seq', '')}"
    return revision_path(village.code, revision)


def diff_url(village, revision: PublishedRevision) -> str | None:
    """Where the public reads what a correction changed."""
    if revision.number < 2 or revision.subject_type in ("evaluation", "redaction"):
        return None
    pair = {"from": revision.number - 1, "to": revision.number}
    if revision.subject_type == "disclosure":
        return url_for("disclosures.disclosure_diff", code=village.code, disclosure_id=revision.subject_id, **pair)
    if revision.subject_type == "power_item":
        return url_for("powers.item_diff", code=village.code, item_id=revision.subject_id, **pair)
    return url_for("duty.report_diff", code=village.code, report_id=revision.subject_id, **pair)


CHECKPOINTS_PER_PAGE = 30


@bp.get("/record/checkpoints")
@conditional
def checkpoints_list():
    from portal.records import checkpoints

    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        abort(404)
    shown = checkpoints.latest(CHECKPOINTS_PER_PAGE + 1, (page - 1) * CHECKPOINTS_PER_PAGE)
    if page > 1 and not shown:
        abort(404)
    more = len(shown) > CHECKPOINTS_PER_PAGE
    shown = shown[:CHECKPOINTS_PER_PAGE]
    public = shown[0].public_key if shown else checkpoints.own_public_key()
    return render_template("records/checkpoints.html", checkpoints=shown, page=page, more=more,
                           summary=checkpoints.summary, public_key=public)


@bp.get("/record/checkpoints/<int:checkpoint_id>.json")
@conditional
def checkpoint_file(checkpoint_id: int):
    from portal.records.checkpoints import as_file
    from portal.records.models import RecordCheckpoint

    checkpoint = db.session.get(RecordCheckpoint, checkpoint_id)
    if checkpoint is None:
        abort(404)
    response = current_app.response_class(as_file(checkpoint), mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=checkpoint-{checkpoint.id}-{checkpoint.created_at:%Y%m%d}.json")
    return response


@bp.get("/record/checkpoints/public-key.pem")
@conditional
def checkpoint_key():
    from portal.records import checkpoints

    latest = checkpoints.latest(1)
    public = latest[0].public_key if latest else checkpoints.own_public_key()
    if public is None:
        abort(404)
    response = current_app.response_class(checkpoints.public_key_pem(public), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = "attachment; filename=checkpoint-public-key.pem"
    return response


@bp.route("/record/redact/<int:revision_id>", methods=["GET", "POST"])
def revision_redact(revision_id: int):
    """A county handler removes personal data from a published revision; the removal is chained."""
    from flask_login import current_user
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    from portal.core.db import write_transaction
    from portal.core.errors import PortalError
    from portal.core.forms import show_errors
    from portal.core.permissions import can_redact_record, guard_area
    from portal.records import redaction

    @guard_area(can_redact_record).view
    def handle():
        revision = db.session.get(PublishedRevision, revision_id)
        if revision is None or revision.subject_type == redaction.SUBJECT:
            abort(404)
        values = {"terms": request.form.get("terms", ""), "reason": request.form.get("reason", "")}
        errors: dict[str, list[str]] = {}
        counts = None
        try:
            terms = redaction.parse_terms(values["terms"])
            counts = redaction.preview(revision, terms)[1]
            if request.method == "POST":
                try:
                    validate_csrf(request.form.get("csrf_token"))
                except ValidationError:
                    abort(400)
                with write_transaction():
                    target = db.session.get(PublishedRevision, revision_id)
                    entry = redaction.redact(target, current_user, values["reason"], terms)
                    seq = entry.chain_seq
                return redirect_to_record(revision.village.code, seq)
        except PortalError as exc:
            errors = show_errors(None, exc)
        status = 400 if errors else 200
        return render_template("records/redact.html", village=revision.village, revision=revision, values=values,
                               errors=errors, counts=counts), status

    return handle()


def redirect_to_record(code: str, seq: int):
    from flask import redirect

    return redirect(url_for("records.chain_show", code=code) + f"#seq-{seq}")
