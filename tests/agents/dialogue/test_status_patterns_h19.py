"""Status questions worded mid-sentence or about a claim, expiry or scheduled payment are answered, never
turned into offers; broken-open letterboxes put a card in the post at risk."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import status_question, urgent_intent
from agents.dialogue.support_cues import concrete_requests


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("has the rent gone to my landlord yet? dont want to pay twice", "payment_status"),
        ("could you tell me where my claim is up to? please leave my card alone", "dispute_status"),
        ("when does my visa run out? going away next week", "card_status"),
        ("i had a panic attack at the till. i just need to know if my card is blocked", "card_status"),
    ],
)
def test_status_questions_are_read_as_questions(text: str, expected: str) -> None:
    assert status_question(text) == expected


def test_broken_open_letterboxes_put_the_card_in_the_post_at_risk() -> None:
    text = "someone forced open the letterboxes in our flats and my new card was due. can you stop it"
    assert urgent_intent(text) == "lost_or_stolen_card"


def test_not_complaining_still_asks_about_the_card() -> None:
    text = "im dyslexic and it was a lot. not complaining i just need to know if my card is blocked"
    assert concrete_requests(text) == [text.split(". ")[1]]


@pytest.mark.parametrize(
    "text",
    [
        "sorry which bit was the expiry again, month and year",
        "whats the expiry on my card",
        "when is my card out of date",
        "what year does my visa run out",
        "expiry date?",
        "when does the new card expire",
    ],
)
def test_the_expiry_asked_is_the_cards(text: str) -> None:
    assert status_question(text) == "card_status"


@pytest.mark.parametrize(
    "text",
    [
        "my mastercard runs out in feb, do u send a new one automatically or do i have to ask?",
        "my card expires soon what do i do",
        "my card has expired, how do i get a new one",
        "the BT contract runs till end of december so it has to keep going",
    ],
)
def test_renewal_is_not_the_expiry_date(text: str) -> None:
    assert status_question(text) != "card_status"


def test_a_question_after_a_dash_is_still_a_question() -> None:
    assert status_question("flying tomorrow - is the euro card still ok to use?") == "card_status"
