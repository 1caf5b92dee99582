"""Periods of disclosures: entered once (a month, or two dates), named the way notice boards name them."""
import calendar
import datetime
import re

_QUARTERS = "一二三四"


def month_range(value: str) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of a month written 2025-03 (or 2025-3, 2025年3月); raise ValueError."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*", value or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError("not a month")
    year, month = int(m.group(1)), int(m.group(2))
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def derive_label(start: datetime.date | None, end: datetime.date | None) -> str:
    """Name a period: 2025年3月, 2025年第一季度, 2025年上半年, 2025年, or 2025年3月1日至3月15日."""
    if start is None or end is None or end < start:
        return ""
    whole_months = start.day == 1 and end == _month_end(end)
    if whole_months and start.year == end.year:
        first, last = start.month, end.month
        if first == last:
            return f"{start.year}年{first}月"
        if first == 1 and last == 12:
            return f"{start.year}年"
        if last - first == 2 and first % 3 == 1:
            return f"{start.year}年第{_QUARTERS[first // 3]}季度"
        if (first, last) in ((1, 6), (7, 12)):
            return f"{start.year}年{'上' if first == 1 else '下'}半年"
        return f"{start.year}年{first}月至{last}月"
    tail = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{tail}"


def as_month(start: str, end: str) -> str:
    """Return "2025-03" when the two ISO dates span exactly one calendar month, else ""."""
    try:
        first, last = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    except (TypeError, ValueError):
        return ""
    return first.strftime("%Y-%m") if first.day == 1 and last == _month_end(first) else ""
