"""Text messages to real-name complainants who chose them: chosen on the form, queued when a handler
acts, sent once through the gateway with retries, never the case's content, never for anonymous cases."""
import json
import logging
import time

import pytest
from conftest import csrf_from
from sqlalchemy import func, select

from portal.complaints.models import Complaint
from portal.core import sms
from portal.core.crypto import decrypt_text
from portal.core.sms import SmsMessage
from portal.core.sms_gateway import HttpGateway, SmsError
from portal.extensions import db
from portal.jobs import runner as jobs
from tests.complaints.conftest import DESCRIPTION, advance, complaint_count, user
from tests.complaints.sms_server import KEY_ID, SmsGatewayServer
from tests.complaints.test_privacy import every_logger  # noqa: F401 - fixture
from tests.complaints.test_steps import STEP, _post, _start
from tests.demo_ids import VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

MOBILE = "13812345678"


def _walk_named(client, forms, phone=MOBILE, sms_box="1"):
    _start(client)
    for step, data in [("what", {"description": DESCRIPTION}), ("who", {"about_whom": "village", "about": "村主任"}),
                       ("kind", {"category": "integrity"}), ("name", {"anonymous": "0"})]:
        assert _post(client, forms, step, data, content_type="multipart/form-data").status_code == 303
    contact = {"contact_name": "王小明", "contact_phone": phone}
    if sms_box:
        contact["notify_sms"] = sms_box
    return _post(client, forms, "contact", contact, content_type="multipart/form-data")


def _named_case(file_case, phone=MOBILE, sms_opt_in=True):
    complaint, _ = file_case(anonymous="0", contact_name="王小明", contact_phone=phone,
                             notify_sms="1" if sms_opt_in else "")
    return complaint


def _queued(complaint) -> list[SmsMessage]:
    db.session.commit()
    return list(db.session.scalars(select(SmsMessage).where(SmsMessage.ref == f"complaint:{complaint.id}")
                                   .order_by(SmsMessage.id)))


def _settle():
    """Mark what the demo queued as sent, so a test counts only its own messages."""
    db.session.execute(db.update(SmsMessage).where(SmsMessage.sent_at.is_(None)).values(sent_at=func.now()))
    db.session.commit()


def test_a_named_complainant_chooses_texts_on_the_stepwise_form(client, forms):
    assert _walk_named(client, forms).headers["Location"].endswith("/complaints/new/check")
    page = client.get(STEP + "check").get_data(as_text=True)
    assert "有进展时短信通知我" in page
    forms.post(STEP + "check", {}, form_url=STEP + "check")
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert complaint.sms_opt_in and not complaint.anonymous
    assert MOBILE not in complaint.contact_encrypted
    assert json.loads(decrypt_text(complaint.contact_encrypted))["phone"] == MOBILE


def test_texts_need_a_mobile_number_and_the_form_says_so_beside_the_box(client, forms):
    client.set_cookie("lang", "en")
    response = _walk_named(client, forms, phone="0571-88886666")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="field-notify_sms"' in page and "Text messages can only go to a mobile number" in page
    assert "0571-88886666" in page  # nothing typed is lost
    assert _walk_named(client, forms, phone="0571-88886666", sms_box="").status_code == 303


def test_an_anonymous_report_never_gets_a_text_even_if_the_box_is_forged(file_case, reload):
    complaint, _ = file_case(notify_sms="1")
    advance(complaint, "accepted", user("handler_baishi"))
    assert not reload(complaint).sms_opt_in and _queued(complaint) == []


