"""fix29D: the one payment just shown, asked about by its weekday, time or place; a shop named in the plural
or possessive; the biggest thing bought is never a bill."""

from __future__ import annotations

from typing import Any

import pytest

from agents.dialogue.cues import follow_up
from agents.nodes.route import _spaced_words

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
