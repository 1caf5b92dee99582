"""Village spreadsheets as they really come: footer rows, merged headers, formulas, .txt files, templates."""
import codecs
import io
import re
import zipfile

from demo_ids import VILLAGE
from spreadsheets import merged_header, workbook_bytes

from disclosures.support import disclosure_id_of, new_disclosure, publish, upload
from portal.disclosures.models import Disclosure
from portal.disclosures.tables import prepare_table, read_table
from portal.extensions import db


def _prepared(data: bytes, name: str):
    return prepare_table(read_table(data, name))


FOOTER_CSV = ("日期,摘要,收入,支出,余额\n"
              "期初余额,,,,1000.00\n"
              "2025-03-05,土地租金,500,,\n"
              "2025-03-09,电费,,120.50,\n"
              "本月合计,,500.00,120.50,\n"
              "期末余额,,,,1379.50\n")


def test_footer_rows_in_the_date_column_are_recognised_and_checked(app):
    prepared = _prepared(FOOTER_CSV.encode("gbk"), "三月.csv")
    assert prepared.errors == []
    assert prepared.totals == {"收入": "500.00", "支出": "120.50"}
    assert prepared.warnings == [] and prepared.checks == []  # opening + income − expense = closing
    assert prepared.rows[0][0] == "期初余额" and prepared.rows[3][0] == "本月合计"


def test_footer_rows_that_disagree_with_the_rows_are_reported():
    wrong = FOOTER_CSV.replace("本月合计,,500.00", "本月合计,,5000.00").replace("1379.50", "1400.00")
    prepared = _prepared(wrong.encode(), "三月.csv")
    assert prepared.errors == []
    codes = [c["code"] for c in prepared.checks]
    assert codes == ["stated_total", "balance"]
    assert prepared.checks[0] == {"code": "stated_total", "column": "收入", "stated": "5000.00", "computed": "500.00"}


def test_a_real_bad_date_is_still_refused():
    prepared = _prepared(FOOTER_CSV.replace("2025-03-09", "三月九号").encode(), "三月.csv")
    assert [e.code for e in prepared.errors] == ["date"]


def test_merged_two_row_header_in_xlsx_is_flattened():
    def build(sheet):
        merged_header(sheet, "上塘村2025年3月财务收支公开", "经手人")
        sheet.append(["2025-03-05", "土地租金", 500, None, "周晓燕"])
        sheet.append(["2025-03-09", "电费", None, 120.5, "周晓燕"])
    prepared = _prepared(workbook_bytes(build), "三月.xlsx")
    assert prepared.columns == ["日期", "摘要", "收入", "支出", "经手人"]
    assert prepared.totals == {"收入": "500.00", "支出": "120.50"} and prepared.errors == []


def test_two_row_header_in_csv_with_empty_continuation_cells_is_flattened():
    data = ("日期,摘要,本月,,累计,\n"
            ",,收入,支出,收入,支出\n"
            "2025-03-05,土地租金,500,,500,\n").encode("utf-8-sig")
    parsed = read_table(data, "三月.csv")
    assert parsed.columns == ["日期", "摘要", "本月收入", "本月支出", "累计收入", "累计支出"]
    assert parsed.rows == [["2025-03-05", "土地租金", "500", "", "500", ""]]


def test_a_data_row_under_a_full_header_is_not_taken_for_a_header():
    parsed = read_table("摘要,收入,支出\n土地租金,500,\n".encode(), "a.csv")
    assert parsed.columns == ["摘要", "收入", "支出"] and parsed.rows == [["土地租金", "500", ""]]


def test_formulas_without_saved_results_are_recomputed_with_a_warning():
    def build(sheet):
        sheet.append(["摘要", "收入", "支出", "余额"])
        sheet.append(["期初余额", None, None, 1000])
        sheet.append(["土地租金", 500, None, "=D2+B3-C3"])
        sheet.append(["电费", None, 120.5, "=D3+B4-C4"])
        sheet.append(["本月合计", "=SUM(B3:B4)", "=SUM(C3:C4)", None])
        sheet.append(["期末余额", None, None, "=D4"])
    prepared = _prepared(workbook_bytes(build), "三月.xlsx")
    assert [r[3] for r in prepared.rows] == ["1000.00", "1500.00", "1379.50", "", "1379.50"]
    assert prepared.rows[3][1:3] == ["500.00", "120.50"]
    assert [w.code for w in prepared.warnings] == ["formula_recomputed"] and prepared.checks == []


