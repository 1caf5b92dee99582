"""Deadlines of stored cases: county rules, corrected calendar, local dates."""
import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.complaints.calendar import WorkCalendar
from portal.complaints.deadlines import (
    DeadlineRules,
    DeadlineState,
    forward_due,
    resolved,
    review_request_until,
    state_for,
)
from portal.complaints.models import Complaint, HolidayOverride
from portal.core.roles import Level, Status
from portal.core.settings import get_setting
from portal.core.timezone import local_date, local_today
from portal.extensions import db

log = logging.getLogger(__name__)


def load_rules() -> DeadlineRules:
    """Read the county's deadline rules (Setting "deadline_rules"); defaults if absent or broken."""
    raw = get_setting("deadline_rules") or {}
    try:
        return DeadlineRules.from_mapping(raw if isinstance(raw, dict) else {})
    except ValueError as exc:
        # A broken setting must not stop complaint handling; the defaults are the statutory ones.
        log.warning("ignoring invalid deadline_rules setting: %s", exc)
        return DeadlineRules()


def load_calendar() -> WorkCalendar:
    """Build the working-day calendar with the county's corrections."""
    rows = db.session.execute(select(HolidayOverride.day, HolidayOverride.is_working_day)).all()
    return WorkCalendar({day: bool(working) for day, working in rows})


@dataclass
class Clock:
    """Rules, calendar and today's date, loaded once per request or command."""

    rules: DeadlineRules
    cal: WorkCalendar
    today: date

    def state(self, c: Complaint) -> DeadlineState:
        """Return where a case stands against its current deadline."""
        return state_for(
            c.status, received=local_date(c.received_at), accepted=local_date(c.accepted_at),
            concluded=local_date(c.concluded_at), review_requested=local_date(c.review_requested_at),
            extended_days=c.extended_days or 0, today=self.today, cal=self.cal, rules=self.rules,
        )

    def forward_by(self, c: Complaint) -> date | None:
        """The last day for the township to send a case the county must handle up to it (Art. 15), or None.

        Only while the township holds the case and has not yet decided on it; the county admin sets the days.
        """
        if c.handling_level != Level.TOWNSHIP or c.status != Status.RECEIVED:
            return None
        return forward_due(local_date(c.received_at), self.cal, self.rules)

    def resolved(self, c: Complaint) -> bool | None:
        """Tell whether a concluded case counts as resolved (None when not concluded)."""
        return resolved(c.status, c.rating, local_date(c.replied_at), self.today)

    def review_until(self, c: Complaint) -> date | None:
        """Return the last day the complainant may ask for a review, or None."""
        replied = local_date(c.replied_at)
        return None if replied is None else review_request_until(replied, self.rules)


def clock() -> Clock:
    """Build a clock from the stored rules and calendar (callers keep it for one request)."""
    return Clock(rules=load_rules(), cal=load_calendar(), today=local_today())
