"""Dates as the customer reads them, and working-day arithmetic (weekends and bank holidays in England and
Wales, from the ``holidays`` package: the complaint final-response date is regulatory, so it must not be
a hand-kept list)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from functools import cache

import holidays


def format_day(day: date) -> str:
    """``format_day(date(2025, 11, 3)) == "3 Nov 2025"``."""
    return f"{day.day} {day:%b %Y}"


def day_of(iso: str) -> date:
    """The UTC calendar day of an ISO timestamp (or an ISO date)."""
    if len(iso) == 10:
        return date.fromisoformat(iso)
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date()


@cache
def _bank_holidays() -> holidays.HolidayBase:
    # England and Wales: the bank's jurisdiction. The calendar fills itself in year by year as asked.
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales (substitute days included)."""
    return _bank_holidays().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself when ``days`` is 0).

    ``add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)``: Christmas Day and the Boxing Day
    substitute (Mon 28th) are not working days.
    """
    if days <= 0:
        return start
    return _bank_holidays().get_nth_working_day(start, days)


MONTHLY_GAP_DAYS = (25, 35)


def next_monthly(days: list[date], today: date) -> date | None:
    """The next date of payments that came about a month apart (``days`` newest first), on the latest one's
    day of the month; None when they do not keep a monthly rhythm or that date has passed."""
    gaps = [(a - b).days for a, b in zip(days, days[1:], strict=False)]
    if not gaps or not all(MONTHLY_GAP_DAYS[0] <= g <= MONTHLY_GAP_DAYS[1] for g in gaps):
        return None
    latest = days[0]
    month, year = (latest.month + 1, latest.year) if latest.month < 12 else (1, latest.year + 1)
    expected = date(year, month, min(latest.day, calendar.monthrange(year, month)[1]))
    return None if expected < today else expected
