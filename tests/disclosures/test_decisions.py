"""四议两公开 decision-record checks."""
import copy
import dataclasses
import datetime

import flask
import flask_babel
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.disclosures.decisions import DEFAULT_RULES, Breach, check_decision


def d2_record():
    """Return DOMAIN.md demo D2: 上塘村 村道硬化工程, representatives 31 of 35, 28 for."""
    return {
        "matter": "村道硬化工程",
        "dual_role": True,  # 陈建国 is secretary and director (一肩挑)
        "steps": [
            {"step": "proposal", "date": "2025-03-01", "note": "书记汇总建议形成方案"},
            {"step": "committees", "date": "2025-03-03", "expected": 5, "present": 5, "for": 5,
             "against": 0, "abstain": 0},
            {"step": "party_meeting", "date": "2025-03-08", "notice_date": "2025-03-04",
             "expected": 23, "present": 21, "for": 20, "against": 1, "abstain": 0},
            {"step": "representatives", "date": "2025-03-12", "expected": 35, "present": 31, "for": 28,
             "against": 2, "abstain": 1},
            {"step": "resolution_disclosure", "date": "2025-03-13", "posted_from": "2025-03-13",
             "posted_until": "2025-03-19"},
            {"step": "result_disclosure", "date": "2025-06-20", "note": "中标价 186,000，验收合格"},
        ],
    }


def step(record, name):
    """Return the entry of a step in a record."""
    return next(s for s in record["steps"] if s["step"] == name)


def codes(breaches):
    """Return (step, code) pairs."""
    return [(b.step, b.code) for b in breaches]


def test_d2_has_no_breach():
    assert check_decision(d2_record()) == []


def test_dates_may_be_date_objects():
    record = d2_record()
    step(record, "resolution_disclosure").update(posted_from=datetime.date(2025, 3, 13),
                                                 posted_until=datetime.date(2025, 3, 19))
    step(record, "representatives")["date"] = datetime.date(2025, 3, 12)
    assert check_decision(record) == []


@pytest.mark.parametrize("present,breach", [(23, True), (24, False), (35, False)])
def test_representatives_quorum_uses_exact_two_thirds(present, breach):
    record = d2_record()
    step(record, "representatives").update(present=present, **{"for": 20, "against": 0, "abstain": 0})
    assert (("representatives", "quorum") in codes(check_decision(record))) is breach


def test_representatives_majority_is_of_those_present():
    record = d2_record()
    step(record, "representatives").update(present=24, **{"for": 12, "against": 12, "abstain": 0})
    assert codes(check_decision(record)) == [("representatives", "majority")]
    step(record, "representatives").update(**{"for": 13, "against": 11})
    assert check_decision(record) == []


def test_party_meeting_quorum_and_majority_of_members_due():
    record = d2_record()
    step(record, "party_meeting").update(expected=23, present=15, **{"for": 15, "against": 0})
    assert codes(check_decision(record)) == [("party_meeting", "quorum")]
    # 16 of 23 attend (≥ 2/3), 11 approve: a majority of those present but not of the 23 due.
    step(record, "party_meeting").update(present=16, **{"for": 11, "against": 5})
    assert codes(check_decision(record)) == [("party_meeting", "majority")]
    step(record, "party_meeting").update(**{"for": 12, "against": 4})
    assert check_decision(record) == []


@pytest.mark.parametrize("notice,breach", [("2025-03-06", True), ("2025-03-05", False), ("2025-03-09", True)])
def test_party_notice_at_least_three_days(notice, breach):
    record = d2_record()
    step(record, "party_meeting")["notice_date"] = notice
    assert codes(check_decision(record)) == ([("party_meeting", "notice_days")] if breach else [])


def test_party_notice_must_be_recorded():
    record = d2_record()
    del step(record, "party_meeting")["notice_date"]
    assert codes(check_decision(record)) == [("party_meeting", "notice_days")]


def test_committees_need_a_majority_of_those_present():
    record = d2_record()
    step(record, "committees").update(expected=7, present=6, **{"for": 3, "against": 3, "abstain": 0})
    assert codes(check_decision(record)) == [("committees", "majority")]


def test_votes_cannot_exceed_attendance():
    record = d2_record()
    step(record, "representatives").update(**{"for": 28, "against": 3, "abstain": 1}, present=31)
    assert codes(check_decision(record)) == [("representatives", "vote_exceeds_present")]
    record = d2_record()
    step(record, "representatives").update(present=36)
    assert codes(check_decision(record)) == [("representatives", "present_exceeds_expected")]


