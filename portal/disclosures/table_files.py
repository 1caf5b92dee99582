"""Read an uploaded CSV (UTF-8 or GBK, as Chinese Excel saves it) or XLSX file into rows of text."""
import codecs
import csv
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import charset_normalizer
import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.utils.cell import get_column_letter

from portal.core.errors import PortalError
from portal.disclosures.formulas import Unsupported, evaluate

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 30
MAX_UNZIPPED = 40 * 1024 * 1024  # zip-bomb guard for XLSX uploads
# A workbook's shared strings let a few hundred kilobytes expand into tens of megabytes of table:
# bound the filled cells and the text of one import, counted while reading (reading stops past them).
MAX_CELLS = 60_000
MAX_TEXT = 2_000_000  # characters

_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2: legacy .xls or an encrypted workbook


class TableError(PortalError):
    """Raised when an upload cannot be read as a table; `message` is translatable."""


@dataclass
class ParsedTable:
    columns: list[str]
    rows: list[list[str]]
    encoding: str  # "utf-8", "utf-8-sig", "gb18030"… or "xlsx"
    row_numbers: list[int] = field(default_factory=list)  # source row of each entry, for messages
    notes: list[tuple[str, object]] = field(default_factory=list)  # (code, message) warnings from reading


def read_table(data: bytes, filename: str) -> ParsedTable:
    """Read a CSV or XLSX upload, judging the format by content rather than by name."""
    if not data or not data.strip():
        raise TableError(_l("The file %(name)s is empty.", name=filename))
    if len(data) > MAX_BYTES:
        raise TableError(_l("The file is larger than %(limit)d MB.", limit=MAX_BYTES // 2**20))
    if data.startswith(b"PK\x03\x04"):
        rows, notes = _read_xlsx(data, filename)
        parsed = _tidy(rows, "xlsx")
        parsed.notes = notes
        return parsed
    if data.startswith(_XLS_MAGIC):
        raise TableError(_l("Old .xls workbooks are not accepted; save the file as .xlsx or CSV."))
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if data.startswith(_BINARY_MAGIC) or (b"\x00" in data and not utf16):
        raise TableError(_l("%(name)s is not a CSV or XLSX file.", name=filename))
    text, encoding = _decode(data, filename)
    return _tidy(_read_csv(text, filename), encoding)


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """Decode CSV bytes, preferring UTF-8 and then gb18030 for Chinese text."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[3:].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"  # Excel's "Unicode text" export
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    # Chinese Excel saves CSV as GBK; gb18030 is its superset, and short GBK text
    # is often reported as big5 or cp932, so decode it as gb18030 whenever it is Chinese.
    try:
        text = data.decode("gb18030")
        if _has_cjk(text) and (best is None or _has_cjk(str(best))):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    if best is None or re.search(r"[\x00-\x08\x0e-\x1f]", str(best)):
        raise TableError(_l("%(name)s is not a CSV or XLSX file.", name=filename))
    return str(best), best.encoding


def _has_cjk(text: str) -> bool:
    """Tell whether text contains Chinese characters."""
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def _read_csv(text: str, filename: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into numbered records, detecting the delimiter."""
    text = text.rstrip("\x1a")  # DOS end-of-file marker
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise TableError(_l("%(name)s is not a CSV or XLSX file.", name=filename))
    first, _, rest = text.partition("\n")
    offset = 0
    if m := re.fullmatch(r"sep=(.)\r?", first):  # Excel's explicit-delimiter line
        delimiter, text, offset = m.group(1), rest, 1
    else:
        delimiter = _sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(n + offset, cells) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise TableError(_l("%(name)s is not a valid CSV file.", name=filename)) from exc


def _sniff_delimiter(text: str) -> str:
    """Guess the delimiter among comma, tab and semicolon from the lines that look like the table.

    A title line above the header ("上塘村2025年1月财务收支公开") has no delimiter at all, so
    each candidate is scored by how many of the first lines split into the same number (> 1) of
    fields; quoted amounts such as "48,000.00" are read as the csv module reads them.
    """
    lines = [line for line in text[:16384].splitlines() if line.strip()][:30]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";"):
        try:
            widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        counts = {}
        for w in widths:
            if w > 1:
                counts[w] = counts.get(w, 0) + 1
        if not counts:
            continue
        width, lines_with_it = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (lines_with_it, width) > best_score:
            best, best_score = delimiter, (lines_with_it, width)
    return best


def _read_xlsx(data: bytes, filename: str) -> tuple[list[tuple[int, list[str]]], list]:
    """Read the first sheet of an XLSX workbook as text cells, refusing macros; recompute missing formula values."""
    not_table = TableError(_l("%(name)s is not a CSV or XLSX file.", name=filename))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            unzipped = sum(info.file_size for info in archive.infolist())
            if unzipped <= MAX_UNZIPPED:
                has_formulas = any(re.search(rb"<(?:\w+:)?f[ >]", archive.read(n)) for n in names
                                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise not_table from exc
    if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise TableError(_l("Workbooks with macros are not accepted; save the file as .xlsx."))
    if b"spreadsheetml.sheet.main+xml" not in types:
        raise not_table
    if unzipped > MAX_UNZIPPED:
        raise TableError(_l("The workbook is too large."))
    try:
        budget = _Budget()
        grid = _sheet_values(data, data_only=True, budget=budget)
        notes = _fill_formulas(grid, _sheet_values(data, data_only=False)) if has_formulas else []
    except Exception as exc:  # openpyxl raises many types on malformed workbooks
        raise not_table from exc
    budget.check()
    rows = [(number, cells) for number, cells in ((n, [_cell_text(v) for v in values]) for n, values in grid.items())
            if any(cells)]
    return rows, notes


def _sheet_values(data: bytes, data_only: bool, budget: "_Budget | None" = None) -> dict[int, list]:
    """Return the raw cell values of the first sheet by row number, stopping past the row limit."""
    grid, filled = {}, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # stored dimensions are often wrong; read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            grid[number] = list(values)
            filled += any(v is not None and str(v).strip() for v in values)
            if budget is not None:
                budget.spend([_cell_text(v) for v in values])
            if filled > MAX_ROWS + 10 or (budget is not None and budget.exceeded):
                break  # enough to report the limit
    finally:
        book.close()
    return grid


def _fill_formulas(grid: dict[int, list], formulas: dict[int, list]) -> list[tuple[str, object]]:
    """Recompute formula cells saved without a result; return warnings about what was done or left empty."""
    pending = {(r, c + 1): f for r, values in formulas.items() for c, f in enumerate(values)
               if isinstance(f, str) and f.startswith("=")
               and (len(grid.get(r, [])) <= c or grid[r][c] is None)}
    if not pending:
        return []

    def value_of(at):
        if at in pending:
            raise Unsupported("depends on a formula not yet computed")
        row = grid.get(at[0], [])
        value = row[at[1] - 1] if at[1] - 1 < len(row) else None
        if isinstance(value, bool):
            raise Unsupported("boolean")
        if isinstance(value, (int, float, Decimal)):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return None  # text and empty cells count as nothing, as in a spreadsheet's SUM

    recomputed = 0
    progress = True
    while pending and progress:
        progress = False
        for at, formula in list(pending.items()):
            try:
                result = evaluate(formula, value_of)
            except Unsupported:
                continue
            row = grid.setdefault(at[0], [])
            row.extend([None] * (at[1] - len(row)))
            row[at[1] - 1] = result
            del pending[at]
            recomputed += 1
            progress = True
    notes = []
    if recomputed:
        notes.append(("formula_recomputed", _l(
            "%(n)d formula cells had no saved result and were recomputed from the sheet; check the totals.",
            n=recomputed)))
    for (row, column), _formula in sorted(pending.items()):
        notes.append(("formula_missing", _l(
            "Row %(row)d, column %(column)s holds a formula without a saved result, so it was left empty. "
            "Open the file in Excel or WPS, save it and upload it again.", row=row, column=get_column_letter(column))))
    return notes


class _Budget:
    """Count filled cells and characters of an import; refuse once either limit is passed."""

    def __init__(self):
        self.cells = self.text = 0

    def spend(self, cells) -> None:
        for cell in cells:
            if cell:
                self.cells += 1
                self.text += len(cell)

    @property
    def exceeded(self) -> bool:
        return self.cells > MAX_CELLS or self.text > MAX_TEXT

    def check(self) -> None:
        if self.cells > MAX_CELLS:
            raise TableError(_l("The table has more than %(limit)s filled cells. Split it into smaller tables.",
                                limit=f"{MAX_CELLS:,}"))
        if self.text > MAX_TEXT:
            raise TableError(_l("The table holds more than %(limit)s characters of text. Split it into smaller "
                                "tables.", limit=f"{MAX_TEXT:,}"))


def _cell_text(value) -> str:
    """Render an XLSX cell value as text."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), "f")
    return str(value)


def _tidy(records: list[tuple[int, list[str]]], encoding: str) -> ParsedTable:
    """Strip cells, drop empty rows and title lines, flatten a two-row header, and check the limits."""
    records = [(n, [str(c).strip() for c in cells]) for n, cells in records]
    records = [(n, cells) for n, cells in records if any(cells)]
    budget = _Budget()
    for _n, cells in records:
        budget.spend(cells)
        if budget.exceeded:
            break
    budget.check()
    if not records:
        raise TableError(_l("The file contains no table."))
    filled = lambda cells: sum(1 for c in cells if c)  # noqa: E731
    while len(records) > 1 and filled(records[0][1]) == 1 and filled(records[1][1]) > 1:
        records.pop(0)  # a title such as "上塘村2025年1月财务公开" above the header
    header, body = records[0][1], records[1:]
    if body and _is_second_header(header, body[0][1]):
        header, body = _flatten_header(header, body[0][1]), body[1:]
    width = _width(header)
    if width > MAX_COLUMNS:
        raise TableError(_l("The table has more than %(limit)d columns.", limit=MAX_COLUMNS))
    columns = header[:width]
    if "" in columns:
        raise TableError(_l("Column %(index)d has no header.", index=columns.index("") + 1))
    if dup := next((c for c in columns if columns.count(c) > 1), None):
        raise TableError(_l("Column %(column)s appears more than once.", column=dup))
    if not body:
        raise TableError(_l("The table has a header but no rows."))
    if len(body) > MAX_ROWS:
        raise TableError(_l("The table has more than %(limit)d rows.", limit=MAX_ROWS))
    for number, cells in body:
        if _width(cells) > width:
            raise TableError(_l("Row %(row)d has values beyond the last titled column.", row=number))
    rows = [(cells + [""] * width)[:width] for _, cells in body]
    return ParsedTable(columns, rows, encoding, [n for n, _ in body])


_DATA_LIKE = re.compile(r"[-+(¥￥]?\d[\d,.:/年月日\-)]*[元%]?|\d{4}年\d{1,2}月(\d{1,2}日)?")


def _is_second_header(header: list[str], below: list[str]) -> bool:
    """Tell whether the row under the header continues it (a merged, two-row header).

    It does when the header leaves a gap that the row below fills (a merged cell keeps its text
    only in its first cell; a CSV saved from it leaves the rest empty) and the row below holds
    only words, no amounts or dates.
    """
    span = max(_width(header), _width(below))
    top = (header + [""] * span)[:span]
    under = (below + [""] * span)[:span]
    gaps = [i for i in range(span) if not top[i]]
    if not gaps or not any(under[i] for i in gaps):
        return False
    return all(not _DATA_LIKE.fullmatch(c.replace(" ", "")) for c in under if c)


def _flatten_header(header: list[str], below: list[str]) -> list[str]:
    """Join two header rows into one: a group title spans the empty cells to its right."""
    span = max(_width(header), _width(below))
    top = (header + [""] * span)[:span]
    under = (below + [""] * span)[:span]
    names = [lower or upper for upper, lower in zip(top, under, strict=True)]
    result, group = [], ""
    for upper, lower, name in zip(top, under, names, strict=True):
        group = upper or group
        # 收入/支出 under 本月 and again under 累计: keep the group so the names stay apart
        result.append(f"{group}{lower}" if lower and names.count(name) > 1 and group not in ("", lower) else name)
    return result


def _width(cells: list[str]) -> int:
    """Return the number of cells up to the last non-empty one."""
    return max((i + 1 for i, c in enumerate(cells) if c), default=0)
