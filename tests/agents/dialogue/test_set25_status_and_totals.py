"""Set-25 patterns: totals of pay over a span, advice about insurance, a payment status told with a story,
the reference of a payment, fuel, and a standing order named by what it does."""

from __future__ import annotations

from datetime import date

import pytest

from agents.compliance.advice import advice_requested
from agents.dialogue.cues import (
    follow_up,
    requested_card_action,
    requests_after_answer,
    split_requests,
    status_question,
)
from agents.dialogue.negation import without_negated_actions
from agents.dialogue.recurring_cues import recurring_intent
from agents.dialogue.spending_cues import spending_intent
from agents.dialogue.support_cues import asks_what_the_bank_would_do
from agents.procedures.queries import parse_period, parse_spending

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "text",
    [
        "what have my wages come to since the start of september",
        "Good afternoon. What has my salary come to since the beginning of October?",
        "how much salary have i had since october",
        "wages since start of oct how much",
        "how much have i put in my savings since start of october",
    ],
)
def test_pay_over_a_span_is_a_total(text: str) -> None:
    assert spending_intent(text) == "spending"
    assert recurring_intent(text) is None


@pytest.mark.parametrize(
    "text", ["has my pay come to my account yet", "when was i last paid", "has my salary come in"]
)
def test_the_latest_pay_is_still_asked_alone(text: str) -> None:
    assert spending_intent(text) != "spending"


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("since start of september", date(2026, 9, 1), None),
        ("since the start of september", date(2026, 9, 1), None),
        ("spent at end of october", date(2026, 10, 21), date(2026, 10, 31)),
        ("spent start of october", date(2026, 10, 1), date(2026, 10, 10)),
    ],
)
def test_a_part_of_a_month_is_read_without_the(text: str, since: date, until: date | None) -> None:
    period, _ = parse_period(text, TODAY)
    assert period is not None
    assert (period.since, period.until) == (since, until)


@pytest.mark.parametrize(
    "text",
    [
        "income protection or critical illness cover, which is better value? what would you go for",
        "mate, life cover thru work or get my own policy? what would u pick",
        "is life insurance worth getting through work or should i buy my own",
        "I ought to take out critical illness cover. Would you say that is the sensible thing to do?",
    ],
)
def test_which_insurance_to_take_is_advice(text: str) -> None:
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    [
        "what insurance comes with the plus account",
        "how do i claim on my insurance",
        "do you think thats the right card for me",
        "would you say its a good idea to freeze my card",
    ],
)
def test_questions_about_our_products_are_not_advice(text: str) -> None:
    assert not advice_requested(text)


def test_this_months_with_no_thing_after_it_refers_to_the_story() -> None:
    text = (
        "Netflix have emailed saying my payment failed and they'll suspend the account. Did this month's go "
        "through? Don't change anything on the card, I'll update it with them if I have to."
    )
    assert split_requests(text) == [text]


def test_this_months_payment_after_a_story_is_one_request() -> None:
    text = (
        "I have had a letter from Octopus Energy telling me I am behind with my payments. Has this month's "
        "payment gone out of my account?"
    )
    assert split_requests(text) == [text]


def test_two_requests_stay_two() -> None:
    assert split_requests("what is my balance? and did this months sky payment go out") == [
        "what is my balance",
        "and did this months sky payment go out",
    ]


def test_a_card_named_only_to_be_left_alone_is_not_the_question() -> None:
    text = "Sky say my payment bounced. Did this month's go through? Don't change anything on my card."
    assert status_question(without_negated_actions(text)) == "payment_status"


@pytest.mark.parametrize(
    "text",
    ["Yes, that's right. Please stop it.", "Yes. Cancel it now please", "yep thats the one. cancel it"],
)
def test_the_action_named_again_after_yes_is_no_new_request(text: str) -> None:
    assert requests_after_answer(text) == []


def test_a_new_request_after_yes_is_still_read() -> None:
    assert requests_after_answer("yes please. and whats my balance") == ["whats my balance"]


@pytest.mark.parametrize(
    "text",
    [
        "Could you stop the monthly money that goes across to my savings, please?",
        "need to stop the money that goes over to my savings every month for a bit",
    ],
)
def test_money_going_across_to_savings_each_month_is_a_standing_order(text: str) -> None:
    assert recurring_intent(text) == "cancel_standing_order"


@pytest.mark.parametrize(
    "text", ["They will ask me for a reference number. Is there one on it?", "whats the ref on that"]
)
def test_the_reference_of_the_payment_just_shown(text: str) -> None:
    frame = {"procedure": "recent_transactions", "listed": ["17 Nov 2026: Octopus Energy, -£116.29"]}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "reference"


@pytest.mark.parametrize(
    "text",
    [
        "when did i last fill up and how much was it",
        "how much have I spent on petrol since the start of September",
        "what did filling the car up cost me last month",
    ],
)
def test_fuel_is_the_fuel_stations(text: str) -> None:
    query, _ = parse_spending(text, TODAY)
    assert query.bill_kind == "fuel"
    assert query.category is None


@pytest.mark.parametrize(
    "text",
    [
        "my nan passed and left me 15 grand. will you lot block it or start asking where its from",
        "would you freeze my account if 20k lands in it from selling my house?",
        "does the bank have to check where money comes from when my dad gifts me a deposit",
        "will u lot ask me loads of questions when the money from the will comes in",
    ],
)
def test_a_question_about_what_the_bank_would_do_is_asked_not_complained(text: str) -> None:
    assert asks_what_the_bank_would_do(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to make a complaint, will you lot ever sort this out",
        "your app is rubbish and I am fed up",
        "can you freeze my card",
        "will you refund me the fee",
    ],
)
def test_a_complaint_or_a_request_is_not_a_question_about_the_bank(text: str) -> None:
    assert not asks_what_the_bank_would_do(text)


@pytest.mark.parametrize(
    "text",
    [
        "my mum left me her house money, 40 grand. will you block it or start asking where its come from",
        "would you freeze my account if 20k lands in it from selling my house?",
        "Will you block the payment or ask questions about where it has come from?",
    ],
)
def test_will_you_block_it_or_asks_what_the_bank_would_do_not_for_a_freeze(text: str) -> None:
    assert requested_card_action(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "will you block it please, i lost it on the bus",
        "can you freeze it, I dont trust my flatmate",
        "will you block my card or do i have to ring",
        "will you freeze it or not? someone is using my card",
    ],
)
def test_a_freeze_asked_for_is_still_asked_for(text: str) -> None:
    assert requested_card_action(text) == "freeze_card"
