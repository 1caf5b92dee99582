"""Bad input anywhere: a clear message, nothing stored, never a 500."""
import io
import os
from urllib.parse import quote_from_bytes

import pytest

from portal.complaints.models import ComplaintEvent
from portal.extensions import db
from tests.complaints.conftest import case_data, complaint_count, jpeg_bytes
from tests.demo_ids import VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

NEW = "/complaints/new"
API = "/api/v1/complaints"
HOSTILE = {
    "village": ["339901101202' OR '1'='1", "../../etc/passwd", "<script>alert(1)</script>", "3399011012020", "１" * 12],
    "category": ["<script>alert(1)</script>", "'; DROP TABLE complaint;--", "INTEGRITY", "\x00"],
    "about": ["\x00\x01\x02", "a\u202egnp.exe", "x" * 201],
    "description": ["短", "x" * 5001, "正常的文字\x00后面有空字符", "\x1b[31m红色控制字符\x1b[0m内容"],
    "happened_on": ["2025-13-45", "0000-00-00", "2999-01-01", "yesterday", "2025-03-01T10:00", "1800-01-01"],
    "anonymous": ["maybe", "<b>", "2"],
    "power_item": ["-1", "1e9", "abc", "99999999999999", "1; DROP TABLE"],
    "step": ["99", "-1", "x"],
    "disclosure": ["99999999", "0", "<x>"],
    "concerns_township_officials": ["perhaps"],
}
REAL_NAME_HOSTILE = {
    "contact_name": ["", "\x00", "名" * 51, "张\u202e三"],
    "contact_phone": ["<svg onload=alert(1)>", "12345", "1" * 41, "138-1234-567", "+1 202 555 0100", "０５７１"],
}


def _uploads(app) -> int:
    folder = app.config["UPLOAD_DIR"]
    return len(os.listdir(folder)) if os.path.isdir(folder) else 0


def _cases():
    for field, values in HOSTILE.items():
        for value in values:
            yield field, value, {}
    for field, values in REAL_NAME_HOSTILE.items():
        for value in values:
            yield field, value, {"anonymous": "0", "contact_name": "张三", "contact_phone": "13812345678"}


@pytest.mark.parametrize("field, value, base", list(_cases()))
def test_hostile_form_values_get_a_message_beside_the_field_and_store_nothing(forms, field, value, base):
    before = complaint_count()
    data = case_data(**base)
    data[field] = value
    response = forms.post(NEW, data, form_url=NEW)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    shown_field = "village" if field == "village" else field
    assert f'id="error-{shown_field}"' in page or f'href="#field-{shown_field}"' in page
    assert "<script>alert(1)</script>" not in page and "<svg onload" not in page
    assert complaint_count() == before


@pytest.mark.parametrize("field, value, base", list(_cases()))
def test_hostile_api_values_get_a_message_per_field_and_store_nothing(client, field, value, base):
    before = complaint_count()
    data = {**case_data(), "anonymous": True}
    if base:
        data["anonymous"] = False
        data["contact"] = {"name": "张三", "phone": "13812345678"}
    if field.startswith("contact_"):
        data["contact"][field.split("_")[1]] = value
    else:
        data[field] = value
    response = client.post(API, json=data)
    assert response.status_code == 400, response.get_json()
    errors = response.get_json()["errors"]
    assert errors.get(field.replace("contact_", "contact.")) or errors, errors
    assert complaint_count() == before


@pytest.mark.parametrize("field, value", [
    ("village", 339901101202), ("category", ["integrity"]), ("about", {"x": 1}), ("description", 12345678901),
    ("happened_on", 20250301), ("anonymous", "perhaps"), ("power_item", True), ("contact", "张三 13812345678"),
])
def test_wrongly_typed_json_values_are_refused(client, field, value):
    before = complaint_count()
    data = {**case_data(), field: value}
    if field == "contact":
        data["anonymous"] = False
    response = client.post(API, json=data)
    assert response.status_code == 400 and response.get_json()["errors"]
    assert complaint_count() == before


def test_an_empty_form_names_every_missing_field(forms):
    before = complaint_count()
    page = forms.post(NEW, {}, form_url=NEW).get_data(as_text=True)
    for field in ("village", "category", "about", "description"):
        assert f'id="error-{field}"' in page
    assert complaint_count() == before


def test_an_empty_api_body_names_every_missing_field(client):
    errors = client.post(API, json={}).get_json()["errors"]
    assert {"village", "category", "about", "description"} <= set(errors)