def test_formulas_that_cannot_be_recomputed_are_left_empty_with_a_warning():
    def build(sheet):
        sheet.append(["摘要", "收入"])
        sheet.append(["土地租金", 500])
        sheet.append(["合计", '=SUMIF(A2:A2,"土地租金",B2:B2)'])
    prepared = _prepared(workbook_bytes(build), "三月.xlsx")
    assert prepared.rows[1] == ["合计", ""]  # the formula text never leaks into the table
    assert [w.code for w in prepared.warnings] == ["formula_missing"]
    assert "B" in str(prepared.warnings[0].message)


def test_cached_formula_values_are_used_as_saved():
    def build(sheet):
        sheet.append(["摘要", "收入"])
        sheet.append(["土地租金", 500])
        sheet.append(["合计", "=SUM(B2:B2)"])
    data = workbook_bytes(build)
    # Excel stores the result next to the formula: <c r="B3"><f>SUM(B2:B2)</f><v>500</v></c>

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"<f>SUM\(B2:B2\)</f>(?:<v\s*/>)?", b"<f>SUM(B2:B2)</f><v>499</v>", body)
                assert b"<v>499</v>" in body
            dst.writestr(item, body)
    prepared = _prepared(out.getvalue(), "三月.xlsx")
    assert prepared.rows[1] == ["合计", "499.00"] and [w.code for w in prepared.warnings] == ["stated_total"]


def test_txt_file_with_a_title_line_is_read_as_tab_separated_gbk():
    text = "上塘村2025年3月财务收支公开\r\n日期\t摘要\t收入\t支出\r\n2025-03-05\t土地租金\t500\t\r\n2025-03-09\t电费\t\t120.5\r\n"
    for data in (text.encode("gbk"), codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-8")):
        prepared = _prepared(data, "三月.txt")
        assert prepared.columns == ["日期", "摘要", "收入", "支出"]
        assert prepared.totals == {"收入": "500.00", "支出": "120.50"}


def test_template_downloads_are_read_back_without_errors(client, cadre):
    for topic in ("finance_monthly", "subsidy", "assistance", "project"):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/publish/disclosures/template/{topic}.{fmt}")
            assert response.status_code == 200
            assert "attachment" in response.headers["Content-Disposition"]
            if fmt == "csv":
                assert response.data.startswith(codecs.BOM_UTF8)
            prepared = _prepared(response.data, f"t.{fmt}")
            assert prepared.errors == [] and prepared.checks == [], (topic, fmt)
    assert client.get("/publish/disclosures/template/nothing.csv").status_code == 404
    assert client.get("/publish/disclosures/template/subsidy.pdf").status_code == 404
    page = client.get("/publish/disclosures/new/table").get_data(as_text=True)
    assert "/publish/disclosures/template/finance_monthly.xlsx" in page


def test_templates_are_for_cadres_only(client):
    assert client.get("/publish/disclosures/template/subsidy.csv").status_code in (302, 401, 403)


def test_a_stated_total_that_differs_is_shown_on_the_public_page(ctx, client, forms, cadre):
    wrong = FOOTER_CSV.replace("本月合计,,500.00", "本月合计,,5000.00")
    disclosure_id = disclosure_id_of(new_disclosure(forms, "table", {"upload": upload(wrong.encode("gbk"), "三月.csv")}))
    publish(forms, disclosure_id)
    content = db.session.get(Disclosure, disclosure_id).current_revision.content
    assert content["checks"][0]["code"] == "stated_total"
    public = client.get(f"/villages/{VILLAGE}/disclosures/{disclosure_id}").get_data(as_text=True)
    assert "The stated total 5000.00 of 收入 differs from the sum of the rows, 500.00." in public
