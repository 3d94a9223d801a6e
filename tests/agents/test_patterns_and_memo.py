from __future__ import annotations

import re

import pytest

from agents.memo import TextMemo
from agents.patterns import any_of
from agents.procedures import queries


def test_any_of_matches_exactly_where_one_of_its_patterns_does() -> None:
    texts = [
        "how much did I spend on groceries in October",
        "what about eating out",
        "my food shop at tesco",
        "show my recent transactions",
        "",
        "takeaways and bills and all",
    ]
    for category, joined in queries._CATEGORY_ANY.items():
        patterns = [pattern for kind, pattern in queries._CATEGORY_RES if kind == category]
        for text in texts:
            assert bool(joined.search(text)) == any(p.search(text) for p in patterns), (category, text)


def test_any_of_refuses_what_it_cannot_join_faithfully() -> None:
    with pytest.raises(ValueError, match="flags"):
        any_of([re.compile("a"), re.compile("b", re.IGNORECASE)])
    with pytest.raises(ValueError, match="back-reference"):
        any_of([re.compile(r"(a)\1"), re.compile("b")])
    assert any_of([]).search("anything") is None


def test_a_text_memo_keeps_short_texts_only_and_drops_the_least_recently_asked() -> None:
    memo: TextMemo[int] = TextMemo(max_chars=10, max_texts=2)
    memo.keep("a" * 11, 1)
    assert memo.get("a" * 11) is None
    memo.keep("one", 1)
    memo.keep("two", 2)
    assert memo.get("one") == 1  # "one" is now the most recent
    memo.keep("three", 3)
    assert memo.get("two") is None
    assert (memo.get("one"), memo.get("three"), len(memo)) == (1, 3, 2)
