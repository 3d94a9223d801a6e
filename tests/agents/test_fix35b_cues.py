"""fix35B: a shop paid by card each month named whole wins over one whose first word is only a common word
of the message ("just" is not Just Eat); "is it every month?" of such a shop is a question about regular
payments; a total asked from a day past ("what has it come to since September") about it adds its card
payments up; payments a month apart are said to go monthly; "whats that yearly" after the same amount a
month apart is twelve of them; "and since September?" after one shop's payments keeps that shop."""

from __future__ import annotations

from datetime import date

import pytest

from agents.dialogue.recurring_cues import _REPEATS_ASKED
from agents.nodes.route import _keeps_shown_shop, _shown_monthly
from agents.ports import TransactionView
from agents.procedures.recurring import card_paid_to_named, card_total_since, named_words
from agents.procedures.spending import _how_often

TODAY = date(2026, 11, 28)


def _paid(merchant: str, day: str, minor: int = -299, *, by_card: bool = True) -> TransactionView:
    return TransactionView(
        id=f"{merchant}-{day}",
        account_id="a1",
        amount_minor=minor,
        currency="GBP",
        merchant=merchant,
        description=merchant.upper(),
        category="entertainment",
        status="posted",
        booked_at=f"{day}T09:00:00+00:00",
        by_card=by_card,
    )


ROWS = [
    _paid("Apple", "2026-11-07"),
    _paid("Apple", "2026-10-08"),
    _paid("Apple", "2026-09-08"),
    _paid("Just Eat", "2026-11-02", -2250),
]


def test_a_shop_named_whole_wins_over_a_common_first_word() -> None:
    named = named_words("I've seen a little payment to Apple, is it monthly or was it just the once?")
    assert {t.merchant for t in card_paid_to_named(ROWS, named)} == {"Apple"}


def test_a_shop_paid_once_is_not_a_card_regular() -> None:
    assert card_paid_to_named(ROWS, named_words("how much was just eat last time")) == []


@pytest.mark.parametrize(
    "text",
    [
        "is it every month, and how much is it?",
        "is that a monthly thing",
        "are they regular",
        "does it go each week",
    ],
)
def test_whether_a_payment_repeats_is_asked(text: str) -> None:
    assert _REPEATS_ASKED.search(text)


def test_a_total_from_a_day_past_is_read() -> None:
    assert card_total_since("and what has it come to since September?", TODAY) == date(2026, 9, 1)
    assert card_total_since("since the start of october, all told?", TODAY) == date(2026, 10, 1)
    assert card_total_since("what did it cost in October", TODAY) is None  # a month over, no total so far
    assert card_total_since("has it gone out since September", TODAY) is None  # no total asked


def test_payments_a_month_apart_go_monthly() -> None:
    assert "once a month" in _how_often(ROWS[:3])
    assert _how_often([_paid("BT", "2026-11-02"), _paid("BT", "2026-08-02")]) == ""  # a quarter apart


def test_the_same_amount_a_month_apart_over_a_year() -> None:
    frame = {
        "procedure": "spending",
        "listed": ["5 Nov 2026: Sky, £44.97", "6 Oct 2026: Sky, £44.97", "6 Sep 2026: Sky, £44.97"],
    }
    assert _shown_monthly("whats that yearly", frame) == ["Sky", 4497, "GBP", 12]
    varied = {**frame, "listed": ["5 Nov 2026: Sky, £44.97", "6 Oct 2026: Sky, £41.00"]}
    assert _shown_monthly("whats that yearly", varied) is None
    assert _shown_monthly("what did I spend in 2025", frame) is None


def test_a_new_period_keeps_the_one_shop_shown() -> None:
    frame = {"procedure": "spending", "listed": ["2 Nov 2026: BT, £43.65", "3 Oct 2026: BT, £43.65"]}
    assert _keeps_shown_shop("And since September, all told?", frame, TODAY, None)
    assert not _keeps_shown_shop("and anything else since September?", frame, TODAY, None)
    mixed = {**frame, "listed": ["2 Nov 2026: BT, £43.65", "3 Oct 2026: Tesco, £12.00"]}
    assert not _keeps_shown_shop("And since September, all told?", mixed, TODAY, None)


def test_a_month_of_its_own_does_not_keep_the_shop() -> None:
    frame = {"procedure": "spending", "listed": ["24 Oct 2026: Hancock Ltd, £3,445.00"]}
    assert not _keeps_shown_shop("so did I finish October ahead or behind, and by what?", frame, TODAY, None)
