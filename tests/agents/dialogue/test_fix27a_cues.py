"""fix27a patterns: arithmetic and follow-ups over transactions (where the customer stands over a month,
what is left after an amount, a shop's charge asked as what it took)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import follow_up
from agents.dialogue.spending_cues import spending_intent
from agents.procedures.queries import parse_aggregate

_SPENDING_FRAME: dict[str, object] = {
    "procedure": "spending",
    "text": "how much came in to my current account in october",
    "figures": [["that", 37239, "GBP"], ["that", 344500, "GBP"]],
}


@pytest.mark.parametrize(
    "text",
    [
        "So am I up or down on the month, and by how much?",
        "am i down or up this month",
        "are we ahead or behind this month",
        "was I better or worse off in October",
        "did I end the month in the black or the red",
        "have I spent more than I earned this month",
        "did more come in than went out in october",
        "did I make or lose money in november",
    ],
)
def test_where_the_customer_stands_is_money_in_against_out(text: str) -> None:
    assert parse_aggregate(text) == "in_out"
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize(
    "text",
    ["is the euro account in the red", "is my limit going up or down", "does the rate go up or down"],
)
def test_up_or_down_of_something_else_is_no_sum(text: str) -> None:
    assert parse_aggregate(text) != "in_out"


@pytest.mark.parametrize(
    "text",
    [
        "So am I up or down on the month, and by how much?",
        "right so did i finish october ahead or behind, and by what",
        "better or worse off then, overall, am I?",
    ],
)
def test_where_the_customer_stands_follows_the_two_sums(text: str) -> None:
    found = follow_up(text, _SPENDING_FRAME)
    assert found is not None
    assert found.kind == "refine"
