"""Blank spreadsheets a cadre can fill in, one per kind of table disclosure, in CSV and XLSX."""
import codecs
import csv
import io
from decimal import Decimal

import openpyxl
from openpyxl.styles import Font

from portal.disclosures.formulas import evaluate

# Column titles the importer recognises (see tables.HEADER_SYNONYMS), with one example row
# and the footer rows it checks against the computed totals.
TEMPLATES = {
    "finance_monthly": {
        "header": ["序号", "日期", "凭证号", "摘要", "收入", "支出", "余额", "经手人", "备注"],
        "example": [["", "期初余额", "", "", "", "", "312450.20", "", ""],
                    ["1", "2025-01-03", "记-01", "土地租金", "48000.00", "", "", "", ""],
                    ["2", "2025-01-08", "记-02", "保洁员工资", "", "4500.00", "", "", ""]],
        "footer": [["", "本月合计", "", "", "=SUM(E3:E4)", "=SUM(F3:F4)", "", "", ""],
                   ["", "期末余额", "", "", "", "", "=G2+E5-F5", "", ""]],
    },
    "subsidy": {
        "header": ["序号", "补贴项目", "村民小组", "户主", "身份证号", "计补依据", "标准", "发放金额", "卡号",
                   "代发银行", "发放日期"],
        "example": [["1", "耕地地力保护补贴", "三组", "郑某", "", "5.2亩", "108.5元/亩", "564.20", "", "",
                     "2025-06-10"]],
        "footer": [["", "合计", "", "", "", "", "", "=SUM(H2:H2)", "", "", ""]],
    },
    "assistance": {
        "header": ["序号", "村民小组", "户主", "家庭人口", "月保障金", "保障类别", "备注"],
        "example": [["1", "二组", "王某", "3", "1560.00", "低保", ""]],
        "footer": [["", "合计", "", "", "=SUM(E2:E2)", "", ""]],
    },
    "project": {
        "header": ["序号", "日期", "摘要", "金额", "资金来源", "经手人", "备注"],
        "example": [["1", "2025-03-02", "村道硬化工程首付款", "120000.00", "县级以奖代补", "", ""]],
        "footer": [["", "合计", "", "=SUM(D2:D2)", "", "", ""]],
    },
}
TEMPLATES["finance_annual"] = TEMPLATES["finance_monthly"]
TEMPLATES["assets"] = TEMPLATES["project"]
DEFAULT = "finance_monthly"


def template_for(topic: str) -> dict:
    """Return the template of a topic, the monthly statement when the topic has none."""
    return TEMPLATES.get(topic, TEMPLATES[DEFAULT])


def template_csv(topic: str) -> bytes:
    """A CSV with a UTF-8 byte-order mark, so Excel and WPS open the Chinese titles correctly.

    Formulas make no sense in CSV, so the footer rows carry only their labels.
    """
    spec = template_for(topic)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(spec["header"])
    writer.writerows(spec["example"])
    writer.writerows(_computed(spec))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(topic: str) -> bytes:
    """An XLSX workbook with bold titles, the example row and footer rows with SUM formulas."""
    spec = template_for(topic)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "公开表"
    sheet.append(spec["header"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in (*spec["example"], *spec["footer"]):
        sheet.append([_value(c) for c in row])
    for index, title in enumerate(spec["header"], start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(10, 2 * len(title) + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _computed(spec: dict) -> list[list[str]]:
    """The footer rows with each formula replaced by its result, for CSV."""
    rows = [spec["header"], *spec["example"], *spec["footer"]]

    def value_of(at):
        text = rows[at[0] - 1][at[1] - 1]
        if text.startswith("="):
            return evaluate(text, value_of)
        return Decimal(text) if text else None

    return [[f"{evaluate(c, value_of):.2f}" if c.startswith("=") else c for c in row] for row in spec["footer"]]


def _value(cell: str):
    """Store amounts as numbers so Excel sums them."""
    try:
        return float(cell) if cell and not cell.startswith("=") and "." in cell else cell
    except ValueError:
        return cell