def test_staff_intake_records_the_residents_choice(client, login_as, forms):
    login_as("handler_baishi")
    client.set_cookie("lang", "en")
    before = complaint_count()
    data = {"village": VILLAGE, "category": "integrity", "about": "村会计", "channel": "phone",
            "description": "来电反映：村会计虚报误工补贴三千元。", "anonymous": "0", "contact_name": "赵大妈",
            "contact_phone": "0571-88886666", "notify_sms": "1"}
    refused = forms.post("/triage/new", data, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "Text messages can only go to a mobile number" in refused.get_data(as_text=True)
    assert complaint_count() == before
    done = forms.post("/triage/new", {**data, "contact_phone": "139 0000 1111"}, content_type="multipart/form-data")
    assert done.status_code == 303
    complaint = db.session.query(Complaint).order_by(Complaint.id.desc()).first()
    assert complaint.sms_opt_in and complaint.channel == "phone"


def test_each_handler_step_queues_one_text_with_only_the_reference_and_where_to_look(client, login_as, forms,
                                                                                       file_case):
    _settle()
    complaint = _named_case(file_case)
    login_as("handler_baishi")
    url = f"/triage/{complaint.case_number}"
    steps = [({"action": "accept"}, "case_update"),
             ({"action": "question", "body": "请问礼金是哪一天收的？"}, "case_question"),
             ({"action": "message", "body": "已收到，正在核实。"}, None),  # a plain message: no text
             ({"action": "note", "note": "先调取工程合同"}, None),
             ({"action": "start"}, None),
             ({"action": "extend", "days": "10", "reason": "需要调取银行流水"}, "case_update"),
             ({"action": "conclude", "finding": "partly_true", "disposal_mode": "preliminary_check",
               "reply": "经核实，部分属实，已责令整改。", "confirm": "1"}, "case_update")]
    expected = []
    for data, template in steps:
        assert forms.post(f"{url}/act", data, form_url=url).status_code == 303, data
        if template:
            expected.append(template)
        assert [m.template for m in _queued(complaint)] == expected, data
    for msg in _queued(complaint):
        params = json.loads(msg.params)
        assert set(params) == {"ref", "url"} and params["ref"] == complaint.public_reference
        assert params["url"].endswith("/complaints/track")
        assert msg.recipient_masked == "138****5678" and MOBILE not in msg.recipient_encrypted
        assert decrypt_text(msg.recipient_encrypted) == MOBILE
        for secret in (DESCRIPTION, "村主任", "王小明", complaint.case_number, "礼金", "部分属实"):
            assert secret not in msg.params
    page = client.get(url).get_data(as_text=True)
    assert "有进展时会收到短信" in page


def test_no_text_when_the_complainant_did_not_choose_one(file_case):
    complaint = _named_case(file_case, sms_opt_in=False)
    advance(complaint, "concluded", user("handler_baishi"))
    assert _queued(complaint) == []


def test_the_logging_gateway_logs_a_masked_number_and_never_the_content(app, file_case, caplog, every_logger):  # noqa: F811
    _settle()
    complaint = _named_case(file_case)
    advance(complaint, "accepted", user("handler_baishi"))
    with caplog.at_level(logging.INFO):
        summary = jobs.run_once(escalation=False)
    assert summary.sms.sent == 1 and "sms: 1 sent" in summary.line()
    (msg,) = _queued(complaint)
    assert msg.sent_at is not None and msg.recipient_encrypted is None and msg.gateway_id.startswith("log-")
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records if r.name.startswith("portal.core.sms"))
    assert "138****5678" in logged and MOBILE not in logged
    for secret in (DESCRIPTION, "村主任", complaint.public_reference, complaint.case_number):
        assert secret not in logged


def test_the_http_gateway_signs_each_request_for_a_real_server(app):
    with SmsGatewayServer() as server:
        gateway = HttpGateway(server.config())
        message_id = gateway.send(MOBILE, "138****5678", "case_question", {"ref": "Q2026ABCD", "url": "https://x/t"})
        (request,) = server.requests
    assert message_id == "biz1"
    assert request["PhoneNumbers"] == MOBILE and request["AccessKeyId"] == KEY_ID
    assert request["TemplateCode"] == "SMS_100002" and request["SignName"] == "阳光村务"
    assert json.loads(request["TemplateParam"]) == {"ref": "Q2026ABCD", "url": "https://x/t"}
    assert request["SignatureMethod"] == "HMAC-SHA1" and request["Action"] == "SendSms"
    with SmsGatewayServer() as server:
        wrong = HttpGateway({**server.config(), "SMS_ACCESS_KEY_SECRET": "not-the-secret"})
        with pytest.raises(SmsError) as refused:
            wrong.send(MOBILE, "138****5678", "case_update", {"ref": "x", "url": "y"})
    assert refused.value.permanent and MOBILE not in str(refused.value)


def test_a_silent_gateway_costs_one_timeout(app):
    with SmsGatewayServer(silent=True) as server:
        gateway = HttpGateway(server.config(SMS_TIMEOUT=0.5))
        started = time.monotonic()
        with pytest.raises(SmsError) as failed:
            gateway.send(MOBILE, "138****5678", "case_update", {"ref": "x", "url": "y"})
        assert time.monotonic() - started < 3
    assert not failed.value.permanent and "unreachable" in str(failed.value)


