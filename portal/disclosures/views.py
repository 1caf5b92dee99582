"""Public disclosure pages."""
from flask import Blueprint, abort, current_app, render_template, request, url_for

from portal.core.http import conditional, revalidate
from portal.disclosures import service
from portal.disclosures import table_view as tables
from portal.disclosures.archive import DOMAINS, archive
from portal.places.service import get_village
from portal.records.diff_page import diff_response
from portal.records.redaction import redactions_of

bp = Blueprint("disclosures", __name__)
# Tables read as cards on a phone, here and in the cadre's preview.
bp.add_app_template_global(tables.build, "table_view")
bp.add_app_template_global(tables.changes_in_words, "table_changes")
bp.add_app_template_filter(tables.group_amount, "amount")
bp.add_app_template_filter(tables.nowrap, "nowrap")


@bp.get("/villages/<code>/disclosures")
@conditional
def archive_show(code: str):
    village = get_village(code)
    domain = request.args.get("domain") or None
    year = request.args.get("year", type=int)
    page = request.args.get("page", 1, type=int)
    if (domain and domain not in DOMAINS) or (year is not None and not 1990 <= year <= 2200) or page is None:
        abort(404)
    revalidate("archive", village.id, village.content_version, domain, year, page, last_modified=village.updated_at)
    found = archive(village, domain, year, page, current_app.config.get("PAGE_SIZE", 20))
    if found is None:
        abort(404)
    return render_template("disclosures/archive_show.html", village=village, found=found, domain=domain,
                           year=year, domains=DOMAINS)


@bp.get("/villages/<code>/disclosures/<int:disclosure_id>")
@conditional
def disclosure_show(code: str, disclosure_id: int):
    village = get_village(code)
    disclosure = service.get_published(village, disclosure_id)
    revisions = service.revisions_of("disclosure", disclosure.id)
    number = request.args.get("revision", type=int)
    shown = revisions[-1]
    if number is not None:
        shown = next((r for r in revisions if r.number == number), None)
        if shown is None:
            abort(404)
    revalidate("disclosure", disclosure.id, disclosure.revision_count, shown.number, village.content_version,
               last_modified=disclosure.last_published_at)
    return render_template(
        "disclosures/disclosure_show.html", village=village, disclosure=disclosure, revision=shown,
        revisions=revisions, content=shown.content or {}, attachments=service.attachments_of(shown),
        redactions=redactions_of([shown.id]).get(shown.id, []),
    )


@bp.get("/villages/<code>/disclosures/<int:disclosure_id>/diff")
@conditional
def disclosure_diff(code: str, disclosure_id: int):
    village = get_village(code)
    disclosure = service.get_published(village, disclosure_id)
    revisions = service.revisions_of("disclosure", disclosure.id)
    return diff_response(
        village, revisions, etag_key="disclosure-diff",
        back_url=url_for("disclosures.disclosure_show", code=village.code, disclosure_id=disclosure.id),
        endpoint="disclosures.disclosure_diff", code=village.code, disclosure_id=disclosure.id,
    )
