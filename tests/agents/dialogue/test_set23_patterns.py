"""Set-23 patterns: a payment not to repeat is no request, "on those" asks about the payments just told of,
and "spent there" is the shop the last message described."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import (
    adds_to_dispute,
    requested_dispute,
    split_requests,
    status_question,
    urgent_intent,
)
from agents.dialogue.negation import without_negated_actions
from agents.dialogue.spending_cues import place_referred
from agents.procedures.slots import described_shops


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("was it taken off me? do NOT pay it again", "was it taken off me? not"),
        ("did it leave, don't pay her twice", "did it leave, not"),
    ],
)
def test_a_payment_not_to_repeat_is_negated(text: str, left: str) -> None:
    assert without_negated_actions(text) == left


def test_paying_for_something_no_more_is_still_asked() -> None:
    text = "I don't want to pay for it any more"
    assert without_negated_actions(text) == text


def test_a_question_about_the_payments_just_told_of_is_one_request() -> None:
    text = (
        "My daughter used my card on a shoe website last week. She had my permission. "
        "Is there a dispute open on those?"
    )
    assert split_requests(text) == [text]


def test_two_requests_stay_two() -> None:
    assert len(split_requests("what's my balance? and when does sky come out?")) == 2


@pytest.mark.parametrize(
    "text",
    [
        "what did he spend on there in total, in pounds?",
        "and how much has she spent there all told?",
        "so how much went on that site altogether",
    ],
)
def test_money_spent_there_is_at_the_shop_last_described(text: str) -> None:
    previous = "My son used my card on an American electronics website. Any dispute open on those?"
    assert place_referred(text, previous) == "electronics website"


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        # the shop is named again
        ("how much did he spend on that furniture website", "he used a shoe website"),
        # no money asked about
        ("is it safe to shop there?", "he used a shoe website"),
        # nothing described before
        ("what did he spend on there?", "my son used my card, is there a dispute?"),
    ],
)
def test_no_shop_is_read_in_otherwise(text: str, previous: str) -> None:
    assert place_referred(text, previous) is None


def test_a_pointer_is_no_described_shop() -> None:
    assert described_shops("that site and this shop") == []
    assert described_shops("the electronics website") == ["electronics website"]


@pytest.mark.parametrize(
    "text",
    [
        "and if i lose the phone do i have to cancel my card too",
        "what happens if I lose my card abroad?",
        "if my phone gets stolen should I cancel my cards",
        "just wondering, if my phone ever got nicked would my bank card need cancelling as well?",
        "what if someone steals my card and uses it",
    ],
)
def test_a_loss_only_supposed_is_no_urgent_report(text: str) -> None:
    assert urgent_intent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I lost my phone, do I need to cancel my card?",
        "i've lost my card, what if someone uses it",
        # said as if supposed, but often it has happened
        "what do i do if my card got stolen",
        "what should i do if my card was stolen last night",
        "what do i do if ive lost my card",
    ],
)
def test_a_loss_that_happened_stays_urgent(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"


@pytest.mark.parametrize(
    "text",
    [
        "a claim was started but only the £162 is on it. a bigger one the same day: can that go on as well?",
        "could you add the other one to my dispute as well",
        "please put the 40 quid one on the claim too",
        "can the second payment go on the same claim too?",
    ],
)
def test_another_payment_put_on_a_claim_is_a_dispute_asked_for(text: str) -> None:
    assert adds_to_dispute(text)
    assert requested_dispute(text)
    assert status_question(text) is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("any news on my claim?", "dispute_status"),
        ("has my claim been looked at as well?", "dispute_status"),
        ("is the pret one on my dispute as well?", None),
    ],
)
def test_how_a_claim_stands_is_no_payment_added(text: str, status: str | None) -> None:
    assert not adds_to_dispute(text)
    assert status_question(text) == status
