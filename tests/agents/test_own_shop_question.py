"""A short question naming a shop of the customer's own payments, which triage could not place, is a
question about what that shop took (agents.nodes.route)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import normalise
from agents.nodes.route import _says_name, asks_what_a_payment_was


@pytest.mark.parametrize(
    "text",
    [
        "how much was the wetherspoons",
        "amazon how much",
        "the co-op shop how much",
        "what was the national trust thing",
        "when did the odeon take it",
        "steam?",
    ],
)
def test_a_question_about_what_a_payment_was(text: str) -> None:
    assert asks_what_a_payment_was(text)


@pytest.mark.parametrize(
    "text",
    [
        "the wetherspoons charged me twice",
        "amazon took money i never authorised, i want it back",
        "i dont recognise this netflix payment",
        "my card was stolen at the co-op, how much did they take",
        "please cancel the netflix",
        "ok thanks",
        "what was the thing I bought at the big shop in town on the way back from my sisters last month",
    ],
)
def test_not_a_plain_question_about_a_payment(text: str) -> None:
    assert not asks_what_a_payment_was(text)


def test_a_shops_name_is_said_also_with_an_s() -> None:
    said = f" {normalise('how much was the wetherspoons')} "
    assert _says_name(said, "wetherspoon")
    assert _says_name(f" {normalise('sainsburys in september')} ", "sainsbury")
    assert not _says_name(said, "spoon")
    assert not _says_name(f" {normalise('the nexty thing')} ", "next")


@pytest.mark.parametrize(
    "text", ["and just september on its own?", "and september by itself", "and for october on their own"]
)
def test_a_period_on_its_own_names_no_shop(text: str) -> None:
    from datetime import date

    from agents.nodes.route import _other_merchant

    assert _other_merchant(text, date(2026, 11, 28)) is None
    assert _other_merchant("and the tesco one on its own", date(2026, 11, 28)) == "tesco"


@pytest.mark.parametrize(
    "text",
    [
        "whats in the euro account",
        "what's in my savings",
        "what is in the eur account?",
        "whats on my current account",
    ],
)
def test_what_is_in_an_account_asks_its_balance(text: str) -> None:
    from agents.nodes.route import _ACCOUNT_ON_RE

    assert _ACCOUNT_ON_RE.search(text)
    assert not _ACCOUNT_ON_RE.search("whats in the euro account statement for october that i paid")
