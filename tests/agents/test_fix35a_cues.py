"""fix35A patterns: "on the pound card", "on that card" is card spending; a shop left out by loose words
("the ikea bunk bed") is its shop; a shop of the last answer named and then "take that out" is left out;
"add em both up" is the amounts just given added up; "together" asks for no investment advice (no "ether"
in it)."""

from __future__ import annotations

from datetime import date

import pytest

from agents.compliance.advice import advice_requested
from agents.dialogue.cues import adds_up_shown, follow_up
from agents.nodes.route import _shown_shop_left_out, _total_with, _total_without
from agents.procedures.queries import parse_spending
from agents.procedures.spending import names_shop

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "text",
    [
        "What did I spend on the pound card in October, all told?",
        "and everything that went on that card in october",
        "how much did i put on my normal card in september",
        "what went on the euro card last month",
        "how much did I spend using my Visa card in October",
    ],
)
def test_a_card_named_by_its_kind_or_pointed_at_is_card_spending(text: str) -> None:
    assert parse_spending(text, TODAY)[0].card_only


@pytest.mark.parametrize(
    "text", ["how much did I spend in October", "what did the card shop cost", "my card is on the table"]
)
def test_no_card_named_is_not_card_spending(text: str) -> None:
    assert not parse_spending(text, TODAY)[0].card_only


@pytest.mark.parametrize(
    ("words", "merchant"),
    [
        ("ikea bunk bed", "IKEA"),
        ("argos order", "Argos"),
        ("odeon", "Odeon Cinemas"),
        ("the apple subscription", "Apple"),
        ("netflix", "Netflix"),
    ],
)
def test_loose_words_name_the_shop(words: str, merchant: str) -> None:
    assert names_shop(words, merchant)


@pytest.mark.parametrize(
    ("words", "merchant"),
    [("bunk bed", "IKEA"), ("apple", "Applebee's"), ("", "Aldi")],
)
def test_other_words_do_not_name_the_shop(words: str, merchant: str) -> None:
    assert not names_shop(words, merchant)


_FRAME = {
    "procedure": "spending",
    "text": "What did I spend on the pound card in October, all told?",
    "listed": [
        "31 Oct 2026: Morrisons, £19.37",
        "5 Oct 2026: Netflix, £10.99",
        "1 Oct 2026: John Lewis, £67.65",
    ],
    "figures": [["total", 24923, "GBP"]],
}


def test_a_shop_named_then_take_that_out_leaves_it_out() -> None:
    text = (
        "My grandson pays me back for the Netflix every month without fail. Take that out and what is left?"
    )
    assert _shown_shop_left_out(text, _FRAME) == "Netflix"
    fewer = _total_without(text, _FRAME)
    assert fewer is not None
    assert fewer.endswith("without Netflix")


@pytest.mark.parametrize(
    "text",
    [
        "take that out and what is left",  # no shop named
        "my grandson likes the Netflix",  # nothing left out
        "the Morrisons and the Netflix, take them out",  # two shops: which is not guessed
    ],
)
def test_no_single_shop_left_out_by_a_pronoun(text: str) -> None:
    assert _shown_shop_left_out(text, _FRAME) is None


@pytest.mark.parametrize(
    "text",
    ["add em both up then, moment of truth", "tot them up for me", "add up the two please", "add 'em up"],
)
def test_the_amounts_just_given_added_up(text: str) -> None:
    assert adds_up_shown(text)
    frame = {"procedure": "spending", "figures": [["a", 3244, "GBP"], ["b", 3500, "GBP"]]}
    found = follow_up(text, frame)
    assert found is not None
    assert found.kind == "total"
    assert _total_with(text, frame, TODAY) is None


@pytest.mark.parametrize("text", ["and with the cash i took out added on", "add the sky on top"])
def test_more_on_top_is_not_the_amounts_added_up(text: str) -> None:
    assert not adds_up_shown(text)


def test_together_asks_no_investment_advice() -> None:
    assert (
        advice_requested("Would you put the two together for me, please, so I can write it on one line?")
        == []
    )
    assert advice_requested("should i put my savings in ethereum") == ["investment_advice"]
