"""Public power-item pages."""
from flask import Blueprint, render_template

from portal.core.http import cached_page, not_modified, page_etag
from portal.places.service import get_village
from portal.powers import service

bp = Blueprint("powers", __name__)


@bp.get("/villages/<code>/powers/<int:item_id>")
def item_show(code: str, item_id: int):
    village = get_village(code)
    item = service.get_item(village, item_id)
    etag = page_etag("power", item.id, item.updated_at.timestamp(), village.content_version)
    cached = not_modified(etag, item.updated_at)
    if cached is not None:
        return cached
    body = render_template("powers/item_show.html", village=village, item=item,
                           risks=service.risks_by_step(item))
    return cached_page(body, etag, item.updated_at)
