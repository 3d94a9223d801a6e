"""Follow-ups that count days from the payment just shown, and "both?" / "all in" after two amounts."""

from datetime import date

import pytest

from agents.dialogue.cues import follow_up
from agents.nodes.route import _days_from, _names_no_shop

TWO_FIGURES = {
    "procedure": "spending",
    "listed": ["9 Oct 2026: Wetherspoon, £9.82"],
    "figures": [["Wetherspoon", 982, "GBP"], ["Apple", 299, "GBP"]],
}


@pytest.mark.parametrize("text", ["both?", "so both of them", "right so whats that all in", "and both"])
def test_both_alone_adds_up_the_two_amounts_just_given(text: str) -> None:
    found = follow_up(text, TWO_FIGURES)
    assert found is not None
    assert found.kind == "total"


def test_both_is_no_total_without_two_amounts() -> None:
    one = {**TWO_FIGURES, "figures": [["Wetherspoon", 982, "GBP"]]}
    found = follow_up("both?", one)
    assert found is None or found.kind != "total"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("and the apple thing the night before", date(2026, 10, 8), date(2026, 10, 8)),
        ("the petrol the morning after?", date(2026, 10, 10), date(2026, 10, 10)),
        ("and the taxi the previous evening", date(2026, 10, 8), date(2026, 10, 8)),
        ("the one the next day", date(2026, 10, 10), date(2026, 10, 10)),
    ],
)
def test_the_night_before_is_the_day_before(text: str, start: date, end: date) -> None:
    counted = _days_from(text, date(2026, 10, 9))
    assert counted is not None
    assert counted[:2] == (start, end)


def test_a_question_that_names_a_shop_or_kind_needs_no_search() -> None:
    today = date(2026, 11, 28)
    assert _names_no_shop("what did the odeon cost me in september", today)
    assert not _names_no_shop("how much did I spend at tesco in october", today)
    assert not _names_no_shop("how much on groceries last month", today)


def test_a_kind_named_before_the_one_payment_shown_is_its_latest_before_it() -> None:
    from agents.nodes.route import _kind_named_before

    frame = {"procedure": "spending", "listed": ["7 Nov 2026: Co-op, £18.95"], "oldest": "2026-11-07"}
    asked = _kind_named_before("and the coach before that", frame, None)
    assert asked is not None
    assert asked.startswith("my last payment on and the coach")
    assert "before" not in asked
    assert asked.endswith("to 6 Nov 2026")
    # a shop named is that shop's question; two payments shown leave nothing to count back from
    assert _kind_named_before("and the coach before that", frame, "national express") is None
    assert _kind_named_before("and the coach before that", {**frame, "listed": ["a", "b"]}, None) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Good morning. Two things please. I sent my friend Lisa the money that I owed her, "
            "has it reached her yet? And what is my euro account on?",
            2,
        ),
        ("I sent the rent to my landlord on monday, has it arrived? also whats my balance", 2),
        # one request each: told, then asked about the same thing
        ("I lost my card, is it blocked now", 1),
        ("hi there. i found my card, it was in my coat", 1),
    ],
)
def test_a_yes_no_question_after_a_comma_is_a_request_of_its_own(text: str, parts: int) -> None:
    from agents.dialogue.cues import split_requests

    assert len(split_requests(text)) == parts
