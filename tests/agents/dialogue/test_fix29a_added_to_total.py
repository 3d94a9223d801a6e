"""A total with more on top: "and with the cash I took out?" right after a total."""

from datetime import date

import pytest

from agents.dialogue.spending_cues import added_to_total
from agents.nodes.route import _total_with
from agents.procedures.spending import _with_before

FRAME = {
    "procedure": "spending",
    "text": "how much did i spend on my card in october, not counting cash",
    "figures": [["not counting cash withdrawals", 5925, "GBP"]],
}


@pytest.mark.parametrize(
    ("text", "added"),
    [
        ("and with the cash i took out?", "the cash i took out"),
        ("and wiv the sky n tv licence on top?", "the sky n tv licence"),
        ("plus the bills as well?", "the bills"),
        ("And if you add the groceries?", "the groceries"),
        ("and the rent on top?", "the rent"),
    ],
)
def test_what_is_added_on_top(text: str, added: str) -> None:
    assert added_to_total(text) == added


@pytest.mark.parametrize(
    "text", ["and the bills?", "and october?", "and with that?", "and without the cash?"]
)
def test_nothing_added(text: str) -> None:
    assert added_to_total(text) is None


def test_the_added_thing_is_asked_over_the_same_period_without_the_old_filters() -> None:
    found = _total_with("and with the cash i took out?", FRAME, date(2026, 11, 28))
    assert found is not None
    asked, before = found
    assert asked == "how much did I spend on the cash i took out from 1 Oct 2026 to 31 Oct 2026"
    assert before == ["not counting cash withdrawals", 5925, "GBP"]


def test_no_total_with_after_an_answer_of_no_amount() -> None:
    assert _total_with("and with the cash?", {**FRAME, "figures": []}, date(2026, 11, 28)) is None
    assert _total_with("and with the cash?", {**FRAME, "procedure": "balance"}, date(2026, 11, 28)) is None


def test_the_total_before_is_added_in_its_currency_only() -> None:
    assert _with_before(["x", 5925, "GBP"], {"GBP": 10000}) == (
        " With the £59.25 before, that is £159.25 altogether."
    )
    assert _with_before(["x", 5925, "GBP"], {"EUR": 10000}) == ""
    assert _with_before(None, {"GBP": 10000}) == ""
