"""fix28a patterns: a follow-up goes back to another request of the same message; a claim asked for as
"raise something so I get my money back"; a second shop over "the same month" texted short."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agents.dialogue.cues import follow_up, requested_dispute
from agents.nodes.route import _same_period, followed_frame
from agents.procedures.queries import parse_category

_BALANCE: dict[str, Any] = {
    "procedure": "check_balance",
    "text": "whats my balance",
    "listed": [],
    "figures": [],
}
_CARD: dict[str, Any] = {
    "procedure": "card_arrival",
    "text": "has my new card been sent",
    "listed": [],
    "figures": [],
}


@pytest.mark.parametrize("text", ["what day did it go out", "which day was it posted", "when was it sent"])
def test_a_day_asked_after_the_cards_delivery_is_its_dispatch(text: str) -> None:
    found = follow_up(text, _CARD)
    assert found is not None
    assert found.kind == "day"


def test_the_follow_up_goes_back_to_the_earlier_request_it_fits() -> None:
    frame = {**_BALANCE, "earlier": [_CARD]}
    assert followed_frame("what day did it go out", frame) is _CARD


def test_the_last_request_keeps_a_follow_up_that_fits_it() -> None:
    spending: dict[str, Any] = {
        "procedure": "spending",
        "text": "how much at aldi in october",
        "listed": ["20 Oct 2026: Aldi, £36.70"],
        "figures": [["M&S", 2255, "GBP"], ["Aldi", 3670, "GBP"]],
        "earlier": [_CARD],
    }
    assert followed_frame("so both together?", spending) is spending


def test_without_earlier_requests_the_frame_is_the_last() -> None:
    assert followed_frame("what day did it go out", _BALANCE) is _BALANCE


@pytest.mark.parametrize(
    "text",
    [
        "ikea keep saying they'll collect it and never turn up. can u raise something so i get my money back",
        "the seller keeps promising a swap. Could you put in a claim so I get my money back?",
        "can you raise a claim for a refund please",
    ],
)
def test_a_claim_for_the_money_is_a_dispute(text: str) -> None:
    assert requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    ["can you raise something with the manager about the rude man on the phone", "can you raise my limit"],
)
def test_raising_something_else_is_no_dispute(text: str) -> None:
    assert not requested_dispute(text)


def test_the_same_month_texted_short_is_the_month_of_the_payment_shown() -> None:
    frame: dict[str, Any] = {"listed": ["11 Oct 2026: M&S Simply Food, £22.55"], "oldest": "2026-10-11"}
    found = _same_period("n aldi same month?", frame, date(2026, 11, 28))
    assert found is not None
    assert found[1] == "from 1 Oct 2026 to 31 Oct 2026"


@pytest.mark.parametrize("text", ["getting about", "getting around town", "the coach to london", "coaches"])
def test_getting_about_is_transport(text: str) -> None:
    assert parse_category(text)[0] == "transport"
