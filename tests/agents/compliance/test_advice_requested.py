"""Which mortgage or borrowing to choose is a request for financial advice; facts about the customer's own
mortgage are not."""

from __future__ import annotations

import pytest

from agents.compliance.advice import advice_requested


@pytest.mark.parametrize(
    "text",
    [
        "my deal ends in june, should we fix for two years or five?",
        "is a tracker better than a fixed rate for us?",
        "should I overpay the mortgage or put the money in savings",
        "do you think I should remortgage now or wait till rates drop?",
    ],
)
def test_choosing_a_mortgage_is_advice(text: str) -> None:
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "when is my mortgage payment due",
        "how much was my mortgage payment last month?",
        "my fixed rate ends in march, what happens then",
        "can I overpay my mortgage?",
    ],
)
def test_questions_about_my_own_mortgage_are_not_advice(text: str) -> None:
    assert not advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "thinking about opting out of the workplace pension to build up a deposit quicker, good idea or not?",
        "should i cash in my pension early to clear the car loan",
        "is it worth it consolidating my credit cards into one loan?",
        "my mate says premium bonds are better than a savings account, what do you reckon?",
    ],
)
def test_a_verdict_on_a_pension_investment_or_consolidation_plan_is_advice(text: str) -> None:
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "when should i expect my pension payment",
        "has my pension gone in yet?",
        "i want to stop paying into my pension through the bank, how do i do that",
        "is it a good idea to freeze my card while I look for it?",
    ],
)
def test_facts_about_my_own_pension_or_card_are_not_advice(text: str) -> None:
    assert not advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "which is better, a cash isa or premium bonds",
        "should i pay off my car finance early or save",
        "my dad left me 20 grand, where should i put it",
        "what would you do with a 5k bonus",
        "is it worth taking the 0% balance transfer deal",
        "should I get a credit card to build my credit score",
    ],
)
def test_a_recommendation_on_a_money_decision_is_advice(text: str) -> None:
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "how should i pay in a cheque to my savings",
        "should i freeze my credit card",
        "is my savings account safe if the bank goes bust",
        "which account should i pay the rent from",
        "should I contact the merchant first before a dispute",
    ],
)
def test_how_to_questions_and_card_actions_are_not_advice(text: str) -> None:
    assert not advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "thinking of a new car, would u get finance or pay cash from my savings",
        "would you take a personal loan or dip into the isa for the kitchen?",
        "my brother says i should use my savings to clear the loan early. is that the right thing to do?",
        "the neighbour reckons paying the mortgage off with my lump sum is sensible, would that be wise?",
        "what would u do, keep the savings or pay off the credit card",
    ],
)
def test_a_verdict_asked_on_what_to_do_with_my_money_is_advice(text: str) -> None:
    """Asked as what we would do, or whether someone else's suggestion is right: still a recommendation."""
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "is that the right balance on my savings account",
        "I've paid off my loan early, is that the right amount left on my mortgage?",
        "would you take the payment back or do I need to dispute it",
        "is it possible to pay off my loan early",
    ],
)
def test_checking_my_own_figures_is_not_advice(text: str) -> None:
    assert not advice_requested(text)
