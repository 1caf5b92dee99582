"""Table disclosure import: reading, validation, masking and totals."""
import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal

import flask
import flask_babel
import pytest
from hypothesis import given
from hypothesis import strategies as st
from spreadsheets import xlsx_bytes

from portal.core.masking import is_id_number, mask_bank_account, mask_id_number, mask_phone, mask_text
from portal.disclosures.tables import (
    MAX_COLUMNS,
    MAX_ROWS,
    ParsedTable,
    TableError,
    parse_date,
    parse_number,
    prepare_table,
    read_table,
    recognise_column,
    to_canonical,
)

# DOMAIN.md demo D1: 上塘村 finance statement, January 2025.
D1_CSV = """上塘村2025年1月财务收支公开
序号,日期,凭证号,摘要,收入,支出,经手人,审核,备注
,,,期初余额,"312,450.20",,,,
1,2025-01-03,记-01,土地租金,"48,000.00",,,,
2,2025/1/8,记-02,县级以奖代补,30000,,,,
3,2025年1月10日,记-03,村道养护,,6800,周晓燕,李德明,
4,2025.1.15,记-04,保洁员工资,,"￥4,500.00",,,
5,2025-01-16,记-05,办公用品,,680元,,,
6,2025-01-20,记-06,电费,,"1,235.60",,,
7,2025-01-25,记-07,代表误工补贴,,3500,,,
,,,本期合计,78000.00,16715.60,,,
,,,期末余额,"373,734.60",,,,
监督电话：0000-1230101
"""

SUBSIDY_HEADER = ["序号", "补贴项目", "村民小组", "户主", "身份证号", "计补依据", "标准",
                  "发放金额", "卡号", "代发银行", "发放日期"]
SUBSIDY_ROW = ["1", "耕地地力保护补贴", "三组", "郑某", "339901199001011234", "5.2亩", "108.5元/亩",
               "564.20", "6222021234566789", "青溪农商行", "2025-06-10"]


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    """Write rows as CSV text, quoting where needed, and encode it."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def rezip(data, extra=None, replace=None):
    """Copy a zip archive, adding files and rewriting members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if replace and item.filename in replace:
                body = replace[item.filename](body)
            dst.writestr(item, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


# --- reading -----------------------------------------------------------------

def test_gbk_csv_is_decoded_as_gb18030():
    parsed = read_table(D1_CSV.encode("gbk"), "d1.csv")
    assert parsed.encoding == "gb18030"
    assert parsed.columns[:5] == ["序号", "日期", "凭证号", "摘要", "收入"]
    assert parsed.rows[1][3] == "土地租金"
    assert parsed.row_numbers[0] == 3  # title line and header come first


def test_utf8_bom_csv_with_semicolons():
    data = "\ufeff序号;户主;发放金额\n1;郑某;564.20\n".encode("utf-8")
    parsed = read_table(data, "list.csv")
    assert parsed.encoding == "utf-8-sig"
    assert parsed.columns == ["序号", "户主", "发放金额"]
    assert parsed.rows == [["1", "郑某", "564.20"]]


def test_plain_utf8_tab_separated():
    parsed = read_table(csv_bytes([["户主", "家庭人口", "月保障金"], ["许某某", "2人", "1,280"]], "\t"), "d4.txt")
    assert parsed.encoding == "utf-8"
    assert parsed.rows == [["许某某", "2人", "1,280"]]


def test_quoted_thousands_do_not_confuse_delimiter_detection():
    data = csv_bytes([["摘要", "收入"], ["租金", "48,000.00"], ["补助", "1,000"]])
    assert b'"48,000.00"' in data
    assert read_table(data, "a.csv").rows == [["租金", "48,000.00"], ["补助", "1,000"]]


def test_excel_sep_line_sets_delimiter():
    parsed = read_table(b"sep=;\n\xe6\x91\x98\xe8\xa6\x81;amount\nx;1,5\n", "a.csv")
    assert parsed.columns == ["摘要", "amount"] and parsed.rows == [["x", "1,5"]]


def test_whitespace_empty_rows_and_trailing_columns_are_tidied():
    data = csv_bytes([[" 户主 ", "发放金额", "", ""], ["", "", "", ""], ["\u3000郑某", " 564.20 ", "", ""], ["", " ", "", ""]])
    parsed = read_table(data, "a.csv")
    assert parsed.columns == ["户主", "发放金额"]
    assert parsed.rows == [["郑某", "564.20"]]


def test_xlsx_first_sheet_values_only():
    data = xlsx_bytes([SUBSIDY_HEADER,
                       [1, "耕地地力保护补贴", "三组", "郑某", "339901199001011234", "5.2亩", "108.5元/亩",
                        564.2, 6222021234566789, "青溪农商行", datetime.datetime(2025, 6, 10)],
                       [None] * 11])
    parsed = read_table(data, "upload.csv")  # the content decides, not the name
    assert parsed.encoding == "xlsx"
    assert parsed.rows == [SUBSIDY_ROW[:7] + ["564.2", "6222021234566789", "青溪农商行", "2025-06-10"]]


def test_xlsx_uses_cached_formula_values():
    data = xlsx_bytes([["摘要", "收入"], ["租金", 48000], ["合计", "=SUM(B2:B2)"]])
    parsed = read_table(data, "a.xlsx")
    assert parsed.rows[1] == ["合计", "48000"]  # openpyxl wrote no cached value: recomputed, never leaked
    assert [code for code, _ in parsed.notes] == ["formula_recomputed"]


def test_macro_workbook_is_rejected():
    data = rezip(xlsx_bytes([["a", "b"], ["1", "2"]]), extra={"xl/vbaProject.bin": b"\x00" * 32})
    with pytest.raises(TableError):
        read_table(data, "a.xlsx")


def test_macro_content_type_is_rejected():
    def to_xlsm(body):
        return body.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    data = rezip(xlsx_bytes([["a", "b"], ["1", "2"]]), replace={"[Content_Types].xml": to_xlsm})
    with pytest.raises(TableError):
        read_table(data, "a.xlsx")


def test_other_zip_is_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(TableError):
        read_table(out.getvalue(), "a.xlsx")


def test_corrupt_zip_is_rejected():
    with pytest.raises(TableError):
        read_table(b"PK\x03\x04" + b"garbage" * 20, "a.xlsx")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # legacy .xls
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    bytes(range(256)) * 4,
])
def test_binary_content_renamed_csv_is_rejected(data):
    with pytest.raises(TableError):
        read_table(data, "list.csv")


