"""The JSON API: POST /api/v1/complaints and /api/v1/complaints/track."""
import io
import json
import re

import pytest

from portal.complaints import handling
from portal.complaints.models import Complaint, ComplaintAttachment
from portal.core.crypto import decrypt_text
from portal.extensions import db
from tests.complaints.conftest import DESCRIPTION, case_data, complaint_count, jpeg_bytes, user
from tests.demo_ids import VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

API = "/api/v1/complaints"


def test_filing_by_json_answers_201_with_case_number_and_receipt(client):
    before = complaint_count()
    response = client.post(API, json={"village": VILLAGE, "category": "subsidy_fraud", "about": "村会计",
                                      "description": DESCRIPTION, "happened_on": "2025-03-01"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "received" and len(body["receipt"]) == 20 and body["receipt"].isdigit()
    complaint = db.session.query(Complaint).filter_by(public_reference=body["case_number"]).one()
    assert complaint.anonymous and complaint.channel == "api" and str(complaint.happened_on) == "2025-03-01"
    assert complaint_count() == before + 1


def test_real_name_by_json_encrypts_the_contact(client):
    response = client.post(API, json={"village": VILLAGE, "category": "integrity", "about": "村主任",
                                      "description": DESCRIPTION, "anonymous": False,
                                      "contact": {"name": "张三", "phone": "+86 139 0000 1111"}})
    assert response.status_code == 201
    complaint = db.session.query(Complaint).filter_by(public_reference=response.get_json()["case_number"]).one()
    assert decrypt_text(complaint.contact_encrypted) == '{"name": "张三", "phone": "13900001111"}'


def test_filing_by_multipart_with_files(client):
    data = {**case_data(), "anonymous": "false", "contact.name": "李四", "contact.phone": "13700001111",
            "files": [(io.BytesIO(jpeg_bytes()), "证据.jpg")]}
    response = client.post(API, data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    complaint = db.session.query(Complaint).filter_by(public_reference=response.get_json()["case_number"]).one()
    assert not complaint.anonymous
    assert db.session.query(ComplaintAttachment).filter_by(complaint_id=complaint.id).one().original_name == "证据.jpg"


def test_errors_come_per_field_and_nothing_is_stored(client):
    before = complaint_count()
    response = client.post(API, json={"village": "999999999999", "category": "bogus", "about": "",
                                      "description": "短", "anonymous": False, "contact": {"phone": "110"}})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"village", "category", "about", "description", "contact.name", "contact.phone"}
    assert all(isinstance(m, list) and m and all(isinstance(x, str) for x in m) for m in errors.values())
    assert complaint_count() == before


def test_a_body_that_is_not_a_json_object_is_a_400(client):
    for payload in ("[1, 2]", "not json", '"text"', "null"):
        response = client.post(API, data=payload, content_type="application/json")
        assert response.status_code == 400 and "errors" in response.get_json()
    assert client.post(API, data="x", content_type="text/plain").status_code == 400


def test_filing_is_rate_limited_per_address(client):
    codes = [client.post(API, json=case_data()).status_code for _ in range(10)]
    assert codes == [201] * 10
    blocked = client.post(API, json=case_data())
    assert blocked.status_code == 429 and blocked.is_json
    other = client.post(API, json=case_data(), environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 201


def test_tracking_answers_status_days_left_events_and_messages(client, file_case):
    complaint, receipt = file_case()
    handling.send_message(complaint, user("handler_baishi"), "已收到，正在核实。")
    handling.add_note(complaint, user("handler_baishi"), "内部：先查账")
    db.session.commit()
    response = client.post(f"{API}/track", json={"receipt": receipt})
    assert response.status_code == 200
    body = response.get_json()
    assert body["case_number"] == complaint.public_reference and body["status"] == "received"
    assert isinstance(body["days_left"], int) and body["days_left"] > 0
    assert [e["status"] for e in body["events"]] == ["received"]
    assert [m["text"] for m in body["messages"]] == ["已收到，正在核实。"]
    assert "内部" not in response.get_data(as_text=True)


def test_tracking_gives_one_answer_for_any_wrong_receipt(client, file_case):
    _complaint, receipt = file_case()
    wrong = [str((int(receipt) + 7) % 10**20).zfill(20), "1", "", None, 123, ["x"], {"a": 1}]
    answers = [client.post(f"{API}/track", json={"receipt": r}) for r in wrong]
    answers.append(client.post(f"{API}/track", json=[receipt]))
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1


def test_the_receipt_in_the_url_is_never_read(client, file_case):
    _complaint, receipt = file_case()
    assert client.post(f"{API}/track?receipt={receipt}", json={}).status_code == 404


def test_tracking_is_rate_limited(client):
    codes = [client.post(f"{API}/track", json={"receipt": str(i).zfill(20)}).status_code for i in range(10)]
    assert codes == [404] * 10
    assert client.post(f"{API}/track", json={"receipt": "1" * 20}).status_code == 429


def test_the_api_needs_no_csrf_token_and_no_cookie(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(API, json=case_data())
    assert response.status_code == 201 and "Set-Cookie" not in response.headers


def test_the_openapi_document_describes_both_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    responses = doc["paths"]["/complaints"]["post"]["responses"]
    assert {"201", "400", "413", "429"} <= set(responses)
    assert {"404", "200", "429"} <= set(doc["paths"]["/complaints/track"]["post"]["responses"])
    refs = re.findall(r"#/components/schemas/(\w+)", json.dumps(doc))
    assert set(refs) == set(doc["components"]["schemas"])  # every schema used, every reference resolved


def test_the_merged_openapi_document_lists_them(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/complaints" in doc["paths"] and "/complaints/track" in doc["paths"]
