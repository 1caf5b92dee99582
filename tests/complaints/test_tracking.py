"""Following a case with the receipt: uniform not-found, limited guessing, 30 minutes of access, resident actions."""
import io
import re
from datetime import timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface
from markupsafe import escape

from portal.complaints import handling
from portal.complaints.models import ComplaintAttachment, ComplaintEvent
from portal.complaints.tracking import SESSION_KEY
from portal.core.db import utcnow
from portal.core.mail import OutboxMessage
from portal.extensions import db
from tests.complaints.conftest import advance, backdate, jpeg_bytes, user

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

TRACK = "/complaints/track"


def _track(forms, receipt):
    return forms.post(TRACK, {"receipt": receipt})


def _body(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))


def test_a_good_receipt_opens_the_case_in_plain_words(client, forms, file_case):
    complaint, receipt = file_case()
    response = _track(forms, " ".join(receipt[i:i + 4] for i in range(0, 20, 4)))
    assert response.status_code == 303 and response.headers["Location"].endswith(TRACK)
    page = client.get(TRACK).get_data(as_text=True)
    assert complaint.public_reference in page and complaint.case_number not in page
    assert "Received, waiting for a decision" in page or "待" in page
    assert "days left" in page or "天" in page


def test_every_wrong_receipt_gets_the_same_answer(client, forms, file_case):
    _complaint, receipt = file_case()
    wrong = str((int(receipt) + 1) % 10**20).zfill(20)
    typed = (wrong, "0" * 20, "123", "", "x' OR 1=1 --", "１" * 20)
    answers = [_track(forms, r) for r in typed]
    assert {a.status_code for a in answers} == {404}
    bodies = {_body(a).replace(f'value="{escape(r)}"', 'value=""') for a, r in zip(answers, typed, strict=False)}
    assert len(bodies) == 1


def test_the_receipt_in_a_url_is_ignored(client, file_case):
    _complaint, receipt = file_case()
    page = client.get(f"{TRACK}?receipt={receipt}").get_data(as_text=True)
    assert 'id="receipt"' in page and "Case number" not in page and "案件编号" not in page