def test_failures_retry_with_backoff_then_die_and_the_county_sees_the_dead_letter(app, file_case, auth, client):
    _settle()
    complaint = _named_case(file_case)
    advance(complaint, "accepted", user("handler_baishi"))
    with SmsGatewayServer() as server:
        app.config.update(server.config(SMS_MAX_ATTEMPTS=3))
        server.answers = [(503, {"Code": "ServiceUnavailable", "Message": "busy"})] * 3
        first = sms.deliver_pending()
        (msg,) = _queued(complaint)
        assert (first.sent, first.retried, first.dead) == (0, 1, 0)
        assert msg.attempts == 1 and msg.next_attempt_at is not None and msg.sent_at is None
        assert sms.deliver_pending().retried == 0  # not due yet: the backoff holds it
        second = sms.deliver_pending(now=msg.next_attempt_at)
        (msg,) = _queued(complaint)
        third = sms.deliver_pending(now=msg.next_attempt_at)
        assert (second.retried, third.dead) == (1, 1)
        (msg,) = _queued(complaint)
        assert msg.dead_at is not None and msg.attempts == 3 and MOBILE not in (msg.last_error or "")
        assert len(server.requests) == 3
        auth.login("county_admin")
        client.set_cookie("lang", "en")
        page = client.get("/admin/mail").get_data(as_text=True)
        assert "Text messages to complainants" in page and "138****5678" in page and MOBILE not in page
        assert 'id="sms-dead-count">1<' in page
        home = client.get("/admin/").get_data(as_text=True)
        assert "Text messages to complainants" in home and "0 waiting, 1 undeliverable" in home
        token = csrf_from(page)
        assert client.post(f"/admin/mail/sms/{msg.id}/retry", data={"csrf_token": token}).status_code == 302
        again = sms.deliver_pending()
        assert again.sent == 1 and len(server.requests) == 4
    (msg,) = _queued(complaint)
    assert msg.sent_at is not None and msg.recipient_encrypted is None and msg.gateway_id == "biz4"


def test_a_refused_request_dies_at_once(app, file_case):
    _settle()
    complaint = _named_case(file_case)
    advance(complaint, "accepted", user("handler_baishi"))
    with SmsGatewayServer() as server:
        app.config.update(server.config())
        server.answers = [(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "illegal number"})]
        result = sms.deliver_pending()
    assert (result.sent, result.retried, result.dead) == (0, 0, 1)


def test_an_http_gateway_without_its_settings_refuses_to_start(monkeypatch, tmp_path):
    from portal.config import UnsafeConfig, build_config

    monkeypatch.setenv("SMS_PROVIDER", "http")
    monkeypatch.setenv("SMS_API_URL", "file:///etc/passwd")
    with pytest.raises(UnsafeConfig) as refused:
        build_config(str(tmp_path))
    assert "SMS_ACCESS_KEY_SECRET must be set" in str(refused.value) and "http(s) address" in str(refused.value)


def test_the_complainant_stops_the_texts_on_the_tracking_page_and_waiting_ones_are_withdrawn(client, forms,
                                                                                            file_case):
    complaint, receipt = file_case(anonymous="0", contact_name="王小明", contact_phone=MOBILE, notify_sms="1")
    advance(complaint, "accepted", user("handler_baishi"))
    assert len(_queued(complaint)) == 1  # not sent yet
    client.set_cookie("lang", "en")
    forms.post("/complaints/track", {"receipt": receipt})
    page = client.get("/complaints/track").get_data(as_text=True)
    assert "You get a text message when there is news on this case." in page
    response = forms.post("/complaints/track/sms-stop", {}, form_url="/complaints/track")
    assert response.status_code == 303
    page = client.get("/complaints/track").get_data(as_text=True)
    assert "No more text messages will be sent about this case." in page and "Stop the text messages" not in page
    db.session.expire_all()
    assert not db.session.get(Complaint, complaint.id).sms_opt_in and _queued(complaint) == []
    advance(complaint, "concluded", user("handler_baishi"))
    assert _queued(complaint) == []
    again = forms.post("/complaints/track/sms-stop", {}, form_url="/complaints/track")
    assert again.status_code == 400 and "This case sends no text messages." in again.get_data(as_text=True)
