"""Requests counted out after a colon ("two figures: A, and B"), a share of the amounts just given ("his half
of both"), an amount asked in a form's words ("what the mortgage took"), a payment "still set for the 8th",
and which digits a card ends in."""

from __future__ import annotations

from datetime import date

import pytest

from agents.dialogue.cues import (
    announced_requests,
    asks_left_of_wages,
    share_of_shown,
    shares_several,
    split_requests,
    tidy_request,
    without_corrected,
)
from agents.dialogue.details_cues import asks_card_ending
from agents.dialogue.recurring_cues import recurring_intent
from agents.nodes.route import _amount_shown, _days_from, _weekend_from


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "The form wants two things from me: the account number and sort code of my current account, and "
            "how much my energy company took last time. It's Octopus.",
            [
                "the account number and sort code of my current account",
                "how much my energy company took last time. It's Octopus",
            ],
        ),
        (
            "quick 2 while the kids are at swimming: is the 200 to trevor still set for the 8th, and what "
            "did my wages come to this month",
            ["is the 200 to trevor still set for the 8th", "what did my wages come to this month"],
        ),
        (
            "I need three things: my balance, the last payment to British Gas, and when my card arrives",
            ["my balance", "the last payment to British Gas", "when my card arrives"],
        ),
        (
            "few bits - how much did the cash machine give me in october - whats my balance - and when's sky "
            "next",
            ["how much did the cash machine give me in october", "whats my balance", "when's sky next"],
        ),
    ],
)
def test_requests_counted_out_after_a_colon_are_each_a_request(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts


def test_a_counted_list_is_read_before_the_count_is_tidied_away() -> None:
    # tidying drops "few things:", after which "my balance, last 5 payments" would read as one request
    assert announced_requests("few things: my balance, last 5 payments, and is my new card sent") == [
        "my balance",
        "last 5 payments",
        "is my new card sent",
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a story counted out, which asks for nothing
        "two things happened: my card was stolen, and someone used it",
        # fewer requests than the count says: not a list to trust
        "I have two questions: is my card frozen",
        "three things: my balance, and my sort code",
    ],
)
def test_a_count_that_does_not_match_its_items_is_no_list(text: str) -> None:
    assert announced_requests(text) is None


@pytest.mark.parametrize(
    ("text", "ways"),
    [
        ("so whats his half of both", 2),
        ("both then, so i can halve it wi him", 2),
        ("split that between the three of us", 3),
        ("we're going four ways on it, what does each pay", 4),
        ("whats my share if we go halves", 2),
    ],
)
def test_a_share_of_the_amounts_just_given(text: str, ways: int) -> None:
    assert share_of_shown(text) == ways


@pytest.mark.parametrize(
    "text",
    [
        "how much did I spend in the first half of november",
        "is it half term next week",
        "was it half price",
        "what did I spend on the train",
    ],
)
def test_a_half_of_a_period_or_a_price_is_no_share(text: str) -> None:
    assert share_of_shown(text) is None


def test_a_share_of_both_takes_every_amount_and_a_share_of_that_the_last() -> None:
    assert shares_several("his half of both")
    assert not shares_several("halve that for me")


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("is the 200 to trevor still set for the 8th", "recurring_payments"),
        ("the rent is booked in for friday right?", "recurring_payments"),
        # neither a salary due nor a card in the post is a payment set to go
        ("is my salary due on the 25th", "income"),
        ("my card is set for delivery on the 8th", None),
    ],
)
def test_money_set_to_go_on_a_day_is_a_scheduled_payment(text: str, procedure: str | None) -> None:
    assert recurring_intent(text) == procedure


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("what are the last four numbers of my euro card", True),
        ("and the euro card - what does it end in?", True),
        ("what does my credit card end in", True),
        # a card lost or digits given: not a question about which card is which
        ("i lost my card, the last four are 1234", False),
        ("freeze the card, last four digits 2547", False),
        ("someone has the last 4 digits of my card", False),
        ("whats my balance", False),
    ],
)
def test_which_digits_a_card_ends_in(text: str, asked: bool) -> None:
    assert asks_card_ending(text) is asked


