"""Working days skip weekends and bank holidays in England and Wales; the complaint deadline depends on it."""

from __future__ import annotations

from datetime import date

import pytest

from agents.nodes.answers import final_response_due
from agents.procedures.dates import add_working_days, is_working_day, next_monthly
from agents.procedures.spending import ASKS_NEXT


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Christmas 2026: Fri 25 Christmas Day, Sat 26 Boxing Day, Mon 28 its substitute day.
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # New Year's Day 2027 is a Friday.
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # An ordinary week, and a weekend.
        (date(2026, 11, 27), 1, date(2026, 11, 30)),
        (date(2026, 11, 23), 5, date(2026, 11, 30)),
        (date(2026, 11, 28), 0, date(2026, 11, 28)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_bank_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (substitute)
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert not is_working_day(date(2026, 8, 31))  # summer bank holiday (England, not Scotland)
    assert is_working_day(date(2026, 12, 29))


def test_payment_complaint_deadline_counts_15_business_days_without_bank_holidays() -> None:
    # Received on 14 Dec 2026: 15 business days is 4 Jan 2027 counting weekends only, but Christmas Day,
    # Boxing Day (observed) and New Year's Day push it to 7 Jan.
    assert final_response_due(date(2026, 12, 14), payment_service=True) == date(2027, 1, 7)
    # Around Easter 2027 (Good Friday and Easter Monday): 15 business days from 22 March is 14 April.
    assert final_response_due(date(2027, 3, 22), payment_service=True) == date(2027, 4, 14)
    assert final_response_due(date(2026, 12, 14), payment_service=False) == date(2027, 2, 8)


def test_next_monthly_follows_the_latest_day_of_a_monthly_rhythm() -> None:
    days = [date(2026, 11, 17), date(2026, 10, 18), date(2026, 9, 18)]
    assert next_monthly(days, date(2026, 11, 28)) == date(2026, 12, 17)
    assert next_monthly([date(2026, 1, 31), date(2025, 12, 31)], date(2026, 2, 1)) == date(2026, 2, 28)
    assert next_monthly([date(2026, 11, 17), date(2026, 11, 3)], date(2026, 11, 28)) is None  # not monthly
    assert next_monthly([date(2026, 11, 17)], date(2026, 11, 28)) is None  # one payment is no rhythm
    assert next_monthly([date(2026, 9, 17), date(2026, 8, 17)], date(2026, 11, 28)) is None  # already passed


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("has my octopus payment gone up? and when does the next one come out?", True),
        ("whens the next payment due", True),
        ("the lady next door says octopus have put their prices up", False),
        ("how much will i spend next month", False),
    ],
)
def test_asks_next_is_a_question_of_when_the_next_payment_comes(text: str, asks: bool) -> None:
    assert bool(ASKS_NEXT.search(text)) is asks
