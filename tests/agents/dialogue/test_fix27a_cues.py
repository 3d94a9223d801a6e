"""fix27a patterns: arithmetic and follow-ups over transactions (where the customer stands over a month,
what is left after an amount, a shop's charge asked as what it took)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import follow_up, status_question
from agents.dialogue.recurring_cues import recurring_intent
from agents.dialogue.spending_cues import refers_to_shop_shown, spending_intent, takes_off_more
from agents.procedures.queries import parse_aggregate, parse_excluded
from agents.procedures.recurring import may_be_paid_by_card
from agents.procedures.textparse import parse_bare_amount, parse_merchant
from agents.safety.flags import detect_flags

_SPENDING_FRAME: dict[str, object] = {
    "procedure": "spending",
    "text": "how much came in to my current account in october",
    "figures": [["that", 37239, "GBP"], ["that", 344500, "GBP"]],
}


@pytest.mark.parametrize(
    "text",
    [
        "So am I up or down on the month, and by how much?",
        "am i down or up this month",
        "are we ahead or behind this month",
        "was I better or worse off in October",
        "did I end the month in the black or the red",
        "have I spent more than I earned this month",
        "did more come in than went out in october",
        "did I make or lose money in november",
    ],
)
def test_where_the_customer_stands_is_money_in_against_out(text: str) -> None:
    assert parse_aggregate(text) == "in_out"
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize(
    "text",
    ["is the euro account in the red", "is my limit going up or down", "does the rate go up or down"],
)
def test_up_or_down_of_something_else_is_no_sum(text: str) -> None:
    assert parse_aggregate(text) != "in_out"


@pytest.mark.parametrize(
    "text",
    [
        "So am I up or down on the month, and by how much?",
        "right so did i finish october ahead or behind, and by what",
        "better or worse off then, overall, am I?",
    ],
)
def test_where_the_customer_stands_follows_the_two_sums(text: str) -> None:
    found = follow_up(text, _SPENDING_FRAME)
    assert found is not None
    assert found.kind == "refine"


@pytest.mark.parametrize(
    "text",
    [
        "what did currys take on the credit card",
        "what did uber put on the credit card",
        "what did the garage charge to my card",
        "Could you tell me what the Shell garage charged me?",
        "could you let me know what BP charged me",
        "tell me what Currys took off me",
    ],
)
def test_what_a_shop_took_is_a_sum_of_its_payments(text: str) -> None:
    assert parse_aggregate(text) == "total"
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize(
    ("text", "merchant"),
    [
        ("the taxi home from the station at the end of that month", None),
        ("my taxi back from the airport in october", None),
        ("the uber from the hospital", None),
        ("what I spent at Tesco", "tesco"),
    ],
)
def test_a_journeys_place_is_no_shop(text: str, merchant: str | None) -> None:
    assert parse_merchant(text) == merchant


@pytest.mark.parametrize(
    "text",
    [
        "Could you let me know what BP charged me?",
        "would you let me see my statement",
        "can you let me have the sort code",
    ],
)
def test_a_polite_let_me_is_no_complaint(text: str) -> None:
    assert "complaint" not in detect_flags(text)


@pytest.mark.parametrize("text", ["you let me down again", "your bank failed me", "you let me wait weeks"])
def test_being_let_down_is_still_a_complaint(text: str) -> None:
    assert "complaint" in detect_flags(text)


@pytest.mark.parametrize(
    "text", ["ok and currys on it?", "ok and the currys one on it?", "right so uber on it?"]
)
def test_an_ok_that_opens_a_follow_up_is_no_card_question(text: str) -> None:
    assert status_question(text) is None


@pytest.mark.parametrize(
    "text", ["is my card ok?", "ok so is my card ok now?", "ok and is the card working?"]
)
def test_whether_the_card_is_ok_is_still_its_status(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("buying my mates car off him for 2,800 cash. if i take that out what will i have left", 280000),
        ("if i take 2800 out what will i have left", 280000),
        ("what would 1200.50 leave me", 120050),
        ("in 2026 on the 14th, 3 days later, at 10:30, on 14/12, 12 payments", None),
    ],
)
def test_a_figure_said_without_a_sign(text: str, minor: int | None) -> None:
    found = parse_bare_amount(text)
    assert (found.min_minor if found else None) == minor


@pytest.mark.parametrize(
    "text",
    [
        "buying my mates car off him for 2,800 cash. if i take that out what will i have left",
        "thinking of paying 1,250 for a motorbike. what would that leave me with",
        "what would i be left with after a 1500 deposit",
        "If I give my grandson £600, what will I be left with?",
    ],
)
def test_what_an_amount_would_leave_is_affordability(text: str) -> None:
    assert spending_intent(text) == "affordability"


def test_a_year_is_no_amount_to_leave() -> None:
    assert spending_intent("will i have anything left in 2027") != "affordability"


_AFFORD_FRAME: dict[str, object] = {"procedure": "affordability", "text": "what would 2800 leave me"}


@pytest.mark.parametrize(
    "text",
    [
        "and once sky and the tv licence go out in december?",
        "And after the Virgin Media and the Octopus come out?",
        "what about with the gym on top",
        "ok and the 300 for insurance as well?",
    ],
)
def test_more_taken_off_after_what_an_amount_leaves(text: str) -> None:
    assert takes_off_more(text, _AFFORD_FRAME)


def test_more_taken_off_only_right_after_what_an_amount_leaves() -> None:
    assert not takes_off_more("and once sky goes out?", {"procedure": "spending"})


@pytest.mark.parametrize(
    "text", ["What do those two come to, in euros?", "what are those two together in euros"]
)
def test_both_amounts_in_a_currency_are_added_up(text: str) -> None:
    frame = {"procedure": "spending", "figures": [["A", 2510, "EUR"], ["B", 4129, "EUR"]]}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "total"


def test_one_payment_in_a_currency_is_still_that_payment() -> None:
    found = follow_up("how much was it in euros exactly", {"procedure": "spending", "listed": ["x"]})
    assert found is not None
    assert found.kind == "currency"


@pytest.mark.parametrize(
    "text",
    [
        "How much did I spend on my card in October? Only what went on the card, not the direct debits.",
        "what did i spend in october apart from the standing orders",
        "trying to budget. what did I put on my card in October? leave out the direct debits",
        "how much went out last month excluding direct debits",
    ],
)
def test_regular_payments_named_only_to_be_left_out_are_no_question_about_them(text: str) -> None:
    assert recurring_intent(text) is None
    assert spending_intent(text) == "spending"


@pytest.mark.parametrize("text", ["whats my direct debits", "cancel my direct debit to sky"])
def test_regular_payments_asked_about_still_are(text: str) -> None:
    assert recurring_intent(text) is not None


def test_direct_debits_left_out_are_the_bills() -> None:
    excluded, _ = parse_excluded("how much have I spent apart from the direct debits")
    assert [(e.label, e.category, e.merchant) for e in excluded] == [("direct debits", "bills", None)]


@pytest.mark.parametrize(
    ("text", "merchant"),
    [("how much at Home Bargains", "home bargains"), ("spent at House of Fraser", "house")],
)
def test_a_shop_whose_name_starts_with_a_place_is_still_a_shop(text: str, merchant: str) -> None:
    assert parse_merchant(text) == merchant


@pytest.mark.parametrize(
    "text",
    [
        "There is a small amount to APPLE.COM on my statement. Does it come out every month?",
        "is netflix coming out of my account every month?",
        "is the spotify thing a monthly subscription",
        "is Spotify a direct debit?",
    ],
)
def test_whether_a_named_payment_repeats_reads_the_card_payments_too(text: str) -> None:
    assert may_be_paid_by_card(text)


def test_a_plain_question_about_a_mandate_does_not() -> None:
    assert not may_be_paid_by_card("when is the mortgage due")


@pytest.mark.parametrize(
    "text", ["How much has it cost me since September, then?", "and what has that one come to this year"]
)
def test_a_money_question_pointing_back_means_the_shop_shown(text: str) -> None:
    assert refers_to_shop_shown(text)


@pytest.mark.parametrize(
    "text", ["how much have I spent at Tesco since September", "what did it cost me on groceries in october"]
)
def test_a_money_question_naming_its_own_shop_or_category_does_not(text: str) -> None:
    assert not refers_to_shop_shown(text)


def test_what_the_mandates_come_to_each_month_reads_no_card_payments() -> None:
    assert not may_be_paid_by_card("roughly how much do my direct debits come to each month?")
