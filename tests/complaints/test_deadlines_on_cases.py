"""Deadlines of stored cases: county rules and calendar, days left everywhere, overdue escalation."""
from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.complaints.calendar import WorkCalendar
from portal.complaints.clock import clock
from portal.complaints.deadlines import DeadlineRules, decide_due
from portal.complaints.models import ComplaintEvent, HolidayOverride
from portal.complaints.workflow import extend
from portal.core.audit import AuditEntry
from portal.core.mail import OutboxMessage
from portal.core.settings import set_setting
from portal.core.timezone import local_today as today
from portal.core.timezone import local_zone as local_tz
from portal.extensions import db
from tests.complaints.conftest import advance, backdate, user

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=local_tz()).astimezone(UTC)


def test_a_new_case_gets_the_statutory_15_working_days(file_case):
    complaint, _ = file_case()
    state = clock().state(complaint)
    assert state.due == decide_due(today(), WorkCalendar(), DeadlineRules())
    assert state.days_left == (state.due - today()).days and state.level == "ok"


def test_the_countys_rules_come_from_the_settings(file_case):
    set_setting("deadline_rules", {"decide_working_days": 5, "conclude_days": "20"})
    db.session.commit()
    complaint, _ = file_case()
    clk = clock()
    assert clk.rules.decide_working_days == 5 and clk.rules.conclude_days == 20
    assert clk.state(complaint).due == WorkCalendar().add_working_days(today(), 5)
    advance(complaint, "accepted")
    assert clock().state(complaint).due == today() + timedelta(days=20)


def test_a_broken_setting_falls_back_to_the_defaults(app):
    set_setting("deadline_rules", {"conclude_days": -4})
    db.session.commit()
    assert clock().rules == DeadlineRules()


def test_the_countys_calendar_corrections_move_deadlines(file_case):
    complaint, _ = file_case()
    before = clock().state(complaint).due
    first_working_day = WorkCalendar().add_working_days(today(), 1)
    db.session.add(HolidayOverride(day=first_working_day, is_working_day=False, note="台风停工"))
    db.session.commit()
    assert clock().state(complaint).due > before


def test_extension_moves_the_conclusion_deadline(file_case):
    complaint, _ = file_case()
    advance(complaint, "in_progress")
    due = clock().state(complaint).due
    extend(complaint, user("county_handler"), "20", "需要调取银行流水")
    assert clock().state(complaint).due == due + timedelta(days=20)


def test_the_inbox_shows_days_left_and_flags_overdue_on_read(client, login_as, file_case):
    fresh, _ = file_case()
    late, _ = file_case()
    backdate(late, received_at=_at(today() - timedelta(days=40)))
    login_as("handler_baishi")
    page = client.get("/triage/?overdue=1").get_data(as_text=True)
    assert late.case_number in page and fresh.case_number not in page
    assert 'class="tag bad"' in page
    urgent = client.get("/triage/?sort=urgent").get_data(as_text=True)
    assert urgent.index(late.case_number) < urgent.index(fresh.case_number)
    newest = client.get("/triage/?sort=newest").get_data(as_text=True)
    assert newest.index(fresh.case_number) < newest.index(late.case_number)
    default = client.get("/triage/").get_data(as_text=True)  # open cases, the most urgent first
    assert default.index(late.case_number) < default.index(fresh.case_number)


def test_a_case_close_to_its_deadline_gets_a_warning(client, login_as, file_case):
    complaint, _ = file_case()
    advance(complaint, "accepted")
    backdate(complaint, accepted_at=_at(today() - timedelta(days=58)))
    assert clock().state(complaint).level == "warning"
    login_as("handler_baishi")
    assert 'class="tag warn"' in client.get(f"/triage/{complaint.case_number}").get_data(as_text=True)


def test_inbox_filters_and_pagination(client, login_as, file_case):
    cases = [file_case(category="election")[0] for _ in range(3)]
    other, _ = file_case(category="integrity")
    login_as("handler_baishi")
    page = client.get("/triage/?category=election").get_data(as_text=True)
    assert all(c.case_number in page for c in cases) and other.case_number not in page
    assert other.case_number in client.get("/triage/?status=received&village=339901101202").get_data(as_text=True)
    assert other.case_number not in client.get("/triage/?status=concluded").get_data(as_text=True)
    for _ in range(20):
        file_case()
    first = client.get("/triage/?sort=newest").get_data(as_text=True)
    second = client.get("/triage/?sort=newest&page=2").get_data(as_text=True)
    assert "page=2" in first and other.case_number not in first and other.case_number in second
    assert client.get("/triage/?page=abc&sort=<x>&status=nope").status_code == 200


def test_escalate_overdue_sends_late_township_cases_to_the_county_and_mails_once(runner, file_case, reload):
    late, _ = file_case()
    fresh, _ = file_case()
    backdate(late, received_at=_at(today() - timedelta(days=40)))
    last = db.session.query(db.func.max(OutboxMessage.id)).scalar()
    result = runner.invoke(args=["escalate-overdue"])
    assert result.exit_code == 0, result.output
    late, fresh = reload(late), reload(fresh)
    assert (late.handling_level, late.escalation_reason) == ("county", "overdue") and late.status == "received"
    assert fresh.handling_level == "township"
    kinds = [e.kind for e in db.session.query(ComplaintEvent).filter_by(complaint_id=late.id)]
    assert "escalation" in kinds and "overdue" in kinds
    assert db.session.query(AuditEntry).filter_by(action="complaint_escalated", object_id=str(late.id)).count() == 1
    mails = [m for m in db.session.query(OutboxMessage).filter(OutboxMessage.id > last) if late.case_number in m.body]
    assert [m.recipient for m in mails] == ["county_handler@portal.invalid"]
    assert mails[0].sent_at is not None
    runner.invoke(args=["escalate-overdue"])
    assert len([m for m in db.session.query(OutboxMessage).filter(OutboxMessage.id > last)
                if late.case_number in m.body]) == 1


def test_overdue_county_cases_are_flagged_to_the_county_once(runner, file_case):
    complaint, _ = file_case(concerns_township_officials="1")
    backdate(complaint, received_at=_at(today() - timedelta(days=40)))
    runner.invoke(args=["escalate-overdue"])
    runner.invoke(args=["escalate-overdue"])
    events = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="overdue").all()
    assert len(events) == 1 and not events[0].public


def test_the_countys_forwarding_days_set_the_date_the_township_handler_sees(file_case, client, login_as):
    """DOMAIN.md: a township sends a case the county must handle within N working days; the county sets N."""
    from flask_babel import format_date

    complaint, _ = file_case()
    login_as("handler_baishi")
    shown = []
    for days in (2, 9):
        set_setting("deadline_rules", {"forward_working_days": days})
        db.session.commit()
        due = WorkCalendar().add_working_days(today(), days)
        assert clock().forward_by(complaint) == due
        html = client.get(f"/triage/{complaint.case_number}").get_data(as_text=True)
        with client.application.test_request_context():
            shown.append(format_date(due))
        assert "Send to the county by" in html or "报送县纪委期限" in html
        assert shown[-1] in html
    assert shown[0] != shown[1]
    advance(complaint, "accepted")  # decided: no forwarding date any more
    assert clock().forward_by(complaint) is None
