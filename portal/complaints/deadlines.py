"""Complaint time limits (DOMAIN.md section 6) and the deadline state of a case.

Calendar-day periods follow the Chinese convention that the day of the
triggering event is not counted: "60 days from acceptance" on 1 March ends on
30 April. Working-day periods use a WorkCalendar the same way.
"""
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any, Literal

from portal.complaints.calendar import WorkCalendar
from portal.core.roles import Status

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
RESOLVED_RATINGS = frozenset({"satisfied", "basically_satisfied"})
# An unrated concluded case counts as resolved once this many days after the
# reply have run out (DOMAIN.md section 6: "unrated 30 days after the reply").
UNRATED_RESOLVED_AFTER_DAYS = 30

Level = Literal["ok", "warning", "overdue", "none"]


def _from_text(value: Any) -> Any:
    """Read a plain digit string as its number (settings tables often store values as text)."""
    return int(value.strip()) if isinstance(value, str) and value.strip().isdigit() else value


@dataclass(frozen=True)
class DeadlineRules:
    """Time limits of one county; defaults are the portal defaults."""

    decide_working_days: int = 15
    forward_working_days: int = 5
    conclude_days: int = 60
    max_extension_days: int = 30
    review_request_days: int = 30
    review_answer_days: int = 30
    warn_days: int = 3

    def __post_init__(self):
        """Reject non-positive or non-integer limits (bool is an int subclass: True must not mean "1 day")."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{f.name} must be a positive integer, got {value!r}")

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> "DeadlineRules":
        """Build rules from a county's settings, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: _from_text(value) for key, value in settings.items() if key in known})


@dataclass(frozen=True)
class DeadlineState:
    """Where a case stands against its current deadline."""

    due: date | None
    days_left: int | None
    working_days_left: int | None
    level: Level


NO_DEADLINE = DeadlineState(due=None, days_left=None, working_days_left=None, level="none")


def decide_due(received: date, cal: WorkCalendar, rules: DeadlineRules) -> date:
    """Return the last day to accept, decline or transfer a complaint."""
    return cal.add_working_days(received, rules.decide_working_days)


def forward_due(received: date, cal: WorkCalendar, rules: DeadlineRules) -> date:
    """Return the last day to forward a complaint the county must handle."""
    return cal.add_working_days(received, rules.forward_working_days)


def conclude_due(accepted: date, rules: DeadlineRules, extended_days: int = 0) -> date:
    """Return the last day to conclude an accepted case, including an extension."""
    if extended_days < 0:
        raise ValueError(f"extended_days must not be negative, got {extended_days}")
    if extended_days > rules.max_extension_days:
        raise ValueError(f"extension of {extended_days} days exceeds the maximum of {rules.max_extension_days}")
    return accepted + timedelta(days=rules.conclude_days + extended_days)


def review_request_until(replied: date, rules: DeadlineRules) -> date:
    """Return the last day the complainant may request a review."""
    return replied + timedelta(days=rules.review_request_days)


def review_due(requested: date, rules: DeadlineRules) -> date:
    """Return the last day to answer a review request."""
    return requested + timedelta(days=rules.review_answer_days)


def _require(name: str, value: date | None, status: str) -> date:
    """Return value or raise because a case in status lacks it."""
    if value is None:
        raise ValueError(f"a case in status {status!r} needs {name}")
    return value


def state_for(
    status: str,
    *,
    received: date | None = None,
    accepted: date | None = None,
    concluded: date | None = None,
    review_requested: date | None = None,
    extended_days: int | None = 0,
    today: date,
    cal: WorkCalendar,
    rules: DeadlineRules | None = None,
) -> DeadlineState:
    """Return the deadline state of a case in status on today."""
    rules = rules or DeadlineRules()
    # concluded is accepted so callers can pass every case date uniformly;
    # a concluded case has no running deadline (the review window is the
    # complainant's, not the handler's).
    del concluded
    if status == Status.RECEIVED:
        due = decide_due(_require("received", received, status), cal, rules)
    elif status in (Status.ACCEPTED, Status.IN_PROGRESS):
        due = conclude_due(_require("accepted", accepted, status), rules, extended_days or 0)
    elif status == Status.UNDER_REVIEW:
        due = review_due(_require("review_requested", review_requested, status), rules)
    elif status in (Status.DECLINED, Status.TRANSFERRED, Status.CONCLUDED):
        return NO_DEADLINE
    else:
        raise ValueError(f"unknown complaint status {status!r}")

    days_left = (due - today).days
    if days_left < 0:
        level: Level = "overdue"
    elif days_left <= rules.warn_days:
        level = "warning"
    else:
        level = "ok"
    return DeadlineState(
        due=due,
        days_left=days_left,
        working_days_left=cal.working_days_between(today, due),
        level=level,
    )


def resolved(status: str, rating: str | None, replied_on: date | None, today: date) -> bool | None:
    """Tell whether a concluded case counts as resolved; None if not concluded."""
    if status != Status.CONCLUDED:
        return None
    # Forms submit "" for "no rating"; treat it like None.
    if rating:
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}")
        return rating in RESOLVED_RATINGS
    if replied_on is None:
        # No reply yet, so the complainant's 30 days have not started.
        return False
    # The period runs through reply + 30 days inclusive, like the review-request
    # window, so a complainant can still rate on day 30 before it counts.
    return (today - replied_on).days > UNRATED_RESOLVED_AFTER_DAYS
