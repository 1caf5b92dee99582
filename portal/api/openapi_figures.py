"""OpenAPI 3.0 fragment for the public figures and the disclosure search (merged into /api/v1/openapi.json)."""
from portal.disclosures.archive import DOMAINS
from portal.disclosures.models import KINDS
from portal.disclosures.search import MAX_PAGE, MAX_QUERY

_ERROR = {"$ref": "#/components/schemas/FieldErrors"}
_COUNT = {"type": "integer", "minimum": 0, "nullable": True,
          "description": "null when below min_count (suppressed so that no single case can be recognised)"}
_RATE = {"type": "number", "nullable": True, "description": "Percent with one decimal; null when not shown"}


def _row(extra: dict | None = None) -> dict:
    return {
        "type": "object", "required": ["code", "name", "complaints", "disclosures"],
        "properties": {
            "code": {"type": "string", "nullable": True}, "name": {"type": "string", "nullable": True},
            "complaints": {"$ref": "#/components/schemas/FigureComplaints"},
            "disclosures": {"$ref": "#/components/schemas/FigureDisclosures"},
            **(extra or {}),
        },
    }


SCHEMAS = {
    "FigureComplaints": {
        "type": "object",
        "required": ["received", "accepted", "concluded", "on_time", "overdue", "rated", "satisfaction_rate"],
        "properties": {**{name: _COUNT for name in ("received", "accepted", "concluded", "on_time", "overdue",
                                                    "rated")}, "satisfaction_rate": _RATE},
    },
    "FigureDisclosures": {
        "type": "object", "required": ["due", "on_time", "late", "missing", "on_time_rate"],
        "description": "Disclosure obligations that fell due in the last twelve months",
        "properties": {**{name: {"type": "integer", "minimum": 0} for name in ("due", "on_time", "late", "missing")},
                       "on_time_rate": _RATE},
    },
    "FigureRow": _row(),
    "FigureVillageRow": _row({"township": {"type": "string"}}),
    "Figures": {
        "type": "object", "required": ["period", "township", "min_count", "total", "townships", "villages"],
        "properties": {
            "period": {"type": "object", "required": ["start", "end"],
                       "properties": {"start": {"type": "string", "format": "date"},
                                      "end": {"type": "string", "format": "date"}}},
            "township": {"type": "string", "nullable": True, "description": "The township asked for, or null"},
            "min_count": {"type": "integer", "minimum": 0},
            "total": {"$ref": "#/components/schemas/FigureRow"},
            "townships": {"type": "array", "items": {"$ref": "#/components/schemas/FigureRow"}},
            "villages": {"type": "array", "items": {"$ref": "#/components/schemas/FigureVillageRow"}},
        },
    },
    "SearchHit": {
        "type": "object",
        "required": ["title", "village", "township", "domain", "kind", "published_at", "disclosure_id", "revision",
                     "snippet", "url"],
        "properties": {
            "title": {"type": "string"},
            "village": {"type": "object", "required": ["code", "name"],
                        "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
            "township": {"type": "string"}, "domain": {"type": "string", "enum": list(DOMAINS)},
            "kind": {"type": "string", "enum": list(KINDS)},
            "published_at": {"type": "string", "format": "date-time"},
            "disclosure_id": {"type": "integer"}, "revision": {"type": "integer", "minimum": 1},
            "snippet": {"type": "string", "description": "Plain text around the first match"},
            "url": {"type": "string", "description": "The public page of the matching revision"},
        },
    },
    "SearchPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages", "limited_to_year", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1},
            "limited_to_year": {"type": "integer", "nullable": True,
                                "description": "The year a two-character query over the whole county was "
                                               "limited to"},
            "next": {"type": "string", "nullable": True},
        },
    },
}

_BAD = {"description": "A parameter is wrong (a message per field)",
        "content": {"application/json": {"schema": _ERROR}}}


def _ok(schema: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": "OK", "content": {"application/json": {"schema": ref}}}


PATHS = {
    "/api/v1/statistics": {"get": {
        "summary": "Public figures for the last twelve months, per township (and its villages)",
        "description": "Complaints received, accepted, concluded, handled on time, satisfaction, and disclosures "
                       "on time; the same numbers as the staff dashboard, counts below min_count suppressed. "
                       "Cases about township officials or with a recused handler are not counted.",
        "operationId": "getStatistics", "tags": ["open data"],
        "parameters": [{"name": "township", "in": "query", "required": False,
                        "schema": {"type": "string", "pattern": r"^\d{9}$"},
                        "description": "9-digit township code; without it, the county's townships"}],
        "responses": {"200": _ok("Figures"), "400": _BAD},
    }},
    "/api/v1/disclosures/search": {"get": {
        "summary": "Search inside published disclosures (current revisions)",
        "description": "Titles, text, table cells and decision records. ID card, bank card and phone numbers "
                       "are masked and cannot be searched (400). A two-character query over the whole county "
                       "is limited to one year (the current one unless year is given).",
        "operationId": "searchDisclosures", "tags": ["open data"],
        "parameters": [
            {"name": "q", "in": "query", "required": True,
             "schema": {"type": "string", "minLength": 2, "maxLength": MAX_QUERY}},
            {"name": "village", "in": "query", "required": False, "schema": {"type": "string", "pattern": r"^\d{12}$"}},
            {"name": "domain", "in": "query", "required": False, "schema": {"type": "string", "enum": list(DOMAINS)}},
            {"name": "year", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}},
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
        ],
        "responses": {"200": _ok("SearchPage"), "400": _BAD},
    }},
}
