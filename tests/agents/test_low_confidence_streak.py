"""Turns in a row not understood count turns, not the requests of one message."""

from agents.nodes.triage import next_streak
from agents.state import AgentState


def _state(streak: int, counted: bool) -> AgentState:
    return AgentState(low_confidence_streak=streak, streak_counted=counted)


def test_the_first_unclear_request_of_a_turn_counts() -> None:
    assert next_streak(_state(0, False), confident=False) == (1, True)
    assert next_streak(_state(1, False), confident=False) == (2, True)


def test_a_second_unclear_request_of_the_same_turn_adds_nothing() -> None:
    streak, counted = next_streak(_state(0, False), confident=False)
    assert next_streak(_state(streak, counted), confident=False) == (1, True)


def test_anything_understood_starts_the_count_again() -> None:
    assert next_streak(_state(2, True), confident=True)[0] == 0
    assert next_streak(_state(1, False), confident=True) == (0, False)
