"""Answers to a confirmation found on held-out sets 32 and 33: a formal yes ("I should be obliged if you
would"), the payment shown named as the one meant ("that is the one"), a dispute taken up in everyday words
("please raise it"), and a rhetorical question before the answer ("what other british gas would there be?
yes")."""

from __future__ import annotations

import pytest

from agents.dialogue.decision import Decision, read_decision


@pytest.mark.parametrize(
    "text",
    [
        "I should be obliged if you would.",
        "I'd be most grateful if you could",
        "That is the one. I would be grateful.",
        "that's the order yes. please raise it",
        "what else would it be? yes",
        "which other one would I mean?? go on then",
    ],
)
def test_agrees(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize("text", ["who else would it be? no, leave it", "what other card would there be? no"])
def test_a_rhetorical_question_then_a_refusal_refuses(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize(
    "text",
    [
        "what other british gas would there be?",  # asked alone: asked again, nothing done
        "that is the problem",
        "that is the one but wait",
        "what other card would there be? whats my balance",
    ],
)
def test_not_a_yes(text: str) -> None:
    assert read_decision(text) is not Decision.YES
