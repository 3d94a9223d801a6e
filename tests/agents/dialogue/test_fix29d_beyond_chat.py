"""fix29D: requests the chat cannot serve (a statement, money moved, an overdraft limit) are read as such, and
the same words used otherwise (a charge seen on a statement, a transfer already made, the overdraft's cost)
are not."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from agents.dialogue.beyond_chat import BeyondChat, beyond_chat
from agents.kb.knowledge_base import load_kb
from agents.nodes.answers import beyond_chat_answer

KB = Path(__file__).resolve().parents[3] / "fixtures" / "kb"


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("send me a statement", BeyondChat.STATEMENT),
        ("can i get a statement for october", BeyondChat.STATEMENT),
        ("email me my statements", BeyondChat.STATEMENT),
        ("i need a bank statement please", BeyondChat.STATEMENT),
        ("i want to move 100 quid into my savings", BeyondChat.MOVE_MONEY),
        ("can you put 50 quid in my easy saver", BeyondChat.MOVE_MONEY),
        ("transfer £200 from my current account to my savings please", BeyondChat.MOVE_MONEY),
        ("id like to shift a grand over to my easy saver", BeyondChat.MOVE_MONEY),
        ("whats my overdraft limit", BeyondChat.OVERDRAFT_LIMIT),
        ("have i got an overdraft", BeyondChat.OVERDRAFT_LIMIT),
        ("how much overdraft can i have", BeyondChat.OVERDRAFT_LIMIT),
    ],
)
def test_a_request_the_chat_cannot_serve_is_read(text: str, what: BeyondChat) -> None:
    assert beyond_chat(text) is what


@pytest.mark.parametrize(
    "text",
    [
        "there's a charge on my statement i don't know",
        "ok no rush, it's about my mortgage statement",
        "whats on my statement for october",
        "how much have i moved into my savings since september altogether",
        "i sent 40 pounds to my brother and it hasnt arrived",
        "put some cash in at the post office this morning and it still isn't in my account",
        "someone on the phone says I need to move my savings to a safe account",
        "What details do I need to send some money to my brother's bank in America?",
        "I want to put £1,000 into it, the guy says to send it to their wallet today",
        "how much can i transfer in a day",
        "how much does my overdraft cost",
        "how do i apply for an overdraft",
    ],
)
def test_the_same_words_used_otherwise_are_not(text: str) -> None:
    assert beyond_chat(text) is None


@pytest.fixture(scope="module")
def runtime() -> Any:
    return cast(Any, SimpleNamespace(context=SimpleNamespace(kb=load_kb(KB))))


def test_each_answer_says_what_it_cannot_do_and_offers_no_action(runtime: Any) -> None:
    statement = beyond_chat_answer(BeyondChat.STATEMENT, runtime)
    assert "can't produce or send a statement" in statement
    assert "Paper statements" in statement  # the help centre's fee, quoted
    money = beyond_chat_answer(BeyondChat.MOVE_MONEY, runtime)
    assert "can't move money" in money
    assert "Payments > Send" in money
    overdraft = beyond_chat_answer(BeyondChat.OVERDRAFT_LIMIT, runtime)
    assert "can't see an overdraft limit" in overdraft
    assert "39.9% EAR" in overdraft
    for answer in (statement, money, overdraft):
        assert "?" not in answer.replace("(for example", "")
        assert "dispute" not in answer.lower()
