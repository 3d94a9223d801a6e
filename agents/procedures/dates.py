"""Dates as the customer reads them, and working-day arithmetic (weekends and bank holidays in England and
Wales, from the ``holidays`` package: the complaint final-response date is regulatory, so it must not be
a hand-kept list)."""

from __future__ import annotations

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
