"""Dashboard figures against numbers worked out by hand from inserted complaints."""
import csv
import io
import re
from datetime import date

import pytest
from demo_ids import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE

from portal.oversight import stats
from portal.oversight.stats import Filters

TODAY = date(2025, 6, 30)
PERIOD = {"from": "2025-01-01", "to": "2025-06-30"}


@pytest.fixture
def cases(add_complaint, monkeypatch):
    """Nine cases in the first half of 2025 plus one from December 2024 (outside the period).

    白石镇 (上塘村, 溪口村) and 东山乡 (东山村); see the hand-computed table in each test.
    """
    monkeypatch.setattr("portal.oversight.views.local_today", lambda: TODAY)
    d = date
    made = {
        # 上塘村
        "C1": add_complaint(VILLAGE, category="integrity", status="concluded", received=d(2025, 1, 6),
                            accepted=d(2025, 1, 8), concluded=d(2025, 1, 20), replied=d(2025, 1, 20),
                            rating="satisfied"),
        "C2": add_complaint(VILLAGE, category="integrity", status="concluded", received=d(2025, 1, 10),
                            accepted=d(2025, 1, 13), concluded=d(2025, 4, 30), replied=d(2025, 4, 30),
                            rating="dissatisfied"),  # concluded 107 days after acceptance: late
        "C3": add_complaint(VILLAGE, category="subsidy_fraud", status="declined", received=d(2025, 2, 3),
                            decided=d(2025, 2, 5)),
        # 溪口村
        "C4": add_complaint(OTHER_VILLAGE, category="subsidy_fraud", status="transferred", received=d(2025, 2, 10),
                            decided=d(2025, 4, 1)),  # decided after ~35 working days: late
        "C5": add_complaint(OTHER_VILLAGE, category="project_tender", status="in_progress", received=d(2025, 3, 3),
                            accepted=d(2025, 3, 5)),  # due 2025-05-04, still open on 06-30: overdue
        "C6": add_complaint(OTHER_VILLAGE, category="project_tender", status="received",
                            received=d(2025, 6, 20)),  # decision due in July: still running
        # 东山村 (东山乡)
        "C7": add_complaint(FAR_VILLAGE, category="integrity", status="concluded", received=d(2025, 3, 10),
                            accepted=d(2025, 3, 11), concluded=d(2025, 3, 31), replied=d(2025, 4, 1)),
        "C8": add_complaint(FAR_VILLAGE, category="collective_assets", status="concluded", received=d(2025, 5, 5),
                            accepted=d(2025, 5, 6), concluded=d(2025, 5, 20), replied=d(2025, 5, 21),
                            rating="basically_satisfied"),
        "C9": add_complaint(FAR_VILLAGE, category="collective_assets", status="concluded", received=d(2025, 6, 2),
                            accepted=d(2025, 6, 3), concluded=d(2025, 6, 10), replied=d(2025, 6, 10)),
        "old": add_complaint(VILLAGE, category="integrity", status="received", received=d(2024, 12, 20)),
    }
    return made


def tally(report_groups, key):
    return next(g.tally for g in report_groups if g.key == key)


def test_totals_match_hand_computed_figures(ctx, app, cases):
    report = stats.build(Filters(date(2025, 1, 1), TODAY), TODAY)
    t = report.total
    assert (t.received, t.accepted, t.declined, t.transferred, t.concluded) == (9, 6, 1, 1, 5)
    assert (t.rated, t.satisfied, t.satisfaction) == (3, 2, 66.7)
    # C1, C8 rated well; C7 unrated and replied more than 30 days ago; C9 replied only 20 days ago.
    assert t.resolved == 3
    assert (t.on_time, t.overdue, t.running) == (5, 3, 1)


