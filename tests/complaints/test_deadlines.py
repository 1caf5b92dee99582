"""Working-day calendar and complaint deadline rules."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.complaints.calendar import WorkCalendar
from portal.complaints.deadlines import (
    DeadlineRules,
    DeadlineState,
    conclude_due,
    decide_due,
    forward_due,
    resolved,
    review_due,
    review_request_until,
    state_for,
)

# One shared calendar: hypothesis forbids function-scoped fixtures in @given,
# and sharing also exercises the per-year cache.
CAL = WorkCalendar()
RULES = DeadlineRules()


def days_off(cal, first, last):
    """List the non-working days from first to last inclusive."""
    out, d = [], first
    while d <= last:
        if not cal.is_working_day(d):
            out.append(d)
        d += timedelta(days=1)
    return out


# --- calendar: 2025 data as published by the State Council -----------------


def test_national_day_2025_days_off_and_make_up_days():
    # Oct 1-8 off (Wed-Wed, incl. Mid-Autumn on Oct 6); Sun Sept 28 and Sat Oct 11 worked.
    assert days_off(CAL, date(2025, 9, 20), date(2025, 10, 19)) == [
        date(2025, 9, 20), date(2025, 9, 21), date(2025, 9, 27),
        *(date(2025, 10, day) for day in range(1, 9)),
        date(2025, 10, 12), date(2025, 10, 18), date(2025, 10, 19),
    ]
    assert date(2025, 9, 28).weekday() == 6 and CAL.is_working_day(date(2025, 9, 28))
    assert date(2025, 10, 11).weekday() == 5 and CAL.is_working_day(date(2025, 10, 11))


def test_spring_festival_2025_days_off_and_make_up_days():
    # Jan 28 (eve) - Feb 4 off; Sun Jan 26 and Sat Feb 8 worked.
    assert days_off(CAL, date(2025, 1, 20), date(2025, 2, 10)) == [
        date(2025, 1, 25),
        *(date(2025, 1, day) for day in range(28, 32)),
        *(date(2025, 2, day) for day in range(1, 5)),
        date(2025, 2, 9),
    ]
    assert date(2025, 1, 26).weekday() == 6 and CAL.is_working_day(date(2025, 1, 26))
    assert date(2025, 2, 8).weekday() == 5 and CAL.is_working_day(date(2025, 2, 8))


def test_cross_year_make_up_day_is_found_when_only_that_year_is_loaded():
    # Sat 2001-12-29 was worked for the 2002 New Year holiday.
    assert WorkCalendar().is_working_day(date(2001, 12, 29))
    assert not WorkCalendar().is_working_day(date(2001, 12, 22))


def test_holiday_name():
    assert CAL.holiday_name(date(2025, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2025, 10, 6)) == "中秋节"
    assert CAL.holiday_name(date(2025, 1, 29)) == "春节"
    assert CAL.holiday_name(date(2025, 10, 9)) is None
    assert CAL.holiday_name(date(2025, 10, 4)) is None  # plain weekend


def test_add_working_days_across_national_day_2025():
    # From Fri 2025-09-26 (not counted):
    #   Sep 28 (Sun, make-up) 1, Sep 29 2, Sep 30 3, Oct 1-8 off,
    #   Oct 9 4, Oct 10 5, Oct 11 (Sat, make-up) 6, Oct 12 off,
    #   Oct 13-17 7..11, Oct 18-19 weekend, Oct 20 12, 21 13, 22 14, Thu Oct 23 15.
    assert CAL.add_working_days(date(2025, 9, 26), 15) == date(2025, 10, 23)
    assert CAL.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_working_days(date(2025, 9, 26), 0) == date(2025, 9, 26)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2025, 9, 26), -1)


def test_working_days_between_is_signed_and_excludes_start():
    assert CAL.working_days_between(date(2025, 9, 26), date(2025, 10, 23)) == 15
    assert CAL.working_days_between(date(2025, 10, 23), date(2025, 9, 26)) == -15
    assert CAL.working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert CAL.working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert CAL.working_days_between(date(2025, 10, 8), date(2025, 10, 9)) == 1


def test_override_turns_weekday_off_and_shifts_deadline():
    cal = WorkCalendar({date(2025, 10, 9): False})
    assert not cal.is_working_day(date(2025, 10, 9))
    assert cal.add_working_days(date(2025, 9, 26), 15) == date(2025, 10, 24)
    assert decide_due(date(2025, 9, 26), cal, RULES) == date(2025, 10, 24)
    # The shared calendar without overrides is unaffected.
    assert decide_due(date(2025, 9, 26), CAL, RULES) == date(2025, 10, 23)


def test_override_takes_precedence_in_both_directions():
    cal = WorkCalendar({date(2025, 10, 9): False, date(2025, 10, 18): True, date(2025, 10, 8): True})
    assert cal.is_working_day(date(2025, 10, 18))  # Saturday made a workday
    assert cal.is_working_day(date(2025, 10, 8))  # holiday made a workday
    assert cal.holiday_name(date(2025, 10, 8)) is not None  # name unchanged
    # Oct 8 gains a day, Oct 9 loses one, Oct 18 gains one: 15th is Oct 22.
    assert cal.add_working_days(date(2025, 9, 26), 15) == date(2025, 10, 22)


def test_overrides_are_copied_and_validated():
    table = {date(2025, 10, 9): False}
    cal = WorkCalendar(table)
    table[date(2025, 10, 10)] = False
    assert cal.is_working_day(date(2025, 10, 10))
    with pytest.raises(ValueError):
        WorkCalendar({date(2025, 10, 9): "no"})


@settings(deadline=None, max_examples=300)
@given(d=st.dates(date(2024, 1, 1), date(2027, 12, 31)), n=st.integers(1, 40))
def test_add_working_days_round_trips(d, n):
    due = CAL.add_working_days(d, n)
    assert CAL.is_working_day(due)
    assert CAL.working_days_between(d, due) == n
    assert CAL.working_days_between(due, d) == -n
    # due is the first day reaching n: the day before it has only n - 1.
    assert CAL.working_days_between(d, due - timedelta(days=1)) == n - 1


# --- deadline rules ---------------------------------------------------------


def test_due_dates():
    assert decide_due(date(2025, 9, 26), CAL, RULES) == date(2025, 10, 23)
    # 5 working days from Fri Sept 26: Sep 28, 29, 30, Oct 9, Oct 10.
    assert forward_due(date(2025, 9, 26), CAL, RULES) == date(2025, 10, 10)
    assert conclude_due(date(2025, 3, 1), RULES) == date(2025, 4, 30)
    assert conclude_due(date(2025, 3, 1), RULES, 30) == date(2025, 5, 30)
    assert review_request_until(date(2025, 6, 10), RULES) == date(2025, 7, 10)
    assert review_due(date(2025, 6, 10), RULES) == date(2025, 7, 10)
    custom = DeadlineRules(conclude_days=30, review_request_days=15, review_answer_days=20)
    assert conclude_due(date(2025, 3, 1), custom) == date(2025, 3, 31)
    assert review_request_until(date(2025, 6, 10), custom) == date(2025, 6, 25)
    assert review_due(date(2025, 6, 10), custom) == date(2025, 6, 30)


def test_extension_cap():
    assert conclude_due(date(2025, 3, 1), RULES, 30) == date(2025, 5, 30)
    with pytest.raises(ValueError, match="30"):
        conclude_due(date(2025, 3, 1), RULES, 31)
    with pytest.raises(ValueError):
        conclude_due(date(2025, 3, 1), RULES, -1)
    small = DeadlineRules(max_extension_days=10)
    assert conclude_due(date(2025, 3, 1), small, 10) == date(2025, 5, 10)
    with pytest.raises(ValueError):
        conclude_due(date(2025, 3, 1), small, 11)


def _state(status, today, **dates):
    return state_for(status, today=today, cal=CAL, rules=RULES, **dates)


@pytest.mark.parametrize(
    "today, days_left, working_days_left, level",
    [
        (date(2025, 9, 26), 27, 15, "ok"),
        # Working days after Oct 10 to Oct 23: 11, 13-17, 20-23.
        (date(2025, 10, 10), 13, 10, "ok"),
        (date(2025, 10, 19), 4, 4, "ok"),
        (date(2025, 10, 20), 3, 3, "warning"),
        (date(2025, 10, 23), 0, 0, "warning"),
        (date(2025, 10, 24), -1, -1, "overdue"),
        (date(2025, 10, 27), -4, -2, "overdue"),
    ],
)
def test_state_received(today, days_left, working_days_left, level):
    assert _state("received", today, received=date(2025, 9, 26)) == DeadlineState(
        date(2025, 10, 23), days_left, working_days_left, level
    )


@pytest.mark.parametrize("status", ["accepted", "in_progress"])
def test_state_accepted_and_in_progress(status):
    accepted = date(2025, 3, 1)
    state = _state(status, date(2025, 4, 1), received=date(2025, 2, 20), accepted=accepted)
    assert (state.due, state.days_left, state.level) == (date(2025, 4, 30), 29, "ok")
    # Apr 2-3, 7-11, 14-18, 21-25, 28-30 = 20, Apr 4 (Tomb-Sweeping) off,
    # plus Sun Apr 27, a make-up workday for Labor Day: 21.
    assert state.working_days_left == 21
    state = _state(status, date(2025, 4, 27), accepted=accepted)
    assert (state.days_left, state.level) == (3, "warning")
    state = _state(status, date(2025, 5, 1), accepted=accepted)
    assert (state.days_left, state.level) == (-1, "overdue")
    # The extension moves the deadline.
    state = _state(status, date(2025, 5, 1), accepted=accepted, extended_days=30)
    assert (state.due, state.days_left, state.level) == (date(2025, 5, 30), 29, "ok")
    with pytest.raises(ValueError):
        _state(status, date(2025, 5, 1), accepted=accepted, extended_days=31)


def test_state_under_review():
    requested = date(2025, 6, 10)
    state = _state("under_review", date(2025, 6, 10), accepted=date(2025, 3, 1), review_requested=requested)
    assert (state.due, state.days_left, state.level) == (date(2025, 7, 10), 30, "ok")
    state = _state("under_review", date(2025, 7, 8), review_requested=requested)
    assert (state.days_left, state.level) == (2, "warning")
    state = _state("under_review", date(2025, 7, 11), review_requested=requested)
    assert (state.days_left, state.working_days_left, state.level) == (-1, -1, "overdue")


@pytest.mark.parametrize("status", ["declined", "transferred", "concluded"])
def test_state_without_deadline(status):
    state = _state(
        status, date(2025, 12, 31),
        received=date(2025, 1, 2), accepted=date(2025, 1, 3), concluded=date(2025, 2, 1),
    )
    assert state == DeadlineState(None, None, None, "none")


def test_state_warn_days_is_configurable():
    rules = DeadlineRules(warn_days=5)
    state = state_for("in_progress", accepted=date(2025, 3, 1), today=date(2025, 4, 25), cal=CAL, rules=rules)
    assert (state.days_left, state.level) == (5, "warning")
    state = state_for("in_progress", accepted=date(2025, 3, 1), today=date(2025, 4, 24), cal=CAL, rules=rules)
    assert (state.days_left, state.level) == (6, "ok")


def test_state_rejects_unknown_status_and_missing_dates():
    with pytest.raises(ValueError, match="unknown"):
        _state("archived", date(2025, 1, 1), received=date(2025, 1, 1))
    with pytest.raises(ValueError, match="received"):
        _state("received", date(2025, 1, 1))
    with pytest.raises(ValueError, match="accepted"):
        _state("in_progress", date(2025, 1, 1), received=date(2025, 1, 1))
    with pytest.raises(ValueError, match="review_requested"):
        _state("under_review", date(2025, 1, 1), accepted=date(2025, 1, 1))


# --- resolved ---------------------------------------------------------------

REPLIED = date(2025, 5, 1)


@pytest.mark.parametrize(
    "status, rating, replied_on, today, expected",
    [
        ("concluded", "satisfied", REPLIED, REPLIED, True),
        ("concluded", "basically_satisfied", REPLIED, REPLIED + timedelta(days=1), True),
        ("concluded", "dissatisfied", REPLIED, REPLIED + timedelta(days=365), False),
        ("concluded", None, REPLIED, REPLIED + timedelta(days=29), False),
        ("concluded", None, REPLIED, REPLIED + timedelta(days=30), False),  # may still rate today
        ("concluded", None, REPLIED, REPLIED + timedelta(days=31), True),
        ("concluded", "", REPLIED, REPLIED + timedelta(days=31), True),
        ("concluded", None, None, REPLIED + timedelta(days=365), False),
        ("in_progress", "satisfied", REPLIED, REPLIED, None),
        ("under_review", None, REPLIED, REPLIED + timedelta(days=60), None),
        ("received", None, None, REPLIED, None),
        ("declined", None, None, REPLIED, None),
        ("transferred", None, None, REPLIED, None),
        ("accepted", None, None, REPLIED, None),
    ],
)
def test_resolved(status, rating, replied_on, today, expected):
    assert resolved(status, rating, replied_on, today) is expected


def test_resolved_rejects_unknown_rating():
    with pytest.raises(ValueError):
        resolved("concluded", "满意", REPLIED, REPLIED)


# --- county settings ----------------------------------------------------------


def test_from_mapping_defaults_and_overrides():
    assert DeadlineRules.from_mapping({}) == DeadlineRules()
    rules = DeadlineRules.from_mapping({"decide_working_days": 10, "warn_days": "5", "county_name": "x", "theme": None})
    assert rules == DeadlineRules(decide_working_days=10, warn_days=5)
    assert rules.conclude_days == 60 and rules.max_extension_days == 30


@pytest.mark.parametrize("value", [0, -3, 2.5, "abc", "", None, True, "-1"])
def test_from_mapping_rejects_bad_values_naming_the_key(value):
    with pytest.raises(ValueError, match="max_extension_days"):
        DeadlineRules.from_mapping({"max_extension_days": value})


def test_direct_construction_is_validated():
    with pytest.raises(ValueError, match="conclude_days"):
        DeadlineRules(conclude_days=0)
