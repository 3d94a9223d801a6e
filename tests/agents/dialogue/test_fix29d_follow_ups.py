"""fix29D: the one payment just shown, asked about by its weekday, time or place; a shop named in the plural
or possessive; the biggest thing bought is never a bill; "is it always the same" is no dispute; a shop typed
in part is shown by its own name."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from agents.dialogue.cues import asks_if_regular, follow_up
from agents.nodes.route import _spaced_words
from agents.procedures.spending import _shop_shown

_ONE_SHOWN: dict[str, Any] = {
    "procedure": "spending",
    "text": "how much was the wetherspoons",
    "listed": ["26 Oct 2026: Wetherspoon, £7.90"],
    "figures": [],
}


@pytest.mark.parametrize(
    "text",
    [
        "was that on a weekday",
        "was it a saturday",
        "what time was that",
        "where was that",
        "which shop was that",
    ],
)
def test_the_day_or_place_of_the_one_payment_shown(text: str) -> None:
    found = follow_up(text, _ONE_SHOWN)
    assert found is not None
    assert found.kind == "day"


def test_a_plural_or_possessive_shop_reads_as_its_name() -> None:
    assert " wetherspoon " in _spaced_words("how much were the wetherspoons")
    assert " wetherspoon " in _spaced_words("what did wetherspoon's cost me")
    assert " sainsbury " in _spaced_words("the sainsburys shop")
    assert " boss " in _spaced_words("the boss")  # a double s is no plural


@pytest.mark.parametrize(
    ("text", "regular"),
    [
        ("is it always the same", True),
        ("is that every month then", True),
        ("is it always taken twice", False),
        ("is it always the same, i think it's a scam", False),
    ],
)
def test_whether_a_payment_shown_is_regular(text: str, regular: bool) -> None:
    assert asks_if_regular(text) is regular


def test_a_shop_typed_in_part_is_shown_by_its_own_name() -> None:
    just_eat = SimpleNamespace(merchant="Just Eat")
    assert _shop_shown("eat", [just_eat, just_eat]) == "Just Eat"  # type: ignore[list-item]
    assert _shop_shown("netflix", [SimpleNamespace(merchant="Netflix")]) == "netflix"  # type: ignore[list-item]
    mixed = [SimpleNamespace(merchant="Just Eat"), SimpleNamespace(merchant="Eat Well")]
    assert _shop_shown("eat", mixed) == "eat"  # type: ignore[arg-type]
