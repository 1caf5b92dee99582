"""The OpenAPI 3.0 document of /api/v1: the open-data endpoints plus the complaint fragment."""
import copy

from flask import jsonify

from portal.api import openapi_complaints, openapi_subsidies
from portal.api.blueprint import bp
from portal.api.public import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from portal.complaints.models import CATEGORIES
from portal.disclosures.models import DOMAINS, KINDS, TOPICS
from portal.powers.models import CATEGORIES as POWER_CATEGORIES


def _s(kind: str, nullable: bool = False, doc: str | None = None, **extra) -> dict:
    schema = {"type": kind, **extra}
    if nullable:
        schema["nullable"] = True
    if doc:
        schema["description"] = doc
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _page_of(item: str) -> dict:
    return _object(["items", "page", "per_page", "total", "next"],
                   items={"type": "array", "items": _ref(item)}, page=_s("integer", minimum=1),
                   per_page=_s("integer", minimum=1, maximum=MAX_PER_PAGE), total=_s("integer", minimum=0),
                   next=_s("string", nullable=True, doc="Path of the next page, null on the last"))


_DATE_TIME = {"type": "string", "format": "date-time"}
SCHEMAS = {
    "Error": _object(["error", "status"], error=_s("string"), status=_s("integer"),
                     errors={"type": "object", "additionalProperties": {"type": "array", "items": _s("string")}}),
    "Place": _object(["code", "name"], code=_s("string"), name=_s("string")),
    "VillageSummary": _object(
        ["code", "name", "name_pinyin", "name_initials", "township", "url", "api_url"],
        code=_s("string", pattern=r"^\d{12}$"), name=_s("string"), name_pinyin=_s("string"),
        name_initials=_s("string"), township=_ref("Place"), url=_s("string", format="uri"), api_url=_s("string")),
    "Village": {"allOf": [_ref("VillageSummary"), _object(
        ["county", "hotlines", "chain_length", "updated_at", "links"],
        county=_ref("Place"), supervision_phone=_s("string", nullable=True),
        hotlines={"type": "array", "items": _s("string")},
        chain_head=_s("string", nullable=True, doc="Hash of the newest published revision"),
        chain_length=_s("integer", minimum=0), updated_at=_DATE_TIME,
        links={"type": "object", "additionalProperties": _s("string")})]},
    "VillagePage": _page_of("VillageSummary"),
    "PowerItem": _object(
        ["id", "code", "title", "category", "category_name", "top_class", "legal_basis", "steps", "risks",
         "disclosure_rules", "url"],
        id=_s("integer"), code=_s("string"), title=_s("string"), category=_s("string", enum=list(POWER_CATEGORIES)),
        category_name=_s("string"), top_class=_s("string"), legal_basis={"type": "array", "items": _s("string")},
        responsible_body=_s("string", nullable=True), responsible_person=_s("string", nullable=True),
        responsible_phone=_s("string", nullable=True), supervisor=_s("string", nullable=True),
        hotline=_s("string", nullable=True), eligibility=_s("string", nullable=True),
        materials={"type": "array", "items": _s("string")},
        steps={"type": "array", "items": {"type": "object", "description": "seq, actor_role, action, output_doc, "
                                                                           "time_limit, is_risk_point"}},
        total_time_limit=_s("string", nullable=True),
        disclosure_rules={"type": "array", "items": {"type": "object"}},
        risks={"type": "array", "items": {"type": "object"}}, accountability=_s("string", nullable=True),
        note=_s("string", nullable=True), url=_s("string", format="uri")),
    "PowerPage": _page_of("PowerItem"),
    "Disclosure": _object(
        ["id", "title", "domain", "kind", "topic", "revision_count", "chain_hash", "content", "url"],
        id=_s("integer"), title=_s("string"), domain=_s("string", enum=list(DOMAINS)), domain_name=_s("string"),
        kind=_s("string", enum=list(KINDS)), topic=_s("string", enum=list(TOPICS)),
        period_label=_s("string", nullable=True), period_start=_s("string", nullable=True, format="date"),
        period_end=_s("string", nullable=True, format="date"),
        first_published_at=_s("string", nullable=True, format="date-time"),
        last_published_at=_s("string", nullable=True, format="date-time"),
        revision_count=_s("integer", minimum=1), revision_number=_s("integer", nullable=True),
        chain_hash=_s("string", nullable=True, doc="Hash of the current revision in the village chain"),
        breach_count=_s("integer", minimum=0),
        content={"type": "object", "description": "The current revision as published (kind-specific)"},
        url=_s("string", format="uri"), csv_url=_s("string", nullable=True, format="uri")),
    "DisclosurePage": _page_of("Disclosure"),
    "ComplaintCategory": _object(["code", "name"], code=_s("string", enum=list(CATEGORIES)), name=_s("string")),
}

_PAGING = [
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
]
_CODE = {"name": "code", "in": "path", "required": True, "description": "12-digit village code",
         "schema": {"type": "string", "pattern": r"^\d{12}$"}}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_BAD = _json("A parameter is out of range", _ref("Error"))
_MISSING = _json("No village with this code", _ref("Error"))


def _get(summary: str, op_id: str, schema: str, parameters: list, not_found: bool = True) -> dict:
    responses = {"200": _json("OK", _ref(schema))}
    if any(p["in"] == "query" for p in parameters):
        responses["400"] = _BAD
    if not_found:
        responses["404"] = _MISSING
    return {"get": {"summary": summary, "operationId": op_id, "tags": ["open data"], "parameters": parameters,
                    "responses": responses}}


PATHS = {
    "/villages": _get("Find villages (by name, pinyin or initials with q)", "listVillages", "VillagePage",
                      [{"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}},
                       *_PAGING], not_found=False),
    "/villages/{code}": _get("One village", "getVillage", "Village", [_CODE]),
    "/villages/{code}/powers": _get("A village's power list", "listPowers", "PowerPage", [_CODE, *_PAGING]),
    "/villages/{code}/disclosures": _get("A village's published disclosures (current revision)",
                                         "listDisclosures", "DisclosurePage", [_CODE, *_PAGING]),
    "/complaint-categories": {"get": {
        "summary": "Complaint categories, named in the request language (Accept-Language)",
        "operationId": "listComplaintCategories", "tags": ["open data"],
        "responses": {"200": _json("OK", {"type": "array", "items": _ref("ComplaintCategory")})}}},
}


def document() -> dict:
    """Assemble the whole document, merging the complaint fragment."""
    paths, schemas = copy.deepcopy(PATHS), copy.deepcopy(SCHEMAS)
    for fragment in (openapi_complaints, openapi_subsidies):
        for path, item in fragment.PATHS.items():
            paths[path.removeprefix("/api/v1")] = copy.deepcopy(item)
        schemas.update(copy.deepcopy(fragment.SCHEMAS))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Sunshine Village Portal (阳光村务) API", "version": "1.0.0",
                 "description": "Open data on village power lists and disclosures, and safe complaint filing."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(document())
