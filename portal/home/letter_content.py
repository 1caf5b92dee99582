"""The monthly open letter to a village's households (one printed A4 page), composed from several capabilities.

A month's letter speaks of the disclosures about that month: those whose period lies within it (at most
a quarter long, so the month's finance statement and the quarter's affairs), and those with no period
or a longer one (a decision, a yearly subsidy list) first published in it. "What changed" lists the
corrections published in the month, with their reasons, and what the village still owed at its end.
Every list is capped so the letter stays on one sheet; the page says how many more there are.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from portal.core.timezone import add_months, local_date, local_midnight_utc, month_end
from portal.disclosures.models import Disclosure
from portal.disclosures.table_view import build as build_table_view
from portal.disclosures.table_view import to_decimal
from portal.disclosures.tables import recognise_column
from portal.extensions import db
from portal.oversight import obligations
from portal.places.models import Village
from portal.polls import service as polls
from portal.polls.models import GrievancePoll
from portal.records.models import PublishedRevision

MAX_ITEMS = 6
MAX_DECISIONS = 2
MAX_CHANGES = 3
MAX_OWED = 3
SHORT_PERIOD_DAYS = 92
SUBSIDY_TOPICS = ("subsidy", "assistance")
VOTING_STEPS = ("villager_assembly", "representatives", "party_meeting", "committees")
EARLIEST = date(2000, 1, 1)


class MonthError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_month(raw: str | None, today: date) -> date:
    """Read "2025-03" as its first day; no month means last month. Refuse what is not a past or current month."""
    if raw is None or not raw.strip():
        return add_months(today.replace(day=1), -1)
    text = raw.strip()
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4 \
            or len(parts[1]) not in (1, 2) or not 1 <= int(parts[1]) <= 12:
        raise MonthError(_l("Give the month as year and month, for example 2025-03."))
    month = date(int(parts[0]), int(parts[1]), 1)
    if month > today.replace(day=1):
        raise MonthError(_l("That month has not come yet. Choose this month or an earlier one."))
    if month < EARLIEST:
        raise MonthError(_l("Choose a month from the year 2000 on."))
    return month


@dataclass
class Item:
    id: int
    title: str
    domain: str
    corrected: bool


@dataclass
class Decision:
    id: int
    title: str
    matter: str
    votes_for: int | None
    present: int | None
    breaches: int


@dataclass
class Change:
    id: int
    title: str
    number: int
    reason: str
    on: date


@dataclass
class Letter:
    village: Village
    month: date
    items: list[Item]
    more_items: int
    finance: list[tuple[str, str]]  # (opening|income|expense|closing, amount) of the month's statement
    finance_id: int | None
    decisions: list[Decision]
    subsidy_total: str | None
    subsidy_lines: int
    subsidy_lists: int
    changes: list[Change]
    owed: list = field(default_factory=list)  # obligations still missing at the month's end
    more_owed: int = 0
    poll: GrievancePoll | None = None
    poll_phase: str | None = None
    top_ten: list = field(default_factory=list)


def _about_month(village_id: int, month: date):
    """Disclosures whose period touches the month or first published in it (_in_month narrows them)."""
    start, end = month, month_end(month)
    published_in = and_(Disclosure.first_published_at >= local_midnight_utc(start),
                        Disclosure.first_published_at < local_midnight_utc(end + timedelta(days=1)))
    # Python tells short periods from long ones: date arithmetic differs between the databases.
    return (select(Disclosure).where(Disclosure.village_id == village_id, Disclosure.status == "published",
                                     Disclosure.current_revision_id.is_not(None),
                                     or_(and_(Disclosure.period_start <= end, Disclosure.period_end >= start),
                                         published_in))
            .options(joinedload(Disclosure.current_revision))
            .order_by(Disclosure.domain, Disclosure.first_published_at, Disclosure.id))


def _is_short(d: Disclosure) -> bool:
    return bool(d.period_start and d.period_end and (d.period_end - d.period_start).days <= SHORT_PERIOD_DAYS)


def _in_month(d: Disclosure, month: date) -> bool:
    if _is_short(d):
        return d.period_start <= month_end(month) and d.period_end >= month
    first = local_date(d.first_published_at)
    return first is not None and month <= first <= month_end(month)


def _votes(content: dict) -> tuple[int | None, int | None]:
    steps = {s.get("step"): s for s in content.get("steps") or [] if isinstance(s, dict)}
    for name in VOTING_STEPS:
        if name in steps and steps[name].get("for") is not None:
            return steps[name].get("for"), steps[name].get("present")
    return None, None


def _subsidy_sum(content: dict) -> tuple[Decimal, int]:
    """The money paid by a payment list (its amount columns' totals) and its number of lines."""
    totals = content.get("totals") or {}
    paid = Decimal(0)
    for name, value in totals.items():
        if recognise_column(name) in ("amount", "monthly_amount", "expense"):
            paid += to_decimal(value) or Decimal(0)
    return paid, len(content.get("rows") or [])


def compose(village: Village, month: date, today: date) -> Letter:
    """Gather what the month's letter says."""
    found = [d for d in db.session.scalars(_about_month(village.id, month)).unique() if _in_month(d, month)]
    items, decisions, finance, finance_id = [], [], [], None
    subsidy_total, subsidy_lines, subsidy_lists = Decimal(0), 0, 0
    for d in found:
        content = d.current_revision.content or {}
        if d.kind == "decision":
            votes_for, present = _votes(content)
            decisions.append(Decision(d.id, d.title, str(content.get("matter") or "")[:80], votes_for, present,
                                      d.breach_count or 0))
            continue
        if d.kind == "table" and d.topic == "finance_monthly" and not finance:
            finance, finance_id = build_table_view(content).figures, d.id
        if d.kind == "table" and d.topic in SUBSIDY_TOPICS:
            paid, lines = _subsidy_sum(content)
            subsidy_total += paid
            subsidy_lines += lines
            subsidy_lists += 1
        items.append(Item(d.id, d.title, d.domain, d.revision_count > 1))
    changes = _changes(village.id, month, [d.id for d in found])
    checked = obligations.for_village(village.id, min(month_end(month), today))
    owed = [o for o in reversed(checked) if o.state == "missing"]
    letter = Letter(village, month, items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS), finance, finance_id,
                    decisions[:MAX_DECISIONS], f"{subsidy_total:,.2f}" if subsidy_lists else None, subsidy_lines,
                    subsidy_lists, changes, owed[:MAX_OWED], max(0, len(owed) - MAX_OWED))
    _top_ten(letter, village, today)
    return letter


