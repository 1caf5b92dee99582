"""Import table disclosures: finance statements and subsidy (一卡通) payment lists."""
import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.core.masking import MASK, mask_bank_account, mask_id_number, mask_phone, mask_text
from portal.disclosures.table_files import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, ParsedTable, TableError, read_table  # noqa: F401  (re-exported)

_SYNONYMS = {
    "seq": "序号 编号",
    "date": "日期 发放日期 记账日期 发生日期 支付日期",
    "voucher": "凭证号 凭证编号 凭证字号",
    "description": "摘要 收支项目 收支内容 事项",
    "subsidy_type": "补贴项目 补贴类型 补贴名称",
    "income": "收入 收入金额",
    "expense": "支出 支出金额",
    "amount": "金额 发放金额 补贴金额 实发金额 应发金额",
    "balance": "余额 结余",
    "rate": "标准 补贴标准 发放标准 单价",
    "id_number": "身份证号 身份证号码 公民身份号码",
    "bank_account": "卡号 银行卡号 账号 一卡通账号 一卡通卡号 社保卡号",
    "phone": "电话 联系电话 手机号 手机号码",
    "name": "户主 姓名 补贴对象 户主姓名 补贴对象姓名",
    "household_size": "家庭人口 家庭人口数 保障人数",
    "monthly_amount": "月保障金 月保障金额 月救助金",
    "address": "地址 住址 家庭住址",
    "sensitive_detail": "病情 残疾类别 残疾等级 致贫原因 致困原因 困难原因",
    "group": "村民小组 组别", "bank": "代发银行 开户银行", "basis": "计补依据", "funding_source": "资金来源",
    "handler": "经手人", "witness": "证明人", "approver": "审批人", "supervision_review": "村监委审核意见",
    "remarks": "备注",
}
HEADER_SYNONYMS = {name: key for key, names in _SYNONYMS.items() for name in names.split()}
# Unknown headers that merely contain these words are still dropped or masked:
# a privacy miss costs more than an over-cautious guess.
_HEADER_HINTS = {
    "address": ("住址", "地址"),
    "sensitive_detail": ("病", "残疾类", "残疾等级", "残疾证", "致贫", "致困", "困难原因", "健康状况"),
    "id_number": ("身份证", "证件号"), "bank_account": ("卡号", "账号", "账户"), "phone": ("电话", "手机"),
}
MONEY_KEYS = ("income", "expense", "amount", "monthly_amount")
_UNITS = {"rate": r"元?(?:/[^\d/]+)*", "household_size": "[人口]?"}
DROP_KEYS = ("address", "sensitive_detail")
MASKERS = {"id_number": mask_id_number, "bank_account": mask_bank_account, "phone": mask_phone}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_DATES = (re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"), re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日?"),
          re.compile(r"(\d{4})()(\d{2})(\d{2})"))
_SUMMARY_LABELS = {
    "opening": ("期初余额", "上期结余", "上月结余", "上期余额"),
    "closing": ("期末余额", "期末结余", "本期结余", "本月结余"),
    "income": ("本期收入", "本月收入", "收入合计"), "expense": ("本期支出", "本月支出", "支出合计"),
    "total": ("合计", "小计", "总计", "本期合计", "本月合计"),
}
_SUMMARY = re.compile("(" + "|".join(sorted(sum(_SUMMARY_LABELS.values(), ()), key=len, reverse=True))
                      + r")[:：]?([-+(¥￥\d].*)?")  # only an amount may follow: 合计电费 is an item
@dataclass
class CellError:
    row: int
    column: str
    message: object
    code: str = "invalid"


@dataclass
class TableWarning:
    code: str
    message: object


@dataclass
class PreparedTable:
    columns: list[str]
    rows: list[list[str]]
    totals: dict[str, str]
    masked: dict[str, int]
    dropped_columns: list[str]
    errors: list[CellError] = field(default_factory=list)
    warnings: list[TableWarning] = field(default_factory=list)
    keys: dict[str, str | None] = field(default_factory=dict)  # column → semantic key
    checks: list[dict] = field(default_factory=list)  # stated figures that disagree with the rows, published


