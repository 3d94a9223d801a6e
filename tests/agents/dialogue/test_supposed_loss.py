"""A card that might one day be lost is a question, not a loss; a verb on "it" after a yes still asks."""

import pytest

from agents.dialogue.cues import requested_card_action, supposes_a_loss, urgent_intent
from agents.dialogue.decision import Decision, read_decision


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if my card gets stolen?",
        "if someone steals my card am I covered?",
        "how do I freeze my card if it goes missing?",
        "how would I freeze my card if it went missing while I'm abroad?",
        "if my card got nicked, would I get my money back?",
        "should I cancel my card if I lose it or just freeze it?",
    ],
)
def test_a_supposed_loss_is_no_loss(text: str) -> None:
    assert urgent_intent(text) is None
    assert supposes_a_loss(text)


@pytest.mark.parametrize(
    "text",
    [
        "my card got stolen, what do I do",
        "I think I lost my card, would you freeze it",
        "my card went missing yesterday, what would you suggest",
        "I lost my wallet on the bus",
    ],
)
def test_a_told_loss_stays_urgent(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"
    assert not supposes_a_loss(text)


def test_a_supposed_loss_with_an_action_asked_for_is_the_action() -> None:
    # the customer asks for the freeze now, whatever might happen later
    assert not supposes_a_loss("if it gets stolen I'm stuck, please freeze my card now")


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("yes block it", "freeze_card"),
        ("ok just freeze it", "freeze_card"),
        ("yeah unfreeze it", "unfreeze_card"),
    ],
)
def test_a_leading_yes_with_nothing_waiting_still_asks(text: str, action: str) -> None:
    assert requested_card_action(text) == action


@pytest.mark.parametrize("text", ["just block it", "just freeze it please", "simply freeze it"])
def test_just_is_filler_before_a_yes(text: str) -> None:
    assert read_decision(text, names=["visa"], tool="freeze_card") is Decision.YES


@pytest.mark.parametrize("text", ["just leave it", "just wait"])
def test_just_is_filler_before_a_no(text: str) -> None:
    assert read_decision(text, names=["visa"], tool="freeze_card") is Decision.NO