@pytest.mark.parametrize("data", [b"", b"  \r\n\n", "序号,户主,发放金额\n".encode("gbk"), b",,,\n,,\n"])
def test_empty_or_header_only_is_rejected(data):
    with pytest.raises(TableError):
        read_table(data, "a.csv")


def test_limits():
    too_wide = [[f"列{i}" for i in range(MAX_COLUMNS + 1)], ["1"] * (MAX_COLUMNS + 1)]
    with pytest.raises(TableError):
        read_table(csv_bytes(too_wide), "a.csv")
    just_right = [["序号", "金额"]] + [[str(i), "1"] for i in range(MAX_ROWS)]
    assert len(read_table(csv_bytes(just_right), "a.csv").rows) == MAX_ROWS
    with pytest.raises(TableError):
        read_table(csv_bytes(just_right + [["x", "1"]]), "a.csv")
    with pytest.raises(TableError):
        read_table(b"a,b\n" + b"1,2\n" * 600_000, "a.csv")  # over 2 MB


def test_bad_header_shapes_are_rejected():
    for rows in ([["序号", "", "金额"], ["1", "x", "2"]],
                 [["金额", "金额"], ["1", "2"]],
                 [["序号", "金额"], ["1", "2", "stray"]]):
        with pytest.raises(TableError):
            read_table(csv_bytes(rows), "a.csv")


# --- columns, numbers and dates ---------------------------------------------

@pytest.mark.parametrize("header,key", [
    ("序号", "seq"), ("发放日期", "date"), ("摘要", "description"), ("补贴项目", "subsidy_type"),
    ("收入", "income"), ("支出（元）", "expense"), ("发放金额(元)", "amount"), ("身份证号码", "id_number"),
    ("一卡通账号", "bank_account"), ("联系电话", "phone"), ("补贴对象", "name"), ("家庭人口", "household_size"),
    ("月保障金", "monthly_amount"), ("家庭住址", "address"), ("现居住地址", "address"),
    ("致贫原因", "sensitive_detail"), ("残疾类别", "sensitive_detail"), ("标准", "rate"), ("不认识", None),
])
def test_recognise_column(header, key):
    assert recognise_column(header) == key


@pytest.mark.parametrize("text,value", [
    ("1,234.50", "1234.50"), ("¥1,234.50", "1234.50"), ("￥1,234.50", "1234.50"), ("1234元", "1234"),
    ("１２３４．５", "1234.5"), ("-680", "-680"), ("(1,235.60)", "-1235.60"), ("人民币 48,000", "48000"),
])
def test_parse_number_accepts(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12abc", "1,23", "壹佰元", "1.2.3", "--5", "", "¥"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("text", ["2025-01-05", "2025/1/5", "2025年1月5日", "2025.1.5", "20250105",
                                  "２０２５年１月５日", "2025-01-05 00:00:00"])
