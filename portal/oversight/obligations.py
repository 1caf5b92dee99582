"""What each village should have published by today, and what is missing or late (DOMAIN.md section 4).

Cadence rules (defaults; a deployment changes them with app.config["DISCLOSURE_CADENCE"], a dict
with the field names of ``Cadence``; read from the config, not the database, to keep the village page
within its query budget):
- finance statement (topic ``finance_monthly``) for every month, due by the 20th of the next month;
- village affairs (any village-domain disclosure) and party affairs at least once per quarter,
  due 20 days after the quarter ends (the county catalogue's "20th of the first month");
- the cadres' duty reports for the previous year, due by the end of March.
Only obligations that fell due within the last ``window_months`` months are checked.
"""
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import Date, String, bindparam, cast, literal, null, or_, select, true, union_all

from portal.core.timezone import local_date, local_midnight_utc, month_end, months_back
from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.places.models import Village

KINDS = ("finance_monthly", "village_affairs", "party_affairs", "duty_report")
VILLAGE_TOPICS = frozenset({"village_affairs", "decision", "project", "assets", "homestead", "subsidy",
                            "assistance"})
PARTY_TOPICS = frozenset({"party_affairs"})
# The village page reads at most this many records (newest first), so its query stays bounded.
VILLAGE_ROW_LIMIT = 400


@dataclass(frozen=True)
class Cadence:
    finance_due_day: int = 20
    quarterly_grace_days: int = 20
    duty_report_due_month: int = 3
    window_months: int = 12

    @classmethod
    def current(cls) -> "Cadence":
        """Read the county's cadence, falling back to the defaults for bad or missing values."""
        stored = current_app.config.get("DISCLOSURE_CADENCE") or {}
        values = {}
        for f in fields(cls):
            value = stored.get(f.name) if isinstance(stored, dict) else None
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                values[f.name] = value
        values["finance_due_day"] = min(values.get("finance_due_day", 20), 28)
        values["duty_report_due_month"] = min(values.get("duty_report_due_month", 3), 12)
        return cls(**values)


@dataclass(frozen=True)
class Expected:
    kind: str
    start: date
    end: date
    due: date


@dataclass(frozen=True)
class Obligation:
    kind: str
    start: date
    end: date
    due: date
    state: str  # ok | late | missing
    published_on: date | None


@dataclass(frozen=True)
class Record:
    """One published thing that may fulfil an obligation."""

    source: str  # disclosure | duty_report
    topic: str | None
    domain: str | None
    start: date | None
    end: date | None
    published_on: date


def expected(today: date, cadence: Cadence) -> list[Expected]:
    """List every obligation that fell due in the window ending today, oldest first."""
    window_start = months_back(today, cadence.window_months)
    out: list[Expected] = []
    # Start well before the window: a period's due date can fall months after the period began.
    month = months_back(today.replace(day=1), cadence.window_months + 15)
    while month <= today:
        nxt = month_end(month) + timedelta(days=1)
        out.append(Expected("finance_monthly", month, month_end(month), nxt.replace(day=cadence.finance_due_day)))
        if month.month in (1, 4, 7, 10):
            q_end = month_end(month.replace(month=month.month + 2))
            due = q_end + timedelta(days=cadence.quarterly_grace_days)
            out += [Expected("village_affairs", month, q_end, due), Expected("party_affairs", month, q_end, due)]
        if month.month == 1:
            year = month.year - 1
            due = month_end(date(year + 1, cadence.duty_report_due_month, 1))
            out.append(Expected("duty_report", date(year, 1, 1), date(year, 12, 31), due))
        month = nxt
    return sorted((e for e in out if window_start < e.due <= today), key=lambda e: (e.due, KINDS.index(e.kind)))


def _fulfils(record: Record, exp: Expected) -> bool:
    """Tell whether a published record counts towards an obligation."""
    if exp.kind == "duty_report":
        return record.source == "duty_report" and record.topic == str(exp.start.year)
    if record.source != "disclosure":
        return False
    start = record.start or record.published_on.replace(day=1)
    end = record.end or month_end(start)
    overlaps = start <= exp.end and end >= exp.start
    if exp.kind == "finance_monthly":
        return record.topic == "finance_monthly" and overlaps
    if exp.kind == "village_affairs":
        matches = record.topic in VILLAGE_TOPICS or record.domain == "village"
    else:
        matches = record.topic in PARTY_TOPICS or record.domain == "party"
    # "At least quarterly": anything about the quarter, or anything posted during it.
    return matches and (overlaps or exp.start <= record.published_on <= exp.end)


