"""The open-data answers: each marshmallow schema both writes the JSON and describes it in /api/v1/openapi.json."""
from flask import url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from portal.complaints.models import CATEGORIES
from portal.core.labels import label
from portal.core.urls import public_base_url
from portal.disclosures.models import DOMAINS, KINDS, TOPICS
from portal.places.search import MAX_QUERY
from portal.places.service import village_hotlines
from portal.powers.models import CATEGORIES as POWER_CATEGORIES

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
CODE_PATTERN = r"^\d{12}$"


def computed(serialize, kind: str = "string", required: bool = False, **doc):
    """A field worked out from the object; `kind` and `doc` describe it in the document."""
    return fields.Function(serialize, required=required, metadata={"type": kind, **doc})


def nullable(kind: str, **doc) -> dict:
    return {"type": [kind, "null"], **doc}


def texts(value) -> list[str]:
    return [str(v) for v in value or []]


def _page_url(path: str) -> str:
    return f"{public_base_url()}{path}"


# ---- paging -----------------------------------------------------------------------------

class WholeNumber(fields.Integer):
    """A number from 1 to `highest` in ASCII digits only (no signs, spaces or other scripts)."""

    def __init__(self, highest: int, **kwargs):
        super().__init__(metadata={"minimum": 1, "maximum": highest}, **kwargs)
        self.highest = highest

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 7
                and 1 <= int(value) <= self.highest):
            raise ValidationError(_("Give a whole number from 1 to %(n)d.", n=self.highest))
        return int(value)


class PagingArgsSchema(Schema):
    """`page` and `per_page` of every list (query string)."""

    class Meta:
        unknown = EXCLUDE

    page = WholeNumber(MAX_PAGE, load_default=1)
    per_page = WholeNumber(MAX_PER_PAGE, load_default=DEFAULT_PER_PAGE)

    @pre_load
    def _blank_is_default(self, data, **_kwargs):
        return {k: v for k, v in data.items() if v != ""}


class VillageSearchArgsSchema(PagingArgsSchema):
    q = fields.String(metadata={"maxLength": MAX_QUERY, "description": "Name, pinyin or pinyin initials"})


