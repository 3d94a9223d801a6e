"""A short follow-up replaces what it names in the last request and keeps the rest (issue 12)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agents.dialogue.cues import follow_up
from agents.nodes.route import (
    _account_referred_to,
    _asks_shown_over_a_year,
    _new_topic,
    _period_before,
    _same_period,
    _total_without,
    _without_replaced,
)

TODAY = date(2026, 11, 28)


def _merged(old: str, new: str) -> str:
    return " ".join(_without_replaced(old, new, TODAY).split())


@pytest.mark.parametrize(
    ("old", "new", "kept", "gone"),
    [
        ("how much did i spend at tesco", "and amazon?", "at amazon", "tesco"),
        ("how much did i spend at tesco", "what about trainline last week", "at trainline", "tesco"),
        # the shop named twice in an earlier merged request is replaced everywhere
        ("and amazon? how much did i spend at amazon", "and lidl?", "at lidl", "amazon"),
        ("how much did I spend on groceries in November", "and transport", "in november", "groceries"),
        ("what have i spent this month", "and last month?", "what have i spent", "this month"),
    ],
)
def test_the_follow_up_replaces_what_it_names(old: str, new: str, kept: str, gone: str) -> None:
    merged = _merged(old, new).lower()
    assert kept in merged
    assert gone not in merged


@pytest.mark.parametrize(
    "new",
    [
        "and in october?",
        "and the other one?",
        "any older ones?",
        "how many was that",
        "and so far this month?",
        "what about lately",
        "and roughly this year?",
    ],
)
def test_a_follow_up_naming_no_shop_keeps_the_shop(new: str) -> None:
    assert "tesco" in _merged("how much did i spend at tesco", new)


@pytest.mark.parametrize(
    ("frame_text", "text", "account"),
    [
        ("same for the euro one?", "what's the balance on it", "my EUR account"),
        ("show payments on my savings", "how much is in that account", "my savings account"),
        ("transactions on the account ending 0475", "and the balance of it?", "the account ending 0475"),
    ],
)
def test_it_means_the_account_just_shown(frame_text: str, text: str, account: str) -> None:
    assert _account_referred_to(text, {"text": frame_text}) == account


def test_a_message_naming_its_own_account_keeps_it() -> None:
    assert _account_referred_to("what's the balance on my savings", {"text": "the euro one"}) is None


@pytest.mark.parametrize(
    ("text", "old", "words"),
    [
        ("and the month before that", "how much did i spend last month", "from 1 Sep 2026 to 30 Sep 2026"),
        ("and the week before?", "what did i spend on groceries last week", "from 9 Nov 2026 to 15 Nov 2026"),
        ("the previous month?", "what did I spend in October", "from 1 Sep 2026 to 30 Sep 2026"),
    ],
)
def test_the_period_before_the_one_just_answered(text: str, old: str, words: str) -> None:
    assert _period_before(text, old, TODAY) == words


def test_no_period_before_a_request_without_one() -> None:
    assert _period_before("and the month before that", "how much did i spend at tesco", TODAY) is None


_LOW_CONFIDENCE = cast(
    Any, SimpleNamespace(context=SimpleNamespace(settings=SimpleNamespace(triage_threshold=0.86)))
)


@pytest.mark.parametrize(
    "text",
    [
        "and whats my euro account on",
        "what's my savings account sitting at",
        "and how much is left in my current",
    ],
)
def test_a_balance_asked_after_a_payment_is_a_question_of_its_own(text: str) -> None:
    # After a complaint about a payment (or a payment's status), "and whats my euro account on" asks how much
    # the account holds: not the last payment again, however unsure triage is.
    state = cast(Any, {"text": text, "triage": {"intent": "check_balance", "confidence": 0.6}})
    assert _new_topic(state, "payment_status", _LOW_CONFIDENCE)


@pytest.mark.parametrize("text", ["and how much was it", "and the one before?", "when did it go"])
def test_a_payment_follow_up_stays_with_the_payment(text: str) -> None:
    state = cast(Any, {"text": text, "triage": {"intent": "check_balance", "confidence": 0.6}})
    assert not _new_topic(state, "payment_status", _LOW_CONFIDENCE)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("and the petrol that same week?", "from 14 Sep 2026 to 20 Sep 2026"),
        ("anything else that day", "from 19 Sep 2026 to 19 Sep 2026"),
        ("what about groceries the same month", "from 1 Sep 2026 to 30 Sep 2026"),
    ],
)
def test_that_same_week_is_the_week_of_the_one_payment_shown(text: str, period: str) -> None:
    frame = {"listed": ["19 Sep 2026: IKEA, £265.31"], "oldest": "2026-09-19"}
    found = _same_period(text, frame, TODAY)
    assert found is not None
    assert found[1] == period
    assert "same" not in found[0]
    assert _same_period(text, {**frame, "listed": ["a", "b"]}, TODAY) is None


@pytest.mark.parametrize(
    ("text", "period", "rest"),
    [
        # a few days, a couple of days: up to a week, up to four days, on the side the words say
        (
            "and the morrisons shop a few days after that?",
            "from 20 Sep 2026 to 26 Sep 2026",
            "and the morrisons shop",
        ),
        (
            "and the aldi shop a couple of days before that?",
            "from 15 Sep 2026 to 18 Sep 2026",
            "and the aldi shop",
        ),
        ("the petrol the day after", "from 20 Sep 2026 to 20 Sep 2026", "the petrol"),
        # a number of days: that day, give or take one
        ("and the shell fill-up 11 days later?", "from 29 Sep 2026 to 1 Oct 2026", "and the shell fill-up"),
        ("what about the lidl two days earlier", "from 16 Sep 2026 to 18 Sep 2026", "what about the lidl"),
    ],
)
def test_days_counted_from_the_one_payment_shown(text: str, period: str, rest: str) -> None:
    frame = {"listed": ["19 Sep 2026: IKEA, £265.31"], "oldest": "2026-09-19"}
    found = _same_period(text, frame, TODAY)
    assert found is not None
    assert found[1] == period
    assert found[0].rstrip("?") == rest
    # after a listing of several payments there is no one day to count from
    assert _same_period(text, {**frame, "listed": ["a", "b"]}, TODAY) is None


def test_days_after_a_payment_end_today_and_never_start_after_it() -> None:
    frame = {"listed": ["26 Nov 2026: Tesco, £24.13"], "oldest": "2026-11-26"}
    found = _same_period("and the uber a few days after that", frame, TODAY)
    assert found is not None
    assert found[1] == "from 27 Nov 2026 to 28 Nov 2026"
    late = {"listed": ["28 Nov 2026: Tesco, £24.13"], "oldest": "2026-11-28"}
    assert _same_period("and the uber a few days after that", late, TODAY) is None


@pytest.mark.parametrize(
    "text",
    [
        "which machine was it, was it the one by work",
        "what cashpoint did i use for that?",
        "where did i take it out",
    ],
)
def test_which_machine_after_a_listing_with_a_withdrawal(text: str) -> None:
    frame = {"procedure": "recent_transactions", "listed": ["22 Oct 2026: Cash withdrawal, -£100.00"]}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "machine"
    # nothing listed, nothing to point at; a question of the card's state is no follow-up of a machine
    assert (
        follow_up(text, {**frame, "listed": []}) is None or follow_up(text, {**frame, "listed": []}) != found
    )
    assert follow_up("is my card working at cash machines", frame) != found


def test_a_total_asked_again_leaving_something_out() -> None:
    frame = {"procedure": "spending", "text": "how much went out in october, everything"}
    assert _total_without("and if you take the mortgage out of that?", frame) == (
        "how much went out in october, everything and if you take the mortgage out of that?"
    )
    assert _total_without("and in september?", frame) is None
    # after the list of direct debits the mortgage named is that direct debit's business
    assert _total_without("without the mortgage?", {**frame, "procedure": "recurring_payments"}) is None


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("The form wants it for the whole year. What would that be?", True),
        ("what does that lot come to over a full year?", True),
        ("and annually?", True),
        ("what did they come to this year", False),  # a period, not a yearly figure
        ("what did I pay BT over the year to 2025", False),  # a question of its own
    ],
)
def test_the_regular_payments_just_shown_over_a_year(text: str, meant: bool) -> None:
    frame = {
        "procedure": "recurring_payments",
        "text": "which direct debits have I got",
        "listed": ["a", "b"],
    }
    assert _asks_shown_over_a_year(text, frame) is meant
    assert not _asks_shown_over_a_year(text, {**frame, "procedure": "spending"})


@pytest.mark.parametrize("text", ["which is the priciest", "and the dearest one?", "which was the biggest"])
def test_the_dearest_of_a_list_is_a_follow_up(text: str) -> None:
    frame = {"procedure": "recurring_payments", "text": "my direct debits", "listed": ["a", "b"]}
    assert follow_up(text, frame) is not None


def test_the_period_named_with_last_stays_for_the_biggest() -> None:
    from agents.nodes.route import _LATEST

    assert "last week" in _LATEST.sub(" ", "what did I spend last week")
    assert "last" not in _LATEST.sub(" ", "my last payment at tesco")


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("and sky over the same stretch?", "and sky ?"),
        ("And Nationwide during the same period?", "And Nationwide ?"),
        ("what about bt for that same time frame", "what about bt"),
        ("and the tesco ones across the same months", "and the tesco ones"),
    ],
)
def test_the_same_stretch_is_the_last_period_not_a_shop(text: str, left: str) -> None:
    from agents.nodes.route import _SAME_STRETCH

    assert " ".join(_SAME_STRETCH.sub(" ", text).split()) == left
    # a day, week or month of the one payment shown is another rule (_same_period), left alone
    assert _SAME_STRETCH.search("and the aldi that same day") is None
