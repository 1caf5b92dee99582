"""Shapes of the 一卡通 self-check (/api/v1/subsidies/check): read by the view and by spec.py alike."""
from marshmallow import Schema, fields, validate


class SubsidyCheckRequestSchema(Schema):
    id_number = fields.String(required=True, validate=validate.Length(max=64), metadata={
        "description": "18-character resident ID number (check digit verified); spaces allowed. Compared by "
                       "keyed hash, never stored or logged"})
    name = fields.String(required=True, validate=validate.Length(max=64),
                         metadata={"description": "The name as on the ID card"})


class SubsidyPaymentSchema(Schema):
    item = fields.String(metadata={"description": "Subsidy item, e.g. 耕地地力保护补贴"})
    amount = fields.String(allow_none=True, metadata={"example": "564.20", "description": "Yuan"})
    period = fields.String(allow_none=True)
    paid_on = fields.String(allow_none=True, metadata={"format": "date"})
    village = fields.String(metadata={"description": "12-digit village code"})
    village_name = fields.String()
    disclosure = fields.Integer(metadata={"description": "The published payment list"})
    revision = fields.Integer(metadata={"description": "Its revision the line comes from"})
    row = fields.Integer(metadata={"description": "Row of the published table"})
    payment = fields.Integer(metadata={"description": "The payment line"})
    title = fields.String()


class SubsidyPaymentsSchema(Schema):
    payments = fields.List(fields.Nested(SubsidyPaymentSchema), required=True)
