"""The dashboard's to-do list of owed disclosures, "publish now" links, and the period entered once."""
import datetime
import re
from html import unescape

from disclosures.support import disclosure_id_of, new_disclosure, publish
from portal.disclosures.models import Disclosure
from portal.disclosures.periods import as_month, derive_label, month_range
from portal.extensions import db


def test_period_labels_follow_from_the_dates():
    d = datetime.date
    assert derive_label(d(2025, 3, 1), d(2025, 3, 31)) == "2025年3月"
    assert derive_label(d(2025, 1, 1), d(2025, 3, 31)) == "2025年第一季度"
    assert derive_label(d(2024, 10, 1), d(2024, 12, 31)) == "2024年第四季度"
    assert derive_label(d(2025, 1, 1), d(2025, 12, 31)) == "2025年"
    assert derive_label(d(2025, 7, 1), d(2025, 12, 31)) == "2025年下半年"
    assert derive_label(d(2025, 3, 1), d(2025, 3, 15)) == "2025年3月1日至3月15日"
    assert derive_label(d(2025, 3, 31), d(2025, 3, 1)) == ""
    assert month_range("2025-02") == (d(2025, 2, 1), d(2025, 2, 28))
    assert month_range("2024年2月") == (d(2024, 2, 1), d(2024, 2, 29))
    assert as_month("2025-02-01", "2025-02-28") == "2025-02" and as_month("2025-02-01", "2025-02-27") == ""


def test_the_month_entered_once_sets_dates_and_label(ctx, client, forms, cadre):
    response = new_disclosure(forms, "text", {"markdown": "本月无重大事项。"},
                              meta={"period_label": "", "period_start": "", "period_end": "", "period_month": "2025-04"})
    disclosure = db.session.get(Disclosure, disclosure_id_of(response))
    assert (disclosure.period_start, disclosure.period_end) == (datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))
    assert disclosure.period_label == "2025年4月"


def test_a_bad_month_is_refused_beside_the_field(client, forms, cadre):
    response = new_disclosure(forms, "text", {"markdown": "x"}, meta={"period_month": "2025-13"})
    assert response.status_code == 400
    assert "Write a month such as 2025-03." in response.get_data(as_text=True)


def _owed_links(page: str) -> list[str]:
    section = page.split('id="owed"', 1)[1].split("</section>", 1)[0]
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', section)]


def test_dashboard_lists_what_is_owed_with_prefilled_links(client, forms, cadre):
    page = client.get("/publish/").get_data(as_text=True)
    assert "Still owed to residents" in page
    links = _owed_links(page)
    finance = next(link for link in links if "topic=finance_monthly" in link)
    assert finance.startswith("/publish/disclosures/new/table?") and "domain=finance" in finance
    assert re.search(r"period_start=\d{4}-\d{2}-01", finance)
    form = client.get(finance).get_data(as_text=True)
    month = re.search(r"period_start=(\d{4}-\d{2})-01", finance).group(1)
    assert f'value="{month}"' in form  # the month field is filled in
    assert 'value="finance" selected' in form or 'selected value="finance"' in form
    assert any(link.startswith("/publish/reports/new?period=") for link in links) or \
        not any("duty" in link for link in links)


def test_publishing_the_owed_statement_takes_it_off_the_list(client, forms, cadre):
    finance = next(link for link in _owed_links(client.get("/publish/").get_data(as_text=True))
                   if "topic=finance_monthly" in link)
    start = re.search(r"period_start=(\d{4}-\d{2}-\d{2})", finance).group(1)
    end = re.search(r"period_end=(\d{4}-\d{2}-\d{2})", finance).group(1)
    csv = "日期,摘要,收入\n" + start + ",土地租金,100\n"
    response = new_disclosure(forms, "table", {"upload": (__import__("io").BytesIO(csv.encode()), "a.csv")},
                              meta={"domain": "finance", "topic": "finance_monthly", "period_label": "",
                                    "period_start": start, "period_end": end})
    publish(forms, disclosure_id_of(response))
    assert finance not in _owed_links(client.get("/publish/").get_data(as_text=True))


def test_text_notice_as_typed_keeps_paragraphs_and_marks(ctx, client, forms, cadre):
    text = "各位村民：\n本月召开村民代表会议。\n\n1. 村道修缮\n* 不是列表 **也不加粗** <b>x</b>"
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": text, "text_format": "plain"}))
    content = db.session.get(Disclosure, disclosure_id).draft_content
    assert content["format"] == "plain"
    assert content["html"] == ("<p>各位村民：<br>本月召开村民代表会议。</p>"
                               "<p>1. 村道修缮<br>* 不是列表 **也不加粗** &lt;b&gt;x&lt;/b&gt;</p>")
    preview = client.get(f"/publish/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "<p>各位村民：<br>本月召开村民代表会议。</p>" in preview
    edit = client.get(f"/publish/disclosures/{disclosure_id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="plain"|<input[^>]*value="plain"[^>]*checked', edit)
