"""Cues found on held-out sets 32 and 33: the customer chasing a shop twice is no double charge; a card
charged for what was paid in cash is a shop that let the customer down; "can you recover it" asks for the
money back."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import requested_dispute, status_question, tells_of_let_down
from agents.procedures.duplicates import mentions_duplicate
from agents.safety.flags import detect_flags


@pytest.mark.parametrize(
    "text",
    [
        "I have written to them twice with no reply",
        "rang the shop twice",
        "emailed them twice n nothing back",
    ],
)
def test_chasing_twice_is_no_double_charge(text: str) -> None:
    assert not mentions_duplicate(text)


def test_charged_twice_still_is() -> None:
    assert mentions_duplicate("they charged me twice for the same meal")


@pytest.mark.parametrize(
    "text",
    [
        "I paid the bill in cash, and now they have charged my card for it as well",
        "theyve taken it off my card even though i paid in cash",
    ],
)
def test_paid_in_cash_and_charged_is_a_let_down(text: str) -> None:
    assert tells_of_let_down(text)


@pytest.mark.parametrize("text", ["Can you recover it?", "could the bank reclaim the money for me"])
def test_recover_asks_for_the_money_back(text: str) -> None:
    assert requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    [
        "boss says payroll messed up on friday, did my wages go in?",
        "my manager reckons HR screwed up the wages, has mine come in?",
    ],
)
def test_an_employers_mess_up_is_no_complaint(text: str) -> None:
    assert "complaint" not in detect_flags(text)


def test_our_mess_up_still_is() -> None:
    assert "complaint" in detect_flags("you lot have messed up my direct debit again")


@pytest.mark.parametrize(
    "text",
    [
        "theres an amazon thing on the 21st, did money go in or out?? dont do anything",
        "Did Netflix refund us or did it come out of the account?",
        "is the apple one a payment or a refund?",
    ],
)
def test_which_way_a_payment_went_is_a_status_question(text: str) -> None:
    assert status_question(text) == "payment_direction"


def test_a_dispute_asked_for_is_not_only_a_question() -> None:
    assert status_question("did they refund me or charge me? can you dispute it") != "payment_direction"
