"""Public pages a resident reads: home, search, township, village, power item, disclosure, report."""
import gzip

import pytest
from demo_ids import FAR_VILLAGE, VILLAGE

from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_home_lists_townships_in_chinese_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    body = _text(page)
    assert 'lang="zh-CN"' in body
    assert "白石镇" in body and "柳塘镇" in body and "东山乡" in body


@pytest.mark.parametrize("query", ["stc", "STC", "shangtang", "tangcun", "上塘", "白石镇", "339901101202"])
def test_search_finds_village_by_name_pinyin_or_township(client, query):
    body = _text(client.get("/", query_string={"q": query}))
    assert "上塘村" in body
    assert f"/villages/{VILLAGE}" in body


def test_search_without_match_says_so_and_offers_townships(client):
    body = _text(client.get("/", query_string={"q": "zzzz"}))
    assert "上塘村" not in body
    assert 'href="/"' in body


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "\\", "a" * 64])
def test_search_with_hostile_text_never_fails(client, query):
    assert client.get("/", query_string={"q": query}).status_code == 200


@pytest.mark.parametrize(("query", "english", "chinese"), [
    ("\u202e村", "The text contains invisible control characters. Please type it again.", "文字中含有不可见的控制字符，请重新输入。"),
    ("上塘\x00", "The text contains invisible control characters. Please type it again.", "文字中含有不可见的控制字符，请重新输入。"),
    ("上塘" * 40, "Write at most 64 characters.", "最多填写 64 个字符。"),
])
def test_search_with_hidden_characters_or_too_long_says_so_beside_the_box_and_runs_no_search(
        client, query, english, chinese, monkeypatch):
    from portal.places import search

    searched = []
    monkeypatch.setattr(search, "_run", lambda *a, **k: searched.append(a) or [])
    chinese_page = client.get("/", query_string={"q": query})
    body = _text(chinese_page)
    assert chinese_page.status_code == 200 and f'<p class="error" id="q-error">{chinese}</p>' in body
    assert 'aria-invalid="true"' in body and "上塘村" not in body and not searched
    client.set_cookie("lang", "en")
    assert f'<p class="error" id="q-error">{english}</p>' in _text(client.get("/", query_string={"q": query}))


def test_township_page_lists_its_villages(client):
    body = _text(client.get("/townships/339901101"))
    assert "白石村" in body and "上塘村" in body and "溪口村" in body and "东山村" not in body


def test_village_page_shows_powers_disclosures_reports_cadres_hotline_and_report_link(ctx, client):
    body = _text(client.get(f"/villages/{VILLAGE}"))
    assert "上塘村" in body
    assert f"/villages/{VILLAGE}/powers" in body  # the power list, one link to its own page
    assert "村级重大事项决策" in _text(client.get(f"/villages/{VILLAGE}/powers"))
    assert 'id="disclosures"' in body and f"/villages/{VILLAGE}/disclosures/" in body  # disclosures, latest few
    january = db.session.query(Disclosure).filter_by(status="published", title="上塘村2025年1月财务收支明细").one()
    assert "上塘村2025年1月财务收支明细" in _text(client.get(  # and the archive holds the earlier ones
        f"/villages/{VILLAGE}/disclosures",
        query_string={"domain": "finance", "year": january.first_published_at.year}))
    assert "陈建国2024年度述责述廉报告" in body  # duty report
    assert "李德明" in body and "周晓燕" in body  # cadres
    assert "12388" in body
    assert f"/complaints/new?village={VILLAGE}" in body


