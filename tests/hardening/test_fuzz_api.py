"""The JSON API under hostile bodies: never a 5xx, errors per field, one uniform 404, nothing stored on refusal."""
import json

import pytest
import schemathesis
from demo_ids import VILLAGE
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from hardening import hostile
from hardening.conftest import changes
from hardening.formkit import has_traceback
from portal import create_app
from portal.extensions import db

CREATE, TRACK = "/api/v1/complaints", "/api/v1/complaints/track"
ENDPOINT = {CREATE: "api.complaints_create", TRACK: "api.complaints_track",
            "/complaints": "api.complaints_create", "/complaints/track": "api.complaints_track",
            "/subsidies/check": "api.subsidies_check"}
VALID = {"village": VILLAGE, "category": "integrity", "about": "村主任", "description": "村主任在村道工程中收受礼金两万元。"}
FIELDS = [*VALID, "happened_on", "power_item", "step", "disclosure", "anonymous", "concerns_township_officials",
          "contact"]
FUZZ = settings(max_examples=30, deadline=None, database=None, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
TEN_MB = 10 * 2**20


def _judge_json(response) -> dict:
    """Never a 5xx, always JSON, never a traceback."""
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    assert not has_traceback(response.get_data(as_text=True))
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:500]
    return response.get_json()


def _judge_refusal(response, before, after) -> None:
    """A 400 names the fields in `errors` (lists of messages); any refusal stores nothing."""
    body = _judge_json(response)
    if response.status_code == 400:
        errors = body.get("errors")
        assert isinstance(errors, dict) and errors, body
        assert all(isinstance(m, list) and m and all(isinstance(x, str) and x for x in m) for m in errors.values())
    else:
        assert response.status_code in (413, 429), body
        assert isinstance(body.get("error"), str) and body["error"], body
    assert changes(before, after) == {}, f"refused with {response.status_code}, yet stored: {changes(before, after)}"


@st.composite
def submissions(draw):
    """A valid submission with one to three fields spoiled (wrong types, hostile text, odd numbers)."""
    body = dict(VALID)
    if draw(st.booleans()):
        body.update(anonymous=False, contact={"name": "张三", "phone": "13812345678"})
    for name in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True)):
        body[name] = draw(st.one_of(hostile.json_values, hostile.sharp.filter(lambda v: isinstance(v, str))))
    if draw(st.integers(0, 4)) == 0:
        body[draw(st.sampled_from(["", "__proto__", "x" * 1000, "village\x00", "contact.name"]))] = \
            draw(hostile.json_values)
    return body


def test_hostile_json_submissions_are_refused_per_field(client, snapshot, tally):
    assert client.post(CREATE, json=VALID).status_code == 201  # the unspoiled submission is accepted

    @FUZZ
    @given(body=submissions(), ascii_only=st.booleans())
    def attack(body, ascii_only):
        before = snapshot()
        response = client.post(CREATE, data=json.dumps(body, ensure_ascii=ascii_only), content_type="application/json")
        tally.record("api.complaints_create", response.status_code, "json")
        after = snapshot()
        assert "<NUL stored in>" not in after, after["<NUL stored in>"]
        if response.status_code == 201:
            created = _judge_json(response)
            assert created["status"] == "received" and created["receipt"].isdigit()
            assert after["complaint"][0] == before["complaint"][0] + 1
        else:
            _judge_refusal(response, before, after)

    attack()


@pytest.mark.parametrize("url", [CREATE, TRACK])
def test_raw_bodies_that_are_not_a_json_object(client, snapshot, tally, url):
    bodies = [*hostile.RAW_BODIES, (json.dumps({**VALID, "description": "长" * (TEN_MB // 3)}).encode(),
                                    "application/json"), (b"{" + b" " * TEN_MB + b"}", "application/json"),
              (b"\xff" * TEN_MB, "application/json"), (b"x" * (27 * 2**20), "application/json")]
    unknown = client.post(TRACK, json={"receipt": "1234 5678 9012 3456 7890"})
    for payload, content_type in bodies:
        before = snapshot()
        response = client.post(url, data=payload, content_type=content_type)
        tally.record(ENDPOINT[url], response.status_code, "raw")
        if url == TRACK and response.status_code != 413:
            # One answer for any bad receipt, whatever the body: nothing tells what was wrong.
            assert (response.status_code, _judge_json(response)) == (404, unknown.get_json()), payload[:80]
        else:
            _judge_refusal(response, before, snapshot())


def test_hostile_receipts_get_one_uniform_404(client, tally):
    unknown = client.post(TRACK, json={"receipt": "1234 5678 9012 3456 7890"})
    assert unknown.status_code == 404 and set(unknown.get_json()) == {"error", "status"}

    @FUZZ
    @given(receipt=st.one_of(hostile.json_values, hostile.sharp.filter(lambda v: isinstance(v, str)),
                             st.from_regex(r"\A[0-9 \-]{16,40}\Z")),
           as_form=st.integers(0, 5))
    def attack(receipt, as_form):
        if as_form == 0 and isinstance(receipt, str):
            response = client.post(TRACK, data={"receipt": receipt})
        else:
            response = client.post(TRACK, data=json.dumps({"receipt": receipt}), content_type="application/json")
        tally.record("api.complaints_track", response.status_code, "json")
        assert (response.status_code, _judge_json(response)) == (404, unknown.get_json())

    attack()


def test_limits_still_apply_to_hostile_bodies(app_config, tally):
    """With rate limits on (as in production): refusals answer 429 in JSON once the allowance is spent."""
    app = create_app({**app_config, "RATELIMIT_ENABLED": True, "COMPLAINT_TRACK_LIMIT": "3/minute"})
    with app.app_context():
        client = app.test_client()
        answers = [client.post(TRACK, data=hostile.nested(50_000), content_type="application/json")
                   for _ in range(5)]
        for response in answers:
            tally.record("api.complaints_track", response.status_code, "limited")
            _judge_json(response)
        assert [r.status_code for r in answers] == [404, 404, 404, 429, 429]
        assert answers[-1].get_json()["status"] == 429
        db.session.remove()
        db.engine.dispose()


def test_schemathesis_posts_find_no_server_error(app, snapshot, tally):
    """Generated POST bodies for every POST operation of the OpenAPI document: no 5xx, nothing stored on refusal."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).include(method="POST")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/complaints", "/complaints/track", "/subsidies/check"}
    seen = set()
    for operation in operations:
        @settings(max_examples=25, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            before = snapshot()
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])
            # check() runs at once, in this loop: operation is the current one.
            tally.record(ENDPOINT[operation.path], response.status_code, "schemathesis")  # noqa: B023
            seen.add((operation.path, response.status_code))  # noqa: B023
            if response.status_code >= 400:
                assert changes(before, snapshot()) == {}

        check()
    assert {path for path, _ in seen} == {"/complaints", "/complaints/track", "/subsidies/check"}
