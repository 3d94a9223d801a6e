"""Whether a regular payment goes on the same day each month, and the salary named only as the time a
question is set against ("line my bills up with payday")."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import normalise
from agents.dialogue.recurring_cues import recurring_intent
from agents.dialogue.regular_money import read_regular, without_salary_as_when
from agents.procedures.recurring import asks_same_day


@pytest.mark.parametrize(
    "text",
    [
        "does sky come out the same day every month?",
        "is BT always taken on the same date?",
        "is it always on the 8th?",
    ],
)
def test_asks_same_day(text: str) -> None:
    assert asks_same_day(text)


@pytest.mark.parametrize("text", ["when does sky come out", "has bt gone out this month"])
def test_not_same_day(text: str) -> None:
    assert not asks_same_day(text)


def test_payday_as_a_point_in_time_is_not_the_subject() -> None:
    words = normalise("does sky come out the same day every month? trying to line my bills up with payday")
    assert "payday" not in without_salary_as_when(words)
    asked = read_regular("does sky come out the same day every month? trying to line my bills up with payday")
    assert asked is None or asked.subject != "salary"
    assert recurring_intent("Is BT always taken on the same date? I like it to go before payday") != "income"


def test_the_salary_itself_is_still_the_subject() -> None:
    asked = read_regular("do my wages always land on the same day each month?")
    assert asked is not None
    assert asked.subject == "salary"
    assert asked.aspect == "same_day"
    assert recurring_intent("when does my salary come in") == "income"