def test_a_weekend_and_a_fortnight_are_counted_from_the_payment_shown() -> None:
    thursday = date(2026, 11, 26)
    before = _weekend_from("n the cinema the weekend before", thursday)
    assert before is not None
    assert before[:2] == (date(2026, 11, 21), date(2026, 11, 22))
    after = _weekend_from("and the weekend after that?", thursday)
    assert after is not None
    assert after[:2] == (date(2026, 11, 28), date(2026, 11, 29))
    saturday = date(2026, 11, 21)
    previous = _weekend_from("the weekend before", saturday)
    assert previous is not None
    assert previous[:2] == (date(2026, 11, 14), date(2026, 11, 15))
    fortnight = _days_from("the taxi a fortnight or so after that", thursday)
    assert fortnight is not None
    assert fortnight[:2] == (date(2026, 12, 7), date(2026, 12, 13))


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("how much did i spend in october, no wait, september", "how much did i spend in september"),
        ("freeze the credit card - no wait, the debit one", "freeze the debit card"),
        ("did i pay £40 no sorry £45 to tesco", "did i pay £45 to tesco"),
        (
            "What did I pay at the garage on the 11th? No, I tell a lie - it was the Saturday, the 12th.",
            "What did I pay at the garage on the Saturday, the 12th.",
        ),
        # a weekday inside the month named is within that month, not the last one before today
        (
            "the big aldi shop in october - no sorry, september, the monday one",
            "the big aldi shop in september",
        ),
    ],
)
def test_what_the_customer_took_back_is_left_out(text: str, meant: str) -> None:
    assert without_corrected(text) == meant


@pytest.mark.parametrize(
    "text",
    [
        "how much did i spend in october? no, not that",
        "is my card active? no idea why it got declined",
        "no, I didn't make the payment on monday",
    ],
)
def test_a_no_that_corrects_nothing_leaves_the_words_alone(text: str) -> None:
    assert without_corrected(text) == text


def test_which_card_paid_is_not_which_digits_a_card_ends_in() -> None:
    # about the payment just shown: the card it was made with, not a list of the cards
    assert not asks_card_ending("was that on the visa or the credit card? need the last four for a claim")
    assert not asks_card_ending("which card did i use for it, the last 4 digits please")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("so whats left of my wages after them 2 come out", True),
        ("so whats that leave out of my wages", True),
        ("What would my salary leave me with once those are paid?", True),
        # the wages themselves, not what they leave
        ("did my wages go in", False),
        ("how much is my salary", False),
    ],
)
def test_what_the_wages_leave_after_the_amount_just_given(text: str, asked: bool) -> None:
    assert asks_left_of_wages(text) is asked


def test_the_amount_shown_is_the_last_figure_or_the_monthly_payments_listed() -> None:
    assert _amount_shown({"figures": [["Tesco", 5213, "GBP"]]}) == ["Tesco", 5213, "GBP"]
    listed = [
        "Your direct debit: Sky: £44.97 monthly (the latest collection), next collection on 7 Dec 2026",
        "Your direct debit: TV Licence: £14.19 monthly (the latest collection), next on 14 Dec 2026",
        "£10.00 weekly to Oliver (reference POCKET), next on 1 Dec 2026",
    ]
    # the weekly one is not a month's worth: only the monthly payments are added up
    assert _amount_shown({"listed": listed}) == ["the regular payments", 5916, "GBP"]
    assert _amount_shown({"listed": ["- 27 Nov 2026: Tesco, £24.13"]}) is None


@pytest.mark.parametrize(
    ("text", "tidied"),
    [
        # an amount asked in a form's words
        ("what the mortgage took in November", "how much the mortgage took in November"),
        ("what my salary came to in November", "how much my salary came to in November"),
        ("what the charge was for", "what the charge was for"),
        # "the debit one" is the debit card, never a direct debit
        ("is the debit one still working ok?", "is the debit card still working ok?"),
        ("freeze the credit one", "freeze the credit card"),
        ("a debit one off payment", "a debit one off payment"),
        # a budget kept to and a price gone up as the reason are neither a filter nor the question
        (
            "trying to keep my food shopping under fifty pounds a month now the heating has gone up. "
            "what is it so far",
            "trying to keep my food shopping . what is it so far",
        ),
        ("show me payments under 50 pounds", "show me payments under 50 pounds"),
        ("has my heating gone up", "has my heating gone up"),
    ],
)
def test_a_request_is_tidied_to_what_it_asks(text: str, tidied: str) -> None:
    assert tidy_request(text) == tidied
