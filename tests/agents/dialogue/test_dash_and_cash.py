"""Requests set apart by dashes, cash the customer took out, and "in the red" (set 22's run-together
messages, in other words)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import split_requests
from agents.dialogue.spending_cues import spending_intent
from agents.procedures.textparse import parse_merchant


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "couple of things - what did i get out the cashpoint at the start of the month - is the euro "
            "account in the red - and what day did the wages land",
            [
                "what did i get out the cashpoint at the start of the month",
                "is the euro account in the red",
                "what day did the wages land",
            ],
        ),
        (
            "what did i withdraw at the atm in september — is my current account overdrawn",
            ["what did i withdraw at the atm in september", "is my current account overdrawn"],
        ),
    ],
)
def test_dashes_set_requests_apart(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        # one request whose second half refers back, or a story before its question
        "the 35 quid I sent Trevor yesterday - when will it actually land",
        "my card was stolen - please freeze it",
    ],
)
def test_a_dash_inside_one_request_keeps_it_whole(text: str) -> None:
    assert split_requests(text) == [text]


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("what did i get out the cashpoint at the start of the month", "spending"),
        ("what did the cash machine give me on the 1st", "spending"),
        ("what did i withdraw at the atm", "spending"),
        ("whats the most i can take out at a cashpoint", None),
        ("i didnt take out that 200 at the atm", None),
        ("what did i get charged at the atm", None),
        ("what did i take out of savings", None),
    ],
)
def test_cash_taken_out_is_the_customers_withdrawals(text: str, procedure: str | None) -> None:
    assert spending_intent(text) == procedure


@pytest.mark.parametrize(
    "text",
    ["is the euro account in the red by how much", "what did i withdraw at the atm", "at the cashpoint"],
)
def test_no_shop_in_the_red_or_at_the_atm(text: str) -> None:
    assert parse_merchant(text) is None
