"""fix29B patterns: a gambling problem is a vulnerability; a funeral plan is not a bereavement; another
customer "with you lot" and their payday are theirs; whether a card lasts to a date is its expiry; "what did
it come to" is a cost; "in English" names no shop; "enough to cover it" after a list of regular payments is
their total; a plea for help after news belongs to the news."""

from __future__ import annotations

from typing import Any

import pytest

from agents.dialogue.cues import split_requests, status_question
from agents.dialogue.spending_cues import referred_amount, regular_payments_total, spending_intent
from agents.dialogue.support_cues import own_question
from agents.procedures.status import _EXPIRY_ASKED
from agents.procedures.textparse import parse_merchant
from agents.safety.flags import explain_flags, vulnerability_kind


@pytest.mark.parametrize(
    "text",
    [
        "ive got a problem with gambling, the betting apps every night",
        "I'm hooked on the online casinos",
        "honestly i cant stop betting",
        "blew most of my wages at the bookies again",
        "the betting apps have had most of my salary this summer",
    ],
)
def test_a_gambling_problem_is_a_health_vulnerability(text: str) -> None:
    assert vulnerability_kind(text) == "health"


@pytest.mark.parametrize(
    "text",
    [
        "how do i turn on the gambling block",
        "can you block gambling on my card please",
        "I lost my wallet at the casino",
        "what is the limit for gambling payments",
    ],
)
def test_the_gambling_block_setting_alone_is_no_vulnerability(text: str) -> None:
    assert "vulnerability" not in explain_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "should I buy a funeral plan for myself or put the money in an ISA instead?",
        "is funeral cover worth it at my age or should I just keep saving",
        "saving up for my own funeral",
    ],
)
def test_a_funeral_plan_is_no_bereavement(text: str) -> None:
    assert vulnerability_kind(text) != "bereavement"


def test_a_funeral_still_is_a_bereavement() -> None:
    assert vulnerability_kind("the funeral is on friday and I need to pay the director") == "bereavement"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("my cousin is with u lot. can u tell me if shes got the money", "banks_with_you"),
        ("my mum is with you lot as well, can you see what she has in there", "banks_with_you"),
        ("my brother owes me 200 quid, when does his salary go in?", "their_payday"),
        ("my ex hasnt paid the maintenance. when does he get paid?", "their_payday"),
    ],
)
def test_another_persons_pay_and_account_are_theirs(text: str, rule: str) -> None:
    assert rule in explain_flags(text).get("third_party", [])


@pytest.mark.parametrize(
    "text", ["when is my payday", "my son starts his new job monday, when do I get paid"]
)
def test_the_customers_own_payday_is_theirs(text: str) -> None:
    assert "third_party" not in explain_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "sound. and my debit card doesnt run out before then does it",
        "Will my card still be valid in April?",
        "my visa wont expire before then will it?",
        "does my credit card last until the summer?",
    ],
)
def test_whether_a_card_lasts_to_a_time_is_its_expiry(text: str) -> None:
    assert status_question(text) == "card_status"
    assert _EXPIRY_ASKED.search(text)


@pytest.mark.parametrize("text", ["my card expires soon, what happens", "I lost my card before I went out"])
def test_renewal_or_a_loss_is_not_the_expiry_date(text: str) -> None:
    assert status_question(text) != "card_status"


@pytest.mark.parametrize(
    "text",
    [
        "My grandson ordered a takeaway on my card on the 6th. What did it come to?",
        "Had a sandwich at Pret on my card in September. What did it come to?",
        "My son had a meal out on my card in September. What did it all come to?",
    ],
)
def test_what_it_came_to_is_a_cost_not_a_card_delivery(text: str) -> None:
    assert status_question(text) != "card_arrival"
    assert spending_intent(text) == "spending"


def test_a_card_coming_is_still_a_delivery() -> None:
    assert status_question("when will my new card come?") == "card_arrival"


@pytest.mark.parametrize(
    ("text", "shop"),
    [
        ("In English: what did the cinema on the 16th cost?", None),
        ("in plain english please, what did the cinema cost me", None),
        ("how much did I spend at English Heritage", "english heritage"),
        ("what did I spend at Tesco, in English please", "tesco"),
    ],
)
def test_a_language_is_not_a_shop(text: str, shop: str | None) -> None:
    assert parse_merchant(text) == shop


_DECEMBER: dict[str, Any] = {
    "procedure": "recurring_payments",
    "text": "what is coming out of my account in december",
    "listed": [
        "BT: £43.65 monthly (the latest collection), next collection on 2 Dec 2026 (still active)",
        "Nationwide Building Society: £1,453.00 monthly, next collection on 27 Dec 2026 (still active)",
    ],
}


def test_enough_to_cover_it_after_regular_payments_is_their_total() -> None:
    assert referred_amount("Will there be enough in there to cover it?", _DECEMBER) == "£1,496.65"


def test_a_stopped_payment_is_not_in_the_total() -> None:
    frame = {**_DECEMBER, "listed": [*_DECEMBER["listed"], "Sky: £20.00 monthly (cancelled)"]}
    assert regular_payments_total(frame) == "£1,496.65"


def test_mixed_currencies_have_no_total() -> None:
    frame = {**_DECEMBER, "listed": [*_DECEMBER["listed"], "Rent: €500.00 monthly (still active)"]}
    assert regular_payments_total(frame) is None


def test_several_card_payments_are_still_no_single_amount() -> None:
    frame = {**_DECEMBER, "procedure": "spending"}
    assert referred_amount("is there enough to cover it?", frame) is None


def test_a_plea_for_help_belongs_to_the_news() -> None:
    text = (
        "ive got a problem with gambling. lost most of a months wages over the summer. my new card is coming "
        "and i dont want to use it on betting. is there anything u can do"
    )
    assert len(split_requests(text)) == 1
    assert own_question(text) is None


def test_a_nod_ending_its_sentence_is_not_a_card_question() -> None:
    assert status_question("ok. will there be enough in the account to cover it all?") is None
