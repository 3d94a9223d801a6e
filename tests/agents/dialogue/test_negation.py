"""Actions the customer says not to take are no request: the words go, the object stays."""

from __future__ import annotations

import pytest

from agents.dialogue.negation import said_not_to, without_negated_actions
from agents.dialogue.recurring_cues import _GONE_OUT


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("is BT still coming out next week? DON'T cancel it", "is BT still coming out next week? not it"),
        ("please do not cancel my TV licence direct debit", "please not my TV licence direct debit"),
        ("I'm not asking you to stop it, just checking", "I'm not it, just checking"),
        ("has it gone? dont set up another one", "has it gone? not another one"),
        ("i don't want another one set up", "i not another one"),
        ("no need to freeze anything", "not anything"),
        ("dont want the card frozen just tell me", "not the card just tell me"),
        ("it shouldn't be cancelled", "it not"),
        ("without cancelling it", "not it"),
        ("I want to check, not cancel", "I want to check not"),
        # a worry of paying the same again is no duplicate to dispute
        ("I don't want it going twice. has it gone?", "I not . has it gone?"),
        ("dont want the money to go over again", "not"),
    ],
)
def test_negated_actions_leave_their_object(text: str, left: str) -> None:
    assert without_negated_actions(text) == left


@pytest.mark.parametrize(
    "text",
    [
        "cancel it, I don't want it anymore",
        "I don't want to pay for BT anymore, stop it",
        "is it not cancelled?",
        "has my BT not been cancelled yet",
        "I don't recognise this, can you dispute it",
        "they've charged me twice, I don't want to pay twice",
    ],
)
def test_requests_and_status_questions_are_left_alone(text: str) -> None:
    assert without_negated_actions(text) == text


@pytest.mark.parametrize(
    ("action", "text", "expected"),
    [
        ("cancel", "is it still coming out? DON'T cancel it", True),
        ("cancel", "leave it running, please do not stop the payment", True),
        ("freeze", "is my card ok? don't block it", True),
        ("dispute", "no need to raise a dispute, just show me the payment", True),
        # the action is asked for elsewhere in the message
        ("cancel", "don't freeze my card, cancel the BT direct debit", False),
        ("cancel", "cancel the gym one but not it", False),
        # nothing negated
        ("cancel", "cancel the BT direct debit", False),
    ],
)
def test_said_not_to(action: str, text: str, expected: bool) -> None:
    assert said_not_to(action, text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "whether my savings money went across this month",
        "just tell me if its gone",
        "did the savings transfer go through",
    ],
)
def test_has_it_gone_asked_indirectly(text: str) -> None:
    assert _GONE_OUT.search(text)
