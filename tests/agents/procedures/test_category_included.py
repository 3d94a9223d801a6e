"""A category named as part of everything ("bills and all", "including groceries") is not a filter."""

import pytest

from agents.procedures.queries import parse_category


@pytest.mark.parametrize(
    "text",
    [
        "the total that went out in october, everything, bills and all",
        "what did I spend last month including groceries",
        "all my outgoings in september, rent included",
    ],
)
def test_category_named_as_included_is_not_a_filter(text: str) -> None:
    assert parse_category(text)[0] is None


@pytest.mark.parametrize(
    ("text", "category"),
    [("how much on bills in october", "bills"), ("all my groceries last month", "groceries")],
)
def test_category_asked_for_is_still_a_filter(text: str, category: str) -> None:
    assert parse_category(text)[0] == category