def test_text_in_a_wrong_encoding_is_refused_with_a_message(client, forms):
    before = complaint_count()
    token = forms.client.get(NEW, follow_redirects=True).get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    gbk = "这段文字是用GBK编码发送的内容".encode("gbk")
    body = (f"csrf_token={token}&village={VILLAGE}&category=integrity&about=%E6%9D%91&anonymous=1&description="
            + quote_from_bytes(gbk))
    response = client.post(NEW, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and 'id="error-description"' in response.get_data(as_text=True)
    raw = b'{"village": "339901101202", "category": "integrity", "about": "\xb4\xe5", "description": "' + gbk + b'"}'
    assert client.post(API, data=raw, content_type="application/json").status_code == 400
    lone = '{"village": "339901101202", "category": "integrity", "about": "x", "description": "\\ud800 半个代理字符的内容"}'
    api = client.post(API, data=lone, content_type="application/json")
    assert api.status_code == 400 and "description" in api.get_json()["errors"]
    assert complaint_count() == before


@pytest.mark.parametrize("name, content", [
    ("photo.jpg", os.urandom(4096)),
    ("report.pdf", b"<html><script>alert(1)</script></html>"),
    ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("archive.zip", b"PK\x03\x04" + os.urandom(100)),
    ("broken.jpg", jpeg_bytes()[:40]),
    ("script.pdf", b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"),
    ("empty.png", b""),
    ("../../../etc/passwd.jpg", b"root:x:0:0"),
])
def test_bad_files_get_a_message_and_nothing_is_kept(app, forms, name, content):
    before, files_before = complaint_count(), _uploads(app)
    data = case_data(files=[(io.BytesIO(jpeg_bytes()), "good.jpg"), (io.BytesIO(content), name)])
    response = forms.post(NEW, data, form_url=NEW, content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="error-files"' in response.get_data(as_text=True)
    assert complaint_count() == before and _uploads(app) == files_before


def test_too_many_files_or_too_much_data_is_refused(app, forms):
    before, files_before = complaint_count(), _uploads(app)
    six = [(io.BytesIO(jpeg_bytes()), f"{i}.jpg") for i in range(6)]
    response = forms.post(NEW, case_data(files=six), form_url=NEW, content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="error-files"' in response.get_data(as_text=True)
    app.config["COMPLAINT_FILES_MAX_BYTES"] = 10
    two = [(io.BytesIO(jpeg_bytes()), f"{i}.jpg") for i in range(2)]
    response = forms.post(NEW, case_data(files=two), form_url=NEW, content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="error-files"' in response.get_data(as_text=True)
    assert complaint_count() == before and _uploads(app) == files_before


def test_a_huge_body_is_refused_in_chinese(app, forms):
    before = complaint_count()
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    data = case_data(files=[(io.BytesIO(b"\xff\xd8\xff" + b"0" * 300_000), "big.jpg")])
    response = forms.post(NEW, data, form_url=NEW, content_type="multipart/form-data")
    assert response.status_code == 413 and "太大" in response.get_data(as_text=True)
    assert complaint_count() == before


def test_hostile_but_valid_text_is_stored_as_text_and_shown_escaped(client, login_as, file_case):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)> 村干部收钱的事"
    complaint, _ = file_case(about="<b>村长</b>", description=payload)
    assert complaint.description == payload
    login_as("county_handler")
    page = client.get(f"/triage/{complaint.case_number}").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in page and "&lt;script&gt;" in page
    assert "<b>村长</b>" not in page


@pytest.mark.parametrize("path, data", [
    ("/complaints/track/answer", {"body": "\x00"}),
    ("/complaints/track/answer", {"body": "x" * 5001}),
    ("/complaints/track/info", {"body": ""}),
    ("/complaints/track/info", {"body": "\x07响铃"}),
    ("/complaints/track/rate", {"rating": "<script>"}),
    ("/complaints/track/review", {"body": "短"}),
])
def test_bad_resident_actions_change_nothing(client, forms, file_case, path, data):
    from portal.complaints import handling
    from tests.complaints.conftest import user

    complaint, receipt = file_case()
    handling.send_message(complaint, user("handler_baishi"), "请回答：具体时间？", question=True)
    db.session.commit()
    forms.post("/complaints/track", {"receipt": receipt})
    count = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).count()
    response = forms.post(path, data, form_url="/complaints/track")
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).count() == count


@pytest.mark.parametrize("data", [
    {"action": "<script>"}, {"action": ""}, {"action": "decline", "reply": "\x00\x00"},
    {"action": "transfer", "reply": "已转办", "transferred_to": ""}, {"action": "extend", "days": "1e3", "reason": "x理由"},
    {"action": "conclude", "finding": "'; DROP", "disposal_mode": "close", "reply": "答复"},
    {"action": "note", "note": "x" * 5001}, {"action": "question", "body": ""},
])
def test_bad_handler_actions_get_a_message_and_change_nothing(client, forms, login_as, file_case, data):
    complaint, _ = file_case()
    login_as("handler_baishi")
    url = f"/triage/{complaint.case_number}"
    count = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).count()
    response = forms.post(f"{url}/act", data, form_url=url)
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert complaint.status == "received"
    assert db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id).count() == count
