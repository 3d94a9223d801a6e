"""With a model configured, the nano tier classifies a message with the conversation it belongs to."""

from __future__ import annotations

from agents.nodes.triage import triage_request


def _user_text(frame: dict[str, str] | None) -> str:
    history = [
        {"role": "customer", "content": "what's the balance on my current account"},
        {"role": "assistant", "content": "The balance of your Current Account ending 1954 is £6,333.89."},
        {"role": "customer", "content": "and the savings one?"},
    ]
    request = triage_request("and the savings one?", history, frame)
    return request.messages[-1].content


def test_the_previous_turn_and_the_dialogue_frame_reach_the_model() -> None:
    text = _user_text({"intent": "check_balance", "text": "what's the balance on my current account"})
    assert "The balance of your Current Account ending 1954" in text
    assert "The last request answered was: check_balance" in text
    assert text.rstrip().endswith("and the savings one?")


def test_without_a_frame_only_the_history_is_given() -> None:
    assert "The last request answered was" not in _user_text(None)
