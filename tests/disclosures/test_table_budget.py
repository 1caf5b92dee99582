"""A small workbook cannot expand into a huge table: filled cells and text per import are bounded."""
import io
import zipfile

import pytest
from flask_babel import force_locale

from portal.disclosures import table_files
from portal.disclosures.tables import TableError, read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LONG = "上塘村2025年度一卡通补贴发放明细备注" * 12  # 240 characters, stored once as a shared string


def shared_string_workbook(rows: int, columns: int, text: str = LONG) -> bytes:
    """A workbook whose every body cell points at one shared string, as an attacker would write it."""
    header = "".join(f'<c t="inlineStr"><is><t>列{c}</t></is></c>' for c in range(columns))
    body = "<row>" + '<c t="s"><v>0</v></c>' * columns + "</row>"
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
             f"<row>{header}</row>{body * rows}</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{text}'
            "</t></si></sst>"),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml.encode())
    return out.getvalue()


def test_a_few_hundred_kilobytes_that_expand_into_a_huge_table_are_refused(app):
    data = shared_string_workbook(5000, 30)
    assert len(data) < 100_000  # small enough to upload, 36 MB of text once read
    with pytest.raises(TableError) as refused, force_locale("en"):
        read_table(data, "表.xlsx")
    with force_locale("en"):
        assert "Split it into smaller tables" in str(refused.value.message)


def test_filled_cells_are_bounded_even_with_short_text(app):
    with pytest.raises(TableError) as refused:
        read_table(shared_string_workbook(5000, 30, "张三"), "表.xlsx")
    with force_locale("en"):
        assert "filled cells" in str(refused.value.message)


def test_reading_stops_once_the_budget_is_spent(app, monkeypatch):
    seen = []
    real = table_files._cell_text
    monkeypatch.setattr(table_files, "_cell_text", lambda v: seen.append(1) or real(v))
    with pytest.raises(TableError):
        read_table(shared_string_workbook(5000, 30), "表.xlsx")
    assert len(seen) <= table_files.MAX_CELLS + 100


def test_total_text_is_bounded_even_under_the_cell_limit(app):
    data = shared_string_workbook(1000, 10, "备注" * 150)  # 10,000 cells of 300 characters
    with pytest.raises(TableError) as refused, force_locale("en"):
        read_table(data, "表.xlsx")
    with force_locale("en"):
        assert "characters" in str(refused.value.message)


def test_an_ordinary_subsidy_list_is_read(app):
    table = read_table(shared_string_workbook(2000, 8, "张三"), "表.xlsx")
    assert len(table.rows) == 2000 and len(table.columns) == 8