def check(records: Iterable[Record], expectations: list[Expected]) -> list[Obligation]:
    """Judge each expected obligation against a village's published records."""
    records = list(records)
    out = []
    for exp in expectations:
        dates = [r.published_on for r in records if _fulfils(r, exp)]
        first = min(dates) if dates else None
        state = "missing" if first is None else ("ok" if first <= exp.due else "late")
        out.append(Obligation(exp.kind, exp.start, exp.end, exp.due, state, first))
    return out


def _records_query(village_ids, earliest: date, years: list[str], limit: int | None = None):
    """One UNION ALL statement of the disclosures and duty reports that may count."""
    since = local_midnight_utc(earliest)
    disclosures = select(
        Disclosure.village_id.label("village_id"), literal("disclosure").label("source"),
        Disclosure.topic.label("topic"), Disclosure.domain.label("domain"),
        Disclosure.period_start.label("start"), Disclosure.period_end.label("end"),
        Disclosure.first_published_at.label("published_at"),
    ).where(
        Disclosure.status == "published", Disclosure.first_published_at.is_not(None),
        or_(Disclosure.period_end >= earliest, Disclosure.first_published_at >= since),
        village_ids(Disclosure.village_id),
    )
    reports = select(
        DutyReport.village_id, literal("duty_report"), cast(DutyReport.period, String), cast(null(), String),
        cast(null(), Date), cast(null(), Date), DutyReport.first_published_at,
    ).where(
        DutyReport.status == "published", DutyReport.first_published_at.is_not(None),
        DutyReport.period.in_(years), village_ids(DutyReport.village_id),
    )
    stmt = union_all(disclosures, reports)
    if limit:
        stmt = stmt.order_by(stmt.selected_columns.published_at.desc()).limit(limit)
    return stmt


def _as_records(rows) -> dict[int, list[Record]]:
    grouped: dict[int, list[Record]] = {}
    for row in rows:
        published = row.published_at
        if isinstance(published, str):  # SQLite hands compound-select rows back untyped
            published = datetime.fromisoformat(published)
        start, end = (date.fromisoformat(v) if isinstance(v, str) else v for v in (row.start, row.end))
        grouped.setdefault(row.village_id, []).append(
            Record(row.source, row.topic, row.domain, start, end, local_date(published)))
    return grouped


def _span(expectations: list[Expected]) -> tuple[date, list[str]]:
    earliest = min((e.start for e in expectations), default=date.today())
    years = sorted({str(e.start.year) for e in expectations if e.kind == "duty_report"})
    return earliest, years


@lru_cache(maxsize=32)
def _expected_once(today: date, cadence: Cadence) -> tuple[Expected, ...]:
    return tuple(expected(today, cadence))


@lru_cache(maxsize=32)
def _village_statement(earliest: date, years: tuple[str, ...]):
    """The village page's statement for one day, built once (building it costs more than running it)."""
    return _records_query(lambda col: col == bindparam("village_id"), earliest, list(years), limit=VILLAGE_ROW_LIMIT)


def for_village(village_id: int, today: date, cadence: Cadence | None = None) -> list[Obligation]:
    """Check one village's obligations with a single bounded query."""
    expectations = list(_expected_once(today, cadence or Cadence.current()))
    if not expectations:
        return []
    earliest, years = _span(expectations)
    rows = db.session.connection().execute(_village_statement(earliest, tuple(years)),
                                           {"village_id": village_id}).all()
    return check(_as_records(rows).get(village_id, []), expectations)


def for_villages(village_ids: list[int], today: date, township_id: int | None = None,
                 cadence: Cadence | None = None) -> dict[int, list[Obligation]]:
    """Check the villages of a township (or of the county) with one query."""
    expectations = expected(today, cadence or Cadence.current())
    if not expectations or not village_ids:
        return {vid: [] for vid in village_ids}
    earliest, years = _span(expectations)
    if township_id is None:
        scope = lambda col: true()  # noqa: E731
    else:
        in_township = select(Village.id).where(Village.township_id == township_id).scalar_subquery()
        scope = lambda col: col.in_(in_township)  # noqa: E731
    grouped = _as_records(db.session.execute(_records_query(scope, earliest, years)).all())
    return {vid: check(grouped.get(vid, []), expectations) for vid in village_ids}
