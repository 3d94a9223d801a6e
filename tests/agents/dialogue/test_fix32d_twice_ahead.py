"""Paying twice named as what a cancellation prevents ("cancel it or they'll get it twice") is not a payment
taken twice: the request stays a cancellation."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import normalise
from agents.dialogue.recurring_cues import _TWICE_AHEAD, recurring_intent


@pytest.mark.parametrize(
    "text",
    [
        "so the december rent i set up to greenway needs cancelling or theyll get it twice",
        "the rent to Trevor needs stopping, otherwise he'll get paid twice",
        "get rid of the pocket money standing order so he doesnt get double",
    ],
)
def test_twice_in_the_future_is_what_is_prevented(text: str) -> None:
    assert _TWICE_AHEAD.search(normalise(text))


@pytest.mark.parametrize("text", ["they charged me twice for it", "i was charged double so cancel it"])
def test_a_payment_taken_twice_is_still_read(text: str) -> None:
    assert not _TWICE_AHEAD.search(normalise(text))


def test_cancel_a_standing_order_so_not_paid_twice() -> None:
    asked = "cancel my standing order to the landlord otherwise ill be paying double"
    assert recurring_intent(asked) == "cancel_standing_order"
    assert recurring_intent("cancel the standing order, they took it twice") is None
