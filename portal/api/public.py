"""Open data (JSON): villages, their power lists and disclosures, complaint categories.

Lists are paginated (``page``, ``per_page`` ≤ 100) and answer {items, page, per_page, total, next}. GET
endpoints send ``Access-Control-Allow-Origin: *`` so anyone may build on them (the complaint endpoints do
not), and answer a repeated request with 304. See ``spec.py`` for how to add an endpoint.
"""
from flask import jsonify, request
from flask_babel import force_locale

from portal.api import paging
from portal.api.blueprint import BadRequest, bp
from portal.api.schemas import (
    ComplaintCategorySchema,
    DisclosurePageSchema,
    PagingArgsSchema,
    PowerPageSchema,
    VillagePageSchema,
    VillageSchema,
    VillageSearchArgsSchema,
)
from portal.api.spec import NO_VILLAGE, VILLAGE_CODE, operation
from portal.complaints.models import CATEGORIES
from portal.core.errors import PortalError
from portal.core.http import conditional
from portal.core.i18n import LOCALE_COOKIE, SUPPORTED
from portal.core.labels import label
from portal.disclosures.service import published_newest_first
from portal.places.search import MAX_QUERY, search_villages
from portal.places.service import get_village, villages_by_code
from portal.powers.service import current_items

SEARCH_CAP = 1000  # a name search returns at most this many villages in all
OUT_OF_RANGE = "A parameter is out of range"
BAD_SEARCH = f"A parameter is out of range, or q is longer than {MAX_QUERY} characters or carries hidden characters"


@bp.get("/villages")
@conditional
@operation("Find villages (by name, pinyin or initials with q)", "listVillages", "open data",
           query=VillageSearchArgsSchema, answers={200: VillagePageSchema, 400: BAD_SEARCH})
def village_list():
    args = paging.read_args(VillageSearchArgsSchema())
    query = (args.get("q") or "").strip()
    try:
        rows = search_villages(query, limit=SEARCH_CAP) if query else villages_by_code()
    except PortalError as exc:  # hidden characters or too long: refused with the page's own message
        raise BadRequest(exc.errors.plain()) from exc
    return jsonify(paging.page_answer(paging.paginate(rows, args), VillagePageSchema))


@bp.get("/villages/<code>")
@conditional
@operation("One village", "getVillage", "open data", params=[VILLAGE_CODE],
           answers={200: VillageSchema, 404: NO_VILLAGE})
def village_show(code: str):
    return jsonify(VillageSchema().dump(get_village(code)))


@bp.get("/villages/<code>/powers")
@conditional
@operation("A village's power list", "listPowers", "open data", params=[VILLAGE_CODE], query=PagingArgsSchema,
           answers={200: PowerPageSchema, 400: OUT_OF_RANGE, 404: NO_VILLAGE})
def village_powers(code: str):
    village = get_village(code)
    args = paging.read_args(PagingArgsSchema())
    return jsonify(paging.page_answer(paging.paginate(current_items(village), args), PowerPageSchema))


@bp.get("/villages/<code>/disclosures")
@conditional
@operation("A village's published disclosures (current revision)", "listDisclosures", "open data",
           params=[VILLAGE_CODE], query=PagingArgsSchema,
           answers={200: DisclosurePageSchema, 400: OUT_OF_RANGE, 404: NO_VILLAGE})
def village_disclosures(code: str):
    village = get_village(code)
    args = paging.read_args(PagingArgsSchema())
    return jsonify(paging.page_answer(paging.paginate(published_newest_first(village), args), DisclosurePageSchema))


def request_locale() -> str:
    """The language of the answer: the portal's cookie, else Accept-Language, else Chinese."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED:
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


@bp.get("/complaint-categories")
@conditional
@operation("Complaint categories, named in the request language (Accept-Language)", "listComplaintCategories",
           "open data", answers={200: ComplaintCategorySchema(many=True)})
def complaint_categories():
    with force_locale(request_locale()):
        names = ComplaintCategorySchema(many=True).dump(
            [{"code": code, "name": label("complaint_category", code)} for code in CATEGORIES])
    response = jsonify(names)
    response.headers["Content-Language"] = "en" if request_locale() == "en" else "zh-CN"
    response.vary.add("Accept-Language")
    return response
