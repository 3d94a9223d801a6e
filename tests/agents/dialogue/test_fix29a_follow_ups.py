"""Follow-ups adding up the two amounts just given in other words; another thing over the period before."""

import pytest

from agents.dialogue.cues import combines_answers, follow_up
from agents.nodes.route import _subject_dropped, _subject_named

TWO_FIGURES = {
    "procedure": "spending",
    "listed": ["7 Nov 2026: Co-op, £18.95"],
    "figures": [["Co-op", 1895, "GBP"], ["Uber", 1411, "GBP"]],
}


@pytest.mark.parametrize(
    "text",
    [
        "what do they make together?",
        "add the two up for me",
        "could you add the pair up please",
        "add them both up",
        "what do the two make",
        "how much are those two together",
    ],
)
def test_the_two_amounts_added_up_in_other_words(text: str) -> None:
    assert combines_answers(text)
    found = follow_up(text, TWO_FIGURES)
    assert found is not None
    assert found.kind == "total"


@pytest.mark.parametrize("text", ["did they go out together", "what did i spend at tesco"])
def test_together_without_an_amount_word_is_no_sum(text: str) -> None:
    assert not combines_answers(text)


def test_a_kind_named_with_the_period_before_is_the_new_subject() -> None:
    assert _subject_named("n the bus the week before that?", None) == "n the bus"
    assert _subject_named("and the month before?", None) is None
    assert _subject_named("and the week before", "tesco") == "and"


def test_the_old_subject_is_dropped_from_the_earlier_request() -> None:
    listed = ["18 Nov 2026: Waitrose, £42.19"]
    assert _subject_dropped("how much did waitrose take off me", listed) == "how much did take off me"
    assert _subject_dropped("what did i spend on groceries", []) == "what did i spend on"


ONE_DAY = {
    "procedure": "recent_transactions",
    "listed": ["18 Sep 2026: Northbank Exchange, €560.00", "18 Sep 2026: Northbank Exchange, -£481.60"],
}


@pytest.mark.parametrize("text", ["which day did i change them?", "what date did they go out"])
def test_which_day_after_payments_all_of_one_day(text: str) -> None:
    found = follow_up(text, ONE_DAY)
    assert found is not None
    assert found.kind == "day"


def test_which_day_is_no_day_follow_up_when_the_payments_are_of_several_days() -> None:
    days = {**ONE_DAY, "listed": ["18 Sep 2026: Aldi, £5.00", "19 Sep 2026: Aldi, £6.00"]}
    found = follow_up("which day did i go there?", days)
    assert found is None or found.kind != "day"
