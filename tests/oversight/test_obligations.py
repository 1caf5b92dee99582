"""Disclosure obligations: what is due, what is missing or late, and the village page's "What is missing"."""
import gzip
from datetime import date
from urllib.parse import parse_qs, urlsplit

from demo_ids import VILLAGE

from portal.core.timezone import local_today, month_end
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.oversight import obligations
from portal.oversight.obligations import Cadence, Record, check, expected
from portal.places.models import Village
from portal.records import service as records

TODAY = date(2025, 6, 30)


def states(obs):
    return {(o.kind, o.start.isoformat()): o.state for o in obs}


def test_expected_obligations_of_the_last_twelve_months():
    due = expected(TODAY, Cadence())
    months = [e.start for e in due if e.kind == "finance_monthly"]
    assert months[0] == date(2024, 6, 1) and months[-1] == date(2025, 5, 1) and len(months) == 12
    assert next(e for e in due if e.start == date(2025, 5, 1)).due == date(2025, 6, 20)
    quarters = [e.start for e in due if e.kind == "village_affairs"]
    assert quarters == [date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)]
    assert [e.start for e in due if e.kind == "party_affairs"] == quarters
    duty = [e for e in due if e.kind == "duty_report"]
    assert [(e.start.year, e.due) for e in duty] == [(2024, date(2025, 3, 31))]
    assert all(e.due <= TODAY for e in due)


def test_a_quarter_due_early_in_the_window_is_not_forgotten():
    due = expected(date(2025, 7, 15), Cadence())
    assert [e.start for e in due if e.kind == "village_affairs"][0] == date(2024, 4, 1)  # due 2024-07-20
    long_grace = expected(date(2025, 7, 15), Cadence(quarterly_grace_days=90))
    assert [e.start for e in long_grace if e.kind == "party_affairs"][0] == date(2024, 4, 1)  # due 2024-09-28


def test_cadence_is_configurable(ctx, app):
    app.config["DISCLOSURE_CADENCE"] = {"finance_due_day": 10, "window_months": 3, "bad": "x",
                                        "quarterly_grace_days": "soon"}
    cadence = Cadence.current()
    assert (cadence.finance_due_day, cadence.window_months, cadence.quarterly_grace_days) == (10, 3, 20)
    due = expected(TODAY, cadence)
    assert [e.start for e in due if e.kind == "finance_monthly"] == [date(2025, 3, 1), date(2025, 4, 1),
                                                                     date(2025, 5, 1)]


def test_on_time_late_and_missing_are_told_apart():
    records_ = [
        Record("disclosure", "finance_monthly", "finance", date(2025, 5, 1), date(2025, 5, 31), date(2025, 6, 15)),
        Record("disclosure", "finance_monthly", "finance", date(2025, 4, 1), date(2025, 4, 30), date(2025, 5, 25)),
        Record("disclosure", "decision", "village", None, None, date(2025, 2, 26)),  # published during Q1
        Record("disclosure", "party_affairs", "party", date(2024, 10, 1), date(2024, 12, 31), date(2025, 2, 1)),
        Record("duty_report", "2024", None, None, None, date(2025, 3, 1)),
    ]
    result = states(check(records_, expected(TODAY, Cadence())))
    assert result[("finance_monthly", "2025-05-01")] == "ok"
    assert result[("finance_monthly", "2025-04-01")] == "late"  # due 20 May
    assert result[("finance_monthly", "2025-03-01")] == "missing"
    assert result[("village_affairs", "2025-01-01")] == "ok"
    assert result[("village_affairs", "2024-10-01")] == "missing"
    assert result[("party_affairs", "2024-10-01")] == "late"  # due 20 January
    assert result[("duty_report", "2024-01-01")] == "ok"


def test_a_quarterly_statement_counts_for_each_of_its_months():
    quarter = Record("disclosure", "finance_monthly", "finance", date(2025, 1, 1), date(2025, 3, 31),
                     date(2025, 4, 10))
    result = states(check([quarter], expected(TODAY, Cadence())))
    assert result[("finance_monthly", "2025-01-01")] == "late"  # due 20 February
    assert result[("finance_monthly", "2025-02-01")] == "late"  # due 20 March
    assert result[("finance_monthly", "2025-03-01")] == "ok"  # due 20 April
    assert result[("finance_monthly", "2025-04-01")] == "missing"


def _last_due_month(today: date) -> date:
    """The newest month whose finance statement is already due."""
    return max(e.start for e in expected(today, Cadence()) if e.kind == "finance_monthly")


def _publish_finance(village: Village, month: date) -> None:
    disclosure = Disclosure(village=village, domain="finance", kind="text", topic="finance_monthly",
                            title=f"{month:%Y年%m月}财务收支", period_label=f"{month:%Y-%m}", period_start=month,
                            period_end=month_end(month))
    db.session.add(disclosure)
    db.session.flush()
    records.publish(disclosure, subject_type="disclosure", content={"kind": "text", "markdown": "收支", "html": "<p>收支</p>"},
                    title=disclosure.title, reason=None, user_id=None)
    db.session.commit()


def _missing_links(body: str) -> list[dict]:
    links = []
    for chunk in body.split('href="')[1:]:
        url = chunk.split('"', 1)[0].replace("&amp;", "&")
        if url.startswith("/complaints/new?") and "disclosure_failure" in url:
            links.append({k: v[0] for k, v in parse_qs(urlsplit(url).query).items()})
    return links


def test_village_page_shows_a_missing_month_and_publishing_clears_it(ctx, app, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    month = _last_due_month(local_today())
    label = f"{month.year}年{month.month}月"
    body = client.get(f"/villages/{VILLAGE}").get_data(as_text=True)
    missing = [link for link in _missing_links(body) if label in link["about"]]
    assert len(missing) == 1
    assert missing[0]["village"] == VILLAGE and missing[0]["category"] == "disclosure_failure"
    assert "上塘村" in missing[0]["about"]
    _publish_finance(village, month)
    body = client.get(f"/villages/{VILLAGE}").get_data(as_text=True)
    assert not [link for link in _missing_links(body) if label in link["about"]]
    late = [o for o in obligations.for_village(village.id, local_today()) if o.start == month
            and o.kind == "finance_monthly"]
    assert late[0].state in ("ok", "late") and late[0].published_on == local_today()


def test_village_page_stays_small_and_within_its_query_budget(app, client, count_queries):
    client.get(f"/villages/{VILLAGE}")
    with count_queries() as n:
        response = client.get(f"/villages/{VILLAGE}", headers={"If-None-Match": "other"})
    assert response.status_code == 200 and n() <= 6
    assert len(gzip.compress(response.get_data())) < 25 * 1024


def test_dashboard_freshness_matches_the_village_check(ctx, client, as_user):
    as_user("county_handler")
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    owed = obligations.for_village(village.id, local_today())
    missing = sum(o.state == "missing" for o in owed)
    body = client.get("/oversight/").get_data(as_text=True)
    row = body.split(f'data-village="{VILLAGE}"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{missing}</td>' in row
    per_village = obligations.for_villages([village.id], local_today(), township_id=village.township_id)
    assert per_village[village.id] == owed
    assert missing >= 1
