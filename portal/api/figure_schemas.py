"""Shapes of the public figures and the disclosure search (/api/v1/statistics, /api/v1/disclosures/search).

Read by the views (``dump``) and by spec.py (the OpenAPI document): one definition for both.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

from portal.disclosures.archive import DOMAINS
from portal.disclosures.models import KINDS
from portal.disclosures.search import MAX_PAGE, MAX_QUERY


def _count():
    return fields.Integer(required=True, allow_none=True, metadata={
        "minimum": 0, "description": "null when below min_count (suppressed so that no single case can be "
                                     "recognised)"})


def _rate():
    return fields.Float(required=True, allow_none=True,
                        metadata={"description": "Percent with one decimal; null when not shown"})


class FigureComplaintsSchema(Schema):
    received, accepted, concluded = _count(), _count(), _count()
    on_time, overdue, rated = _count(), _count(), _count()
    satisfaction_rate = _rate()


class FigureDisclosuresSchema(Schema):
    class Meta:
        description = "Disclosure obligations that fell due in the last twelve months"

    due = fields.Integer(required=True, metadata={"minimum": 0})
    on_time = fields.Integer(required=True, metadata={"minimum": 0})
    late = fields.Integer(required=True, metadata={"minimum": 0})
    missing = fields.Integer(required=True, metadata={"minimum": 0})
    on_time_rate = _rate()


class FigureRowSchema(Schema):
    code = fields.String(required=True, allow_none=True)
    name = fields.String(required=True, allow_none=True)
    complaints = fields.Nested(FigureComplaintsSchema, required=True)
    disclosures = fields.Nested(FigureDisclosuresSchema, required=True)


class FigureVillageRowSchema(FigureRowSchema):
    township = fields.String()


class FigurePeriodSchema(Schema):
    start = fields.String(required=True, metadata={"format": "date"})
    end = fields.String(required=True, metadata={"format": "date"})


class FiguresSchema(Schema):
    period = fields.Nested(FigurePeriodSchema, required=True)
    township = fields.String(required=True, allow_none=True,
                             metadata={"description": "The township asked for, or null"})
    min_count = fields.Integer(required=True, metadata={"minimum": 0})
    total = fields.Nested(FigureRowSchema, required=True)
    townships = fields.List(fields.Nested(FigureRowSchema), required=True)
    villages = fields.List(fields.Nested(FigureVillageRowSchema), required=True)


class StatisticsArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    township = fields.String(metadata={"pattern": r"^\d{9}$",
                                       "description": "9-digit township code; without it, the county's townships"})


class SearchVillageSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class SearchHitSchema(Schema):
    title = fields.String(required=True)
    village = fields.Nested(SearchVillageSchema, required=True)
    township = fields.String(required=True)
    domain = fields.String(required=True, validate=validate.OneOf(DOMAINS))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    published_at = fields.String(required=True, metadata={"format": "date-time"})
    disclosure_id = fields.Integer(required=True)
    revision = fields.Integer(required=True, metadata={"minimum": 1})
    snippet = fields.String(required=True, metadata={"description": "Plain text around the first match"})
    url = fields.String(required=True, metadata={"description": "The public page of the matching revision"})


class SearchPageSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    page = fields.Integer(required=True, metadata={"minimum": 1})
    per_page = fields.Integer(required=True, metadata={"minimum": 1})
    total = fields.Integer(required=True, metadata={"minimum": 0})
    pages = fields.Integer(required=True, metadata={"minimum": 1})
    limited_to_year = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The year a two-character query over the whole county was limited to"})
    next = fields.String(required=True, allow_none=True)


class SearchArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=2, max=MAX_QUERY))
    village = fields.String(metadata={"pattern": r"^\d{12}$"})
    domain = fields.String(validate=validate.OneOf(DOMAINS))
    year = fields.Integer(validate=validate.Range(2000, 2100))
    page = fields.Integer(validate=validate.Range(1, MAX_PAGE))
