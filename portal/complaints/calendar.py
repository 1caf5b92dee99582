"""Chinese working-day calendar for complaint deadlines.

Public holidays and 调休 make-up workdays come from the ``holidays`` package's
China calendar; a county admin's correction table (``overrides``) wins over it,
because the State Council publishes each year's schedule late in the previous
year and the package may lag behind or estimate future years.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import holidays

ONE_DAY = timedelta(days=1)
SATURDAY = 5


@dataclass(frozen=True)
class _YearData:
    """Holiday names and make-up workdays of one calendar year."""

    names: Mapping[date, str]
    weekend_workdays: frozenset[date]


def _load_year(year: int, language: str) -> _YearData:
    """Read one year of the China calendar from the holidays package."""
    cn = holidays.China(years=year, language=language)
    # weekend_workdays is HolidayBase's public attribute for make-up workdays.
    # The package registers cross-year ones (e.g. 2001-12-29 worked for the
    # 2002 New Year) on every instance, so filtering by year is complete.
    workdays = frozenset(d for d in cn.weekend_workdays if d.year == year)
    names = {d: name for d, name in cn.items() if d.year == year}
    return _YearData(names=MappingProxyType(names), weekend_workdays=workdays)


class WorkCalendar:
    """Working days in China: weekends and public holidays off, 调休 workdays on."""

    def __init__(self, overrides: Mapping[date, bool] | None = None, *, language: str = "zh_CN"):
        """Build a calendar; overrides map a date to True (working) or False (day off)."""
        for d, working in (overrides or {}).items():
            # A datetime is a date subclass but would never match a date key.
            if type(d) is not date or not isinstance(working, bool):
                raise ValueError(f"override must map a date to a bool, got {d!r}: {working!r}")
        # Copy so a later edit of the admin table cannot silently change
        # deadlines already computed from this calendar.
        self.overrides: Mapping[date, bool] = MappingProxyType(dict(overrides or {}))
        self.language = language
        self._years: dict[int, _YearData] = {}

    def _year(self, year: int) -> _YearData:
        """Return the cached data for a year, loading it on first use."""
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = _load_year(year, self.language)
        return data

    def is_working_day(self, d: date) -> bool:
        """Tell whether d is a working day."""
        if d in self.overrides:
            return self.overrides[d]
        data = self._year(d.year)
        if d.weekday() >= SATURDAY:
            return d in data.weekend_workdays
        return d not in data.names

    def holiday_name(self, d: date) -> str | None:
        """Return the public-holiday name of d from the package, or None.

        Overrides only change whether a day is worked, not its name, so a
        holiday the county turned into a working day still reports its name.
        """
        return self._year(d.year).names.get(d)

    def add_working_days(self, start: date, n: int) -> date:
        """Return the day on which the n-th working day after start falls."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        d = start
        while n:
            d += ONE_DAY
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Count working days after a up to and including b; negative when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += ONE_DAY
            count += self.is_working_day(d)
        return count
