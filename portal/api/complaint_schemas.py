"""The complaint endpoints' bodies and answers: written by these schemas and described by them in the document.

The request schemas describe what `complaints.intake.submit` accepts; the service itself checks every field
(one validation path for the web form and the API) and its messages come back per field in the error envelope.
"""
from marshmallow import EXCLUDE, Schema, fields, validate

from portal.api.schemas import CODE_PATTERN, computed, nullable
from portal.complaints.models import CATEGORIES, RATINGS
from portal.core.roles import STATUSES

ABOUT_WHOM = ("village", "township", "unknown")


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class ContactSchema(_Body):
    name = fields.String(validate=validate.Length(max=50))
    phone = fields.String(metadata={"description": "Chinese mobile or landline with area code"})


class ComplaintSubmissionSchema(_Body):
    village = fields.String(required=True, metadata={"pattern": CODE_PATTERN, "description": "12-digit village code"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    about = fields.String(required=True, validate=validate.Length(min=1, max=200),
                          metadata={"description": "Who or what it is about"})
    description = fields.String(required=True, validate=validate.Length(min=10, max=5000))
    happened_on = fields.Date(allow_none=True, metadata={"description": "Not in the future"})
    power_item = fields.Integer(allow_none=True, metadata={"description": "Power item of the village"})
    step = fields.Integer(allow_none=True, metadata={"description": "Step number of the power item"})
    disclosure = fields.Integer(allow_none=True, metadata={"description": "Published disclosure of the village"})
    about_whom = fields.String(validate=validate.OneOf(ABOUT_WHOM), load_default="unknown", metadata={
        "description": "Who it is about: village cadres (村干部), township officials (乡镇干部, routes the case to "
                       "the county) or not sure (不清楚). A case naming a listed township official or the "
                       "township's handler goes to the county whatever is chosen."})
    concerns_township_officials = fields.Boolean(load_default=False,
                                                 metadata={"description": "Older form of about_whom=township"})
    anonymous = fields.Boolean(load_default=True)
    contact = fields.Nested(ContactSchema, allow_none=True,
                            metadata={"description": "Required when anonymous is false; stored encrypted"})


class ComplaintMultipartSchema(_Body):
    """Same fields as ComplaintSubmission; contact as contact.name / contact.phone; up to 5 JPEG, PNG or PDF files."""

    village = fields.String(required=True)
    category = fields.String(required=True)
    about = fields.String(required=True)
    description = fields.String(required=True)
    happened_on = fields.Date()
    power_item = fields.Integer()
    step = fields.Integer()
    disclosure = fields.Integer()
    concerns_township_officials = fields.Boolean()
    anonymous = fields.Boolean()
    about_whom = fields.String(validate=validate.OneOf(ABOUT_WHOM))
    contact_name = fields.String(data_key="contact.name")
    contact_phone = fields.String(data_key="contact.phone")
    files = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}), validate=validate.Length(max=5))


class ComplaintReceiptSchema(Schema):
    case_number = fields.String(required=True, metadata={
        "pattern": r"^\d{4}-\d{4}-\d{4}$", "example": "2026-4821-3907",
        "description": "The complainant's reference: the year and eight random digits. It does not reveal how many "
                       "complaints the county received (staff keep a separate sequential case number)."})
    receipt = fields.String(required=True, metadata={"pattern": r"^\d{20}$",
                                                     "description": "Shown once; the portal keeps only a hash of it"})
    receipt_formatted = fields.String(metadata={"example": "1234 5678 9012 3456 7890"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class TrackRequestSchema(_Body):
    receipt = fields.String(required=True, metadata={"description": "20 digits; spaces allowed"})


class ComplaintEventSchema(Schema):
    at = computed(lambda e: e.at.isoformat(), format="date-time")
    kind = fields.String()
    status = fields.String(attribute="to_status", allow_none=True)
    text = fields.String(attribute="body", allow_none=True)


class ComplaintStatusSchema(Schema):
    """What the complainant may see of the case (from `complaints.tracking.summary`)."""

    case_number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    status_label = fields.String()
    days_left = fields.Integer(required=True, allow_none=True, metadata={"description": "Negative when overdue"})
    due = computed(lambda info: info["due"].isoformat() if info["due"] else None, **nullable("string", format="date"))
    resolved = fields.Boolean(allow_none=True)
    rating = fields.String(allow_none=True, validate=validate.OneOf(RATINGS))
    events = fields.List(fields.Nested(ComplaintEventSchema), required=True)
    messages = fields.List(fields.Nested(ComplaintEventSchema), required=True)
