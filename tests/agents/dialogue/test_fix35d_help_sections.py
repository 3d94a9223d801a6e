"""help_section_asked: a help-centre question answered from its own section, whatever story it comes with."""

from __future__ import annotations

import pytest

from agents.dialogue.support_cues import help_section_asked


@pytest.mark.parametrize(
    ("text", "section"),
    [
        (
            "if there isnt enough in my account when a direct debit goes out what happens, do i get charged",
            ("direct-debits-and-standing-orders", "If there is not enough money"),
        ),
        (
            "If my Octopus direct debit goes out and I haven't got enough in the account, do I get charged?",
            ("direct-debits-and-standing-orders", "If there is not enough money"),
        ),
        (
            "how am I to know whether someone ringing me really is from the bank?",
            ("contact-and-opening-hours", "Checking it is really us"),
        ),
        (
            "how do i know if someone calling or texting me is actually from you?",
            ("contact-and-opening-hours", "Checking it is really us"),
        ),
        (
            "my new card hasnt come, can i use a virtual card or something in the app",
            ("virtual-and-spare-cards", "Virtual card"),
        ),
    ],
)
def test_the_section_asked(text: str, section: tuple[str, str]) -> None:
    assert help_section_asked(text) == section


@pytest.mark.parametrize(
    "text",
    [
        "when does my direct debit go out",
        "is there enough in my account for the mortgage",
        "cancel my virgin media direct debit",
        "has my new card been sent",
    ],
)
def test_other_questions_ask_none(text: str) -> None:
    assert help_section_asked(text) is None
