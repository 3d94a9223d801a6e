"""The conversation's frame carried into a follow-up: weeks counted from the payment shown, the same shop
when nothing else is named, the period "over the same stretch", the other way the money moved, the interest
on top of what was saved, and the sum of the amounts in focus however it is asked."""

from datetime import date

import pytest

from agents.dialogue.cues import combines_answers, follow_up
from agents.nodes.route import (
    _NEXT_AS_A_WORD,
    _counted_from_shown,
    _days_from,
    _period_carried,
    _saved_with_interest,
    _without_replaced,
)
from agents.procedures.queries import direction_said, parse_period, parse_spending, without_direction
from agents.procedures.textparse import parse_merchant

TODAY = date(2026, 11, 28)
ONE_SHOWN = {
    "procedure": "spending",
    "listed": ["2 Nov 2026: M&S Simply Food, £23.48"],
    "oldest": "2026-11-02",
}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("n that deliveroo we had a week or so after?", date(2026, 9, 18), date(2026, 9, 24)),
        ("and the morrisons shop exactly a week after that?", date(2026, 9, 20), date(2026, 9, 22)),
        ("the next time I went in, a couple of weeks after?", date(2026, 9, 24), date(2026, 10, 5)),
        ("and the one the week after", date(2026, 9, 15), date(2026, 9, 21)),
        ("the petrol a week before", date(2026, 9, 4), date(2026, 9, 10)),
    ],
)
def test_weeks_are_counted_from_the_payment_shown(text: str, start: date, end: date) -> None:
    counted = _days_from(text, date(2026, 9, 14))
    assert counted is not None
    assert counted[:2] == (start, end)


def test_days_still_win_over_weeks() -> None:
    counted = _days_from("n the cash i took out 2 days after?", date(2026, 10, 20))
    assert counted is not None
    assert counted[:2] == (date(2026, 10, 21), date(2026, 10, 23))


def test_a_count_of_weeks_from_one_payment_shown_keeps_its_shop() -> None:
    assert _counted_from_shown("And the next time I went in, a couple of weeks after?", ONE_SHOWN)
    two = {**ONE_SHOWN, "listed": [*ONE_SHOWN["listed"], "18 Nov 2026: M&S Simply Food, £15.18"]}
    assert not _counted_from_shown("and the one a week after?", two)
    assert not _counted_from_shown("and in october?", ONE_SHOWN)


def test_next_as_a_word_is_not_the_shop_called_next() -> None:
    assert _NEXT_AS_A_WORD.search("And the next time I went in")
    assert _NEXT_AS_A_WORD.search("and the next one?")
    assert not _NEXT_AS_A_WORD.search("how much did I spend at next")


def test_the_start_of_this_month_is_its_first_days() -> None:
    found, _ = parse_period("What did I spend in Marks and Spencer at the start of this month?", TODAY)
    assert found is not None
    assert (found.since, found.until) == (date(2026, 11, 1), date(2026, 11, 11))
    found, _ = parse_period("since the start of this month", TODAY)
    assert found is not None
    assert (found.since, found.until) == (date(2026, 11, 1), None)


@pytest.mark.parametrize(
    ("text", "kind", "category"),
    [
        ("What did the taxi I took in October cost me?", "taxi", None),
        ("how much on cabs last month", "taxi", None),
        ("how much was the petrol in september", "fuel", None),
        (
            "And getting about, the petrol, the taxi and the Underground, over the same stretch?",
            None,
            "transport",
        ),
        ("the taxi and the train in october", None, "transport"),
    ],
)
def test_a_taxi_is_the_taxi_firms_and_several_kinds_are_all_transport(
    text: str, kind: str | None, category: str | None
) -> None:
    query, _ = parse_spending(text, TODAY)
    assert (query.bill_kind, query.category) == (kind, category)


@pytest.mark.parametrize(
    "text",
    [
        "go on then both",
        "stick em together",
        "what do they make between them",
        "put the two together for me",
        "right, whats the damage for the pair of em",
    ],
)
def test_the_amounts_in_focus_added_up(text: str) -> None:
    assert combines_answers(text)
    frame = {
        "procedure": "spending",
        "listed": ["x"],
        "figures": [["Aldi", 3670, "GBP"], ["cash", 10000, "GBP"]],
    }
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "total"


def test_money_come_into_the_account_is_money_in() -> None:
    query, _ = parse_spending("since the start of september whats come into my account in total", TODAY)
    assert query.direction == "in"
    assert direction_said("and whats gone out same time") == "out"
    assert direction_said("and in october?") is None
    assert "come into" not in without_direction("whats come into my account since september")


def test_the_other_way_replaces_the_old_direction() -> None:
    old = "since the start of september whats come into my account in total"
    merged = _without_replaced(old, "and whats gone out", TODAY)
    assert direction_said(merged) is None
    assert "september" in merged


def test_the_same_stretch_is_the_last_requests_period() -> None:
    frame = {
        "procedure": "spending",
        "text": "how much has come into my account since the start of september",
    }
    carried = _period_carried("n whats gone out on direct debits over the same time", frame, TODAY)
    assert carried == "n whats gone out on direct debits from 1 Sep 2026 to 28 Nov 2026"
    assert _period_carried("n whats gone out on direct debits", frame, TODAY) is None
    assert _period_carried("freeze it and at the same time order a new one", frame, TODAY) is None
    assert _period_carried("will it go out the same time next month", frame, TODAY) is None
    assert _period_carried("is it the same time every month", frame, TODAY) is None
    assert _period_carried("and whats gone out same time", frame, TODAY) == (
        "and whats gone out from 1 Sep 2026 to 28 Nov 2026"
    )
    assert _period_carried("and the bills over the same stretch please", frame, TODAY) == (
        "and the bills from 1 Sep 2026 to 28 Nov 2026 please"
    )


def test_the_interest_on_top_of_what_was_saved() -> None:
    frame = {"procedure": "spending", "text": "how much have i moved into my saver since september"}
    topped = _saved_with_interest("does that count the interest? if not chuck that on too", frame)
    assert topped is not None
    assert parse_spending(topped, TODAY)[0].interest_too
    assert (
        _saved_with_interest("does that count the interest?", {"procedure": "spending", "text": "groceries"})
        is None
    )


def test_help_with_names_no_shop() -> None:
    assert parse_merchant("doing a form for help with childcare costs. how much has come in") is None
    assert parse_merchant("what did I pay with paypal") == "paypal"
