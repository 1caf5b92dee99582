"""Routing: township by default, county rules, township officials, recusal, escalation, assignment back."""
import pytest

from portal.complaints import routing
from portal.complaints.models import ComplaintEvent, Recusal, RoutingRule
from portal.core import permissions
from portal.core.audit import AuditEntry
from portal.core.errors import PortalError
from portal.extensions import db
from portal.places.models import Township
from tests.complaints.conftest import user
from tests.demo_ids import OTHER_TOWNSHIP, TOWNSHIP

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _township(code=TOWNSHIP):
    return db.session.query(Township).filter_by(code=code).one()


def _rule(township, category, level):
    db.session.add(RoutingRule(township_id=township.id if township else None, category=category, level=level))
    db.session.commit()


def test_default_goes_to_the_villages_township(file_case):
    complaint, _ = file_case()
    assert complaint.handling_level == "township" and complaint.township_id == _township().id
    assert permissions.can_read_complaint(user("handler_baishi"), complaint)
    assert not permissions.can_read_complaint(user("handler_dongshan"), complaint)


def test_a_county_wide_rule_sends_a_category_to_the_county(file_case):
    _rule(None, "election", "county")
    complaint, _ = file_case(category="election")
    assert (complaint.handling_level, complaint.escalation_reason) == ("county", "routing_rule")
    other, _ = file_case(category="integrity")
    assert other.handling_level == "township"


def test_a_township_rule_wins_over_the_county_wide_rule(file_case):
    _rule(None, "election", "county")
    _rule(_township(), "election", "township")
    assert file_case(category="election")[0].handling_level == "township"
    assert routing.route(_township(OTHER_TOWNSHIP).id, "election", False) == ("county", "routing_rule")


def test_a_township_rule_for_another_township_does_not_apply(file_case):
    _rule(_township(OTHER_TOWNSHIP), "integrity", "county")
    assert file_case(category="integrity")[0].handling_level == "township"


def test_complaints_about_township_officials_go_to_the_county(file_case):
    _rule(_township(), "integrity", "township")
    complaint, _ = file_case(concerns_township_officials="1")
    assert (complaint.handling_level, complaint.escalation_reason) == ("county", "township_officials")
    assert not permissions.can_read_complaint(user("handler_baishi"), complaint)
    assert permissions.can_read_complaint(user("county_handler"), complaint)


def test_recusal_records_the_reason_and_moves_the_case_to_the_county(file_case, reload):
    complaint, _ = file_case()
    handler = user("handler_baishi")
    routing.recuse(complaint, handler, "被反映人是我的表弟")
    db.session.commit()
    complaint = reload(complaint)
    assert complaint.handling_level == "county" and complaint.escalation_reason == "recusal"
    recusal = db.session.query(Recusal).filter_by(complaint_id=complaint.id, user_id=handler.id).one()
    assert recusal.reason == "被反映人是我的表弟"
    assert not permissions.can_read_complaint(handler, complaint)
    kinds = [e.kind for e in db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id)]
    assert "recusal" in kinds and "escalation" in kinds
    actions = {a.action for a in db.session.query(AuditEntry).filter_by(object_id=str(complaint.id))}
    assert {"complaint_recused", "complaint_escalated"} <= actions


def test_the_county_cannot_send_a_recused_case_back(file_case):
    complaint, _ = file_case()
    routing.recuse(complaint, user("handler_baishi"), "与被反映人同村")
    db.session.commit()
    with pytest.raises(PortalError):
        routing.assign_to_township(complaint, user("county_handler"), "请镇里办理")


@pytest.mark.parametrize("username", ["handler_dongshan", "county_handler", "cadre_shangtang", "county_admin"])
def test_only_the_township_handler_of_the_case_can_recuse(file_case, username):
    complaint, _ = file_case()
    with pytest.raises(PortalError):
        routing.recuse(complaint, user(username), "理由充分的回避")
    assert complaint.handling_level == "township"


def test_recusal_needs_a_reason(file_case):
    complaint, _ = file_case()
    with pytest.raises(PortalError) as refused:
        routing.recuse(complaint, user("handler_baishi"), " ")
    assert refused.value.field == "reason" and complaint.handling_level == "township"


def test_a_handler_can_send_a_case_to_the_county_and_the_county_can_assign_it_back(file_case, reload):
    complaint, _ = file_case()
    routing.escalate(complaint, user("handler_baishi"), "涉及镇村两级干部，需县级协调")
    db.session.commit()
    assert reload(complaint).handling_level == "county"
    routing.assign_to_township(complaint, user("county_handler"), "请白石镇纪委办理")
    db.session.commit()
    assert reload(complaint).handling_level == "township"
    assert permissions.can_read_complaint(user("handler_baishi"), complaint)


def test_cases_about_township_officials_stay_at_the_county(file_case):
    complaint, _ = file_case(concerns_township_officials="1")
    with pytest.raises(PortalError):
        routing.assign_to_township(complaint, user("county_handler"), "交办")


def test_village_cadres_never_see_complaints(file_case):
    complaint, _ = file_case()
    cadre = user("cadre_shangtang")
    assert not permissions.can_read_complaint(cadre, complaint)
    from portal.complaints.models import Complaint

    assert db.session.query(Complaint).filter(permissions.complaint_scope_filter(cadre, Complaint)).count() == 0


def test_a_send_back_note_over_the_limit_is_refused_not_cut(file_case, reload):
    complaint, _ = file_case()
    routing.escalate(complaint, user("handler_baishi"), "涉及镇村两级干部，需县级协调")
    db.session.commit()
    with pytest.raises(PortalError) as refused:
        routing.assign_to_township(complaint, user("county_handler"), "请" * (routing.NOTE_MAX + 1))
    assert refused.value.field == "note"
    db.session.rollback()
    assert reload(complaint).handling_level == "county"
    routing.assign_to_township(complaint, user("county_handler"), "请" * routing.NOTE_MAX)
    db.session.commit()
    assert reload(complaint).handling_level == "township"
    note = db.session.query(ComplaintEvent).filter_by(complaint_id=complaint.id, kind="assignment").one().body
    assert len(note) == routing.NOTE_MAX


def test_the_case_page_offers_sending_back_exactly_when_the_rule_allows_it(file_case):
    from portal.complaints.casefile import actions_for

    county = user("county_handler")
    free, _ = file_case()
    routing.escalate(free, user("handler_baishi"), "涉及镇村两级干部，需县级协调")
    db.session.commit()
    bound, _ = file_case(concerns_township_officials="1")
    for complaint in (free, bound):
        offered = actions_for(complaint, county)["assign"]
        assert offered == (routing.stays_at_county(complaint) is None)
        if not offered:
            with pytest.raises(PortalError):
                routing.assign_to_township(complaint, county, "交办")
    assert actions_for(free, county)["assign"] and not actions_for(bound, county)["assign"]


def test_the_demo_complaints_are_routed_by_the_real_rules(app, monkeypatch):
    """The demo builds its cases through route(): a rule the county adds reaches the demo's cases too."""
    from portal.complaints import demo

    calls = []
    real = routing.route
    monkeypatch.setattr(routing, "route", lambda *a, **k: calls.append((a, k)) or real(*a, **k))
    demo.seed_complaints()
    assert len(calls) == len(demo.CASES)
    db.session.rollback()
