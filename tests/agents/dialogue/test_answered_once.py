"""Two requests of one message with the same answer are answered once (issue 12)."""

from __future__ import annotations

from agents.nodes.dialogue import composed_reply
from agents.state import AgentState

DISCLOSURE = "I'm Northbank's AI assistant, not a person."
SPENT = "You spent £76.26 at Tesco in the last 90 days."


def test_the_same_answer_twice_in_one_message_is_given_once() -> None:
    state: AgentState = {"answered": [f"{DISCLOSURE}\n\n{SPENT}"]}
    assert composed_reply(state, SPENT) == f"{DISCLOSURE}\n\n{SPENT}"


def test_different_answers_are_all_given_in_order() -> None:
    state: AgentState = {"answered": [f"{DISCLOSURE}\n\n{SPENT}"]}
    other = "The balance of your Easy Saver ending 1071 is £13,176.12."
    assert composed_reply(state, other) == f"{DISCLOSURE}\n\n{SPENT}\n\n{other}"
