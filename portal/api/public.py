"""Open data (JSON): villages, their power lists and disclosures, complaint categories.

Lists are paginated (``page``, ``per_page`` ≤ 100) and answer
{items, page, per_page, total, next}. GET endpoints send
``Access-Control-Allow-Origin: *`` so anyone may build on them; the complaint
endpoints do not.
"""
from flask import jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.api.blueprint import bp
from portal.complaints.models import CATEGORIES
from portal.core.i18n import LOCALE_COOKIE, SUPPORTED
from portal.core.labels import label
from portal.core.urls import public_base_url
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village
from portal.places.search import search_villages
from portal.places.service import get_village, village_hotlines
from portal.powers.models import PowerItem

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
SEARCH_CAP = 1000  # a name search returns at most this many villages in all
PRIVATE_PREFIX = "/api/v1/complaints"


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.errors = {name: [message]}


@bp.errorhandler(BadParameter)
def _bad_parameter(exc: BadParameter):
    return jsonify({"error": _("The request could not be understood."), "status": 400, "errors": exc.errors}), 400


@bp.after_request
def _cors(response):
    """Let any web page read the open data; never the complaint endpoints."""
    if request.method in ("GET", "HEAD") and not request.path.startswith(PRIVATE_PREFIX):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _int_arg(name: str, default: int, highest: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7 or not 1 <= int(raw) <= highest:
        raise BadParameter(name, _("Give a whole number from 1 to %(n)d.", n=highest))
    return int(raw)


def _paging() -> tuple[int, int]:
    return _int_arg("page", 1, MAX_PAGE), _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)


def _page(items: list, total: int, page: int, per_page: int) -> dict:
    more = page * per_page < total
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": page + 1, "per_page": per_page}
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "next": url_for(request.endpoint, **args) if more else None}


def _base() -> str:
    return public_base_url()


def _place(obj) -> dict:
    return {"code": obj.code, "name": obj.name}


def village_summary(v: Village) -> dict:
    return {"code": v.code, "name": v.name, "name_pinyin": v.name_pinyin, "name_initials": v.name_initials,
            "township": _place(v.township), "url": f"{_base()}/villages/{v.code}",
            "api_url": url_for("api.village_show", code=v.code)}


@bp.get("/villages")
def village_list():
    page, per_page = _paging()
    # Control characters (NUL above all: PostgreSQL refuses it in text) can never match a name.
    query = "".join(c for c in request.args.get("q") or "" if c.isprintable()).strip()
    if query:
        found = search_villages(query, limit=SEARCH_CAP)
        chosen, total = found[(page - 1) * per_page: page * per_page], len(found)
    else:
        total = db.session.scalar(select(func.count()).select_from(Village)) or 0
        chosen = db.session.scalars(select(Village).options(joinedload(Village.township)).order_by(Village.code)
                                    .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify(_page([village_summary(v) for v in chosen], total, page, per_page))


@bp.get("/villages/<code>")
def village_show(code: str):
    v = get_village(code)
    county = v.township.county
    base = f"{_base()}/villages/{v.code}"
    return jsonify({
        **village_summary(v), "county": _place(county), "supervision_phone": v.supervision_phone,
        "hotlines": [h.number for h in village_hotlines(v)],
        "chain_head": v.chain_head, "chain_length": v.chain_length, "updated_at": v.updated_at.isoformat(),
        "links": {"page": base, "feed": f"{base}/feed.atom", "poster": f"{base}/poster",
                  "powers_csv": f"{base}/powers.csv", "powers": url_for("api.village_powers", code=v.code),
                  "disclosures": url_for("api.village_disclosures", code=v.code)},
    })


def power_json(item: PowerItem, code: str) -> dict:
    return {
        "id": item.id, "code": item.code, "title": item.title, "category": item.category,
        "category_name": label("power_category", item.category), "top_class": item.top_class,
        "legal_basis": [str(b) for b in item.legal_basis or []], "responsible_body": item.responsible_body,
        "responsible_person": item.responsible_person, "responsible_phone": item.responsible_phone,
        "supervisor": item.supervisor, "hotline": item.hotline, "eligibility": item.eligibility,
        "materials": [str(m) for m in item.materials or []], "steps": list(item.steps or []),
        "total_time_limit": item.total_time_limit, "disclosure_rules": list(item.disclosure_rules or []),
        "risks": list(item.risks or []), "accountability": item.accountability, "note": item.note,
        "url": f"{_base()}/villages/{code}/powers/{item.id}",
    }


@bp.get("/villages/<code>/powers")
def village_powers(code: str):
    v = get_village(code)
    page, per_page = _paging()
    where = (PowerItem.village_id == v.id, PowerItem.retired_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(PowerItem).where(*where)) or 0
    items = db.session.scalars(select(PowerItem).where(*where).order_by(PowerItem.sort_order, PowerItem.id)
                               .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify(_page([power_json(i, v.code) for i in items], total, page, per_page))


def _day(value):
    return value.isoformat() if value else None


def disclosure_json(d: Disclosure, code: str) -> dict:
    revision = d.current_revision
    content = revision.content if revision else {}
    page = f"{_base()}/villages/{code}/disclosures/{d.id}"
    return {
        "id": d.id, "title": d.title, "domain": d.domain, "domain_name": label("domain", d.domain),
        "kind": d.kind, "topic": d.topic, "period_label": d.period_label, "period_start": _day(d.period_start),
        "period_end": _day(d.period_end), "first_published_at": _day(d.first_published_at),
        "last_published_at": _day(d.last_published_at), "revision_count": d.revision_count,
        "revision_number": revision.number if revision else None, "chain_hash": revision.hash if revision else None,
        "breach_count": d.breach_count, "content": content or {}, "url": page,
        "csv_url": f"{page}.csv" if (content or {}).get("kind") == "table" else None,
    }


@bp.get("/villages/<code>/disclosures")
def village_disclosures(code: str):
    v = get_village(code)
    page, per_page = _paging()
    where = (Disclosure.village_id == v.id, Disclosure.status == "published",
             Disclosure.current_revision_id.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(Disclosure).where(*where)) or 0
    rows = db.session.scalars(select(Disclosure).where(*where).options(joinedload(Disclosure.current_revision))
                              .order_by(Disclosure.last_published_at.desc(), Disclosure.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return jsonify(_page([disclosure_json(d, v.code) for d in rows], total, page, per_page))


def request_locale() -> str:
    """The language of the answer: the portal's cookie, else Accept-Language, else Chinese."""
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in SUPPORTED:
        return chosen
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


@bp.get("/complaint-categories")
def complaint_categories():
    with force_locale(request_locale()):
        names = [{"code": code, "name": label("complaint_category", code)} for code in CATEGORIES]
    response = jsonify(names)
    response.headers["Content-Language"] = "en" if request_locale() == "en" else "zh-CN"
    response.vary.add("Accept-Language")
    return response

