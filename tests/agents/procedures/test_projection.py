"""How much one regular payment will have paid by a day ahead (issue 12, set 22 pattern)."""

from __future__ import annotations

from datetime import date

import pytest

from agents.procedures.projection import collections_until, projection_target

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("how much will it have put by come New Year?", date(2027, 1, 1)),
        ("what will the gym have cost me by Christmas", date(2026, 12, 25)),
        ("how much will I have saved by the end of the year", date(2026, 12, 31)),
        ("how much will it have paid in altogether by the end of February?", date(2027, 2, 28)),
        ("what will he have had from it by April?", date(2027, 3, 31)),
        ("how much will that come to in 6 months", date(2027, 5, 28)),
        ("how much will I have put away in a year's time", date(2027, 11, 28)),
    ],
)
def test_the_day_ahead_named(text: str, day: date) -> None:
    target = projection_target(text, TODAY)
    assert target is not None
    assert target.day == day


@pytest.mark.parametrize(
    "text",
    [
        "how much goes into my savings each month?",
        "when is the standing order due?",
        "how much did it take by the end of October",
        "is it due before Christmas?",
    ],
)
def test_no_projection_without_an_amount_built_up_by_a_day_ahead(text: str) -> None:
    assert projection_target(text, TODAY) is None


def test_monthly_collections_step_on_from_the_next_date() -> None:
    due = collections_until(date(2026, 12, 6), "monthly", date(2027, 2, 28))
    assert due == [date(2026, 12, 6), date(2027, 1, 6), date(2027, 2, 6)]


def test_a_month_end_collection_keeps_to_the_month_end() -> None:
    due = collections_until(date(2027, 1, 31), "monthly", date(2027, 4, 30))
    assert due == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_weekly_and_one_off_collections() -> None:
    assert len(collections_until(date(2026, 12, 1), "weekly", date(2026, 12, 29))) == 5
    assert collections_until(date(2026, 12, 8), None, date(2027, 1, 1)) == [date(2026, 12, 8)]
    assert collections_until(date(2027, 2, 1), "monthly", date(2027, 1, 1)) == []
