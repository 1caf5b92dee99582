"""Complaint statistics for the oversight dashboard, straight from the complaint table.

Counts come from one GROUP BY over (township, village, category, month); the
deadline verdicts need the working-day calendar, so a second query reads the
dates of each case (never its contents) and deadlines.py judges them.
"""
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, true

from portal.complaints.clock import load_calendar, load_rules
from portal.complaints.deadlines import (
    RESOLVED_RATINGS,
    UNRATED_RESOLVED_AFTER_DAYS,
    conclude_due,
    decide_due,
    review_due,
)
from portal.complaints.models import Complaint, ComplaintEvent
from portal.core.labels import label
from portal.core.permissions import complaint_statistics_filter, statistics_min_count
from portal.core.roles import Status
from portal.core.timezone import add_months, local_date, local_midnight_utc
from portal.extensions import db
from portal.places.models import Township, Village

OPEN_DECISION = Status.RECEIVED
RUNNING_CONCLUSION = (Status.ACCEPTED, Status.IN_PROGRESS)


class Below(int):
    """A count too small to show (it reads "<3"); worth 0 in any sum or chart."""

    threshold: int

    def __new__(cls, threshold: int):
        obj = super().__new__(cls, 0)
        obj.threshold = threshold
        return obj

    def __str__(self) -> str:
        return f"<{self.threshold}"

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return str(self)


def _shown(*values) -> bool:
    return not any(isinstance(v, Below) for v in values)


class Counters:
    """A dataclass of counts that takes in another of its kind, field by field (a total row)."""

    def add(self, other) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Tally(Counters):
    received: int = 0
    accepted: int = 0
    declined: int = 0
    transferred: int = 0
    concluded: int = 0
    rated: int = 0
    satisfied: int = 0  # satisfied + basically satisfied
    resolved: int = 0
    on_time: int = 0
    overdue: int = 0
    running: int = 0

    @property
    def satisfaction(self) -> float | None:
        """(满意 + 基本满意) / rated, in percent with one decimal."""
        return round(100 * self.satisfied / self.rated, 1) if self.rated and _shown(self.satisfied) else None

    @property
    def on_time_rate(self) -> float | None:
        if not _shown(self.on_time, self.overdue):
            return None
        judged = self.on_time + self.overdue
        return round(100 * self.on_time / judged, 1) if judged else None


COLUMNS = tuple(f.name for f in fields(Tally))


@dataclass
class Group:
    key: str
    name: str
    tally: Tally = field(default_factory=Tally)


@dataclass
class Filters:
    start: date
    end: date  # inclusive
    township_id: int | None = None
    where: object = None  # the permission layer's filter of countable complaints (None: all)

    def months(self) -> list[date]:
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out


@dataclass
class Report:
    filters: Filters
    total: Tally
    townships: list[Group]
    villages: list[Group]
    categories: list[Group]
    months: list[Group]


def _scope(filters: Filters):
    start, end = local_midnight_utc(filters.start), local_midnight_utc(filters.end + timedelta(days=1))
    clause = and_(Complaint.received_at >= start, Complaint.received_at < end,
                  filters.where if filters.where is not None else true())
    if filters.township_id is not None:
        clause = and_(clause, Complaint.township_id == filters.township_id)
    return clause


def _month_expr(filters: Filters):
    """Label each case with its local month ("2025-03") by comparing against month boundaries."""
    whens = [(and_(Complaint.received_at >= local_midnight_utc(m),
                   Complaint.received_at < local_midnight_utc(add_months(m, 1))), literal(m.strftime("%Y-%m")))
             for m in filters.months()]
    return case(*whens, else_=literal("")) if whens else literal("")


def _flag(condition):
    return case((condition, 1), else_=0)


def _aggregate(filters: Filters, today: date):
    """Run the GROUP BY and return its rows."""
    cutoff = local_midnight_utc(today - timedelta(days=UNRATED_RESOLVED_AFTER_DAYS))
    rated = and_(Complaint.rating.is_not(None), Complaint.rating != "")
    good = Complaint.rating.in_(sorted(RESOLVED_RATINGS))
    resolved = and_(Complaint.status == Status.CONCLUDED,
                    or_(good, and_(~rated, Complaint.replied_at.is_not(None),
                                   Complaint.replied_at < cutoff)))
    inner = select(
        Complaint.township_id, Complaint.village_id, Complaint.category, _month_expr(filters).label("month"),
        _flag(Complaint.accepted_at.is_not(None)).label("accepted"),
        _flag(Complaint.status == "declined").label("declined"),
        _flag(Complaint.status == "transferred").label("transferred"),
        _flag(Complaint.concluded_at.is_not(None)).label("concluded"),
        _flag(rated).label("rated"), _flag(good).label("satisfied"), _flag(resolved).label("resolved"),
    ).where(_scope(filters)).subquery()
    keys = (inner.c.township_id, inner.c.village_id, inner.c.category, inner.c.month)
    sums = [func.coalesce(func.sum(inner.c[name]), 0).label(name)
            for name in ("accepted", "declined", "transferred", "concluded", "rated", "satisfied", "resolved")]
    return db.session.execute(select(*keys, func.count().label("received"), *sums).group_by(*keys)).all()


