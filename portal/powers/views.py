"""Public power-item pages: the item as published, its history, and what each change changed."""
from flask import Blueprint, abort, render_template, request, url_for

from portal.core.http import conditional, revalidate
from portal.places.service import get_village
from portal.powers import record, service
from portal.records.diff_page import diff_response
from portal.records.redaction import redactions_of

bp = Blueprint("powers", __name__)


@bp.get("/villages/<code>/powers")
@conditional
def list_show(code: str):
    village = get_village(code)
    revalidate("powers", village.id, village.content_version, last_modified=village.updated_at)
    groups = service.grouped_items(village)
    return render_template("powers/list_show.html", village=village, power_groups=groups,
                           power_count=sum(len(items) for _, items in groups))


@bp.get("/villages/<code>/powers/<int:item_id>")
@conditional
def item_show(code: str, item_id: int):
    village = get_village(code)
    item = service.get_item(village, item_id)
    revisions = record.revisions_of(item)
    number = request.args.get("revision", type=int)
    shown = revisions[-1] if revisions else None
    if number is not None:
        shown = next((r for r in revisions if r.number == number), None)
        if shown is None:
            abort(404)
    revalidate("power", item.id, item.updated_at.timestamp(), village.content_version, shown.number if shown else 0,
               last_modified=item.updated_at)
    # What the page shows is the revision's own copy of the item: an older revision reads as it was.
    view = {**(shown.content if shown else record.snapshot(item)), "id": item.id}
    return render_template("powers/item_show.html", village=village, item=view, revision=shown,
                           revisions=revisions, risks=service.risks_by_step(view),
                           redactions=redactions_of([shown.id]).get(shown.id, []) if shown else [])


@bp.get("/villages/<code>/powers/<int:item_id>/diff")
@conditional
def item_diff(code: str, item_id: int):
    village = get_village(code)
    item = service.get_item(village, item_id)
    return diff_response(
        village, record.revisions_of(item), etag_key="power-diff",
        back_url=url_for("powers.item_show", code=village.code, item_id=item.id),
        endpoint="powers.item_diff", code=village.code, item_id=item.id,
    )
