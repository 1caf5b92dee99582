"""Table disclosures: CSV from Excel (GBK) or XLSX, checked, masked and totalled before publication."""

from demo_ids import VILLAGE
from spreadsheets import xlsx_bytes
from sqlalchemy import func, select

from disclosures.support import chain_length, disclosure_id_of, new_disclosure, publish, upload
from portal.disclosures.models import Disclosure
from portal.extensions import db

FINANCE = ("序号,日期,摘要,收入,支出,经手人\r\n"
           "1,2025/3/5,土地租金,\"48,000.00\",,周晓燕\r\n"
           "2,2025-03-12,村道养护,,6800,周晓燕\r\n"
           "3,2025年3月20日,电费,,1235.6,周晓燕\r\n")
SUBSIDY = ("序号,户主,身份证号,卡号,家庭住址,发放金额\n"
           "1,郑大山,339901196805121234,6222021234566789,三组12号,564.20\n"
           "2,何秀兰,33990119720303452X,6222021234561122,三组15号,412.30\n")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Disclosure))


def test_gbk_csv_saved_by_excel_is_read_totalled_and_published(ctx, client, forms, cadre):
    data = FINANCE.encode("gbk")
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {
        "upload": upload(data, "三月收支.csv"), "notes": "期初余额 373,734.60 元。"}))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "土地租金" in preview and "48,000.00" in preview and "2025-03-20" in preview
    assert "8,035.60" in preview  # the expense total, computed, written with thousands separators
    before = chain_length()
    publish(forms, disclosure_id)
    assert chain_length() == before + 1
    content = db.session.get(Disclosure, disclosure_id).current_revision.content
    assert content["kind"] == "table" and content["columns"] == ["序号", "日期", "摘要", "收入", "支出", "经手人"]
    assert content["totals"] == {"收入": "48000.00", "支出": "8035.60"}
    assert content["notes"] == "期初余额 373,734.60 元。" and "373,734.60" in content["notes_html"]
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "村道养护" in public and "8,035.60" in public


def test_xlsx_workbook_is_accepted(ctx, client, forms, cadre):
    data = xlsx_bytes([["上塘村2025年3月财务公开"], ["序号", "摘要", "支出"], [1, "办公用品", 680], [2, "电费", 1235.6]])
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(data, "收支.xlsx")}))
    content = db.session.get(Disclosure, disclosure_id).draft_content
    assert content["rows"] == [["1", "办公用品", "680.00"], ["2", "电费", "1235.60"]]
    assert content["totals"] == {"支出": "1915.60"}


def test_bad_numbers_are_reported_beside_the_upload_and_nothing_is_stored(ctx, client, forms, cadre):
    bad = FINANCE.replace("6800", "六千八").encode("gbk")
    count = _count()
    response = new_disclosure(forms, "table", {"upload": upload(bad, "收支.csv")})
    assert response.status_code == 400
    page = _text(response)
    field = page[page.index('<div class="field has-error">'):]
    field = field[:field.index("</div>")]
    assert 'id="upload-error"' in field and "Row 3: 支出 is not a number." in field
    assert "What we read from your file" in page and "土地租金" in page  # the parsed table is shown
    assert "上塘村2025年3月财务收支明细" in page  # the typed title is kept
    assert _count() == count


def test_unreadable_file_is_refused_beside_the_field(ctx, client, forms, cadre):
    count = _count()
    response = new_disclosure(forms, "table", {"upload": upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "表.csv")})
    assert response.status_code == 400 and "is not a CSV or XLSX file" in _text(response)
    assert _count() == count


def test_a_table_draft_needs_a_file(client, forms, cadre):
    response = new_disclosure(forms, "table", {"notes": "说明"})
    assert response.status_code == 400 and "Choose the CSV or XLSX file of the table." in _text(response)


def test_id_and_bank_numbers_are_masked_and_the_masking_is_announced(client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(SUBSIDY.encode(), "补贴.csv")},
                                                    meta={"topic": "subsidy"}))
    preview = _text(client.get(f"/publish/disclosures/{disclosure_id}"))
    assert "身份证号: 2 cells masked" in preview and "卡号: 2 cells masked" in preview
    assert "These columns will not be published" in preview and "家庭住址" in preview
    assert "339901196805121234" not in preview and "6222021234566789" not in preview and "三组12号" not in preview
    publish(forms, disclosure_id)
    public = _text(client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}"))
    assert "339901196805121234" not in public and "6789" in public and "郑大山" in public


def test_editing_a_table_draft_keeps_the_table_when_no_new_file_is_sent(ctx, client, forms, cadre):
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(FINANCE.encode(), "a.csv")}))
    response = forms.post(f"/publish/disclosures/{disclosure_id}/edit",
                          {"domain": "finance", "topic": "finance_monthly", "title": "改过的标题", "period_label": "",
                           "period_start": "", "period_end": "", "notes": "新说明"},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    draft = db.session.get(Disclosure, disclosure_id).draft_content
    assert len(draft["rows"]) == 3 and draft["notes"] == "新说明" and draft["_meta"]["title"] == "改过的标题"
