"""The scope table of DESIGN.md section 2, walked role × action × own and other place."""
import pytest
from demo_ids import FAR_VILLAGE, VILLAGE
from flask_login import AnonymousUserMixin

from portal.accounts.models import User
from portal.complaints.models import Complaint
from portal.core import permissions as p
from portal.extensions import db
from portal.places.models import Village

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


@pytest.mark.parametrize("role", ROLES)
def test_inbox_filter_matches_the_predicate(app, role):
    """The SQL scope of the inbox agrees with can_read_complaint on every demo complaint."""
    user = _user(role)
    visible = {c.id for c in db.session.query(Complaint).filter(p.complaint_scope_filter(user, Complaint))}
    for complaint in db.session.query(Complaint):
        assert (complaint.id in visible) is p.can_read_complaint(user, complaint), complaint.case_number