_CELL_MESSAGES = {
    "number": lambda **kw: _l("Row %(row)d: %(column)s is not a number.", **kw),
    "decimals": lambda **kw: _l("Row %(row)d: %(column)s has more than two decimal places.", **kw),
    "date": lambda **kw: _l("Row %(row)d: %(column)s is not a date such as 2025-01-05.", **kw),
    "id_number": lambda **kw: _l("Row %(row)d: %(column)s is not a valid ID number.", **kw),
    "bank_account": lambda **kw: _l("Row %(row)d: %(column)s is not a valid card or account number.", **kw),
    "phone": lambda **kw: _l("Row %(row)d: %(column)s is not a valid phone number.", **kw),
}


def recognise_column(name: str) -> str | None:
    """Return the semantic key for a column header, or None when unknown."""
    norm = unicodedata.normalize("NFKC", name)
    norm = re.sub(r"\(.*?\)|【.*?】|\[.*?\]|[\s*:：]", "", norm)  # units such as (元) and marks
    if norm in HEADER_SYNONYMS:
        return HEADER_SYNONYMS[norm]
    return next((key for key, hints in _HEADER_HINTS.items() if any(h in norm for h in hints)), None)


def parse_number(text: str, unit: str = "元?") -> Decimal:
    """Parse "1,234.50", "¥1,234.50", "1234元" or full-width digits; raise ValueError otherwise."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("−", "-")
    negative = s.startswith("(") and s.endswith(")")  # accounting style (1,234.50)
    s = s[1:-1] if negative else s
    m = re.fullmatch(rf"([-+]?)(?:¥|RMB|CNY|人民币)?([-+]?)({_NUMBER})(?:{unit})", s, re.IGNORECASE)
    if not m or (m.group(1) and m.group(2)):
        raise ValueError("not a number")
    value = Decimal(m.group(3).replace(",", ""))
    return -value if negative ^ ("-" in m.group(1) + m.group(2)) else value


def parse_date(text: str) -> datetime.date:
    """Parse 2025-01-05, 2025/1/5, 2025年1月5日, 2025.1.5 or 20250105; raise ValueError otherwise."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    s = re.sub(r"(?<=\d)T?\d{1,2}:\d{2}(:\d{2})?$", "", s)  # a midnight time left by spreadsheets
    for pattern in _DATES:
        if m := pattern.fullmatch(s):
            return datetime.date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    raise ValueError("not a date")


def _prepare_cell(value: str, key: str | None) -> tuple[str, str | None, bool]:
    """Return the published text, an error code or None, and whether it was masked."""
    if not value:
        return value, None, False
    if key in MASKERS:
        if not re.search(r"\d", value):
            return value, None, False  # "无", "—": nothing to hide
        try:
            return MASKERS[key](value), None, True
        except ValueError:
            return MASK * len(value), key, True
    try:
        if key in MONEY_KEYS or key == "balance":
            number = parse_number(value)
            if number.as_tuple().exponent < -2:
                return mask_text(value), "decimals", False
            return f"{number:.2f}", None, False
        if key in _UNITS:
            parse_number(value, _UNITS[key])
        elif key == "date":
            return parse_date(value).isoformat(), None, False
    except ValueError:
        return mask_text(value), "date" if key == "date" else "number", False
    published = mask_text(value)
    return published, None, published != value


def _summaries(cells: list[str]) -> list[tuple[str, Decimal | None]]:
    """Find footer labels such as 期初余额 in a row, each with the amount that follows it."""
    found = []
    for i, cell in enumerate(cells):
        if not (m := _SUMMARY.fullmatch(re.sub(r"\s+", "", cell))):
            continue
        kind = next(k for k, labels in _SUMMARY_LABELS.items() if m.group(1) in labels)
        after = m.group(2) or next((c for c in cells[i + 1:] if c), "")
        try:
            found.append((kind, parse_number(after)))
        except ValueError:
            found.append((kind, None))
    return found


