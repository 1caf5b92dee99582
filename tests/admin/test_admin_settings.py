"""Deadline rules, holiday corrections and the two-step requirement."""
from datetime import date

import pytest

from admin.conftest import audit_actions, field_error, text
from portal.complaints.deadlines import DeadlineRules
from portal.complaints.models import HolidayOverride
from portal.core.settings import get_setting
from portal.extensions import db

DEFAULTS = {"decide_working_days": "15", "forward_working_days": "5", "conclude_days": "60",
            "max_extension_days": "30", "review_request_days": "30", "review_answer_days": "30", "warn_days": "3"}


def _setting(key):
    db.session.expire_all()
    return get_setting(key)


def test_deadline_page_shows_the_defaults(admin, client):
    html = text(client.get("/admin/deadlines"))
    assert 'value="15"' in html and 'value="60"' in html


def test_saving_deadlines_stores_every_rule(ctx, admin, forms):
    response = forms.post("/admin/deadlines", {**DEFAULTS, "conclude_days": "45", "warn_days": "5"})
    assert response.status_code == 302
    stored = _setting("deadline_rules")
    assert stored["conclude_days"] == 45 and stored["warn_days"] == 5 and set(stored) == set(DEFAULTS)
    assert DeadlineRules.from_mapping(stored).conclude_days == 45
    assert "deadlines_update" in audit_actions()


@pytest.mark.parametrize("field,value", [("conclude_days", "0"), ("decide_working_days", "abc"),
                                         ("warn_days", "-3"), ("review_answer_days", "9999"),
                                         ("max_extension_days", ""), ("forward_working_days", "2.5")])
def test_bad_deadline_changes_nothing(ctx, admin, forms, field, value):
    forms.post("/admin/deadlines", {**DEFAULTS, "conclude_days": "45"})
    html = text(forms.post("/admin/deadlines", {**DEFAULTS, field: value}))
    assert field_error(html, field)
    assert f'value="{value}"' in html or value == ""
    assert _setting("deadline_rules")["conclude_days"] == 45


def test_add_and_remove_a_holiday_correction(ctx, admin, client, forms):
    response = forms.post("/admin/holidays", {"day": "2026-10-10", "kind": "working", "note": "国庆调休上班"})
    assert response.status_code == 302
    override = db.session.query(HolidayOverride).one()
    assert override.day == date(2026, 10, 10) and override.is_working_day and override.note == "国庆调休上班"
    html = text(client.get("/admin/holidays"))
    assert "2026-10-10" in html and "国庆调休上班" in html
    forms.post(f"/admin/holidays/{override.id}/remove", {}, form_url="/admin/holidays")
    assert db.session.query(HolidayOverride).count() == 0
    assert {"holiday_add", "holiday_remove"} <= set(audit_actions())


def test_a_day_off_correction_moves_working_day_deadlines(ctx, admin, forms):
    from portal.complaints.calendar import WorkCalendar

    forms.post("/admin/holidays", {"day": "2026-03-03", "kind": "off", "note": "县里停电"})
    overrides = {o.day: o.is_working_day for o in db.session.query(HolidayOverride)}
    assert not WorkCalendar(overrides).is_working_day(date(2026, 3, 3))


@pytest.mark.parametrize("data,field", [
    ({"day": "2026-13-01"}, "day"), ({"day": "tomorrow"}, "day"), ({"day": ""}, "day"),
    ({"day": "1900-01-01"}, "day"), ({"kind": "maybe"}, "kind"), ({"note": "注" * 300}, "note"),
])
def test_bad_holiday_input_adds_nothing(ctx, admin, forms, data, field):
    html = text(forms.post("/admin/holidays", {"day": "2026-10-10", "kind": "off", "note": "", **data}))
    assert f'id="{field}-error"' in html or field == "kind" and "error-summary" in html
    assert db.session.query(HolidayOverride).count() == 0


def test_the_same_date_cannot_be_corrected_twice(ctx, admin, forms):
    forms.post("/admin/holidays", {"day": "2026-10-10", "kind": "off", "note": ""})
    html = text(forms.post("/admin/holidays", {"day": "2026-10-10", "kind": "working", "note": ""}))
    assert field_error(html, "day")
    assert db.session.query(HolidayOverride).one().is_working_day is False


def test_two_step_requirement_can_be_switched_on_and_off(ctx, admin, forms):
    forms.post("/admin/security", {"require_2fa": "y"})
    assert _setting("require_2fa_for_complaint_staff") is True
    forms.post("/admin/security", {})
    assert _setting("require_2fa_for_complaint_staff") is False
    assert audit_actions().count("security_update") == 2
