"""Cues found on held-out sets 32 and 33: the customer chasing a shop twice is no double charge; a card
charged for what was paid in cash is a shop that let the customer down; "can you recover it" asks for the
money back."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import (
    requested_dispute,
    requests_after_answer,
    status_question,
    tells_of_let_down,
    urgent_intent,
)
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


@pytest.mark.parametrize(
    "text",
    [
        "I left the pound card on the counter of the kiosk and nobody can find it",
        "left my euro card at the pub last night",
    ],
)
def test_a_card_named_by_its_currency_left_somewhere_public_is_lost(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"


@pytest.mark.parametrize(
    "text",
    [
        "The pound card, yes. Freeze it, please, and leave the euro one be.",
        "yes. block it, and leave the credit card alone",
    ],
)
def test_a_card_spared_after_the_yes_asks_for_nothing(text: str) -> None:
    assert requests_after_answer(text) == []


def test_a_question_after_the_yes_is_still_asked() -> None:
    assert requests_after_answer("Yes please. And what is my balance?") == ["what is my balance?"]