def test_breakdowns_by_township_village_category_and_month(ctx, app, cases):
    report = stats.build(Filters(date(2025, 1, 1), TODAY), TODAY)
    baishi, dongshan, liutang = (tally(report.townships, c) for c in ("339901101", "339901201", "339901102"))
    assert (baishi.received, baishi.accepted, baishi.concluded, baishi.on_time, baishi.overdue) == (6, 3, 2, 2, 3)
    assert (baishi.satisfaction, baishi.resolved) == (50.0, 1)
    assert (dongshan.received, dongshan.concluded, dongshan.on_time, dongshan.overdue) == (3, 3, 3, 0)
    assert (dongshan.satisfaction, dongshan.resolved) == (100.0, 2)
    assert liutang.received == 0
    assert [(g.key, g.tally.received) for g in report.villages] == [(VILLAGE, 3), (OTHER_VILLAGE, 3), (FAR_VILLAGE, 3)]
    assert (tally(report.villages, OTHER_VILLAGE).overdue, tally(report.villages, OTHER_VILLAGE).running) == (2, 1)
    assert {g.key: g.tally.received for g in report.categories} == {
        "integrity": 3, "subsidy_fraud": 2, "project_tender": 2, "collective_assets": 2}
    assert tally(report.categories, "integrity").overdue == 1
    assert [(g.key, g.tally.received, g.tally.concluded) for g in report.months] == [
        ("2025-01", 2, 2), ("2025-02", 2, 0), ("2025-03", 2, 1), ("2025-04", 0, 0), ("2025-05", 1, 1),
        ("2025-06", 2, 1)]


def test_months_follow_local_time_not_utc(ctx, app, add_complaint):
    # 23:30 on 31 January in China is still 15:30 UTC on the 31st; 00:30 on 1 February is 16:30 UTC on 31 January.
    add_complaint(VILLAGE, received=date(2025, 1, 31), received_hour=23)
    add_complaint(VILLAGE, received=date(2025, 2, 1), received_hour=0)
    report = stats.build(Filters(date(2025, 1, 1), date(2025, 2, 28)), date(2025, 3, 1))
    assert [(g.key, g.tally.received) for g in report.months] == [("2025-01", 1), ("2025-02", 1)]


def test_period_filter_narrows_the_figures(client, as_user, cases):
    as_user("county_handler")
    body = client.get("/oversight/", query_string={"from": "2025-05", "to": "2025-06"}).get_data(as_text=True)
    assert re.search(r'id="n-received">3<', body)  # C6, C8, C9


def test_dashboard_page_shows_figures_charts_and_tables(client, as_user, cases):
    as_user("county_handler")
    response = client.get("/oversight/", query_string=PERIOD)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    for name, value in (("received", 9), ("accepted", 6), ("concluded", 5), ("on-time", 5), ("overdue", 3)):
        assert re.search(rf'id="n-{name}">{value}<', body), name
    assert 'id="n-satisfaction">66.7%<' in body
    assert body.count('role="img"') >= 3 and "<title>" in body
    assert "style=" not in body and "<script" not in body
    assert "白石镇" in body and "上塘村" in body and "<caption>" in body


def test_dashboard_csv_has_bom_and_every_section(client, as_user, cases):
    as_user("county_handler")
    response = client.get("/oversight/", query_string={**PERIOD, "format": "csv"})
    raw = response.get_data()
    assert response.mimetype == "text/csv" and raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    total = next(r for r in rows if r["section"] == "total")
    assert (total["received"], total["overdue"], total["satisfaction_rate"]) == ("9", "3", "66.7")
    assert {r["section"] for r in rows} == {"total", "township", "village", "category", "month"}
    assert next(r for r in rows if r["section"] == "village" and r["code"] == FAR_VILLAGE)["resolved"] == "2"


def test_bad_filters_fall_back_with_a_message_never_a_500(client, as_user, cases):
    as_user("county_handler")
    for query in ({"from": "yesterday"}, {"to": "2025-13-40"}, {"from": "2025-06-01", "to": "2025-01-01"},
                  {"from": "0001-01-01"}, {"township": "999999999"}, {"from": "2000-01", "to": "2099-12"}):
        response = client.get("/oversight/", query_string=query)
        assert response.status_code == 200, query
        assert 'class="error-summary"' in response.get_data(as_text=True), query
