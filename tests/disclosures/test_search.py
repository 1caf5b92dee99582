"""Search inside the county's disclosures: titles, text and table cells, filters, masked numbers, paging."""
import pytest
from demo_ids import OTHER_VILLAGE, VILLAGE
from sqlalchemy import select

from disclosures.support import META, disclosure_id_of, new_disclosure, publish
from portal.core.timezone import local_today
from portal.disclosures.search_index import DisclosureText
from portal.extensions import db
from portal.records.models import PublishedRevision

SUBSIDY = "溪口村2025年耕地地力保护补贴发放名单"


def _page(client, **args):
    response = client.get("/disclosures/search", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def test_a_table_cell_finds_its_list_and_links_to_the_revision(client, english):
    status, body = _page(client, q="郑大山")  # a name in a subsidy list (D3)
    assert status == 200 and SUBSIDY in body
    assert f"/villages/{OTHER_VILLAGE}/disclosures/" in body and "revision=1" in body
    assert "<mark>郑大山</mark>" in body


def test_titles_and_decision_text_are_found(client, english):
    assert "关于村道硬化工程的决议" in _page(client, q="公共资源交易平台")[1]
    assert SUBSIDY in _page(client, q="地力保护")[1]


def test_raw_id_card_and_bank_numbers_are_never_searchable(ctx, client, english):
    for raw in ("339901196805121234", "6222021234566789", "13812345678"):
        status, body = _page(client, q=raw)
        assert status == 400 and "cannot be searched" in body and SUBSIDY not in body
    text = db.session.scalar(select(DisclosureText.body).where(DisclosureText.title == SUBSIDY))
    assert "339901196805121234" not in text and "6222021234566789" not in text and "郑大山" in text
    # The middle of the number is masked: its digits find nothing either.
    assert SUBSIDY not in _page(client, q="19680512")[1]


def test_filters_by_village_domain_and_year(client, english):
    year = local_today().year
    assert SUBSIDY in _page(client, q="补贴", village=OTHER_VILLAGE)[1]
    assert SUBSIDY not in _page(client, q="地力保护", village=VILLAGE)[1]
    assert SUBSIDY not in _page(client, q="地力保护", domain="party")[1]
    assert SUBSIDY not in _page(client, q="地力保护", year=year - 5)[1]
    assert SUBSIDY in _page(client, q="地力保护", year=year)[1]


def test_two_character_queries_run_within_one_year_or_village(client, english):
    status, body = _page(client, q="补贴")
    assert status == 200 and SUBSIDY in body and 'id="short-query"' in body
    assert 'id="short-query"' not in _page(client, q="补贴", village=OTHER_VILLAGE)[1]


@pytest.mark.parametrize("args,field", [
    ({"q": "补"}, "Type at least two characters"),
    ({"q": "补贴", "village": "123"}, "There is no village with this code"),
    ({"q": "补贴", "domain": "x"}, "Choose party, village or finance"),
    ({"q": "补贴", "year": "20x5"}, "Give a year such as 2025"),
    ({"q": "补贴", "page": "999"}, "There is no such page"),
])
def test_bad_input_gets_a_message_beside_the_field(client, english, args, field):
    status, body = _page(client, **args)
    assert status == 400 and field in body and 'class="error-summary"' in body


def test_chinese_messages(client):
    client.set_cookie("lang", "zh_Hans_CN")
    status, body = _page(client, q="339901196805121234")
    assert status == 400 and "身份证" in body


def test_a_correction_replaces_the_indexed_text(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": "本月召开村民代表会议，讨论鱼塘承包事项。"},
                                                    meta={"domain": "village", "topic": "village_affairs",
                                                          "title": "上塘村鱼塘承包通知"}))
    publish(forms, disclosure_id)
    assert "上塘村鱼塘承包通知" in _page(client, q="鱼塘承包")[1]
    forms.post(f"/publish/disclosures/{disclosure_id}/edit",
               {**META, "domain": "village", "topic": "village_affairs", "title": "上塘村鱼塘承包通知",
                "markdown": "本月召开村民代表会议，讨论山林流转事项。", "reason": "事项写错"})
    publish(forms, disclosure_id)
    row = db.session.get(DisclosureText, disclosure_id)
    db.session.refresh(row)
    assert row.revision_number == 2 and "山林流转" in row.body and "讨论鱼塘" not in row.body
    body = _page(client, q="山林流转")[1]
    assert "revision=2" in body


def test_removing_personal_data_from_a_revision_removes_it_from_the_index(ctx, app):
    from portal.records.redaction import redact
    from tests.complaints.conftest import user

    revision = db.session.scalar(select(PublishedRevision).where(PublishedRevision.title == SUBSIDY))
    redact(revision, user("county_handler"), "姓名不应公开", ["郑大山"])
    db.session.commit()
    text = db.session.scalar(select(DisclosureText.body).where(DisclosureText.title == SUBSIDY))
    assert "郑大山" not in text


def test_results_are_paginated(app, client, english):
    from portal.disclosures import search

    monkey = search.PAGE_SIZE
    search.PAGE_SIZE = 2
    try:
        status, body = _page(client, q="财务收支")
        assert status == 200 and "Page 1 of" in body and "page=2" in body
        assert _page(client, q="财务收支", page=2)[0] == 200
    finally:
        search.PAGE_SIZE = monkey


def test_the_api_answers_the_same(client):
    data = client.get("/api/v1/disclosures/search", query_string={"q": "郑大山"}).get_json()
    assert data["total"] >= 1 and data["items"][0]["title"] == SUBSIDY
    assert data["items"][0]["url"].endswith("?revision=1") and "郑大山" in data["items"][0]["snippet"]
    bad = client.get("/api/v1/disclosures/search", query_string={"q": "339901196805121234"})
    assert bad.status_code == 400 and "q" in bad.get_json()["errors"]


def test_a_repeated_search_answers_304(client):
    first = client.get("/disclosures/search", query_string={"q": "郑大山"})
    again = client.get("/disclosures/search", query_string={"q": "郑大山"},
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
