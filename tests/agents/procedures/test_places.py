"""Where a payment was made: a country, a town, or abroad."""

from __future__ import annotations

import pytest

from agents.ports import TransactionView
from agents.procedures.places import parse_place


def _paid(description: str, currency: str = "GBP", original: str | None = None) -> TransactionView:
    return TransactionView(
        id="t",
        account_id="a",
        amount_minor=-1000,
        currency=currency,
        merchant="Shop",
        description=description,
        category="shopping",
        status="posted",
        booked_at="2026-11-01",
        original_amount_minor=None if original is None else -1200,
        original_currency=original,
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("what have i spent in france since october", "in France"),
        ("how much did i spend in paris", "in Paris"),
        ("what did the lisbon trip cost me", "in Lisbon"),
        ("anything in the states", "in the US"),
        ("how much have I spent abroad this year", "abroad"),
        ("what did i spend overseas", "abroad"),
    ],
)
def test_the_place_said(text: str, label: str) -> None:
    place, rest = parse_place(text)
    assert place is not None
    assert place.label == label
    assert label.split()[-1].lower() not in rest.lower()


@pytest.mark.parametrize("text", ["what did i spend at tesco", "in nice weather", "how much in october"])
def test_no_place(text: str) -> None:
    assert parse_place(text)[0] is None


def test_a_country_by_the_code_its_statement_ends_with() -> None:
    france = parse_place("in france")[0]
    assert france is not None
    assert france.holds(_paid("CARREFOUR CITY PARIS FR", "EUR"))
    assert not france.holds(_paid("TRATTORIA DA MARIO ROMA IT", "EUR"))
    assert not france.holds(_paid("TESCO STORES LONDON"))


def test_a_town_by_its_name_as_statements_spell_it() -> None:
    rome = parse_place("in rome")[0]
    assert rome is not None
    assert rome.holds(_paid("TRATTORIA DA MARIO ROMA IT", "EUR"))
    assert not rome.holds(_paid("BAR CENTRAL LISBOA PT", "EUR"))


def test_abroad_is_another_country_or_another_currency() -> None:
    abroad = parse_place("abroad")[0]
    assert abroad is not None
    assert abroad.holds(_paid("ELITE ELECTRONICS ONLINE MIAMI US", "GBP", "USD"))
    assert abroad.holds(_paid("BAR CENTRAL LISBOA PT", "EUR"))
    assert abroad.holds(_paid("SOME SHOP", "GBP", "EUR"))
    assert not abroad.holds(_paid("TESCO STORES JONESBERG"))
    assert not abroad.holds(_paid("NORTHBANK EXCHANGED TO EUR"))


@pytest.mark.parametrize(
    "text", ["how much at the shop in Miami", "that restaurant in Rome, what did it come to"]
)
def test_one_shop_told_by_where_it_is_is_no_place(text: str) -> None:
    assert parse_place(text)[0] is None
