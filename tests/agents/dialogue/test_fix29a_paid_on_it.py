"""What went to the one regular payee just shown over a period, asked in the same message or after it."""

from datetime import date

from agents.dialogue.cues import split_requests
from agents.nodes.route import _one_payee

TODAY = date(2026, 11, 28)
SHOWN = {
    "procedure": "recurring_payments",
    "listed": [
        "Your direct debit: Virgin Media: £56.59 monthly (the latest collection), next collection on 15 Dec"
    ],
}


def test_a_question_about_it_with_a_period_after_is_a_request_of_its_own() -> None:
    assert split_requests(
        "what does my mortgage come to a month, and how much have I paid on it since August in total?"
    ) == ["what does my mortgage come to a month", "how much have I paid on it since August in total?"]


def test_a_question_about_it_without_a_request_before_stays_one() -> None:
    text = "I moved house in August, how much have I paid on it since then"
    assert len(split_requests(text)) == 1


def test_the_payee_shown_when_a_period_is_named() -> None:
    assert _one_payee("so how much has that been since september altogether", SHOWN, TODAY) == "Virgin Media"


def test_no_payee_without_a_period_or_with_several_shown() -> None:
    assert _one_payee("how much is that altogether", SHOWN, TODAY) is None
    several = {**SHOWN, "listed": [*SHOWN["listed"], "Your direct debit: Sky: £44.97 monthly"]}
    assert _one_payee("since september altogether", several, TODAY) is None
