"""The village page's kept facts: written by a publish and by the runner, used only while current."""
from datetime import timedelta

import pytest
from demo_ids import VILLAGE
from production.helpers import in_threads
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from oversight.test_obligations import _last_due_month, _missing_links, _publish_finance
from portal.core.timezone import local_today
from portal.extensions import db
from portal.jobs import runner as jobs
from portal.oversight import page_facts
from portal.oversight.models import VillagePageFacts
from portal.places.models import Village

PAGE = f"/villages/{VILLAGE}"
# Tests of the facts service and the runner, each a script beside the server.
pytestmark = pytest.mark.usefixtures("ctx")


def _village() -> Village:
    return db.session.query(Village).filter_by(code=VILLAGE).one()


def _row(village_id: int) -> VillagePageFacts | None:
    db.session.expire_all()
    return db.session.get(VillagePageFacts, village_id)


def _fresh_page(app, client) -> str:
    """The page rendered now, never a stored copy."""
    app.extensions["portal_page_cache"].backend.clear()
    return client.get(PAGE).get_data(as_text=True)


def test_a_publish_keeps_its_villages_facts_and_the_page_reads_them_in_one_query(app, client, count_queries):
    village = _village()
    month = _last_due_month(local_today())
    _publish_finance(village, month)
    row = _row(village.id)
    assert row is not None and row.content_version == _village().content_version
    assert row.computed_on == local_today() and row.basis == page_facts.basis()
    assert month.isoformat() not in [start for kind, start, _end, _due in row.missing if kind == "finance_monthly"]
    assert row.power_count > 0 and row.statement_id and len(row.figures) >= 2
    assert row.cadres and row.disclosures and row.reports
    with count_queries() as n:
        body = _fresh_page(app, client)
    assert n() == 1  # the village with its facts
    assert f"{month.year}年{month.month}月" not in "".join(link["about"] for link in _missing_links(body))


def test_the_page_with_kept_facts_is_the_page_computed_afresh(app, client):
    assert jobs.run_once(escalation=False).facts_refreshed >= 0
    assert _row(_village().id) is not None
    kept = _fresh_page(app, client)
    db.session.execute(VillagePageFacts.__table__.delete())
    db.session.commit()
    assert _fresh_page(app, client) == kept


def test_facts_of_another_day_version_or_rules_are_not_used(app, client, count_queries):
    village = _village()
    page_facts.refresh()
    honest = _fresh_page(app, client)
    bogus = {"missing": [["finance_monthly", "2001-01-01", "2001-01-31", "2001-02-20"]], "late_count": 99}
    stale = [{"computed_on": local_today() - timedelta(days=1)},
             {"content_version": village.content_version - 1},
             {"basis": "0:old rules"}]
    for change in stale:
        page_facts.refresh()
        db.session.execute(update(VillagePageFacts).where(VillagePageFacts.village_id == village.id)
                           .values(**bogus, **change))
        db.session.commit()
        with count_queries() as n:
            assert _fresh_page(app, client) == honest, change
        assert n() == 7  # computed afresh: the village, then its disclosures, obligations, statement, power
        # items, cadres and duty reports
    assert page_facts.refresh() >= 1 and _row(village.id).late_count != 99  # the runner renews it


def test_the_runner_fills_every_village_and_a_second_pass_finds_nothing(app):
    db.session.execute(VillagePageFacts.__table__.delete())
    db.session.commit()
    villages = db.session.scalar(select(db.func.count(Village.id)))
    summary = jobs.run_once(escalation=False)
    assert summary.facts_refreshed == villages and f"page facts of {villages} villages" in summary.line()
    assert jobs.run_once(escalation=False).facts_refreshed == 0


def test_two_runners_at_once_leave_every_row_current(app):
    db.session.execute(VillagePageFacts.__table__.delete())
    db.session.commit()
    in_threads(app, page_facts.refresh)
    db.session.expire_all()
    rows = {r.village_id: r for r in db.session.scalars(select(VillagePageFacts))}
    villages = db.session.execute(select(Village.id, Village.content_version)).all()
    assert {vid: version for vid, version in villages} == {vid: r.content_version for vid, r in rows.items()}
    assert {r.computed_on for r in rows.values()} == {local_today()}


def test_an_older_computation_never_replaces_a_newer_row(app):
    village = _village()
    today = local_today()
    facts = page_facts.compute(village.id, today)
    rules = page_facts.basis()
    newer = page_facts.PageFacts((), 0, 1234, None, (), (), (), ())
    page_facts.store(db.session, {village.id: (village.content_version + 1, newer)}, today, rules)
    page_facts.store(db.session, {village.id: (village.content_version, facts)}, today, rules)  # raced a publish
    page_facts.store(db.session, {village.id: (village.content_version + 1, facts)}, today - timedelta(days=1), rules)
    db.session.commit()
    row = _row(village.id)
    assert (row.content_version, row.computed_on, row.power_count) == (village.content_version + 1, today, 1234)


def test_a_publish_still_commits_when_its_facts_cannot_be_written(app, client, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT INTO village_page_facts", {}, Exception("disk full"))

    village = _village()
    before = village.content_version
    monkeypatch.setattr(page_facts, "store", broken)
    _publish_finance(village, _last_due_month(local_today()))
    assert _village().content_version > before
    assert "Could not keep the village page facts" in caplog.text
    monkeypatch.undo()
    month = _last_due_month(local_today())
    body = _fresh_page(app, client)  # computed afresh: the publish shows at once
    assert f"{month.year}年{month.month}月" not in "".join(link["about"] for link in _missing_links(body))