def test_parse_date_forms(text):
    assert parse_date(text) == datetime.date(2025, 1, 5)


@pytest.mark.parametrize("text", ["2025-13-01", "2025-02-30", "1月5日", "2025/1-5", "昨天"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


# --- prepare: finance statement ----------------------------------------------

def test_d1_finance_statement_totals_exactly():
    prepared = prepare_table(read_table(D1_CSV.encode("gbk"), "d1.csv"))
    assert prepared.errors == []
    assert prepared.totals == {"收入": "78000.00", "支出": "16715.60"}
    assert [w.code for w in prepared.warnings] == []
    assert prepared.rows[1][1:5] == ["2025-01-03", "记-01", "土地租金", "48000.00"]
    assert prepared.rows[4][5] == "4500.00"
    assert prepared.rows[-1][0] == "监督电话：0000-1230101"  # the hotline stays readable


def test_d1_with_wrong_closing_balance_warns():
    tampered = D1_CSV.replace('"373,734.60"', '"373,743.60"')
    prepared = prepare_table(read_table(tampered.encode("utf-8"), "d1.csv"))
    assert [w.code for w in prepared.warnings] == ["balance"]
    assert prepared.errors == []


def test_wrong_stated_total_warns():
    tampered = D1_CSV.replace("78000.00,16715.60", "78000.00,16000.00")
    prepared = prepare_table(read_table(tampered.encode("utf-8"), "d1.csv"))
    assert [(w.code) for w in prepared.warnings] == ["stated_total"]


def test_footer_label_and_value_in_one_cell():
    rows = [["摘要", "收入", "支出"], ["期初余额：100.00", "", ""], ["租金", "50", ""], ["电费", "", "15"],
            ["合计电费补缴", "", "5"], ["期末余额 130.00", "", ""]]
    prepared = prepare_table(read_table(csv_bytes(rows), "a.csv"))
    assert prepared.totals == {"收入": "50.00", "支出": "20.00"} and prepared.warnings == []


def test_bad_cells_are_reported_with_row_and_column():
    rows = [["序号", "日期", "摘要", "收入", "支出"],
            ["1", "2025-01-03", "租金", "4八000", ""],
            ["2", "2025-01-32", "电费", "", "1,235.60"],
            ["3", "2025-01-05", "工资", "", "12.345"]]
    prepared = prepare_table(read_table(csv_bytes(rows), "a.csv"))
    assert [(e.row, e.column, e.code) for e in prepared.errors] == [
        (2, "收入", "number"), (3, "日期", "date"), (4, "支出", "decimals")]
    assert prepared.totals == {"收入": "0.00", "支出": "1235.60"}


def test_rows_numbered_as_in_the_spreadsheet():
    data = xlsx_bytes([["标题"], ["户主", "月保障金"], ["许某某", "1,280"], [None, None], ["王某", "一千"]])
    prepared = prepare_table(read_table(data, "d4.xlsx"))
    assert [(e.row, e.column) for e in prepared.errors] == [(5, "月保障金")]


def test_table_without_amounts_warns():
    prepared = prepare_table(read_table(csv_bytes([["序号", "户主"], ["1", "郑某"]]), "a.csv"))
    assert [w.code for w in prepared.warnings] == ["no_numeric"] and prepared.totals == {}


# --- prepare: privacy ----------------------------------------------------------

def test_d3_subsidy_row_is_masked():
    prepared = prepare_table(read_table(csv_bytes([SUBSIDY_HEADER, SUBSIDY_ROW], encoding="gbk"), "d3.csv"))
    assert prepared.errors == []
    assert prepared.rows == [["1", "耕地地力保护补贴", "三组", "郑某", "339901********1234", "5.2亩", "108.5元/亩",
                              "564.20", "**** 6789", "青溪农商行", "2025-06-10"]]
    assert prepared.masked == {"身份证号": 1, "卡号": 1}
    assert prepared.totals == {"发放金额": "564.20"}


def test_d4_assistance_list_drops_address_and_hardship_details():
    rows = [["户主", "家庭住址", "家庭人口", "月保障金", "致贫原因", "联系电话"],
            ["许某某", "柳塘村3组18号", "2人", "1,280元", "因病", "13812345678"]]
    prepared = prepare_table(read_table(csv_bytes(rows), "d4.csv"))
    assert prepared.dropped_columns == ["家庭住址", "致贫原因"]
    assert prepared.columns == ["户主", "家庭人口", "月保障金", "联系电话"]
    assert prepared.rows == [["许某某", "2人", "1280.00", "138****5678"]]
    assert "柳塘村3组18号" not in json.dumps(to_canonical(prepared), ensure_ascii=False)


def test_identifiers_in_free_text_columns_are_masked():
    rows = [["户主", "备注"], ["郑某", "代领人身份证339901198502031234，电话139 1234 5678"],
            ["王某", "卡号 6222 0212 3456 6789"], ["李某", "无"]]
    prepared = prepare_table(read_table(csv_bytes(rows), "a.csv"))
    assert prepared.rows[0][1] == "代领人身份证339901********1234，电话139****5678"
    assert prepared.rows[1][1] == "卡号 **** 6789"
    assert prepared.masked == {"备注": 2}


def test_invalid_identifier_is_an_error_and_never_echoed():
    rows = [SUBSIDY_HEADER, SUBSIDY_ROW[:4] + ["3399011990"] + SUBSIDY_ROW[5:8] + ["无", "", "2025-06-10"]]
    prepared = prepare_table(read_table(csv_bytes(rows), "a.csv"))
    assert [(e.row, e.column, e.code) for e in prepared.errors] == [(2, "身份证号", "id_number")]
    assert "3399011990" not in prepared.rows[0]
    assert prepared.rows[0][8] == "无"  # nothing to hide


def test_to_canonical_is_stable_json():
    prepared = prepare_table(read_table(csv_bytes([SUBSIDY_HEADER + ["住址"], SUBSIDY_ROW + ["x"]]), "a.csv"))
    canonical = to_canonical(prepared)
    assert list(canonical) == ["columns", "rows", "totals", "masked", "dropped_columns"]
    assert canonical["dropped_columns"] == ["住址"]
    assert json.loads(json.dumps(canonical)) == canonical
    assert json.dumps(to_canonical(prepared)) == json.dumps(canonical)


def test_prepare_accepts_parsed_table_without_row_numbers():
    prepared = prepare_table(ParsedTable(["户主", "金额"], [["郑某", "x"]], "utf-8"))
    assert [(e.row, e.column) for e in prepared.errors] == [(2, "金额")]


def test_messages_render_inside_an_app():
    app = flask.Flask(__name__)
    flask_babel.Babel(app)
    prepared = prepare_table(ParsedTable(["户主", "金额"], [["郑某", "x"]], "utf-8"))
    with app.app_context():
        assert "金额" in str(prepared.errors[0].message) and "2" in str(prepared.errors[0].message)
        with pytest.raises(TableError) as caught:
            read_table(b"", "empty.csv")
        assert "empty.csv" in str(caught.value.message)


# --- masking functions ----------------------------------------------------------

def test_mask_functions():
    assert mask_id_number("339901199001011234") == "339901********1234"
    assert mask_id_number("33990119850203123x") == "339901********123X"
    assert mask_id_number("339901850203123") == "339901*****3123"  # old 15-digit format
    assert mask_bank_account("6222 0212 3456 6789") == "**** 6789"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("+86 13812345678") == "138****5678"
    assert mask_phone("0571-87654321") == "0571-****4321"
    for bad in ("33990119901301123", "339901199013011234", "ABC"):
        with pytest.raises(ValueError):
            mask_id_number(bad)
    with pytest.raises(ValueError):
        mask_bank_account("62220")
    with pytest.raises(ValueError):
        mask_phone("12345")


def test_mask_text_leaves_hotlines_and_short_numbers():
    text = "监督电话 0000-1230101 / 12388，凭证号 20250105，金额 564.20"
    assert mask_text(text) == text


ID_NUMBERS = st.builds(
    lambda region, born, seq, check: f"{region:06d}{born:%Y%m%d}{seq:03d}{check}",
    st.integers(110000, 659999), st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)),
    st.integers(0, 999), st.sampled_from("0123456789Xx"))
CARD_NUMBERS = st.integers(16, 19).flatmap(lambda n: st.text("0123456789", min_size=n, max_size=n))


@given(number=st.one_of(ID_NUMBERS, CARD_NUMBERS), before=st.text(max_size=20), after=st.text(max_size=20))
def test_mask_text_never_leaves_an_id_or_card_number_visible(number, before, after):
    masked = mask_text(before + number + after)
    assert number not in masked
    assert number.upper() not in masked.upper()


@given(ID_NUMBERS)
def test_generated_id_numbers_are_recognised_and_masked(number):
    assert is_id_number(number)
    masked = mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:].upper() and masked[6:14] == "*" * 8
