"""The monthly open letter to a village's households: what it says, bad months refused, linked from the page."""
import pytest
from demo_ids import FAR_VILLAGE, VILLAGE

from portal.core.timezone import add_months, local_today
from portal.demo.letter_month import LETTER_VILLAGE


def _last_month() -> str:
    return add_months(local_today().replace(day=1), -1).strftime("%Y-%m")


def _letter(client, code: str, month: str | None = None):
    response = client.get(f"/villages/{code}/letter", query_string={"month": month} if month else {})
    return response.status_code, response.get_data(as_text=True)


def test_the_demo_month_has_a_letter_worth_printing(client, english):
    assert LETTER_VILLAGE == FAR_VILLAGE
    status, body = _letter(client, FAR_VILLAGE, _last_month())
    assert status == 200
    letter = body.split('<article class="letter">', 1)[1]
    # Finance key figures of the month's statement (as corrected), a decision with its vote, subsidies in total.
    assert "Income" in letter and "Expenditure" in letter and "7,630.00" in letter
    assert "山塘清淤" in letter and "24 of 26 present voted for" in letter and "procedure warning" not in letter
    assert "Subsidies and assistance paid: 1,200.00 yuan, 6 payments." in letter
    # What changed: the statement's correction and its reason.
    assert "was corrected on" in letter and "漏记材料费" in letter
    # How to report: the QR code of the complaint form and the hotlines; the township's poll.
    assert '<svg role="img"' in letter and f"/complaints/new?village={FAR_VILLAGE}" in letter and "12388" in letter
    assert "Residents may propose problems until" in letter
    # Masked data stays masked: no ID number of the subsidy list reaches the letter.
    assert "339901193805120017" not in body


def test_no_month_means_last_month_and_chinese_reads_well(client):
    client.set_cookie("lang", "zh_Hans_CN")
    status, body = _letter(client, FAR_VILLAGE)
    assert status == 200 and "全体村民的一封信" in body and "发放补贴和救助共 1,200.00 元，6 笔。" in body
    assert "到会 26 人，24 人赞成" in body


@pytest.mark.parametrize("month,message", [
    ("abc", "Give the month as year and month"),
    ("2025-13", "Give the month as year and month"),
    ("2025-3-1", "Give the month as year and month"),
    ("1999-12", "Choose a month from the year 2000 on"),
    ("9999-01", "That month has not come yet"),
    ("２０２５-０３", "Give the month as year and month"),
])
def test_a_bad_month_gets_a_clear_message(client, english, month, message):
    status, body = _letter(client, VILLAGE, month)
    assert status == 400 and message in body and 'aria-invalid="true"' in body
    assert '<article class="letter">' not in body


def test_a_future_month_is_refused_in_chinese(client):
    client.set_cookie("lang", "zh_Hans_CN")
    nxt = add_months(local_today().replace(day=1), 1).strftime("%Y-%m")
    status, body = _letter(client, VILLAGE, nxt)
    assert status == 400 and "这个月份还没到" in body


def test_a_quiet_month_says_so(client, english):
    status, body = _letter(client, VILLAGE, "2001-01")
    assert status == 200 and "Nothing was published about this month." in body
    assert "No finance statement about this month has been published yet." in body


def test_unknown_village_is_404(client):
    assert client.get("/villages/000000000000/letter").status_code == 404


def test_the_village_page_links_to_the_letter_and_the_search(client):
    body = client.get(f"/villages/{VILLAGE}").get_data(as_text=True)
    assert f'href="/villages/{VILLAGE}/letter"' in body and f'href="/disclosures/search?village={VILLAGE}"' in body


def test_the_letter_revalidates(client):
    first = client.get(f"/villages/{FAR_VILLAGE}/letter")
    assert client.get(f"/villages/{FAR_VILLAGE}/letter",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
