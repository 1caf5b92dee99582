"""Open data (JSON) for the public figures and the disclosure search: the same services as the pages."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.api.blueprint import BadRequest, bp
from portal.api.figure_schemas import FiguresSchema, SearchArgsSchema, SearchPageSchema, StatisticsArgsSchema
from portal.api.spec import operation
from portal.core.http import conditional
from portal.core.timezone import local_today
from portal.core.urls import public_base_url
from portal.disclosures import search
from portal.oversight.figures import as_json, chosen_township, public_figures


def _bad(name: str, message: str):
    raise BadRequest({name: [str(message)]})


@bp.get("/statistics")
@conditional
@operation("Public figures for the last twelve months, per township (and its villages)", "getStatistics",
           "open data", query=StatisticsArgsSchema, answers={200: FiguresSchema, 400: "There is no such township"},
           description="Complaints received, accepted, concluded, handled on time, satisfaction, and disclosures "
                       "on time; the same numbers as the staff dashboard, counts below min_count suppressed. "
                       "Cases about township officials or with a recused handler are not counted.")
def statistics():
    township, error = chosen_township(request.args.get("township"))
    if error:
        return _bad("township", _("There is no such township."))
    return jsonify(FiguresSchema().dump(as_json(public_figures(local_today(), township))))


@bp.get("/disclosures/search")
@conditional
@operation("Search inside published disclosures (current revisions)", "searchDisclosures", "open data",
           query=SearchArgsSchema, answers={200: SearchPageSchema, 400: "A parameter is wrong (a message per field)"},
           description="Titles, text, table cells and decision records. ID card, bank card and phone numbers are "
                       "masked and cannot be searched (400). A two-character query over the whole county is "
                       "limited to one year (the current one unless year is given).")
def disclosure_search():
    criteria, errors = search.parse(request.args, search.village_by_code)
    if not errors and not criteria.query:
        errors["q"] = _("Type at least two characters.")
    if errors:
        return _bad(*next(iter(errors.items())))
    try:
        results = search.search(criteria, local_today().year)
    except search.SearchError as exc:
        return _bad(exc.field, str(exc.message))
    base = public_base_url()

    def page_url(h) -> str:
        return f"{base}/villages/{h.village_code}/disclosures/{h.disclosure_id}?revision={h.revision_number}"

    args = {k: v for k, v in request.args.to_dict().items() if k != "page"}
    return jsonify(SearchPageSchema().dump({
        "items": [{"title": h.title, "village": {"code": h.village_code, "name": h.village_name},
                   "township": h.township_name, "domain": h.domain, "kind": h.kind,
                   "published_at": h.published_at.isoformat(), "disclosure_id": h.disclosure_id,
                   "revision": h.revision_number, "snippet": Markup(h.snippet).striptags(),
                   "url": page_url(h)}
                  for h in results.hits],
        "page": results.page, "per_page": search.PAGE_SIZE, "total": results.total, "pages": results.pages,
        "limited_to_year": results.short_query_year,
        "next": url_for("api.disclosure_search", **args, page=results.page + 1) if results.page < results.pages
        else None,
    }))
