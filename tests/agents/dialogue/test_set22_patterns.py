"""Thanks in front of a question, a payment shown earlier asked about by its shop, "there" and "we" in a money
question, "the big one" among the payments just asked about (issue 12, set 22 patterns)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from agents.dialogue.cues import (
    FollowUp,
    asks_day_or_card,
    follow_up,
    split_requests,
    tidy_request,
    without_thanks,
)
from agents.nodes.route import _payment_shown_earlier
from agents.state import AgentState


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Thank you dear. And the National Trust one at the end of that month?", "And the National Trust"),
        ("thanks. and when does it go next", "and when does it go next"),
        ("cheers mate, what do I owe on the credit card", "what do I owe"),
        ("lovely, cheers love - and what about October?", "and what about October?"),
        ("Much appreciated! Could you also check my balance", "Could you also check my balance"),
        ("brilliant, thank you so much - and when is it next taken?", "and when is it next taken?"),
        ("ta very much. is that the lot?", "is that the lot?"),
        ("thx, how much was the gas bill", "how much was the gas bill"),
    ],
)
def test_thanks_in_front_of_a_question_leaves_the_question(text: str, question: str) -> None:
    assert without_thanks(text).startswith(question)
    assert tidy_request(text).lower().startswith(question.lower().split()[0])


@pytest.mark.parametrize(
    "text",
    [
        "Thanks!",
        "thanks, that's all",
        "great thanks",
        "Thanks for that, bye",
        "no thanks, I just wanted to check",
        "yes thanks",
        "thanks, i will do that",
        "thank you so much, you've been very helpful",
    ],
)
def test_thanks_alone_or_with_a_goodbye_stays_thanks(text: str) -> None:
    assert without_thanks(text) == text


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("What day of the week was the Aldi one?", "day"),
        ("which weekday was the Argos one?", "day"),
        ("what date did the Tesco one go out", "day"),
        ("which card was the Argos one on?", "card"),
        ("how much is my balance", None),
    ],
)
def test_a_day_or_a_card_asked_about(text: str, about: str | None) -> None:
    assert asks_day_or_card(text) == about


def _state(*replies: str) -> AgentState:
    history = []
    for reply in replies:
        history += [{"role": "customer", "content": "..."}, {"role": "assistant", "content": reply}]
    return cast(AgentState, {"history": history})


def test_the_payment_an_earlier_answer_showed_at_the_shop_named() -> None:
    aldi, trust = "22 Oct 2026: Aldi, -£38.57", "31 Oct 2026: National Trust, £13.44"
    state = _state(
        f"Here is your most recent transaction at Aldi:\n- {aldi}",
        f"You spent £13.44 at National Trust in October 2026, over 1 payment.\n- {trust}",
    )
    assert _payment_shown_earlier("What day of the week was the Aldi one?", state) == aldi
    assert _payment_shown_earlier("and the national trust one?", state) == trust


def test_no_payment_when_none_or_several_were_shown_at_that_shop() -> None:
    several = _state("Here are yours:\n- 31 Oct 2026: Morrisons, -£19.37\n- 14 Oct 2026: Morrisons, -£40.89")
    assert _payment_shown_earlier("what day was the morrisons one", several) is None
    assert _payment_shown_earlier("what day was the tesco one", several) is None


@pytest.mark.parametrize(
    "text",
    [
        "the wife reckons we spend a fortune in morrisons. what did we spend there in october",
        "my husband keeps saying we spend too much in M&S. what have we spent there this month?",
    ],
)
def test_there_refers_back_to_the_shop_just_named(text: str) -> None:
    assert split_requests(text) == [text]


def test_a_request_of_its_own_is_still_split() -> None:
    assert split_requests("whats my balance. and what did i spend in tesco") == [
        "whats my balance",
        "and what did i spend in tesco",
    ]


@pytest.mark.parametrize(
    "text",
    ["which was the big one in october then, what date", "which was the biggest of them and when"],
)
def test_which_was_the_big_one_is_the_biggest_not_the_day_of_the_one_shown(text: str) -> None:
    frame: dict[str, Any] = {"procedure": "spending", "listed": ["30 Sep 2026: Morrisons, £16.39"]}
    assert follow_up(text, frame) == FollowUp("refine")
