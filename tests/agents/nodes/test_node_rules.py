"""Small rules of the nodes: what a complaint is about, a question with a yes, how long disputes take."""

from __future__ import annotations

import pytest

from agents.nodes.answers import complaint_topic
from agents.nodes.procedure import ACTION_TOPICS, about_action
from agents.nodes.route import asks_how_long_disputes_take


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Five payments to a shop in Miami at 3 in the morning and nobody blinked", "recent_transactions"),
        ("three charges from that website at night and not one text from you", "recent_transactions"),
        ("my rent payment to Debra failed and nobody told me", "payment_status"),
        ("my claim about the Pret money has dragged on for weeks", "dispute_status"),
        ("your staff were rude on the phone", None),
    ],
)
def test_what_a_complaint_is_about(text: str, topic: str | None) -> None:
    assert complaint_topic(text) == topic


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how long do these normally take?", "how long do disputes normally take?"),
        ("how long does it take?", "how long does the dispute take?"),
        ("when will I hear about it?", "when will I hear about the dispute?"),
        ("what's my balance?", "what's my balance?"),
    ],
)
def test_a_question_of_time_with_a_yes_names_the_action(question: str, asked: str) -> None:
    assert about_action(question, ACTION_TOPICS["dispute_transaction"]) == asked


def test_a_question_with_a_yes_to_another_action_is_left_as_it_is() -> None:
    assert about_action("how long does it take?", None) == "how long does it take?"


@pytest.mark.parametrize(
    "text",
    [
        "how long do disputes normally take?",
        "how long does a dispute take",
        "how many days does a chargeback take to sort",
        "disputes usually take how long?",
    ],
)
def test_how_long_disputes_take(text: str) -> None:
    assert asks_how_long_disputes_take(text)


@pytest.mark.parametrize(
    "text",
    ["how long ago was the dispute opened", "I want to dispute a payment", "how long does a card take"],
)
def test_other_questions_are_not_about_how_long_disputes_take(text: str) -> None:
    assert not asks_how_long_disputes_take(text)