def prepare_table(parsed: ParsedTable) -> PreparedTable:
    """Validate, mask and total a parsed table; callers refuse to save when errors is non-empty."""
    keys = {c: recognise_column(c) for c in parsed.columns}
    kept = [i for i, c in enumerate(parsed.columns) if keys[c] not in DROP_KEYS]
    columns = [parsed.columns[i] for i in kept]
    numbers = parsed.row_numbers or range(2, len(parsed.rows) + 2)
    sums = {c: Decimal(0) for c in columns if keys[c] in MONEY_KEYS}
    masked = dict.fromkeys(columns, 0)
    rows, errors, figures, stated_totals = [], [], {}, {}
    for number, cells in zip(numbers, parsed.rows, strict=False):
        labels = _summaries(cells)
        figures.update((kind, value) for kind, value in labels if value is not None)
        for kind, value in labels:
            if kind == "total":  # a 合计 row states one total per amount column
                stated_totals.update(_amounts(cells, parsed.columns, sums))
            elif kind in ("income", "expense") and value is not None:  # 本期收入 / 本期支出
                stated_totals.update((c, value) for c in sums if keys[c] == kind)
        out = []
        label_cells = {i for i, cell in enumerate(cells) if labels and _SUMMARY.fullmatch(re.sub(r"\s+", "", cell))}
        for i in kept:
            column = parsed.columns[i]
            # a footer label (本月合计, 期初余额) may sit in any column, the date column included
            text, code, was_masked = ((cells[i], None, False) if i in label_cells
                                      else _prepare_cell(cells[i], keys[column]))
            out.append(text)
            masked[column] += was_masked
            if code:
                errors.append(CellError(number, column, _CELL_MESSAGES[code](row=number, column=column), code))
            elif column in sums and text and not labels:  # footer rows are not items
                sums[column] += Decimal(text)
        rows.append(out)
    prepared = PreparedTable(
        columns=columns, rows=rows, totals={c: f"{s:.2f}" for c, s in sums.items()},
        masked={c: n for c, n in masked.items() if n},
        dropped_columns=[c for c in parsed.columns if keys[c] in DROP_KEYS],
        errors=errors, keys={c: keys[c] for c in columns})
    prepared.warnings = [TableWarning(code, message) for code, message in parsed.notes]
    prepared.checks = _public_checks(sums, figures, stated_totals, prepared.keys)
    prepared.warnings += _check_totals(sums, prepared.checks)
    return prepared


def _amounts(cells: list[str], columns: list[str], wanted) -> dict[str, Decimal]:
    """Return the amounts found in the wanted columns of a row."""
    found = {}
    for column in wanted:
        try:
            found[column] = parse_number(cells[columns.index(column)])
        except ValueError:
            pass
    return found


def _check_totals(sums: dict, checks: list[dict]) -> list[TableWarning]:
    """Word the disagreements between footer figures and computed totals for the cadre's preview."""
    if not sums:
        return [TableWarning("no_numeric", _l("The table has no amount column, so nothing was totalled."))]
    return [TableWarning(check["code"], check_message(check)) for check in checks]


def check_message(check: dict):
    """Return the translatable sentence for one published check."""
    if check["code"] == "stated_total":
        return _l("The stated total %(stated)s of %(column)s differs from the sum of the rows, %(computed)s.",
                  stated=check["stated"], column=check["column"], computed=check["computed"])
    return _l("Opening %(opening)s + income %(income)s − expense %(expense)s = %(expected)s, "
              "but the closing balance is %(closing)s.", **{k: v for k, v in check.items() if k != "code"})


def _public_checks(sums: dict, figures: dict, stated: dict, keys: dict) -> list[dict]:
    """Return the disagreements between stated and computed figures, as data the public page shows."""
    checks = [{"code": "stated_total", "column": column, "stated": f"{value:.2f}", "computed": f"{sums[column]:.2f}"}
              for column, value in stated.items() if column in sums and value != sums[column]]
    flow = {key: sum((s for c, s in sums.items() if keys.get(c) == key), Decimal(0)) for key in ("income", "expense")}
    if "opening" in figures and "closing" in figures and {"income", "expense"} & set(keys.values()):
        expected = figures["opening"] + flow["income"] - flow["expense"]
        if expected != figures["closing"]:
            checks.append({"code": "balance", "opening": f"{figures['opening']:.2f}", "income": f"{flow['income']:.2f}",
                           "expense": f"{flow['expense']:.2f}", "expected": f"{expected:.2f}",
                           "closing": f"{figures['closing']:.2f}"})
    return checks


def to_canonical(prepared: PreparedTable) -> dict:
    """Return the publishable part of a prepared table as JSON-ready data in a stable key order."""
    return {
        "columns": list(prepared.columns),
        "rows": [list(row) for row in prepared.rows],
        "totals": dict(prepared.totals),
        "masked": dict(prepared.masked),
        "dropped_columns": list(prepared.dropped_columns),
        **({"checks": [dict(c) for c in prepared.checks]} if prepared.checks else {}),
    }
