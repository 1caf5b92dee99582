"""A township handler's statistics count exactly their inbox, and small counts read "<3"."""
import re
from datetime import date

import pytest
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import func, select

from portal.complaints.models import Complaint, Recusal
from portal.core.permissions import complaint_scope_filter
from portal.extensions import db
from portal.oversight import overdue, stats
from portal.oversight.stats import Filters
from tests.complaints.conftest import user

TODAY = date(2025, 6, 30)
PERIOD = {"from": "2025-01-01", "to": "2025-06-30"}


@pytest.fixture
def routed_away(app, add_complaint, monkeypatch):
    """白石镇: four cases in the handler's inbox, and three that went around them to the county (detached)."""
    monkeypatch.setattr("portal.oversight.views.local_today", lambda: TODAY)
    with app.app_context():
        return _routed_away(add_complaint)


def _routed_away(add_complaint):
    inbox = [add_complaint(VILLAGE, category="integrity", received=date(2025, 3, d)) for d in (3, 4, 5)]
    inbox.append(add_complaint(OTHER_VILLAGE, category="integrity", received=date(2025, 3, 6)))
    about_township = add_complaint(VILLAGE, category="election", received=date(2025, 4, 7), handling_level="county")
    escalated = add_complaint(VILLAGE, category="election", received=date(2025, 4, 8), handling_level="county")
    recused = add_complaint(OTHER_VILLAGE, category="retaliation", received=date(2025, 4, 9))
    db.session.add(Recusal(complaint_id=recused.id, user_id=user("handler_baishi").id, reason="亲属关系回避"))
    db.session.commit()
    for complaint in [*inbox, about_township, escalated, recused]:
        db.session.refresh(complaint)
    return inbox, [about_township, escalated, recused]


def test_statistics_count_exactly_the_inbox(ctx, app, routed_away):
    handler = user("handler_baishi")
    filters = Filters(date(2025, 1, 1), TODAY, handler.township_id)
    report = stats.build(stats.for_user(filters, handler), TODAY)
    in_inbox = db.session.scalar(select(func.count()).select_from(Complaint).where(
        complaint_scope_filter(handler, Complaint), Complaint.township_id == handler.township_id))
    assert report.total.received == in_inbox == 4
    assert {g.key for g in report.categories} == {"integrity"}  # election, retaliation: routed away
    assert all(g.tally.received == 0 for g in report.months if g.key >= "2025-04")
    county = stats.build(stats.for_user(Filters(date(2025, 1, 1), TODAY, handler.township_id),
                                        user("county_handler")), TODAY)
    assert county.total.received == 7


def test_the_dashboard_hides_routed_away_cases_and_small_counts_from_township_staff(client, as_user, routed_away):
    as_user("handler_baishi")
    body = client.get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'id="n-received">4<', body)
    assert "选举" not in body and "打击报复" not in body  # categories only the routed-away cases have
    village_row = body.split(f'data-key="{OTHER_VILLAGE}"')[1].split("</tr>")[0]
    assert "&lt;3" in village_row and ">1<" not in village_row  # one case in 溪口村: not shown as 1
    assert re.search(r'id="n-accepted">&lt;3<', body)  # zero reads "<3" too: no count tells existence
    csv_body = client.get("/oversight/", query_string={**PERIOD, "format": "csv"}).get_data(as_text=True)
    assert "<3" in csv_body and ",1," not in csv_body.split(OTHER_VILLAGE)[1].split("\n")[0]


def test_the_county_sees_every_count_as_it_is(client, as_user, routed_away):
    as_user("county_handler")
    body = client.get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'id="n-received">7<', body) and "&lt;3" not in body


def test_the_threshold_is_configurable(app, client, as_user, routed_away):
    app.config["STATISTICS_MIN_COUNT"] = 5
    as_user("handler_baishi")
    body = client.get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    assert re.search(r'id="n-received">&lt;5<', body)


def test_overdue_counts_use_the_same_scope(ctx, app, add_complaint):
    handler = user("handler_baishi")
    for level in ("county", "county", "county", "township"):
        add_complaint(VILLAGE, status="in_progress", received=date(2025, 3, 3), accepted=date(2025, 3, 4),
                      handling_level=level)
    app.config["STATISTICS_MIN_COUNT"] = 0
    counts = overdue.overdue_counts(handler.township_id, TODAY, handler)
    assert counts.get(handler.township_id) == 1
    assert overdue.overdue_counts(handler.township_id, TODAY, user("county_admin")).get(handler.township_id) == 4