class PageSchema(Schema):
    page = fields.Integer(required=True, metadata={"minimum": 1})
    per_page = fields.Integer(required=True, metadata={"minimum": 1, "maximum": MAX_PER_PAGE})
    total = fields.Integer(required=True, metadata={"minimum": 0})
    next = fields.String(required=True, allow_none=True, metadata={"description": "Path of the next page, null on "
                                                                                  "the last"})


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page schema for a list of `item` (named `name` in the document)."""
    return type(f"{name}Schema", (PageSchema,),
                {"items": fields.List(fields.Nested(item), required=True)})


# ---- villages ---------------------------------------------------------------------------

class PlaceSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class VillageSummarySchema(Schema):
    code = fields.String(required=True, metadata={"pattern": CODE_PATTERN})
    name = fields.String(required=True)
    name_pinyin = fields.String(required=True)
    name_initials = fields.String(required=True)
    township = fields.Nested(PlaceSchema, required=True)
    url = computed(lambda v: _page_url(f"/villages/{v.code}"), format="uri", required=True)
    api_url = computed(lambda v: url_for("api.village_show", code=v.code), required=True)


def _links(v) -> dict:
    base = _page_url(f"/villages/{v.code}")
    return {"page": base, "feed": f"{base}/feed.atom", "poster": f"{base}/poster", "powers_csv": f"{base}/powers.csv",
            "powers": url_for("api.village_powers", code=v.code),
            "disclosures": url_for("api.village_disclosures", code=v.code)}


class VillageSchema(VillageSummarySchema):
    county = fields.Nested(PlaceSchema, attribute="township.county", required=True)
    supervision_phone = fields.String(allow_none=True)
    hotlines = computed(lambda v: [h.number for h in village_hotlines(v)], "array", items={"type": "string"},
                        required=True)
    chain_head = fields.String(allow_none=True, metadata={"description": "Hash of the newest published revision"})
    chain_length = fields.Integer(required=True, metadata={"minimum": 0})
    updated_at = computed(lambda v: v.updated_at.isoformat(), format="date-time", required=True)
    links = computed(_links, "object", additionalProperties={"type": "string"}, required=True)


# ---- power items ------------------------------------------------------------------------

class PowerItemSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True, metadata={"enum": list(POWER_CATEGORIES)})
    category_name = computed(lambda i: label("power_category", i.category))
    top_class = fields.String(required=True)
    legal_basis = computed(lambda i: texts(i.legal_basis), "array", items={"type": "string"}, required=True)
    responsible_body = fields.String(allow_none=True)
    responsible_person = fields.String(allow_none=True)
    responsible_phone = fields.String(allow_none=True)
    supervisor = fields.String(allow_none=True)
    hotline = fields.String(allow_none=True)
    eligibility = fields.String(allow_none=True)
    materials = computed(lambda i: texts(i.materials), "array", items={"type": "string"})
    steps = computed(lambda i: list(i.steps or []), "array", required=True, items={
        "type": "object", "description": "seq, actor_role, action, output_doc, time_limit, is_risk_point"})
    total_time_limit = fields.String(allow_none=True)
    disclosure_rules = computed(lambda i: list(i.disclosure_rules or []), "array", items={"type": "object"},
                                required=True)
    risks = computed(lambda i: list(i.risks or []), "array", items={"type": "object"}, required=True)
    accountability = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    url = computed(lambda i: _page_url(f"/villages/{i.village.code}/powers/{i.id}"), format="uri", required=True)


# ---- disclosures ------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value else None


def _revision(d, attribute: str):
    return getattr(d.current_revision, attribute) if d.current_revision else None


def _content(d) -> dict:
    return (d.current_revision.content if d.current_revision else None) or {}


def _disclosure_url(d) -> str:
    return _page_url(f"/villages/{d.village.code}/disclosures/{d.id}")


class DisclosureSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    domain = fields.String(required=True, metadata={"enum": list(DOMAINS)})
    domain_name = computed(lambda d: label("domain", d.domain))
    kind = fields.String(required=True, metadata={"enum": list(KINDS)})
    topic = fields.String(required=True, metadata={"enum": list(TOPICS)})
    period_label = fields.String(allow_none=True)
    period_start = computed(lambda d: _iso(d.period_start), **nullable("string", format="date"))
    period_end = computed(lambda d: _iso(d.period_end), **nullable("string", format="date"))
    first_published_at = computed(lambda d: _iso(d.first_published_at), **nullable("string", format="date-time"))
    last_published_at = computed(lambda d: _iso(d.last_published_at), **nullable("string", format="date-time"))
    revision_count = fields.Integer(required=True, metadata={"minimum": 1})
    revision_number = computed(lambda d: _revision(d, "number"), **nullable("integer"))
    chain_hash = computed(lambda d: _revision(d, "hash"), required=True,
                          **nullable("string", description="Hash of the current revision in the village chain"))
    breach_count = fields.Integer(metadata={"minimum": 0})
    content = computed(_content, "object", required=True,
                       description="The current revision as published (kind-specific)")
    url = computed(_disclosure_url, format="uri", required=True)
    csv_url = computed(lambda d: f"{_disclosure_url(d)}.csv" if _content(d).get("kind") == "table" else None,
                       **nullable("string", format="uri"))


# ---- complaint categories ---------------------------------------------------------------

class ComplaintCategorySchema(Schema):
    code = fields.String(required=True, metadata={"enum": list(CATEGORIES)})
    name = fields.String(required=True)


VillagePageSchema = page_of(VillageSummarySchema, "VillagePage")
PowerPageSchema = page_of(PowerItemSchema, "PowerPage")
DisclosurePageSchema = page_of(DisclosureSchema, "DisclosurePage")
