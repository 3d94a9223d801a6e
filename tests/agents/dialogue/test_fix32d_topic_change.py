"""An acknowledgement, then "while I have you" / "by the way" and a question: a new topic, which does not
take up the offer waiting (an explicit yes still does)."""

from __future__ import annotations

import pytest

from agents.dialogue.decision import Decision, read_decision


@pytest.mark.parametrize(
    "text",
    [
        "Very well. While I have you, what did my salary come to this month?",
        "Fine. While I'm here, what's in my current account?",
        "ok. by the way, whats my balance?",
    ],
)
def test_a_new_topic_after_an_acknowledgement_is_other(text: str) -> None:
    assert read_decision(text) is Decision.OTHER


@pytest.mark.parametrize(
    "text", ["yes go ahead", "yes. whats my balance", "Yes please. And what's my balance?"]
)
def test_an_explicit_yes_is_still_yes(text: str) -> None:
    assert read_decision(text) is Decision.YES
