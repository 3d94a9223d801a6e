"""Dates as the customer reads them, and working-day arithmetic (weekends only; bank holidays ignored)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


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


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
