"""The API's contract as a whole: a valid OpenAPI 3.1 document naming every endpoint, one error envelope."""
import jsonschema_rs
import pytest
from demo_ids import VILLAGE
from openapi_spec_validator import OpenAPIV31SpecValidator

from portal import create_app

ENVELOPE_KEYS = {"error", "status", "errors"}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(document).validate()


def test_every_api_endpoint_is_in_the_document(app, document):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_document":
            path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented


def _envelope(document):
    return jsonschema_rs.validator_for({"$ref": "#/$defs/Error", "$defs": document["components"]["schemas"]})


def _assert_enveloped(validator, response, status: int):
    body = response.get_json()
    assert response.status_code == status and response.is_json, (status, response.status_code, body)
    assert set(body) <= ENVELOPE_KEYS and body["status"] == status and body["error"], body
    assert validator.is_valid(body), body


def test_every_error_under_the_api_has_one_envelope(client, document):
    validator = _envelope(document)
    cases = [
        (client.get("/api/v1/villages", query_string={"per_page": 0}), 400),
        (client.post("/api/v1/complaints", json={"village": VILLAGE}), 400),
        (client.post("/api/v1/complaints", data="[1]", content_type="application/json"), 400),
        (client.post("/api/v1/complaints/track", json={"receipt": "1" * 20}), 404),
        (client.get("/api/v1/villages/339901999999"), 404),
        (client.get("/api/v1/no-such-thing"), 404),
        (client.delete("/api/v1/villages"), 405),
        (client.post("/api/v1/complaints", data=b"x" * (27 * 2**20), content_type="application/json"), 413),
    ]
    for response, status in cases:
        _assert_enveloped(validator, response, status)
    field_errors = cases[1][0].get_json()["errors"]
    assert {"category", "about", "description"} <= set(field_errors)


def test_rate_limits_answer_in_the_envelope(app_config, document):
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "COMPLAINT_TRACK_LIMIT": "1/minute"})
    with app.app_context():
        client = app.test_client()
        client.post("/api/v1/complaints/track", json={"receipt": "1" * 20})
        _assert_enveloped(_envelope(document), client.post("/api/v1/complaints/track", json={"receipt": "1" * 20}),
                          429)


def test_a_database_that_does_not_answer_is_a_503_in_the_envelope(app_config, document, tmp_path):
    gone = f"sqlite:///{tmp_path}/no-such-folder/portal.sqlite3"
    client = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": gone}).test_client()
    response = client.get(f"/api/v1/villages/{VILLAGE}")
    _assert_enveloped(_envelope(document), response, 503)
    assert response.headers["Retry-After"] == "30"
