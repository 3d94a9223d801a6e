"""The reader of questions about regular money (agents.dialogue.regular_money), and the cues of set 27's
status questions read with it: a story told before the question about its payment, a card named "the new
ones", the difference between two kinds of payment explained by the help centre."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import split_requests, status_question
from agents.dialogue.regular_money import RegularAsk, read_regular
from agents.dialogue.support_cues import how_to_question
from agents.nodes.answers import _compared_section, _heading_named
from tests.agents.procedures.helpers import shipped_kb

LISTED = {"procedure": "recurring_payments", "text": "what goes out by itself"}


@pytest.mark.parametrize(
    ("text", "money_in", "money_out"),
    [
        ("what comes into my account every month?", True, False),
        ("whats money comin into my account each month", True, False),
        ("do I receive anything regularly?", True, False),
        ("what regular income do I have", True, False),
        ("what comes in regularly and what goes out by itself?", True, True),
        ("what leaves my account automatically", False, True),
        ("which payments come out of my account by themselves?", False, True),
    ],
)
def test_which_way_regular_money_goes(text: str, money_in: bool, money_out: bool) -> None:
    ask = read_regular(text)
    assert ask is not None
    assert (ask.money_in, ask.money_out) == (money_in, money_out)
    assert ask.aspect == "list"


@pytest.mark.parametrize(
    "text",
    [
        "does my easy saver pay interest every month or what?",
        "how often does my savings account pay me interest",
        "is the interest on my saver paid monthly?",
        "when does my saver pay its interest, is it quarterly?",
    ],
)
def test_how_often_the_interest_pays(text: str) -> None:
    assert read_regular(text) == RegularAsk(True, False, "how_often", "interest")


@pytest.mark.parametrize(
    "text",
    [
        "and my wages, do they always land on the 25th?",
        "does my salary always come in on the same date?",
        "do my wages usually land on the 26th",
        "is my pay always on the same day?",
    ],
)
def test_whether_the_salary_lands_on_the_same_day(text: str) -> None:
    assert read_regular(text) == RegularAsk(True, False, "same_day", "salary")


@pytest.mark.parametrize(
    "text",
    [
        "so whats that a month all in",
        "and that lot comes to what a month?",
        "right, and all in thats what a month?",
    ],
)
def test_a_total_right_after_the_list_is_their_monthly_total(text: str) -> None:
    ask = read_regular(text, frame=LISTED)
    assert ask == RegularAsk(False, True, "total", follow_up=True)
    # without the list just shown, "that" is nothing regular
    assert read_regular(text, frame={"procedure": "recent_transactions"}) is None


@pytest.mark.parametrize(
    "text", ["Which ones of those do I have, then?", "have I got any of them?", "which of them do I pay?"]
)
def test_which_of_those_do_i_have_after_the_kinds_were_explained(text: str) -> None:
    before = "Could you explain the difference between a standing order and a direct debit?"
    assert read_regular(text, previous=before) == RegularAsk(False, True, "list", follow_up=True)
    assert read_regular(text, previous="what's my balance?") is None


@pytest.mark.parametrize(
    "text",
    [
        "what's my balance",
        "how much interest have I earned this year",  # a total of interest: spending's
        "what rate does my saver pay?",  # the rate: the help centre's
        "cancel the direct debit that goes out every month to the gym",  # a cancellation
        "a direct debit I don't recognise comes out every month",  # a dispute
        "did my wages arrive?",  # the income procedure's
        "what's the difference between them",
    ],
)
def test_other_questions_are_not_read_as_regular_money(text: str) -> None:
    assert read_regular(text, frame=LISTED if "them" in text else None) is None


def test_a_story_and_the_question_about_its_payment_stay_one_request() -> None:
    text = (
        "In September I paid Mr Simpson, my window cleaner, his invoice from my account, and he tells me it "
        "never reached him. Did the money come back to me? Please don't send it again."
    )
    assert len(split_requests(text)) == 1
    # two requests of their own are still two
    assert len(split_requests("what's my balance? and did the money to Joanne go through?")) == 2


@pytest.mark.parametrize(
    "text",
    ["and the new ones still active yeah? not frozen or owt", "the replacement ones working ok then?"],
)
def test_the_new_ones_asked_about_are_cards(text: str) -> None:
    assert status_question(text) == "card_status"


def test_the_difference_between_two_kinds_is_the_help_centres() -> None:
    assert how_to_question(
        "Could you please explain the difference between a standing order and a direct debit?"
    )
    assert how_to_question("whats the difference between them") is None


def test_the_difference_between_two_kinds_quotes_both_sections() -> None:
    assert _heading_named("Standing orders", "a standing order")
    assert not _heading_named("Direct Debit you don't recognise", "a direct debit")
    text = "what's the difference between a standing order and a direct debit?"
    passages = shipped_kb().search(text, k=3)
    top = passages[0]
    other = _compared_section(text, top, passages[1:])
    assert other is not None
    assert {top.heading, other.heading} == {"Standing orders", "Direct Debits"}
    assert _compared_section("how do I set up a standing order", top, passages[1:]) is None


def test_a_total_of_money_in_over_a_period_is_the_sum_not_the_regular_list() -> None:
    from agents.dialogue.regular_money import read_regular

    assert (
        read_regular(
            "proof of regular income: whats come in from my job over the last 3 months, total please"
        )
        is None
    )
    # without a period, the regular money in, added up a month, is still this reader's
    asked = read_regular("what regular income comes in each month in total")
    assert asked is not None
    assert asked.money_in
