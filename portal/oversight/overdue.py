"""Cases whose running deadline has passed: a list for those who may read them, counts for everyone else."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, true

from portal.complaints.clock import load_calendar, load_rules
from portal.complaints.deadlines import state_for
from portal.complaints.models import Complaint
from portal.core.permissions import complaint_scope_filter, complaint_statistics_filter, statistics_min_count
from portal.core.roles import OPEN_STATUSES
from portal.core.timezone import local_date
from portal.extensions import db
from portal.places.models import Township, Village


@dataclass
class OverdueCase:
    case_number: str
    township: str
    village: str
    category: str
    handling_level: str
    received_on: date
    due: date
    days_overdue: int


def _rows(where, township_id: int | None, with_case_numbers: bool):
    columns = [Complaint.status, Complaint.received_at, Complaint.accepted_at, Complaint.review_requested_at,
               Complaint.extended_days, Complaint.township_id]
    if with_case_numbers:
        columns += [Complaint.case_number, Complaint.category, Complaint.handling_level,
                    Village.name.label("village_name"), Township.name.label("township_name")]
    stmt = (select(*columns).join(Village, Village.id == Complaint.village_id)
            .join(Township, Township.id == Complaint.township_id)
            .where(Complaint.status.in_(OPEN_STATUSES), where))
    if township_id is not None:
        stmt = stmt.where(Complaint.township_id == township_id)
    return db.session.execute(stmt).all()


def _due_state(row, today, cal, rules):
    # An extension beyond the county maximum (old data, changed rules) counts as the maximum.
    extension = min(max(row.extended_days or 0, 0), rules.max_extension_days)
    return state_for(
        row.status, received=local_date(row.received_at),
        accepted=local_date(row.accepted_at) if row.accepted_at else None,
        review_requested=local_date(row.review_requested_at) if row.review_requested_at else None,
        extended_days=extension, today=today, cal=cal, rules=rules,
    )


def overdue_cases(user, township_id: int | None, today: date) -> list[OverdueCase]:
    """List the overdue cases the user may read, most overdue first (no contents)."""
    cal, rules = load_calendar(), load_rules()
    out = []
    for row in _rows(complaint_scope_filter(user, Complaint), township_id, with_case_numbers=True):
        state = _due_state(row, today, cal, rules)
        if state.level == "overdue":
            out.append(OverdueCase(row.case_number, row.township_name, row.village_name, row.category,
                                   row.handling_level, local_date(row.received_at), state.due, -state.days_left))
    return sorted(out, key=lambda c: (-c.days_overdue, c.case_number))


class Counts(dict):
    """Counts per township id; a count below the threshold (zero included) reads "<3"."""

    def __init__(self, threshold: int = 0):
        super().__init__()
        self.threshold = threshold

    def get(self, key, default=0):
        value = super().get(key, default)
        if self.threshold and isinstance(value, int) and value < self.threshold:
            from portal.oversight.stats import Below

            return Below(self.threshold)
        return value


def overdue_counts(township_id: int | None, today: date, user=None) -> dict[int, int]:
    """Count overdue cases per township id (aggregate only: safe for the county admin).

    With a user, only the complaints their statistics may count, small counts suppressed.
    """
    cal, rules = load_calendar(), load_rules()
    where = complaint_statistics_filter(user, Complaint) if user is not None else true()
    counts = Counts(statistics_min_count(user) if user is not None else 0)
    for row in _rows(where, township_id, with_case_numbers=False):
        if _due_state(row, today, cal, rules).level == "overdue":
            counts[row.township_id] = dict.get(counts, row.township_id, 0) + 1
    return counts


def open_count(township_id: int | None, user=None) -> int:
    """Count the cases open today, whenever they were received (with a user: those their statistics count)."""
    where = complaint_statistics_filter(user, Complaint) if user is not None else true()
    stmt = select(func.count()).select_from(Complaint).where(Complaint.status.in_(OPEN_STATUSES), where)
    if township_id is not None:
        stmt = stmt.where(Complaint.township_id == township_id)
    return db.session.scalar(stmt) or 0
