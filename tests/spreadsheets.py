"""Spreadsheets as village bookkeepers and county offices send them, built in memory for upload tests."""
import io

import openpyxl


def workbook_bytes(build) -> bytes:
    """An XLSX file whose first sheet `build(sheet)` fills (merged cells, formulas, whatever the test needs)."""
    book = openpyxl.Workbook()
    build(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bytes(rows) -> bytes:
    """An XLSX file with these rows on its first sheet."""
    def build(sheet):
        for row in rows:
            sheet.append(row)
    return workbook_bytes(build)


def merged_header(sheet, title: str, last: str) -> None:
    """A title over the table and a two-row header: 日期 | 摘要 | 金额 (收入, 支出) | `last`, merged as Excel users do."""
    sheet.append([title])
    sheet.merge_cells("A1:E1")
    sheet.append(["日期", "摘要", "金额", None, last])
    sheet.append([None, None, "收入", "支出", None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3"):
        sheet.merge_cells(cells)
