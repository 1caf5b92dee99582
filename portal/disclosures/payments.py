"""Payment lists (一卡通, 低保): keyed hashes kept at import, anomaly rules before publishing, lines on publish.

At import the raw ID and card numbers are seen once: their keyed hashes go into the draft's private
``_payment_keys`` (never published) beside the masked rows, then the numbers are gone.
"""
import datetime
from decimal import Decimal, InvalidOperation

from portal.disclosures.tables import ParsedTable, recognise_column
from portal.subsidies import keys as subsidy_keys
from portal.subsidies import service as subsidies
from portal.subsidies.rules import Anomaly, PaymentList, PaymentRow, screen

PAYMENT_TOPICS = ("subsidy", "assistance")
KEYS_SLOT = "_payment_keys"
AMOUNT_KEYS = ("amount", "monthly_amount")


def is_payment_list(kind: str, topic: str | None) -> bool:
    return kind == "table" and topic in PAYMENT_TOPICS


def row_keys(parsed: ParsedTable) -> list[dict] | None:
    """The keyed hashes of each row's ID and card number, or None when the table has neither column."""
    keys = [recognise_column(c) for c in parsed.columns]
    id_cols = [i for i, k in enumerate(keys) if k == "id_number"]
    card_cols = [i for i, k in enumerate(keys) if k == "bank_account"]
    if not id_cols and not card_cols:
        return None

    def first(cells, cols):
        return next((cells[i] for i in cols if i < len(cells) and cells[i].strip()), "")

    return [{"id": subsidy_keys.id_hash(first(cells, id_cols)), "card": subsidy_keys.card_hash(first(cells, card_cols))}
            for cells in parsed.rows]


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def payment_list(disclosure, content: dict, meta: dict, hashes: list | None) -> PaymentList:
    """Read a table's rows as payment rows (footer rows such as 合计 name nobody and are left out)."""
    columns = content.get("columns") or []
    semantic = [recognise_column(c) for c in columns]

    def col(*wanted):
        return next((i for i, k in enumerate(semantic) if k in wanted), None)

    at = {"item": col("subsidy_type"), "name": col("name"), "id": col("id_number"), "amount": col(*AMOUNT_KEYS),
          "date": col("date")}
    rows = []
    for number, cells in enumerate(content.get("rows") or [], start=1):
        def cell(name, cells=cells):
            i = at[name]
            return cells[i].strip() if i is not None and i < len(cells) else ""

        found = (hashes[number - 1] if hashes and number - 1 < len(hashes) else None) or {}
        row = PaymentRow(number=number, item=cell("item") or meta.get("title") or disclosure.title,
                         name=cell("name") or None, masked_id=cell("id") or None, id_hash=found.get("id"),
                         card_hash=found.get("card"), amount=_amount(cell("amount")), paid_on=_date(cell("date")))
        if row.name or row.id_hash or row.masked_id:
            rows.append(row)
    return PaymentList(village=disclosure.village, title=meta.get("title") or disclosure.title, rows=rows,
                       period_label=meta.get("period_label") or None, period_start=_date(meta.get("period_start")),
                       period_end=_date(meta.get("period_end")))


def draft_hashes(disclosure, draft: dict) -> list | None:
    """The draft's hashes; a correction made without a new file keeps those of the published rows that stayed."""
    if draft.get(KEYS_SLOT) is not None:
        return draft[KEYS_SLOT]
    published = subsidies.current_keys(disclosure.id) if disclosure.id else {}
    if not published:
        return None
    content = {k: v for k, v in draft.items() if not k.startswith("_")}
    listed = payment_list(disclosure, content, draft.get("_meta") or {}, None)
    by_number = {r.number: r for r in listed.rows}
    hashes = []
    for number in range(1, len(content.get("rows") or []) + 1):
        line, row = published.get(number), by_number.get(number)
        same = line is not None and row is not None and line.name == row.name and line.masked_id == row.masked_id
        hashes.append({"id": line.id_hash, "card": line.card_hash} if same else None)
    return hashes


def screen_draft(disclosure, draft: dict | None) -> tuple[PaymentList | None, list[Anomaly]]:
    """Run the anomaly rules on a draft payment list (other drafts: nothing to check)."""
    meta = (draft or {}).get("_meta") or {}
    if not draft or not is_payment_list(disclosure.kind, meta.get("topic") or disclosure.topic):
        return None, []
    content = {k: v for k, v in draft.items() if not k.startswith("_")}
    plist = payment_list(disclosure, content, meta, draft_hashes(disclosure, draft))
    return plist, screen(plist)
