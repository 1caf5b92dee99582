"""The handlers' inbox: readable cases, filters, overdue computed on read, pagination."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from portal.complaints.clock import Clock
from portal.complaints.deadlines import DeadlineState
from portal.complaints.models import CATEGORIES, Complaint
from portal.core import permissions
from portal.core.roles import OPEN_STATUSES, STATUSES
from portal.extensions import db
from portal.places.models import Village

SORTS = ("newest", "urgent")
OPEN = "open"  # every status that still needs a handler
_DEADLINE_COLUMNS = (Complaint.id, Complaint.status, Complaint.category, Complaint.received_at, Complaint.accepted_at,
                     Complaint.concluded_at, Complaint.review_requested_at, Complaint.extended_days)


@dataclass
class Filters:
    status: str | None = None
    village: str | None = None
    category: str | None = None
    overdue: bool = False
    sort: str = "urgent"
    page: int = 1

    @property
    def narrowed(self) -> int:
        """How many filters differ from the default view (open cases, most urgent first)."""
        return sum((self.status != OPEN, bool(self.village), bool(self.category), self.overdue))

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Read filters from a query string, dropping unknown values."""
        # Opened without a choice, the inbox shows what still needs work, the most urgent first.
        status = args.get("status", OPEN)
        status = status if status in STATUSES or status == OPEN else None
        category = args.get("category") if args.get("category") in CATEGORIES else None
        village = args.get("village", "")
        village = village if village.isascii() and village.isdigit() and len(village) == 12 else None
        sort = args.get("sort") if args.get("sort") in SORTS else "urgent"
        page = args.get("page", "1")
        page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 7 else 1
        return cls(status, village, category, args.get("overdue") == "1", sort, max(page, 1))


@dataclass
class Page:
    rows: list[tuple[Complaint, DeadlineState]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def scope_villages(user) -> list[Village]:
    """Villages whose cases the user may filter by."""
    return list(db.session.scalars(select(Village).where(permissions.village_scope_filter(user, Village))
                                   .order_by(Village.code)))


def inbox(user, filters: Filters, clk: Clock, per_page: int = 20) -> Page:
    """Return one page of the cases the user may read."""
    stmt = select(Complaint).where(permissions.complaint_scope_filter(user, Complaint))
    if filters.status == OPEN:
        stmt = stmt.where(Complaint.status.in_(OPEN_STATUSES))
    elif filters.status:
        stmt = stmt.where(Complaint.status == filters.status)
    if filters.category:
        stmt = stmt.where(Complaint.category == filters.category)
    if filters.village:
        stmt = stmt.where(Complaint.village_id.in_(select(Village.id).where(Village.code == filters.village)))
    offset = (filters.page - 1) * per_page
    if filters.overdue or filters.sort == "urgent":
        # Deadlines count working days on the county's calendar, so they are computed here, not in SQL.
        light = db.session.scalars(stmt.options(load_only(*_DEADLINE_COLUMNS))).all()
        states = {c.id: clk.state(c) for c in light}
        if filters.overdue:
            light = [c for c in light if states[c.id].level == "overdue"]
        if filters.sort == "urgent":
            light.sort(key=lambda c: (states[c.id].due or date.max, c.category != "retaliation", c.id))
        else:
            light.sort(key=lambda c: (c.received_at, c.id), reverse=True)
        total, ids = len(light), [c.id for c in light[offset:offset + per_page]]
        loaded = {c.id: c for c in db.session.scalars(
            select(Complaint).where(Complaint.id.in_(ids)).options(joinedload(Complaint.village)))}
        items = [loaded[i] for i in ids]
    else:
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        items = list(db.session.scalars(stmt.order_by(Complaint.received_at.desc(), Complaint.id.desc())
                                        .offset(offset).limit(per_page).options(joinedload(Complaint.village))))
    return Page(rows=[(c, clk.state(c)) for c in items], total=total, page=filters.page, per_page=per_page)
