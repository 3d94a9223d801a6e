"""The regular payment named by what it repays ("the one that pays the credit card"), and a bare "how much n
when" kept with the words before it (one request, not two)."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import normalise, split_requests
from agents.dialogue.recurring_cues import _AHEAD_ASKED, _REPAYMENT


@pytest.mark.parametrize(
    "text",
    [
        "n the one that pays the credit card, how much n when",
        "and the one which pays off my credit card - when n how much",
        "the direct debit that clears my loan",
    ],
)
def test_named_by_what_it_repays(text: str) -> None:
    words = normalise(text)
    assert _REPAYMENT.search(words)


def test_how_much_and_when_is_asked_ahead() -> None:
    assert _AHEAD_ASKED.search(normalise("the one that pays the credit card, how much n when"))


@pytest.mark.parametrize(
    "text",
    [
        "n the one that pays the credit card, how much n when",
        "The game my grandson buy on my card, end of August. How much it was?",
    ],
)
def test_a_bare_question_stays_with_what_it_asks_about(text: str) -> None:
    assert split_requests(text) == [text]


def test_two_real_requests_are_still_two() -> None:
    assert len(split_requests("show my balance, how much did I spend at tesco")) == 2
