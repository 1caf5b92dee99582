"""Public figures at /statistics: the dashboard's own numbers, small counts hidden, CSV, bad input refused."""
import csv
import io
import re
from datetime import date

import pytest
from demo_ids import FAR_VILLAGE, OTHER_TOWNSHIP, OTHER_VILLAGE, TOWNSHIP, VILLAGE
from sqlalchemy import select

from oversight.test_dashboard import TODAY, cases  # noqa: F401  (the hand-computed cases)
from portal.core.timezone import local_today
from portal.extensions import db
from portal.oversight import obligations
from portal.places.models import Village

# The public period: the last twelve whole months up to today.
PUBLIC_PERIOD = {"from": "2024-07-01", "to": "2025-06-30"}
SHARED = ("received", "accepted", "concluded", "on_time", "overdue", "rated")


@pytest.fixture
def public_today(monkeypatch):
    monkeypatch.setattr("portal.oversight.public_views.local_today", lambda: TODAY)
    monkeypatch.setattr("portal.api.figures.local_today", lambda: TODAY)


def _csv(body: str) -> list[dict]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_public_figures_equal_the_county_dashboard_where_both_count(client, as_user, cases, public_today):  # noqa: F811
    public = {r["code"]: r for r in _csv(client.get("/statistics?format=csv").get_data(as_text=True))}
    public_villages = {r["code"]: r for r in _csv(
        client.get("/statistics", query_string={"township": TOWNSHIP, "format": "csv"}).get_data(as_text=True))}
    as_user("county_handler")
    dashboard = {(r["section"], r["code"]): r for r in _csv(
        client.get("/oversight/", query_string={**PUBLIC_PERIOD, "format": "csv"}).get_data(as_text=True))}
    compared = 0
    for (section, code), row in dashboard.items():
        if section not in ("township", "village"):
            continue
        mine = public[code] if section == "township" else (public_villages.get(code) or public[code])
        if section == "village" and code not in public_villages:
            continue
        for name in SHARED:
            if not mine[name].startswith("<"):  # a suppressed count says only "fewer than 3"
                assert mine[name] == row[name], (section, code, name)
                compared += 1
            else:
                assert int(row[name]) < 3
        if mine["satisfaction_rate"]:
            assert float(mine["satisfaction_rate"]) == float(row["satisfaction_rate"])
    assert compared >= 8
    # Hand-computed (test_dashboard): 白石镇 received 7 with the December case (overdue too), 3 accepted.
    assert (public[TOWNSHIP]["received"], public[TOWNSHIP]["accepted"], public[TOWNSHIP]["overdue"]) == ("7", "3", "4")


def test_the_page_shows_township_rows_then_villages(client, english, cases, public_today):  # noqa: F811
    body = client.get("/statistics").get_data(as_text=True)
    assert re.search(r'id="n-received">10<', body)
    assert f'href="/statistics?township={TOWNSHIP}"' in body and FAR_VILLAGE not in body
    township = client.get("/statistics", query_string={"township": OTHER_TOWNSHIP}).get_data(as_text=True)
    row = township.split(f'data-key="{FAR_VILLAGE}"')[1].split("</tr>")[0]
    # 东山村: three received; one rated, so no satisfaction rate (it would tell one person's rating).
    assert 'data-label="Received">3<' in row and 'data-label="Satisfaction">—<' in row
    assert VILLAGE not in township
    assert "Counts below 3" in body


def test_small_counts_are_suppressed_with_the_dashboard_threshold(app, client, english, cases, public_today):  # noqa: F811
    body = client.get("/statistics", query_string={"township": TOWNSHIP}).get_data(as_text=True)
    row = body.split(f'data-key="{VILLAGE}"')[1].split("</tr>")[0]
    # 上塘村: 4 received, 2 accepted, 2 concluded: the two read "<3".
    assert ">4<" in row and row.count("&lt;3") >= 2 and ">2<" not in row
    app.config["STATISTICS_MIN_COUNT"] = 5
    body = client.get("/statistics", query_string={"township": TOWNSHIP}).get_data(as_text=True)
    assert "&lt;5" in body.split(f'data-key="{VILLAGE}"')[1].split("</tr>")[0]


def test_cases_about_township_officials_are_never_counted(ctx, client, add_complaint, public_today):
    for day in (3, 4, 5):
        add_complaint(VILLAGE, received=date(2025, 3, day))
    about = add_complaint(VILLAGE, received=date(2025, 3, 9), handling_level="county")
    about.concerns_township_officials = True
    db.session.commit()
    rows = {r["code"]: r for r in _csv(client.get("/statistics?format=csv").get_data(as_text=True))}
    assert rows[TOWNSHIP]["received"] == "3"


def test_csv_download_is_excel_friendly(client, cases, public_today):  # noqa: F811
    response = client.get("/statistics", query_string={"township": TOWNSHIP, "format": "csv"})
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = _csv(body)
    assert rows[0]["level"] == "township" and {r["code"] for r in rows[1:]} >= {VILLAGE, OTHER_VILLAGE}
    assert all(r["level"] == "village" for r in rows[1:]) and "测试内容" not in body and "测试对象" not in body
    assert response.headers.get("ETag")


@pytest.mark.parametrize("lang,message", [("en", "There is no such township"), ("zh_Hans_CN", "没有这个乡镇")])
def test_an_unknown_township_is_refused_clearly(client, lang, message):
    client.set_cookie("lang", lang)
    for bad in ("999999999", "abc", "1" * 200):
        response = client.get("/statistics", query_string={"township": bad})
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body and 'aria-invalid="true"' in body


def test_revalidation_answers_304(client):
    first = client.get("/statistics")
    again = client.get("/statistics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_disclosures_on_time_per_village(ctx, app, client, english):
    body = client.get("/statistics", query_string={"township": TOWNSHIP}).get_data(as_text=True)
    row = body.split(f'data-key="{VILLAGE}"')[1].split("</tr>")[0]
    (published, due), (on_time, due_again) = [tuple(map(int, m)) for m in re.findall(r"(\d+) of (\d+)</td>", row)]
    # The same check as the dashboard's freshness table (oversight.obligations).
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    checked = obligations.for_village(village.id, local_today())
    assert due == due_again == len(checked) > 0
    assert on_time == sum(o.state == "ok" for o in checked)
    assert published == sum(o.state != "missing" for o in checked)


def test_the_api_gives_the_same_figures(client, cases, public_today):  # noqa: F811
    data = client.get("/api/v1/statistics", query_string={"township": TOWNSHIP}).get_json()
    page = {r["code"]: r for r in _csv(
        client.get("/statistics", query_string={"township": TOWNSHIP, "format": "csv"}).get_data(as_text=True))}
    village = next(v for v in data["villages"] if v["code"] == VILLAGE)
    assert village["complaints"]["received"] == int(page[VILLAGE]["received"]) == 4
    assert village["complaints"]["accepted"] is None and data["min_count"] == 3  # suppressed: null
    assert data["period"] == {"start": "2024-07-01", "end": "2025-06-30"}
    assert client.get("/api/v1/statistics", query_string={"township": "nope"}).status_code == 400
