"""Two questions run together with no mark and no "and" between them ("whats my balance how much did i spend
on eating out"): the message is cut where the second one begins, as a full stop would cut it, and nowhere
a question sits inside a sentence or follows a story."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import split_requests


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "whats my balance how much did i spend on eating out in october",
            ["whats my balance", "how much did i spend on eating out in october"],
        ),
        (
            "on my break quick one how much was m&s in october whats actually in my account till payday",
            ["on my break quick one how much was m&s in october", "whats actually in my account till payday"],
        ),
        (
            "what are my direct debits how much is in my current account",
            ["what are my direct debits", "how much is in my current account"],
        ),
        ("what is my balance is my debit card frozen", ["what is my balance", "is my debit card frozen"]),
    ],
)
def test_a_question_begun_right_after_another_is_a_request_of_its_own(text: str, parts: list[str]) -> None:
    assert split_requests(text) == parts


@pytest.mark.parametrize(
    "text",
    [
        # the question sits inside the sentence
        "can you tell me what is my balance",
        "i want to know how much i spent at aldi",
        "could you check what is my limit",
        "i dont understand what is going on with my account",
        # a story, then its question
        "my card got declined in a shop today can you tell me why",
        # too short to be a question of its own
        "how much is my rent",
        # a mark or a dash is there already, and the cut is made by it
        "what did i withdraw at the atm in september — is my current account overdrawn",
    ],
)
def test_no_cut_inside_a_sentence_after_a_story_or_where_a_mark_is(text: str) -> None:
    parts = split_requests(text)
    assert "".join(parts).replace(" ", "") in text.replace(" ", "").replace("—", "")
    assert not any(part.endswith(".") for part in parts)
    if "—" not in text:
        assert parts == [text]
