"""Calendar arithmetic the date rules share (a month or year later, clamped to the month's end)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; 31 January + 1 month is the last day of February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def default_as_of(year: int, today: date | None = None) -> date:
    """Today, or 31 December of the register's year when that is earlier (a past year is judged at its end)."""
    today = today or date.today()
    return min(today, date(year, 12, 31))