def test_the_session_keeps_the_case_id_not_the_receipt(app, client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    stored = serializer.loads(client.get_cookie("session").value)
    assert stored[SESSION_KEY]["id"] == complaint.id
    assert receipt not in str(stored)


def test_access_ends_after_30_minutes(client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = {"id": complaint.id, "until": sess[SESSION_KEY]["until"] - 30 * 60 - 1}
    page = client.get(TRACK).get_data(as_text=True)
    assert complaint.case_number not in page and 'id="receipt"' in page


def test_leaving_the_case_ends_access(client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    forms.post(f"{TRACK}/leave", {}, form_url=TRACK)
    assert complaint.case_number not in client.get(TRACK).get_data(as_text=True)


def test_guessing_is_rate_limited_with_a_chinese_message(client, forms):
    answers = [_track(forms, str(i).zfill(20)).status_code for i in range(10)]
    assert set(answers) == {404}
    blocked = _track(forms, "9" * 20)
    assert blocked.status_code == 429
    assert "过多" in blocked.get_data(as_text=True) or "频繁" in blocked.get_data(as_text=True)


def test_the_daily_guessing_limit(app, client, forms):
    app.config["COMPLAINT_TRACK_LIMIT"] = "100/minute;50/day"
    assert {_track(forms, str(i).zfill(20)).status_code for i in range(50)} == {404}
    assert _track(forms, "1" * 20).status_code == 429


def test_internal_notes_are_never_shown_but_messages_are(client, forms, file_case):
    complaint, receipt = file_case()
    handler = user("handler_baishi")
    handling.add_note(complaint, handler, "内部备注：核查村会计账本")
    handling.send_message(complaint, handler, "您好，您的举报已收到。")
    db.session.commit()
    _track(forms, receipt)
    page = client.get(TRACK).get_data(as_text=True)
    assert "您的举报已收到" in page and "内部备注" not in page and "赵敏" not in page


def test_the_complainant_answers_a_question_and_the_handlers_are_told(client, forms, file_case):
    complaint, receipt = file_case()
    handling.send_message(complaint, user("handler_baishi"), "请问是哪一天收的礼金？", question=True)
    db.session.commit()
    _track(forms, receipt)
    assert 'action="/complaints/track/answer"' in client.get(TRACK).get_data(as_text=True)
    before = db.session.query(OutboxMessage).count()
    response = forms.post(f"{TRACK}/answer", {"body": "去年腊月二十，在村委会办公室。"}, form_url=TRACK)
    assert response.status_code == 303
    db.session.expire_all()
    answer = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="answer").one()
    assert answer.public and answer.actor_id is None and "腊月二十" in answer.body
    mails = db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()[before:]
    assert [m.recipient for m in mails] == ["handler_baishi@portal.invalid"]
    assert "腊月" not in mails[0].body and complaint.case_number in mails[0].body
    assert 'action="/complaints/track/answer"' not in client.get(TRACK).get_data(as_text=True)


def test_answering_without_a_question_is_refused(client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    response = forms.post(f"{TRACK}/answer", {"body": "我想补充一点。"}, form_url=TRACK)
    assert response.status_code == 400
    assert db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="answer").count() == 0


def test_the_complainant_adds_information_and_files(client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    data = {"body": "补充：承包老板姓张。", "files": [(io.BytesIO(jpeg_bytes()), "收据.jpg")]}
    response = forms.post(f"{TRACK}/info", data, form_url=TRACK, content_type="multipart/form-data")
    assert response.status_code == 303
    event = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="info").one()
    files = db.session.query(ComplaintAttachment).filter_by(complaint_id=complaint.id).all()
    assert [f.original_name for f in files] == ["收据.jpg"] and files[0].event_id == event.id


def test_acting_after_access_expired_is_refused(client, forms, file_case):
    complaint, receipt = file_case()
    _track(forms, receipt)
    token_page = client.get(TRACK)
    with client.session_transaction() as sess:
        sess.pop(SESSION_KEY)
    from tests.conftest import csrf_from

    token = csrf_from(token_page.get_data(as_text=True))
    response = client.post(f"{TRACK}/info", data={"body": "补充材料", "csrf_token": token})
    assert response.status_code == 303
    assert db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="info").count() == 0


def test_rating_a_concluded_case_once_and_whether_it_counts_as_resolved(client, forms, file_case, reload):
    complaint, receipt = file_case()
    advance(complaint, "concluded")
    _track(forms, receipt)
    page = client.get(TRACK).get_data(as_text=True)
    assert "已责令整改" in page and 'action="/complaints/track/rate"' in page
    assert forms.post(f"{TRACK}/rate", {"rating": "basically_satisfied"}, form_url=TRACK).status_code == 303
    assert reload(complaint).rating == "basically_satisfied"
    page = client.get(TRACK).get_data(as_text=True)
    assert 'action="/complaints/track/rate"' not in page
    assert "counts as resolved" in page or "已解决" in page
    assert forms.post(f"{TRACK}/rate", {"rating": "dissatisfied"}, form_url=TRACK).status_code == 400
    assert reload(complaint).rating == "basically_satisfied"


def test_rating_an_open_case_or_with_a_bad_value_is_refused(client, forms, file_case, reload):
    complaint, receipt = file_case()
    _track(forms, receipt)
    assert forms.post(f"{TRACK}/rate", {"rating": "satisfied"}, form_url=TRACK).status_code == 400
    advance(complaint, "concluded")
    assert forms.post(f"{TRACK}/rate", {"rating": "great"}, form_url=TRACK).status_code == 400
    assert reload(complaint).rating is None


def test_review_within_30_days_goes_to_the_county(client, forms, file_case, reload):
    complaint, receipt = file_case()
    advance(complaint, "concluded")
    _track(forms, receipt)
    reason = "处理结果与事实不符，我有新的证据：收款收据。"
    assert forms.post(f"{TRACK}/review", {"body": reason}, form_url=TRACK).status_code == 303
    complaint = reload(complaint)
    assert complaint.status == "under_review" and complaint.handling_level == "county"
    assert complaint.escalation_reason == "review" and complaint.review_requested_at is not None
    recipients = {m.recipient for m in db.session.query(OutboxMessage)}
    assert "county_handler@portal.invalid" in recipients


def test_review_after_30_days_is_refused(client, forms, file_case, reload):
    complaint, receipt = file_case()
    advance(complaint, "concluded")
    backdate(complaint, replied_at=utcnow() - timedelta(days=31))
    _track(forms, receipt)
    assert 'action="/complaints/track/review"' not in client.get(TRACK).get_data(as_text=True)
    response = forms.post(f"{TRACK}/review", {"body": "处理结果与事实不符，请复查。"}, form_url=TRACK)
    assert response.status_code == 400 and reload(complaint).status == "concluded"


@pytest.mark.parametrize("path", ["/complaints/new", "/complaints/track", "/complaints/receipt"])
def test_complaint_pages_are_never_cached_nor_leak_a_referrer_to_other_sites(client, path):
    response = client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_tracking_api_is_never_cached(client):
    response = client.post("/api/v1/complaints/track", json={"receipt": "1" * 20})
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "same-origin"
