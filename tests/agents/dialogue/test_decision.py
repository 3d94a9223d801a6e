"""Confirmation replies in everyday words: what counts as yes, no, unclear, or a new request."""

from __future__ import annotations

import pytest

from agents.dialogue.decision import Decision, read_decision

YES = [
    "yes",
    "Yes please",
    "go for it",
    "alright then",
    "sure thing, thanks",
    "👍",
    "ok go ahead",
    "yep do it mate",
    "yeah why not",
    "fine",
    "Yes, go ahead.",
    "of course, thank you so much",
    "definitely",
    "I guess so",
    "can you do it",
    "yes freeze it",
    "Yes please. And what is my balance?",
    "YES!!!",
    "okay",
    "please do",
]
NO = [
    "no",
    "nah leave it",
    "no thanks",
    "not now",
    "No, don't do that.",
    "nope not today thanks",
    "stop",
    "I've changed my mind",
    "forget it",
    "👎",
    "no, don't",
]
UNCLEAR = ["hmm not sure", "yes but wait", "what do you mean?", "which card?", "maybe", "banana", "", "   "]
OTHER = [
    "whats my balance",
    "actually can you tell me my savings balance first",
    "what will happen to my direct debits?",
    "show me my transactions from last week",
    "how much did I spend at Tesco?",
]


@pytest.mark.parametrize("text", YES)
def test_everyday_agreement_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize("text", NO)
def test_everyday_refusal_declines(text: str) -> None:
    assert read_decision(text) is Decision.NO


@pytest.mark.parametrize("text", UNCLEAR)
def test_an_answer_that_is_neither_is_unclear(text: str) -> None:
    assert read_decision(text) is Decision.UNCLEAR


@pytest.mark.parametrize("text", OTHER)
def test_a_new_request_is_not_an_answer(text: str) -> None:
    assert read_decision(text) is Decision.OTHER


def test_a_hedged_yes_is_never_a_yes() -> None:
    for text in ("yes but not yet", "ok wait", "sure, but what happens to my direct debits?", "yes hold on"):
        assert read_decision(text) is not Decision.YES, text