def _deadline_rows(filters: Filters):
    """Read the dates of each case in scope (no contents) for the deadline verdicts."""
    decided = (select(ComplaintEvent.complaint_id, func.min(ComplaintEvent.at).label("decided_at"))
               .where(ComplaintEvent.kind == "status", ComplaintEvent.from_status == OPEN_DECISION)
               .group_by(ComplaintEvent.complaint_id).subquery())
    stmt = (select(Complaint.township_id, Complaint.village_id, Complaint.category, Complaint.status,
                   Complaint.received_at, Complaint.accepted_at, decided.c.decided_at, Complaint.concluded_at,
                   Complaint.review_requested_at, Complaint.extended_days)
            .outerjoin(decided, decided.c.complaint_id == Complaint.id).where(_scope(filters)))
    return db.session.execute(stmt).all()


def verdict(row, today: date, cal, rules) -> str:
    """Judge a case: "overdue" if any deadline was missed, "running" if one still runs, else "on_time"."""
    missed = running = False
    received = local_date(row.received_at)
    moments = [m for m in (row.accepted_at, row.decided_at) if m is not None]
    decided = local_date(min(moments)) if moments else None
    due = decide_due(received, cal, rules)
    if decided is not None:
        missed |= decided > due
    elif row.status == OPEN_DECISION:
        missed, running = today > due, today <= due
    if row.accepted_at is not None:
        extension = min(max(row.extended_days or 0, 0), rules.max_extension_days)
        due = conclude_due(local_date(row.accepted_at), rules, extension)
        if row.concluded_at is not None:
            missed |= local_date(row.concluded_at) > due
        elif row.status in RUNNING_CONCLUSION:
            missed |= today > due
            running |= today <= due
    if row.status == Status.UNDER_REVIEW and row.review_requested_at is not None:
        due = review_due(local_date(row.review_requested_at), rules)
        missed |= today > due
        running |= today <= due
    return "overdue" if missed else ("running" if running else "on_time")


def build(filters: Filters, today: date) -> Report:
    """Compute every table of the dashboard for the filters."""
    cells: dict[tuple, Tally] = {}
    for row in _aggregate(filters, today):
        tally = cells.setdefault((row.township_id, row.village_id, row.category, row.month), Tally())
        for name in ("received", "accepted", "declined", "transferred", "concluded", "rated", "satisfied",
                     "resolved"):
            setattr(tally, name, getattr(tally, name) + int(getattr(row, name)))
    cal, rules = load_calendar(), load_rules()
    for row in _deadline_rows(filters):
        month = local_date(row.received_at).strftime("%Y-%m")
        tally = cells.setdefault((row.township_id, row.village_id, row.category, month), Tally())
        outcome = verdict(row, today, cal, rules)
        setattr(tally, outcome, getattr(tally, outcome) + 1)
    return _roll_up(filters, cells)


def _roll_up(filters: Filters, cells: dict[tuple, Tally]) -> Report:
    total = Tally()
    by = {dim: {} for dim in ("township", "village", "category", "month")}
    for (township_id, village_id, category, month), tally in cells.items():
        total.add(tally)
        for dim, key in zip(by, (township_id, village_id, category, month), strict=False):
            by[dim].setdefault(key, Tally()).add(tally)
    township_stmt = select(Township).order_by(Township.code)
    if filters.township_id is not None:
        township_stmt = township_stmt.where(Township.id == filters.township_id)
    townships = [Group(t.code, t.name, by["township"].get(t.id, Tally())) for t in db.session.scalars(township_stmt)]
    village_ids = [vid for vid in by["village"] if vid is not None]
    villages = []
    if village_ids:
        rows = db.session.execute(select(Village.id, Village.code, Village.name).where(Village.id.in_(village_ids)))
        villages = sorted((Group(code, name, by["village"][vid]) for vid, code, name in rows),
                          key=lambda g: (-g.tally.received, g.key))
    categories = sorted((Group(code, label("complaint_category", code), t) for code, t in by["category"].items()),
                        key=lambda g: (-g.tally.received, g.key))
    months = [Group(m.strftime("%Y-%m"), m.strftime("%Y-%m"), by["month"].get(m.strftime("%Y-%m"), Tally()))
              for m in filters.months()]
    return Report(filters, total, townships, villages, categories, months)


def for_user(filters: Filters, user) -> Filters:
    """Narrow the filters to the complaints the user's statistics may count (the permission layer decides)."""
    return Filters(filters.start, filters.end, filters.township_id, complaint_statistics_filter(user, Complaint))


def suppress_small(report: Report, threshold: int) -> Report:
    """Replace every count below the threshold (zero included) by Below, in place; return the report."""
    if threshold <= 0:
        return report
    for tally in [report.total, *(g.tally for section in (report.townships, report.villages, report.categories,
                                                         report.months) for g in section)]:
        for name in COLUMNS:
            if getattr(tally, name) < threshold:
                setattr(tally, name, Below(threshold))
    return report


def shown(value: int, threshold: int) -> int:
    """The count itself, or Below when it is under the threshold (zero included)."""
    return Below(threshold) if threshold > 0 and value < threshold else value


def build_for(user, filters: Filters, today: date) -> Report:
    """The dashboard's figures as the user may see them: their scope, small counts suppressed."""
    return suppress_small(build(for_user(filters, user), today), statistics_min_count(user))


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, whole months, up to today."""
    return add_months(today.replace(day=1), -11), today

