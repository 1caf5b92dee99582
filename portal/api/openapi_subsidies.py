"""OpenAPI 3.0 fragment for the subsidy self-check (merged into /api/v1/openapi.json)."""
_PROBLEM = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}

SCHEMAS = {
    "SubsidyCheckRequest": {
        "type": "object", "required": ["id_number", "name"],
        "properties": {
            "id_number": {"type": "string", "maxLength": 64,
                          "description": "18-character resident ID number (check digit verified); spaces allowed. "
                                         "Compared by keyed hash, never stored or logged"},
            "name": {"type": "string", "maxLength": 64, "description": "The name as on the ID card"},
        },
    },
    "SubsidyPayment": {
        "type": "object",
        "properties": {
            "item": {"type": "string", "description": "Subsidy item, e.g. 耕地地力保护补贴"},
            "amount": {"type": "string", "nullable": True, "example": "564.20", "description": "Yuan"},
            "period": {"type": "string", "nullable": True},
            "paid_on": {"type": "string", "format": "date", "nullable": True},
            "village": {"type": "string", "description": "12-digit village code"},
            "village_name": {"type": "string"},
            "disclosure": {"type": "integer", "description": "The published payment list"},
            "revision": {"type": "integer", "description": "Its revision the line comes from"},
            "row": {"type": "integer", "description": "Row of the published table"},
            "payment": {"type": "integer", "description": "The payment line"},
            "title": {"type": "string"},
        },
    },
    "SubsidyPayments": {
        "type": "object", "required": ["payments"],
        "properties": {"payments": {"type": "array", "items": {"$ref": "#/components/schemas/SubsidyPayment"}}},
    },
}

PATHS = {
    "/subsidies/check": {
        "post": {
            "summary": "Every payment to an ID number and name in the published payment lists (一卡通 self-check)",
            "operationId": "checkSubsidies",
            "tags": ["subsidies"],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SubsidyCheckRequest"}}}},
            "responses": {
                "200": {"description": "The payments; an empty list both for a person never paid and one "
                                       "unknown", "content": {"application/json": {
                                           "schema": {"$ref": "#/components/schemas/SubsidyPayments"}}}},
                "400": {"description": "Invalid ID number or name", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FieldErrors"}}}},
                "429": {"description": "Too many checks from this address (shared with the web page)",
                        "content": {"application/json": {"schema": _PROBLEM}}},
            },
        },
    },
}
