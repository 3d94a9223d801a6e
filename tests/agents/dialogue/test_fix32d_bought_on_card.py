"""Something bought on the card, said in the present tense ("the game my grandson buy on my card"): what it
cost is a spending question, not a request to buy."""

from __future__ import annotations

import pytest

from agents.dialogue.spending_cues import spending_intent


@pytest.mark.parametrize(
    "text",
    [
        "The game my grandson buy on my card, end of August. How much it was?",
        "My grandson buy tickets with my card at Ticketmaster in October. How much it was?",
    ],
)
def test_bought_on_the_card_in_broken_english(text: str) -> None:
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize("text", ["can i buy euros with my card", "how do I buy things on my card abroad"])
def test_buying_asked_about_is_not_spending(text: str) -> None:
    assert spending_intent(text) is None
