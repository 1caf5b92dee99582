"""Tables read on a phone: card headings, grouped amounts, folded columns, the money box, changes in words."""
from portal.disclosures.table_view import build, changes_in_words, group_amount
from portal.records.diff import diff_table

FINANCE = {
    "columns": ["序号", "日期", "凭证号", "摘要", "收入", "支出", "经手人", "审核"],
    "rows": [["1", "2025-01-05", "记-001", "土地租金", "48000.00", "", "周晓燕", "李德明"],
             ["2", "2025-01-15", "记-003", "村道养护", "", "6800.00", "周晓燕", "李德明"]],
    "totals": {"收入": "48000.00", "支出": "6800.00"},
    "notes_html": "<p>期初余额 312,450.20 元；本期收入 48,000.00 元。</p>",
}
SUBSIDY = {
    "columns": ["序号", "户主", "计补面积", "发放金额", "代发银行"],
    "rows": [["1", "李秀英", "3.80", "745.60", "青溪农商行"], ["2", "郑大山", "5.20", "1020.30", "青溪农商行"]],
    "totals": {"发放金额": "1765.90"},
}


def test_amounts_get_thousands_separators():
    assert group_amount("48000.00") == "48,000.00"
    assert group_amount("-1234567.5") == "-1,234,567.50"
    assert group_amount("无") == "无"


def test_finance_rows_are_headed_by_date_and_summary_with_amounts_apart():
    view = build(FINANCE)
    heads = [c.name for c in view.columns if c.heading]
    assert heads == ["日期", "摘要"]
    assert [c.name for c in view.columns if c.money] == ["收入", "支出"]
    assert view.rows[0][[c.name for c in view.columns].index("收入")] == "48,000.00"
    assert view.totals == {"收入": "48,000.00", "支出": "6,800.00"}


def test_columns_equal_in_every_row_are_said_once():
    view = build(FINANCE)
    assert ("经手人", "周晓燕") in view.constants and ("审核", "李德明") in view.constants
    assert "经手人" not in [c.name for c in view.columns]
    single = build({**FINANCE, "rows": FINANCE["rows"][:1]})
    assert not single.constants  # one row: nothing is "the same in every row"


def test_money_box_takes_opening_from_the_notes_and_computes_the_closing():
    figures = dict(build(FINANCE).figures)
    assert figures == {"opening": "312,450.20", "income": "48,000.00", "expense": "6,800.00",
                       "closing": "353,650.20"}


def test_a_list_without_income_and_expense_has_no_money_box():
    assert build(SUBSIDY).figures == []


def test_subsidy_rows_are_headed_by_the_name():
    view = build(SUBSIDY)
    assert [c.name for c in view.columns if c.heading] == ["户主"]
    assert ("代发银行", "青溪农商行") in view.constants


def test_a_correction_lists_changed_cells_in_words():
    new = {**SUBSIDY, "rows": [["1", "李秀英", "4.31", "845.60", "青溪农商行"], SUBSIDY["rows"][1]]}
    changes = changes_in_words(diff_table(SUBSIDY, new))
    assert len(changes) == 1
    assert changes[0].label == "李秀英" and changes[0].status == "changed"
    assert changes[0].cells == [("计补面积", "3.80", "4.31"), ("发放金额", "745.60", "845.60")]


def test_added_rows_are_named_and_listed():
    new = {**SUBSIDY, "rows": SUBSIDY["rows"] + [["3", "王小红", "1.00", "1000", "青溪农商行"]]}
    changes = changes_in_words(diff_table(SUBSIDY, new))
    assert changes[-1].status == "added" and changes[-1].label == "王小红"
    assert ("发放金额", "", "1,000.00") in changes[-1].cells
