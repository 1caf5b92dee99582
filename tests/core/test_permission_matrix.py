"""The scope table of DESIGN.md section 2, walked role × action × own and other place."""
from datetime import date

import pytest
from demo_ids import FAR_VILLAGE, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE
from flask_login import AnonymousUserMixin

from portal.accounts.models import User
from portal.complaints.models import Complaint, Recusal
from portal.core import permissions as p
from portal.extensions import db
from portal.places.models import Township, Village
from portal.polls.models import GrievancePoll

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

ROLES = ["anonymous", "cadre_shangtang", "handler_baishi", "county_handler", "county_admin"]

# action → place → {role: allowed}; "own" is 上塘村 (the cadre's village, the handler's township),
# "other" is 东山村 in another township.
VILLAGE_ACTIONS = {
    "read_drafts": {
        "own": {"anonymous": False, "cadre_shangtang": True, "handler_baishi": True, "county_handler": True,
                "county_admin": False},
        "other": {"anonymous": False, "cadre_shangtang": False, "handler_baishi": False, "county_handler": True,
                  "county_admin": False},
    },
    "publish": {
        "own": {"anonymous": False, "cadre_shangtang": True, "handler_baishi": False, "county_handler": False,
                "county_admin": False},
        "other": {role: False for role in ROLES},
    },
    "open_evaluation": {
        "own": {"anonymous": False, "cadre_shangtang": False, "handler_baishi": True, "county_handler": False,
                "county_admin": False},
        "other": {role: False for role in ROLES},
    },
}
VILLAGE_PREDICATES = {"read_drafts": p.can_read_drafts, "publish": p.can_publish,
                      "open_evaluation": p.can_open_evaluation}

# Complaint cases: routed to the own township, escalated from it to the county, of another township.
COMPLAINT_ACCESS = {
    "own_township": {"anonymous": False, "cadre_shangtang": False, "handler_baishi": True, "county_handler": True,
                     "county_admin": False},
    "escalated": {"anonymous": False, "cadre_shangtang": False, "handler_baishi": False, "county_handler": True,
                  "county_admin": False},
    "other_township": {"anonymous": False, "cadre_shangtang": False, "handler_baishi": False,
                       "county_handler": True, "county_admin": False},
}
GLOBAL_ACTIONS = {
    "manage_places": (p.can_manage_places, {"county_admin"}),
    "see_complaint_counts": (p.can_see_complaint_counts, {"handler_baishi", "county_handler", "county_admin"}),
    "view_audit_log": (p.can_view_audit_log, {"county_handler"}),
    # The staff areas, each behind the one guard (guard_area).
    "use_publishing": (p.can_use_publishing, {"cadre_shangtang"}),
    "use_triage": (p.can_use_triage, {"handler_baishi", "county_handler"}),
    "view_oversight": (p.can_view_oversight, {"handler_baishi", "county_handler", "county_admin"}),
    "run_evaluations": (p.can_run_evaluations, {"handler_baishi"}),
    "create_poll": (p.can_create_poll, {"handler_baishi"}),
    "redact_record": (p.can_redact_record, {"county_handler"}),
}
# Which township's 群众最不满意的10件事 poll a role runs (own: 白石镇, other: 东山乡).
RUN_POLL = {"own": {"handler_baishi"}, "other": set()}
# Staff areas walked as anonymous and as each role: where the one guard sends them.
AREAS = {
    "/admin/": {"county_admin"},
    "/triage/": {"handler_baishi", "county_handler"},
    "/oversight/": {"handler_baishi", "county_handler", "county_admin"},
    "/oversight/polls/": {"handler_baishi", "county_handler", "county_admin"},
    "/evaluation/": {"handler_baishi"},
    "/publish/": {"cadre_shangtang"},
}


def _user(name: str):
    if name == "anonymous":
        return AnonymousUserMixin()
    return db.session.query(User).filter_by(username=name).one()


def _village(place: str) -> Village:
    return db.session.query(Village).filter_by(code=VILLAGE if place == "own" else FAR_VILLAGE).one()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["own", "other"])
@pytest.mark.parametrize("action", sorted(VILLAGE_ACTIONS))
def test_village_scoped_actions(app, role, place, action):
    allowed = VILLAGE_PREDICATES[action](_user(role), _village(place))
    assert allowed is VILLAGE_ACTIONS[action][place][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(COMPLAINT_ACCESS))
