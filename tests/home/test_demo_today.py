"""The demo county looks like a working county on the day it is loaded, not like early 2025."""
from datetime import UTC

from demo_ids import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from portal.complaints.clock import clock
from portal.complaints.models import Complaint
from portal.core.db import utcnow
from portal.core.timezone import local_today
from portal.duty.models import EvaluationRound
from portal.extensions import db
from portal.oversight import obligations
from portal.places.models import Village
from portal.polls import service as polls_service
from portal.polls.models import GrievancePoll

RUNNING = ("received", "accepted", "in_progress", "under_review")


def test_demo_cases_are_a_believable_mix_relative_to_today(ctx, app):
    clk, today = clock(), local_today()
    states = [(c, clk.state(c)) for c in db.session.scalars(select(Complaint))]
    running = [(c, s) for c, s in states if c.status in RUNNING]
    late = [s for _c, s in running if s.level == "overdue"]
    on_time = [s for _c, s in running if s.level != "overdue"]
    assert late and on_time, [(c.case_number, s.level) for c, s in running]
    assert all(-s.days_left <= 60 for s in late), "a demo case is months overdue: the demo is stale"
    newest = max(c.received_at for c, _s in states).astimezone(UTC).date()
    assert (today - newest).days <= 30, "no demo case was filed in the last month"
    assert any(c.status == "concluded" for c, _s in states)


def test_demo_disclosures_have_only_a_few_recent_gaps(ctx, app):
    today = local_today()
    villages = list(db.session.scalars(select(Village)))
    missing = {v.code: [o for o in obligations.for_village(v.id, today) if o.state == "missing"] for v in villages}
    total = sum(len(m) for m in missing.values())
    assert 1 <= total <= 8, {k: [(o.kind, o.start.isoformat()) for o in v] for k, v in missing.items() if v}
    assert sum(1 for m in missing.values() if m) <= 3, "gaps belong to a few villages, not to all"
    for code in (OTHER_VILLAGE, FAR_VILLAGE):
        assert not missing[code], code
    # 上塘村 (the village the README sends visitors to) shows one recent gap: its newest statement.
    assert sorted(o.kind for o in missing[VILLAGE]) in (["finance_monthly"], ["duty_report", "finance_monthly"])


def test_demo_has_one_running_evaluation_round_and_one_poll_taking_part(ctx, app):
    now = utcnow()
    running = list(db.session.scalars(select(EvaluationRound).where(EvaluationRound.closed_at.is_(None),
                                                                   EvaluationRound.closes_at > now)))
    assert len(running) == 1
    village = db.session.get(Village, running[0].village_id)
    assert village.code not in (VILLAGE, OTHER_VILLAGE, FAR_VILLAGE)  # tests open their own rounds there
    polls = list(db.session.scalars(select(GrievancePoll)))
    assert len(polls) == 1 and polls_service.phase(polls[0], local_today()) == "proposals"
    assert polls_service.options(polls[0])


def test_demo_ids_the_tests_rely_on_still_exist(client):
    for code in (VILLAGE, OTHER_VILLAGE, FAR_VILLAGE):
        assert client.get(f"/villages/{code}").status_code == 200
