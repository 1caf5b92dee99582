"""The job runner: escalation, mail and closing rounds, never twice, with a truthful summary.

Concurrency is real: two runners in two threads (each its own app context, session and
database connection) against the backend under test (PostgreSQL when
PORTAL_TEST_BACKEND=postgres), and a `jobs run` process against a real SMTP server.
"""
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

import pytest
from sqlalchemy import func, select

from portal.complaints.intake import submit
from portal.complaints.models import Complaint, ComplaintEvent
from portal.core import mail
from portal.core.mail import OutboxMessage, deliver_pending
from portal.core.timezone import local_today, local_zone
from portal.extensions import db
from portal.jobs import runner as jobs
from production.helpers import ROOT, in_threads, within
from production.smtp_sink import SilentServer, SmtpSink
from tests.complaints.conftest import case_data

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("ctx")]


def _settle_outbox() -> int:
    """Mark whatever the demo queued as sent, so a test sees only its own messages; return the last id."""
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                       .values(sent_at=func.now()))
    db.session.commit()
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def _overdue_cases(n: int) -> list[int]:
    ids = []
    long_ago = datetime.combine(local_today() - timedelta(days=60), dtime(10), tzinfo=local_zone())
    for _ in range(n):
        complaint, _receipt = submit(case_data(), ())
        complaint.received_at = long_ago.astimezone(UTC)
        ids.append(complaint.id)
        db.session.commit()  # the next filing takes the write lock: nothing may be left uncommitted
    return ids


def test_two_runners_at_once_escalate_each_case_once_and_send_each_message_once(app):
    last = _settle_outbox()
    ids = _overdue_cases(6)
    for i in range(30):
        mail.enqueue(f"handler{i}@portal.invalid", f"queued {i}", "body")
    db.session.commit()
    first_event = db.session.scalar(select(func.max(ComplaintEvent.id)))
    with SmtpSink(delay=0.01) as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_TIMEOUT=5)
        summaries = in_threads(app, jobs.run_once)
        more = jobs.run_once()  # what one runner queued while the other was already sending
        subjects = sink.subjects()
    db.session.expire_all()
    for kind in ("escalation", "overdue"):
        assert db.session.scalar(select(func.count(ComplaintEvent.id)).where(
            ComplaintEvent.complaint_id.in_(ids), ComplaintEvent.kind == kind)) == 6, kind
    escalated_now = db.session.scalar(select(func.count(ComplaintEvent.id)).where(
        ComplaintEvent.id > first_event, ComplaintEvent.kind == "escalation"))
    assert sum(s.escalation.escalated for s in summaries if s.escalation) == escalated_now >= 6
    assert db.session.scalar(select(func.count(func.distinct(ComplaintEvent.complaint_id))).where(
        ComplaintEvent.id > first_event, ComplaintEvent.kind == "escalation")) == escalated_now
    assert all(c.handling_level == "county" for c in db.session.scalars(select(Complaint).where(Complaint.id.in_(ids))))
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > last)))
    assert len(rows) >= 30 + 6 and all(r.sent_at is not None for r in rows)
    assert len(subjects) == len(rows) == len(set(subjects)), "a message went out twice or not at all"
    assert sum(s.mail.sent for s in summaries) + more.mail.sent == len(subjects), "the summary must tell the truth"
    assert not any(s.failed for s in summaries)


def test_a_silent_smtp_server_costs_one_timeout_not_a_stalled_sender(app):
    last = _settle_outbox()
    mail.enqueue("handler@portal.invalid", "waits", "body")
    db.session.commit()
    with SilentServer() as silent:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=silent.port, MAIL_TIMEOUT=1)

        def send():
            with app.app_context():
                try:
                    return deliver_pending()
                finally:
                    db.session.remove()

        done, took = within(15, send, "the sender on a server that never answers")
    assert took < 10
    assert done.retried == 1 and done.sent == 0
    db.session.expire_all()
    msg = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id > last))
    assert msg.sent_at is None and msg.attempts == 1 and "timed out" in (msg.last_error or "").lower()
    assert msg.next_attempt_at is not None and msg.next_attempt_at > msg.created_at


def test_mail_that_keeps_failing_is_dead_after_n_attempts_and_the_county_sees_it(app, runner, auth, client):
    from production.helpers import free_port

    jobs.run_once()  # the demo's own overdue cases, mailed to the log
    last = _settle_outbox()
    mail.enqueue("handler@portal.invalid", "never arrives", "SECRET-BODY-TEXT")
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3)
    first = runner.invoke(args=["jobs", "run-once"])
    assert "mail: 0 sent, 1 to retry, 0 given up (dead)" in first.output, first.output
    msg = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id > last))
    # Backoff: 1 minute, then 2.
    db.session.refresh(msg)
    assert timedelta(seconds=55) < msg.next_attempt_at - msg.created_at < timedelta(minutes=5)
    assert deliver_pending() == mail.DeliveryResult(0, 0, 0), "retried before its time"
    second = deliver_pending(now=msg.next_attempt_at)
    db.session.refresh(msg)
    assert second == mail.DeliveryResult(0, 1, 0)
    third = deliver_pending(now=msg.next_attempt_at)
    assert third == mail.DeliveryResult(0, 0, 1)
    db.session.refresh(msg)
    assert msg.dead_at is not None and msg.attempts == 3 and msg.sent_at is None
    assert deliver_pending(now=msg.next_attempt_at + timedelta(days=1)) == mail.DeliveryResult(0, 0, 0)
    assert mail.outbox_counts()["dead"] == 1
    auth.login("county_admin")
    home = client.get("/admin/").get_data(as_text=True)
    assert "1 undeliverable" in home or "1 封无法送达" in home
    page = client.get("/admin/mail")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<span id="dead-count">1</span>' in text and "handler@portal.invalid" in text and "SECRET-BODY-TEXT" not in text
    # Sent again once the server works: queued with fresh attempts, then delivered.
    from tests.conftest import csrf_from

    retry = client.post(f"/admin/mail/{msg.id}/retry", data={"csrf_token": csrf_from(text)})
    assert retry.status_code == 302
    app.config["MAIL_SERVER"] = None
    assert deliver_pending() == mail.DeliveryResult(1, 0, 0)


def test_new_case_mail_goes_out_within_a_minute_from_the_running_scheduler(app, database_url, tmp_path):
    assert jobs.DEFAULT_INTERVAL <= 30
    last = _settle_outbox()
    with SmtpSink() as sink:
        env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_INSTANCE": app.instance_path,
               "PORTAL_ENV": "test", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(sink.port)}
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "portal", "jobs", "run", "--interval", "0.5"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            submit(case_data(), ())  # queues "New complaint" to the township handler
            db.session.commit()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not sink.messages:
                time.sleep(0.2)
            assert any("New complaint" in s or "新" in s for s in sink.subjects()), sink.subjects()
        finally:
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Jobs stopped." in out and re.search(r"mail: [1-9]\d* sent", out), out
    db.session.expire_all()
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > last)))
    assert rows and all(r.sent_at is not None for r in rows)
