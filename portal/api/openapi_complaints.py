"""OpenAPI 3.0 fragment for the two complaint endpoints (merged into /api/v1/openapi.json)."""
from portal.complaints.models import CATEGORIES, RATINGS
from portal.core.roles import STATUSES

_ERRORS = {"$ref": "#/components/schemas/FieldErrors"}
_PROBLEM = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}

SCHEMAS = {
    "ComplaintSubmission": {
        "type": "object",
        "required": ["village", "category", "about", "description"],
        "properties": {
            "village": {"type": "string", "pattern": r"^\d{12}$", "description": "12-digit village code"},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "about": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Who or what it is about"},
            "description": {"type": "string", "minLength": 10, "maxLength": 5000},
            "happened_on": {"type": "string", "format": "date", "nullable": True,
                            "description": "Not in the future"},
            "power_item": {"type": "integer", "nullable": True, "description": "Power item of the village"},
            "step": {"type": "integer", "nullable": True, "description": "Step number of the power item"},
            "disclosure": {"type": "integer", "nullable": True, "description": "Published disclosure of the village"},
            "about_whom": {"type": "string", "enum": ["village", "township", "unknown"], "default": "unknown",
                           "description": "Who it is about: village cadres (村干部), township officials (乡镇干部, "
                                          "routes the case to the county) or not sure (不清楚). A case naming a "
                                          "listed township official or the township's handler goes to the county "
                                          "whatever is chosen."},
            "concerns_township_officials": {"type": "boolean", "default": False,
                                            "description": "Older form of about_whom=township"},
            "anonymous": {"type": "boolean", "default": True},
            "contact": {
                "type": "object", "nullable": True,
                "description": "Required when anonymous is false; stored encrypted",
                "properties": {"name": {"type": "string", "maxLength": 50},
                               "phone": {"type": "string", "description": "Chinese mobile or landline with area code"}},
            },
        },
    },
    "ComplaintMultipart": {
        "type": "object",
        "description": "Same fields as ComplaintSubmission; contact as contact.name / contact.phone; "
                       "booleans as true/false; up to 5 JPEG, PNG or PDF files.",
        "required": ["village", "category", "about", "description"],
        "properties": {
            "village": {"type": "string"}, "category": {"type": "string"}, "about": {"type": "string"},
            "description": {"type": "string"}, "happened_on": {"type": "string", "format": "date"},
            "power_item": {"type": "integer"}, "step": {"type": "integer"}, "disclosure": {"type": "integer"},
            "concerns_township_officials": {"type": "boolean"}, "anonymous": {"type": "boolean"},
            "about_whom": {"type": "string", "enum": ["village", "township", "unknown"]},
            "contact.name": {"type": "string"}, "contact.phone": {"type": "string"},
            "files": {"type": "array", "maxItems": 5, "items": {"type": "string", "format": "binary"}},
        },
    },
    "ComplaintReceipt": {
        "type": "object",
        "required": ["case_number", "receipt", "status"],
        "properties": {
            "case_number": {"type": "string", "pattern": r"^\d{4}-\d{4}-\d{4}$", "example": "2026-4821-3907",
                            "description": "The complainant's reference: the year and eight random digits. It "
                                           "does not reveal how many complaints the county received (staff "
                                           "keep a separate sequential case number)."},
            "receipt": {"type": "string", "pattern": r"^\d{20}$",
                        "description": "Shown once; the portal keeps only a hash of it"},
            "receipt_formatted": {"type": "string", "example": "1234 5678 9012 3456 7890"},
            "status": {"type": "string", "enum": list(STATUSES)},
        },
    },
    "TrackRequest": {
        "type": "object", "required": ["receipt"],
        "properties": {"receipt": {"type": "string", "description": "20 digits; spaces allowed"}},
    },
    "ComplaintEvent": {
        "type": "object",
        "properties": {"at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"},
                       "status": {"type": "string", "nullable": True}, "text": {"type": "string", "nullable": True}},
    },
    "ComplaintStatus": {
        "type": "object",
        "required": ["case_number", "status", "days_left", "events", "messages"],
        "properties": {
            "case_number": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "status_label": {"type": "string"},
            "days_left": {"type": "integer", "nullable": True, "description": "Negative when overdue"},
            "due": {"type": "string", "format": "date", "nullable": True},
            "resolved": {"type": "boolean", "nullable": True},
            "rating": {"type": "string", "enum": list(RATINGS), "nullable": True},
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/ComplaintEvent"}},
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/ComplaintEvent"}},
        },
    },
    "FieldErrors": {
        "type": "object", "required": ["errors"],
        "properties": {"errors": {"type": "object",
                                  "additionalProperties": {"type": "array", "items": {"type": "string"}}}},
    },
}

PATHS = {
    "/complaints": {
        "post": {
            "summary": "File a complaint (no account needed)",
            "operationId": "createComplaint",
            "tags": ["complaints"],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ComplaintSubmission"}},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ComplaintMultipart"}},
            }},
            "responses": {
                "201": {"description": "Filed", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ComplaintReceipt"}}}},
                "400": {"description": "Invalid fields; nothing stored",
                        "content": {"application/json": {"schema": _ERRORS}}},
                "413": {"description": "Body too large", "content": {"application/json": {"schema": _PROBLEM}}},
                "429": {"description": "Too many submissions from this address",
                        "content": {"application/json": {"schema": _PROBLEM}}},
            },
        },
    },
    "/complaints/track": {
        "post": {
            "summary": "Follow a complaint with its receipt (never put the receipt in a URL)",
            "operationId": "trackComplaint",
            "tags": ["complaints"],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/TrackRequest"}}}},
            "responses": {
                "200": {"description": "The case as the complainant sees it", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ComplaintStatus"}}}},
                "404": {"description": "No case for this receipt (the same answer for any wrong receipt)",
                        "content": {"application/json": {"schema": _PROBLEM}}},
                "429": {"description": "Too many attempts from this address",
                        "content": {"application/json": {"schema": _PROBLEM}}},
            },
        },
    },
}
