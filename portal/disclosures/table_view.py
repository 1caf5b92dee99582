"""How a published table reads on a phone: card headings, amounts, folded columns, a summary box.

Pure functions over the canonical content (columns, rows, totals, notes); no
database. The stored revision is never changed: this is presentation only.
"""
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from markupsafe import Markup

from portal.core.sanitize import plain_text
from portal.disclosures.tables import MONEY_KEYS, recognise_column

HEADING_KEYS = ("date", "description", "name", "subsidy_type")  # what a row is, in the order they read
NOWRAP_KEYS = ("date", "name", "seq", "voucher", "handler", "witness", "approver", "id_number", "bank_account",
               "phone", "group")
_FIGURE_LABELS = {
    "opening": ("期初余额", "上期结余", "上月结余", "上期余额"),
    "income": ("本期收入", "本月收入", "收入合计"),
    "expense": ("本期支出", "本月支出", "支出合计"),
    "closing": ("期末余额", "期末结余", "本期结余", "本月结余"),
}
_AMOUNT = r"[-−]?[¥￥]?\s*\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?[¥￥]?\s*\d+(?:\.\d+)?"


def to_decimal(text) -> Decimal | None:
    """Read an amount such as "1,234.50" or "¥1234"; None when it is not one."""
    s = re.sub(r"[\s,¥￥元]", "", str(text or "")).replace("−", "-")
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def group_amount(text) -> str:
    """Write an amount with thousands separators and two decimals ("48,000.00"); other text unchanged."""
    value = to_decimal(text)
    return f"{value:,.2f}" if value is not None else str(text or "")


def nowrap(text) -> Markup:
    """Keep a date or a name on one line."""
    return Markup('<span class="nowrap">%s</span>') % (text or "")


@dataclass
class Column:
    index: int
    name: str
    key: str | None
    money: bool = False
    heading: bool = False
    nowrap: bool = False


@dataclass
class TableView:
    columns: list[Column]  # the columns still shown in every row
    rows: list[list[str]]  # cells of the shown columns, amounts already grouped
    constants: list[tuple[str, str]]  # (column, value) equal in every row: said once, in the caption
    totals: dict[str, str]  # column → grouped amount
    figures: list[tuple[str, str]] = field(default_factory=list)  # (opening|income|expense|closing, amount)
    seq: int | None = None  # index (in `columns`) of a 序号 column, shown small in the heading

    @property
    def has_totals(self) -> bool:
        return bool(self.totals)


_TAG = re.compile(r"<[^>]*>")
_LABELS = tuple(label for labels in _FIGURE_LABELS.values() for label in labels)


def _notes_text(content: dict) -> str:
    """The notes' visible text where a figure may be written, else their rough text or plain notes.

    Parsing the notes' HTML (html5lib) costs a millisecond: it is done only when the notes, tags
    removed and entities decoded, name a figure at all. That rough text holds everything the
    parsed text holds (and more: it keeps what a browser would not show), so nothing is missed.
    """
    notes_html = content.get("notes_html") or ""
    rough = html.unescape(_TAG.sub("", notes_html)).strip()
    if rough and any(label in rough for label in _LABELS):
        return plain_text(notes_html) or content.get("notes") or ""
    return rough or content.get("notes") or ""


def _figures(content: dict, keys: dict, totals: dict) -> list[tuple[str, str]]:
    """期初 / 收入 / 支出 / 期末 of a finance statement, from its footer rows, notes and totals."""
    found: dict[str, Decimal] = {}
    texts = [" ".join(row) for row in content.get("rows") or []]
    texts.append(_notes_text(content))
    for text in texts:
        for kind, labels in _FIGURE_LABELS.items():
            for label in labels:
                if kind not in found and (m := re.search(rf"{label}\s*[:：]?\s*({_AMOUNT})", text)):
                    value = to_decimal(m.group(1))
                    if value is not None:
                        found[kind] = value
    for kind in ("income", "expense"):
        columns = [c for c, k in keys.items() if k == kind and c in totals]
        if kind not in found and columns:
            found[kind] = sum((to_decimal(totals[c]) or Decimal(0) for c in columns), Decimal(0))
    if not ({"income", "expense"} <= set(found)):
        return []  # not a statement of income and expense
    if "closing" not in found and "opening" in found:
        found["closing"] = found["opening"] + found["income"] - found["expense"]
    return [(kind, f"{found[kind]:,.2f}") for kind in _FIGURE_LABELS if kind in found]


def build(content: dict) -> TableView:
    """Prepare a table's content for reading: which columns head a card, fold, or hold amounts."""
    names = list(content.get("columns") or [])
    rows = [list(r) + [""] * (len(names) - len(r)) for r in content.get("rows") or []]
    totals = content.get("totals") or {}
    keys = {name: recognise_column(name) for name in names}
    constants, shown = [], []
    for i, name in enumerate(names):
        values = {(row[i] or "").strip() for row in rows}
        if len(rows) > 1 and len(values) == 1 and "" not in values and name not in totals:
            constants.append((name, rows[0][i]))
        else:
            key = keys[name]
            money = key in MONEY_KEYS or key == "balance" or name in totals
            shown.append(Column(i, name, key, money, key in HEADING_KEYS and not money, key in NOWRAP_KEYS))
    if shown and not any(c.heading for c in shown):
        first = next((c for c in shown if c.key != "seq" and not c.money), None)
        if first is not None:
            first.heading = True
    out_rows = [[group_amount(row[c.index]) if c.money and row[c.index] else row[c.index] for c in shown]
                for row in rows]
    seq = next((n for n, c in enumerate(shown) if c.key == "seq"), None)
    return TableView(
        columns=shown, rows=out_rows, constants=constants,
        totals={name: group_amount(value) for name, value in totals.items()},
        figures=_figures(content, keys, totals), seq=seq,
    )


def row_label(columns: list[str], cells: dict) -> str:
    """Name a row in words for a list of changes: its name, summary or date, else its first cell."""
    keys = {c: recognise_column(c) for c in columns}
    for wanted in ("name", "description", "subsidy_type", "date"):
        for c in columns:
            if keys[c] == wanted and cells.get(c):
                return cells[c]
    return next((cells[c] for c in columns if cells.get(c) and keys[c] != "seq"), "")


@dataclass
class RowChange:
    status: str  # "changed" | "added" | "removed"
    label: str
    cells: list[tuple[str, str, str]]  # (column, before, after); for added/removed rows the row's cells


def changes_in_words(table_diff) -> list[RowChange]:
    """List the changed cells of a table diff row by row ("李秀英: 面积 3.80 → 4.31; 金额 …")."""
    columns = list(table_diff.columns)
    money = {c for c in columns if recognise_column(c) in MONEY_KEYS}
    show = lambda c, v: group_amount(v) if c in money and v else (v or "")  # noqa: E731
    found = []
    for row in table_diff.rows:
        after = {c: cell.text for c, cell in zip(columns, row.cells, strict=False)}
        before = {c: (cell.old if cell.changed and cell.old is not None else cell.text)
                  for c, cell in zip(columns, row.cells, strict=False)}
        label = row_label(columns, after if row.status == "added" else before)  # a changed row by its old name
        if row.status == "changed":
            cells = [(c, show(c, cell.old), show(c, cell.text))
                     for c, cell in zip(columns, row.cells, strict=False) if cell.changed]
        else:
            cells = [(c, "", show(c, cell.text)) for c, cell in zip(columns, row.cells, strict=False)
                     if cell.text and recognise_column(c) != "seq"]
        found.append(RowChange(row.status, label, cells))
    return found
