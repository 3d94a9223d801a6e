"""Session 36: facts asked side by side, texting spellings, in-and-out kept whole, dated ranges and weekends,
a payee named by its category's word, a trip's place told as context, and every card listed."""

from __future__ import annotations

from datetime import date

import pytest

from agents.dialogue.cues import split_requests, tidy_request
from agents.procedures.queries import parse_period, parse_spending

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "could I get my sort code and account number, and my balance as well",
            ["could I get my sort code and account number", "my balance as well"],
        ),
        ("whats the balance and when does my card expire", ["whats the balance", "when does my card expire"]),
        (
            "the iban for my euro account plus my recent transactions",
            ["the iban for my euro account", "my recent transactions"],
        ),
        # one kind of fact, however many words name it: one request
        (
            "send me my account number and sort code please",
            ["send me my account number and sort code please"],
        ),
        (
            "whats the balance on my savings and current account",
            ["whats the balance on my savings and current account"],
        ),
    ],
)
def test_facts_of_different_kinds_side_by_side_are_separate_requests(text: str, expected: list[str]) -> None:
    assert split_requests(text) == expected


def test_money_in_and_money_out_asked_in_two_halves_stay_one_question() -> None:
    text = "how much money came in and how much went out in september"
    assert split_requests(text) == [text]
    q, _ = parse_spending(text, TODAY)
    assert q.aggregate == "in_out"
    assert q.dates is not None
    assert q.dates.since == date(2026, 9, 1)
    # a balance beside it is still its own request
    assert split_requests("whats my balance and how much came in this month") == [
        "whats my balance",
        "how much came in this month",
    ]
    assert parse_spending("tell me the total money in and the total money out for september", TODAY)[
        0
    ].aggregate == ("in_out")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hw much did netflix take", "how much did netflix take"),
        ("wat day is payday", "what day is payday"),
        ("wen does british gas go out", "when does british gas go out"),
        ("wats left in savings", "whats left in savings"),
        ("is sky still takin money n when", "is sky still taking money and when"),
    ],
)
def test_texting_spellings_read_as_the_words(typed: str, read: str) -> None:
    assert tidy_request(typed) == read


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        (
            "spent on fuel between the 3rd of october and the 9th of november",
            date(2026, 10, 3),
            date(2026, 11, 9),
        ),
        ("from the 2nd sept through the 12th oct", date(2026, 9, 2), date(2026, 10, 12)),
        ("over the weekend of the 14th nov", date(2026, 11, 14), date(2026, 11, 15)),
        ("the weekend of 8 november", date(2026, 11, 7), date(2026, 11, 8)),  # a Sunday: its Saturday too
        ("the weekend of the 17th / 18th of october", date(2026, 10, 17), date(2026, 10, 18)),
        ("the 24th october weekend", date(2026, 10, 24), date(2026, 10, 25)),
    ],
)
def test_ranges_with_the_before_each_date_and_dated_weekends(text: str, since: date, until: date) -> None:
    found, rest = parse_period(text, TODAY)
    assert found is not None
    assert (found.since, found.until) == (since, until)
    assert not any(ch.isdigit() for ch in rest)  # both days are read, none left for another filter


def test_where_the_customer_was_is_context_when_the_days_are_named() -> None:
    told, _ = parse_spending("we were in Spain the weekend of the 7th nov, what did that weekend cost", TODAY)
    assert told.place is None
    assert told.dates is not None
    asked, _ = parse_spending("we were in Spain the weekend of the 7th nov, what did we spend there", TODAY)
    assert asked.place is not None
    named, _ = parse_spending("what did I spend in Spain the weekend of the 7th nov", TODAY)
    assert named.place is not None


def test_a_fact_asked_after_another_with_nothing_between_is_its_own_request() -> None:
    # no "and" or comma between the two: the question word starts the second
    assert split_requests("for a form i need my sort code how much the gym dd is") == [
        "for a form i need my sort code",
        "how much the gym dd is",
    ]
    # "how much is my sky": a question that goes on after "how much", not two
    assert split_requests("while im at it how much is my sky") == ["while im at it how much is my sky"]


def test_the_question_clause_says_which_way_the_money_went() -> None:
    q, _ = parse_spending("i got paid on friday, what has gone out since my wages", TODAY)
    assert q.direction == "out"
    q, _ = parse_spending("i spent loads last week, how much came in this month", TODAY)
    assert q.direction == "in"


def test_weekdays_before_the_days_of_a_range() -> None:
    found, _ = parse_period("from Tuesday 3rd to Thursday 12th November", TODAY)
    assert found is not None
    assert (found.since, found.until) == (date(2026, 11, 3), date(2026, 11, 12))
    found, _ = parse_period("between monday 5 october and friday 9 october", TODAY)
    assert found is not None
    assert (found.since, found.until) == (date(2026, 10, 5), date(2026, 10, 9))


def test_only_one_category_kept_with_not_the_other() -> None:
    from agents.procedures.queries import parse_spending as parse

    q, _ = parse("what went on the food shop in september? only groceries not takeaways", TODAY)
    assert q.category == "groceries"
    assert [e.category for e in q.excluded] == ["eating_out"]
    assert "eating_out" not in q.also
    # both words name one category: nothing is left out of it
    q, _ = parse("eating out in september, just restaurants not takeaways", TODAY)
    assert q.category == "eating_out"
    assert q.excluded == ()


def test_a_card_reported_lost_in_the_past_is_asked_about_not_urgent() -> None:
    from agents.dialogue.cues import status_question, urgent_intent

    text = "i reported one of my cards lost ages ago, which one was it?"
    assert urgent_intent(text) is None
    assert status_question(text) == "card_status"
    assert urgent_intent("i think i lost one of my cards") == "lost_or_stolen_card"