def test_power_list_page_groups_every_adopted_item(ctx, app, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    items = db.session.query(PowerItem).filter_by(village_id=village.id).all()
    assert len(items) >= 20
    body = _text(client.get(f"/villages/{VILLAGE}/powers"))
    for item in items:
        assert f"/villages/{VILLAGE}/powers/{item.id}" in body


def test_village_page_query_count_is_bounded_whatever_the_size(ctx, app, client, count_queries):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    with count_queries() as before:
        client.get(f"/villages/{VILLAGE}")
    small = before()
    template = db.session.query(PowerItem).filter_by(village_id=village.id).first()
    for n in range(200):
        db.session.add(PowerItem(village_id=village.id, code=f"X-{n}", title=f"附加事项{n}", category="service",
                                 steps=template.steps, risks=[], legal_basis=[], materials=[], disclosure_rules=[]))
    village.content_version += 1
    db.session.commit()
    with count_queries() as after:
        body = _text(client.get(f"/villages/{VILLAGE}"))
    assert "232 items" in body or "232 项" in body  # counted, listed on the power list page
    assert "附加事项199" in _text(client.get(f"/villages/{VILLAGE}/powers"))
    assert after() == small
    assert small <= 7
    with count_queries() as repeat:
        client.get(f"/villages/{VILLAGE}")
    assert repeat() == 0  # the stored page is served without the database until the village changes


def test_village_page_is_small_and_needs_no_javascript(client):
    response = client.get(f"/villages/{VILLAGE}")
    raw = response.get_data()
    assert len(gzip.compress(raw)) < 25 * 1024
    assert b"<script" not in raw


def test_village_page_answers_revalidation_with_304(client):
    first = client.get(f"/villages/{VILLAGE}")
    etag = first.headers["ETag"]
    assert first.headers.get("Last-Modified")
    again = client.get(f"/villages/{VILLAGE}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    since = client.get(f"/villages/{VILLAGE}", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_village_etag_changes_with_content_and_language(app, client):
    etag = client.get(f"/villages/{VILLAGE}").headers["ETag"]
    client.get("/lang/en")
    english = client.get(f"/villages/{VILLAGE}", headers={"If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag


def test_power_item_page_shows_the_whole_item(ctx, app, client):
    village = db.session.query(Village).filter_by(code=VILLAGE).one()
    item = db.session.query(PowerItem).filter_by(village_id=village.id, code="QX-A-01").one()
    body = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))
    assert "《村民委员会组织法》第24条" in body  # legal basis
    assert "陈建国" in body  # responsible person
    assert body.count('class="who"') == len(item.steps)  # numbered flow, one entry per step
    assert "拆分事项规避决策程序" in body and "同类事项按年度累计计算" in body  # risk and control
    assert "决议内容及表决结果" in body  # what must be disclosed
    assert f"power_item={item.id}&amp;step=1" in body  # report a problem at a step


def test_power_item_of_another_village_is_404(ctx, app, client):
    far = db.session.query(Village).filter_by(code=FAR_VILLAGE).one()
    item = db.session.query(PowerItem).filter_by(village_id=far.id).first()
    assert client.get(f"/villages/{VILLAGE}/powers/{item.id}").status_code == 404


@pytest.mark.parametrize("kind", ["table", "decision", "text"])
def test_disclosure_page_of_each_kind(ctx, app, client, kind):
    disclosure = db.session.query(Disclosure).filter_by(kind=kind, status="published").first()
    body = _text(client.get(f"/villages/{disclosure.village.code}/disclosures/{disclosure.id}"))
    assert disclosure.title in body
    assert disclosure.period_label in body
    if kind == "table":
        assert "<table class=\"cards\">" in body and "data-label=" in body
    if kind == "decision":
        assert "村民代表会议" in body or "Villager" in body


def test_table_disclosure_masks_ids_and_shows_totals(ctx, app, client):
    disclosure = db.session.query(Disclosure).filter(Disclosure.title.like("%耕地地力%")).one()
    body = _text(client.get(f"/villages/{disclosure.village.code}/disclosures/{disclosure.id}"))
    assert "339901196805121234" not in body and "6222021234566789" not in body
    assert "339901********1234" in body and "6789" in body
    assert "1,887.90" in body or "1887.90" in body  # 564.20 + 412.30 + 651.00 + 260.40


def test_duty_report_page(ctx, app, client):
    report = db.session.query(DutyReport).filter_by(cadre_name="陈建国").one()
    body = _text(client.get(f"/villages/{VILLAGE}/reports/{report.id}"))
    assert "27 件" in body and "94.8" in body


@pytest.mark.parametrize("url", [
    "/villages/000000000000", "/villages/abc", "/villages/339901101202/powers/999999",
    "/villages/339901101202/disclosures/999999", "/villages/339901101202/reports/999999",
    "/townships/999999999", "/no-such-page", "/villages/339901101202/disclosures/1?revision=99",
])
def test_unknown_things_get_a_friendly_404_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 404
    body = _text(response)
    assert "找不到" in body or "未找到" in body
    assert "Traceback" not in body


def test_english_switch_translates_the_page_and_persists(client):
    response = client.get(f"/lang/en?next=/villages/{VILLAGE}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/villages/{VILLAGE}")
    body = _text(client.get(f"/villages/{VILLAGE}"))
    assert 'lang="en"' in body and "Report a problem" in body
    client.get("/lang/zh_Hans_CN")
    assert "举报" in _text(client.get(f"/villages/{VILLAGE}"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_larger_text_option_persists(client):
    client.get("/display/large")
    assert 'class="text-large"' in _text(client.get("/"))
    client.get("/display/normal")
    assert 'class="text-large"' not in _text(client.get("/"))