def test_invalid_and_missing_counts():
    record = d2_record()
    step(record, "representatives").update(present="thirty-one")
    assert codes(check_decision(record)) == [("representatives", "invalid_count")]
    step(record, "party_meeting").update(present=-1, notice_date="2025-03-07")  # other checks still run
    assert codes(check_decision(record)) == [
        ("party_meeting", "invalid_count"), ("party_meeting", "notice_days"), ("representatives", "invalid_count")]
    record = d2_record()
    step(record, "representatives").update(present=None)
    assert codes(check_decision(record)) == [("representatives", "missing_count")]
    record = d2_record()
    step(record, "party_meeting").update(expected="23", present="21")  # digits from a form are fine
    assert check_decision(record) == []


def test_steps_out_of_order():
    record = d2_record()
    step(record, "committees")["date"] = "2025-03-09"
    assert codes(check_decision(record)) == [("party_meeting", "order")]


def test_step_list_order_does_not_matter():
    record = d2_record()
    record["steps"].reverse()
    assert check_decision(record) == []


def test_resolution_posting_period_and_start():
    record = d2_record()
    step(record, "resolution_disclosure")["posted_until"] = "2025-03-18"  # 6 days
    assert codes(check_decision(record)) == [("resolution_disclosure", "posting_days")]
    record = d2_record()
    step(record, "resolution_disclosure").update(date="2025-03-15", posted_from="2025-03-15",
                                                 posted_until="2025-03-25")
    assert codes(check_decision(record)) == [("resolution_disclosure", "posting_start")]
    record = d2_record()
    step(record, "resolution_disclosure").update(posted_until="2025-03-10")
    assert codes(check_decision(record)) == [("resolution_disclosure", "date_order")]
    record = d2_record()
    del step(record, "resolution_disclosure")["posted_until"]
    assert codes(check_decision(record)) == [("resolution_disclosure", "posting_days")]


def test_missing_steps():
    record = d2_record()
    record["steps"] = [s for s in record["steps"] if s["step"] != "result_disclosure"]
    assert codes(check_decision(record)) == [("result_disclosure", "missing_step")]
    record["implemented"] = False  # not carried out yet: no result to publish
    assert check_decision(record) == []


def test_dual_role_may_merge_proposal_and_committees():
    record = d2_record()
    record["steps"] = [s for s in record["steps"] if s["step"] != "proposal"]
    assert check_decision(record) == []
    record["dual_role"] = False
    assert codes(check_decision(record)) == [("proposal", "missing_step")]
    record["steps"] = [s for s in record["steps"] if s["step"] != "committees"]
    record["dual_role"] = True
    assert codes(check_decision(record)) == [("proposal", "missing_step"), ("committees", "missing_step")]


def test_unknown_duplicate_and_undated_steps():
    record = d2_record()
    record["steps"].append({"step": "villager_vote", "date": "2025-03-12"})
    record["steps"].append(copy.deepcopy(step(record, "committees")))
    step(record, "proposal")["date"] = "2025-02-30"
    assert codes(check_decision(record)) == [
        ("villager_vote", "unknown_step"), ("committees", "duplicate_step"), ("proposal", "invalid_date")]


def test_county_rules_are_configurable():
    strict = dataclasses.replace(DEFAULT_RULES, party_notice_days=5, posting_days=10,
                                 required_steps=DEFAULT_RULES.required_steps[:-1])
    record = d2_record()
    record["steps"] = [s for s in record["steps"] if s["step"] != "result_disclosure"]
    assert codes(check_decision(record, strict)) == [
        ("party_meeting", "notice_days"), ("resolution_disclosure", "posting_days")]


def test_breach_messages_render_inside_an_app():
    app = flask.Flask(__name__)
    flask_babel.Babel(app)
    record = d2_record()
    step(record, "representatives").update(present=23, **{"for": 20, "against": 0, "abstain": 0})
    [breach] = check_decision(record)
    assert isinstance(breach, Breach)
    with app.app_context():
        assert "23" in str(breach.message) and "35" in str(breach.message) and "2/3" in str(breach.message)


@given(expected=st.integers(1, 200), data=st.data())
def test_quorum_matches_integer_arithmetic(expected, data):
    present = data.draw(st.integers(0, expected))
    record = d2_record()
    step(record, "representatives").update(expected=expected, present=present,
                                           **{"for": present, "against": 0, "abstain": 0})
    breached = ("representatives", "quorum") in codes(check_decision(record))
    assert breached == (3 * present < 2 * expected)
