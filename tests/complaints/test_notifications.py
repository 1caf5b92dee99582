"""E-mail through the outbox: who is told, what they are told, and nothing lost when SMTP is down."""
import socket

import pytest

from portal.accounts.models import User
from portal.complaints import handling, notify, routing, tracking
from portal.complaints.models import Recusal
from portal.core.mail import OutboxMessage, deliver_pending
from portal.extensions import db
from tests.complaints.conftest import DESCRIPTION, user

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _new_mail(since: int) -> list[OutboxMessage]:
    return db.session.query(OutboxMessage).filter(OutboxMessage.id > since).order_by(OutboxMessage.id).all()


def _last() -> int:
    return db.session.query(db.func.max(OutboxMessage.id)).scalar() or 0


def test_a_new_case_tells_the_handlers_of_its_township_only(file_case):
    since = _last()
    complaint, receipt = file_case(anonymous="0", contact_name="王小明", contact_phone="13812345678")
    mails = _new_mail(since)
    assert [m.recipient for m in mails] == ["handler_baishi@portal.invalid"]
    body = mails[0].subject + mails[0].body
    assert complaint.case_number in body and f"/triage/{complaint.case_number}" in body
    for secret in (DESCRIPTION, receipt, "王小明", "13812345678", complaint.about):
        assert secret not in body


def test_a_case_for_the_county_tells_the_county_handlers(file_case):
    since = _last()
    file_case(concerns_township_officials="1")
    assert [m.recipient for m in _new_mail(since)] == ["county_handler@portal.invalid"]


def test_handlers_without_email_inactive_or_recused_are_skipped(file_case):
    extra = User(username="handler_baishi2", role="township_handler", password_hash="x",
                 township_id=user("handler_baishi").township_id, email="second@portal.invalid")
    silent = User(username="handler_baishi3", role="township_handler", password_hash="x",
                  township_id=user("handler_baishi").township_id, email=None)
    gone = User(username="handler_baishi4", role="township_handler", password_hash="x", is_active_flag=False,
                township_id=user("handler_baishi").township_id, email="gone@portal.invalid")
    db.session.add_all([extra, silent, gone])
    db.session.commit()
    complaint, _ = file_case()
    assert {u.username for u in notify.handlers_of(complaint)} == {"handler_baishi", "handler_baishi2"}
    db.session.add(Recusal(complaint_id=complaint.id, user_id=extra.id, reason="亲属"))
    db.session.commit()
    assert {u.username for u in notify.handlers_of(complaint)} == {"handler_baishi"}


def test_complainant_answers_and_additions_tell_the_handlers(file_case):
    complaint, _ = file_case()
    handling.send_message(complaint, user("handler_baishi"), "请补充时间地点。", question=True)
    since = _last()
    tracking.answer(complaint, "去年腊月，在村委会。")
    tracking.add_info(complaint, "补充：还有一位证人。")
    db.session.commit()
    assert [m.recipient for m in _new_mail(since)] == ["handler_baishi@portal.invalid"] * 2


def test_escalation_tells_the_county(file_case):
    complaint, _ = file_case()
    since = _last()
    routing.escalate(complaint, user("handler_baishi"), "涉及多个村，需要县里协调")
    db.session.commit()
    assert [m.recipient for m in _new_mail(since)] == ["county_handler@portal.invalid"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_failed_smtp_send_stays_queued_and_goes_out_later(app, file_case):
    since = _last()
    file_case()
    for message in db.session.query(OutboxMessage).filter(OutboxMessage.id <= since, OutboxMessage.sent_at.is_(None)):
        message.sent_at = message.created_at  # only the new message is pending in this test
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    assert deliver_pending() == (0, 1)
    assert deliver_pending() == (0, 0)  # waiting for its retry time (backoff)
    message = _new_mail(since)[0]
    db.session.refresh(message)
    assert message.next_attempt_at is not None
    assert deliver_pending(now=message.next_attempt_at) == (0, 1)
    db.session.refresh(message)
    assert message.attempts == 2 and message.sent_at is None and message.last_error
    app.config["MAIL_SERVER"] = None
    assert deliver_pending(now=message.next_attempt_at) == (1, 0)
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 3