def test_complaint_read_and_change(app, role, case):
    village = _village("other" if case == "other_township" else "own")
    complaint = Complaint(village_id=village.id, township_id=village.township_id,
                          handling_level="county" if case == "escalated" else "township")
    user = _user(role)
    expected = COMPLAINT_ACCESS[case][role]
    assert p.can_read_complaint(user, complaint) is expected
    assert p.can_change_complaint(user, complaint) is expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(GLOBAL_ACTIONS))
def test_county_wide_actions(app, role, action):
    predicate, allowed_roles = GLOBAL_ACTIONS[action]
    assert bool(predicate(_user(role))) is (role in allowed_roles)


# Each SQL scope and the predicate it must agree with, row by row: the inbox lists exactly the complaints
# can_read_complaint allows, an evaluation offers exactly the villages can_open_evaluation allows.
SCOPES = {"inbox": (Complaint, p.complaint_scope_filter, p.can_read_complaint),
          "evaluation villages": (Village, p.evaluation_village_filter, p.can_open_evaluation)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_sql_scope_matches_the_predicate(app, role, scope):
    model, scope_filter, predicate = SCOPES[scope]
    user = _user(role)
    listed = {row.id for row in db.session.query(model).filter(scope_filter(user, model))}
    for row in db.session.query(model):
        assert (row.id in listed) is predicate(user, row), (scope, row.id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("place", ["own", "other"])
def test_running_a_poll(app, role, place):
    township = db.session.query(Township).filter_by(code=TOWNSHIP if place == "own" else OTHER_TOWNSHIP).one()
    assert p.can_run_poll(_user(role), township) is (role in RUN_POLL[place])


@pytest.mark.parametrize("role", ROLES)
def test_poll_list_filter(app, role):
    """A township handler lists their own township's polls, the county (handlers and admin) every one."""
    for township in db.session.query(Township):
        db.session.add(GrievancePoll(township_id=township.id, year=2025, title=township.name,
                                     proposals_from=date(2025, 3, 1), proposals_until=date(2025, 3, 31),
                                     voting_from=date(2025, 4, 1), voting_until=date(2025, 4, 30)))
    db.session.flush()
    user = _user(role)
    listed = {poll.township.code for poll in db.session.query(GrievancePoll).filter(
        p.poll_scope_filter(user, GrievancePoll))}
    everyone = {t.code for t in db.session.query(Township)}
    expected = {"handler_baishi": {TOWNSHIP}, "county_handler": everyone, "county_admin": everyone}
    assert listed == expected.get(role, set())
    db.session.rollback()




def test_notified_handlers_are_exactly_the_cases_readers(app):
    """Who is told about a case (case_holders_filter) is its handling unit's readers, recusals included."""
    complaints = db.session.query(Complaint).order_by(Complaint.id).all()
    handler = _user("handler_baishi")
    own = next(c for c in complaints if c.township_id == handler.township_id and c.handling_level == "township")
    db.session.add(Recusal(complaint_id=own.id, user_id=handler.id, reason="亲属关系"))
    db.session.flush()
    staff = db.session.query(User).filter(User.role.in_(p.STAFF_ROLES), User.is_active_flag.is_(True)).all()
    for complaint in complaints:
        holders = {u.id for u in db.session.query(User).filter(p.case_holders_filter(complaint, User))}
        unit = "county_handler" if complaint.handling_level == "county" else "township_handler"
        for user in staff:
            expected = user.role == unit and p.can_read_complaint(user, complaint)
            assert (user.id in holders) is expected, (complaint.case_number, user.username)
    assert handler.id not in {u.id for u in db.session.query(User).filter(p.case_holders_filter(own, User))}
    db.session.rollback()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("area", sorted(AREAS))
def test_every_staff_area_has_the_same_guard(client, login_as, role, area):
    """Anonymous visitors are sent to sign in; a role that does not work there gets 403."""
    if role != "anonymous":
        login_as(role)
    response = client.get(area)
    if role == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    elif role in AREAS[area]:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["cadre_shangtang", "county_admin"])
def test_the_triage_guard_hides_cases(client, login_as, role):
    """On a case page the guard answers 404, so a wrong role cannot tell that the case exists."""
    login_as(role)
    case = db.session.query(Complaint).order_by(Complaint.id).first()
    assert client.get(f"/triage/{case.case_number}").status_code == 404
    assert client.get("/triage/").status_code == 403
