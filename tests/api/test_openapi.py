"""The OpenAPI document describes the real API: schemas validate real answers; schemathesis finds no 500."""
import jsonschema_rs
import pytest
import schemathesis
from demo_ids import VILLAGE
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

GET_ENDPOINTS = {
    "/villages": ["/api/v1/villages", "/api/v1/villages?q=stc", "/api/v1/villages?per_page=3&page=2"],
    "/villages/{code}": [f"/api/v1/villages/{VILLAGE}", "/api/v1/villages/339901201201"],
    "/villages/{code}/powers": [f"/api/v1/villages/{VILLAGE}/powers?per_page=100"],
    "/villages/{code}/disclosures": [f"/api/v1/villages/{VILLAGE}/disclosures",
                                     "/api/v1/villages/339901101203/disclosures"],
    "/complaint-categories": ["/api/v1/complaint-categories"],
    "/statistics": ["/api/v1/statistics", "/api/v1/statistics?township=339901101"],
    "/disclosures/search": ["/api/v1/disclosures/search?q=郑大山", "/api/v1/disclosures/search?q=补贴&domain=finance",
                            "/api/v1/disclosures/search?q=财务收支&year=2025&page=1"],
}


def _json_schema(node):
    """Turn an OpenAPI 3.0 schema into JSON Schema: `nullable` becomes a null type, refs point at $defs."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k not in ("nullable", "example")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_openapi_3_and_lists_every_endpoint(document):
    assert document["openapi"].startswith("3.1.") and document["servers"] == [{"url": "/api/v1"}]
    for path in (*GET_ENDPOINTS, "/complaints", "/complaints/track"):
        assert path in document["paths"], path
    for path in GET_ENDPOINTS:
        assert "200" in document["paths"][path]["get"]["responses"]


@pytest.mark.parametrize("path", sorted(GET_ENDPOINTS))
def test_real_responses_match_their_schemas(client, document, path):
    defs = _json_schema(document["components"]["schemas"])
    responses = document["paths"][path]["get"]["responses"]
    for url in GET_ENDPOINTS[path]:
        response = client.get(url)
        assert response.status_code == 200, url
        schema = _json_schema(responses["200"]["content"]["application/json"]["schema"])
        validator = jsonschema_rs.validator_for({**schema, "$defs": defs})
        errors = [e.message for e in validator.iter_errors(response.get_json())]
        assert not errors, (url, errors[:5])
    if "404" in responses:
        missing = client.get(path.replace("{code}", "339901999999").join(["/api/v1", ""]))
        assert missing.status_code == 404
        schema = _json_schema(responses["404"]["content"]["application/json"]["schema"])
        assert jsonschema_rs.validator_for({**schema, "$defs": defs}).is_valid(missing.get_json())


def test_schemas_reject_a_wrong_answer(document):
    defs = _json_schema(document["components"]["schemas"])
    validator = jsonschema_rs.validator_for({"$ref": "#/$defs/VillagePage", "$defs": defs})
    assert not validator.is_valid({"items": [], "page": 1, "per_page": 20, "total": 0})  # "next" missing
    assert not validator.is_valid({"items": [{"code": "1"}], "page": 1, "per_page": 20, "total": 1, "next": None})


def test_schemathesis_finds_no_server_error_or_schema_mismatch(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    seen = set()
    assert {op.path for op in operations} == set(GET_ENDPOINTS)
    for operation in operations:
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
            seen.add((operation.path, response.status_code))  # noqa: B023  (check() runs at once, in this loop)

        check()
    # Generated cases reached every operation, with successful answers too (not only 404s and 400s).
    assert {path for path, _status in seen} == set(GET_ENDPOINTS)
    assert {path for path, status in seen if status == 200} >= {"/villages", "/complaint-categories"}
