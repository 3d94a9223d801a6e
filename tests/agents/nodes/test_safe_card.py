"""Which card an urgent freeze leaves out: the one the customer says is still with them."""

from __future__ import annotations

import pytest

from agents.nodes.procedure import _SAFE_CARD


@pytest.mark.parametrize(
    ("text", "which"),
    [
        ("debit card's in my hand so that one's fine", "debit"),
        ("I was using my credit card. debit card was in my wallet the whole time", "debit"),
        ("That was my pound card. The euro card's at home in the drawer.", "euro"),
        ("the visa was with me all along", "visa"),
    ],
)
def test_a_card_still_with_the_customer_is_left_out(text: str, which: str) -> None:
    match = _SAFE_CARD.search(text)
    assert match is not None
    assert which in (match.group("which"), match.group("which2"), match.group("which3"))


@pytest.mark.parametrize(
    "text",
    [
        "my debit card was in my wallet when it got nicked",
        "the credit card was in my bag on the train",
    ],
)
def test_a_card_in_what_was_taken_is_not_safe(text: str) -> None:
    assert _SAFE_CARD.search(text) is None