def _changes(village_id: int, month: date, about: list[int]) -> list[Change]:
    """Corrections of the month's disclosures (whenever made) and any published during the month, newest first."""
    in_month = and_(PublishedRevision.published_at >= local_midnight_utc(month),
                    PublishedRevision.published_at < local_midnight_utc(add_months(month, 1)))
    rows = db.session.execute(
        select(PublishedRevision.subject_id, PublishedRevision.title, PublishedRevision.number,
               PublishedRevision.reason, PublishedRevision.published_at)
        .where(PublishedRevision.village_id == village_id, PublishedRevision.subject_type == "disclosure",
               PublishedRevision.number > 1,
               or_(in_month, PublishedRevision.subject_id.in_(about) if about else in_month))
        .order_by(PublishedRevision.published_at.desc(), PublishedRevision.id.desc())
        .limit(MAX_CHANGES * 3)).all()
    out, seen = [], set()
    for sid, title, number, reason, at in rows:
        if sid not in seen:  # the newest correction of each
            seen.add(sid)
            out.append(Change(sid, title, number, (reason or "")[:60], local_date(at)))
    return out[:MAX_CHANGES]


def _top_ten(letter: Letter, village: Village, today: date) -> None:
    """The township's newest "ten problems" poll: its ranked problems and progress, or where it stands."""
    poll = db.session.scalar(select(GrievancePoll).where(GrievancePoll.township_id == village.township_id)
                             .order_by(GrievancePoll.year.desc(), GrievancePoll.id.desc()).limit(1))
    if poll is None:
        return
    letter.poll, letter.poll_phase = poll, polls.phase(poll, today)
    if poll.results_published_at is not None:
        letter.top_ten = polls.top_ten(poll)
