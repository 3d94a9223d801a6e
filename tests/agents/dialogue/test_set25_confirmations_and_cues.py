"""Set-25 patterns: a yes typed in texting shorthand or followed by the customer's own plan, a yes that names
the waiting action's target again (only its own target, only its own action), a thing "taken out of" the
car said the other way round, the words a card may be called by, and upset said of the other person in a
message about their account; Urdu typed in Latin letters; what the bank would ever ask, asked in general."""

from __future__ import annotations

import pytest

from agents.dialogue.cues import urgent_intent
from agents.dialogue.decision import Decision, read_decision
from agents.dialogue.support_cues import asks_what_the_bank_would_ever_do
from agents.nodes.screen import distress_is_theirs
from agents.ports import AccountView, CardView
from agents.procedures.slots import card_names
from agents.safety.language import BALANCE, LOST, ROMAN_URDU, STOLEN, detect_language, foreign_cues

EURO_CARD = ("0363", "visa", "eur", "euro", "euros", "current")


@pytest.mark.parametrize(
    "text",
    [
        "pls freeze it yes, then ill ring the police",
        "plz block it, gonna phone the cops after",
        "plz freeze, calling the police now",
        "yes pls, im going to ring my husband",
    ],
)
def test_a_yes_in_shorthand_then_the_customers_own_plan_confirms(text: str) -> None:
    assert read_decision(text) is Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "plz block it, actually no",
        "pls block it, wait, will i still get paid?",
        "yes, then send me a new one",
    ],
)
def test_a_refusal_a_doubt_or_a_request_after_the_yes_is_not_a_plain_yes(text: str) -> None:
    assert read_decision(text) is not Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "Yes, freeze the euro one now.",
        "yeah go on, block the euro card",
        "yes freeze the one ending 0363",
        "Yes dear, please freeze my euro card.",
        "yes freeze my visa card",
    ],
)
def test_a_yes_naming_the_waiting_target_confirms(text: str) -> None:
    assert read_decision(text, names=EURO_CARD, tool="freeze_card") is Decision.YES


@pytest.mark.parametrize(
    "text",
    [
        "yes freeze the pound one",
        "yes, freeze the one ending 2547",
        "yes freeze the other one",
        "yes freeze my mastercard",
        "no, not the euro one",
    ],
)
def test_a_yes_naming_another_target_is_never_a_yes(text: str) -> None:
    assert read_decision(text, names=EURO_CARD, tool="freeze_card") is not Decision.YES


def test_a_yes_naming_another_action_on_the_target_is_not_a_yes_to_this_one() -> None:
    # Reporting the card lost cancels it: a yes to freezing it is not consent to that.
    said = "yes please, freeze my euro card"
    assert read_decision(said, names=EURO_CARD, tool="report_card") is not Decision.YES
    assert read_decision(said, names=EURO_CARD, tool="unfreeze_card") is not Decision.YES


def test_without_the_targets_names_a_described_target_is_not_read_as_it() -> None:
    assert read_decision("Yes, freeze the euro one now.") is Decision.OTHER


@pytest.mark.parametrize(
    "text",
    [
        "handbag taken out of my car at tesco, card was in my purse in it",
        "my wallet was nicked from the changing room at the pool",
        "purse got pinched off my trolley in the supermarket",
    ],
)
def test_a_thing_taken_from_where_it_was_is_stolen(text: str) -> None:
    assert urgent_intent(text) == "lost_or_stolen_card"


@pytest.mark.parametrize(
    "text",
    [
        "money taken from my card twice by the gym",
        "the cash machine took my card",
        "why was a fee taken out of my account",
    ],
)
def test_money_or_a_machine_taking_is_not_a_theft(text: str) -> None:
    assert urgent_intent(text) != "lost_or_stolen_card"


def test_a_card_is_called_by_its_last_four_brand_and_currency() -> None:
    card = CardView(id="c", account_id="a", brand="Visa", last4="0363", status="active", expiry="01/29")
    account = AccountView(
        id="a", kind="current", name="Euro Current Account", currency="EUR", balance_minor=0, number_last4="1"
    )
    names = card_names(card, [account])
    assert {"0363", "visa", "euro", "eur", "current"} <= set(names)
    assert "pound" not in names


@pytest.mark.parametrize(
    "text",
    [
        "My daughter banks with you. She says her wages haven't come and she's in a state about her rent.",
        "my bros freaking out cos his wages aint landed, he banks with u too",
        "sister is panicking. she thinks her mortgage payment bounced. she banks with you",
    ],
)
def test_upset_said_of_the_other_person_is_theirs(text: str) -> None:
    assert distress_is_theirs(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm in a state, my daughter's account has been emptied, can you check her balance",
        "she's panicking and I'm worried sick too, has her rent gone out?",
        "my husband died and im in bits, can you check his account",
    ],
)
def test_the_customers_own_upset_is_never_put_down_to_the_other_person(text: str) -> None:
    assert not distress_is_theirs(text)


@pytest.mark.parametrize(
    "text",
    [
        "shukriya. aur abhi mere current account mein kitne paise hain?",
        "mera card kho gaya hai, jaldi block karo",
        "bhai mere paise kab aayenge, salary abhi tak nahi aayi",
    ],
)
def test_urdu_in_latin_letters_is_read_as_urdu(text: str) -> None:
    assert detect_language(text) == ROMAN_URDU


@pytest.mark.parametrize(
    "text",
    [
        "I want to send money to my bhai in Karachi, how do I do it",
        "what is my balance",
        "yeh kya hai, I never paid for this card payment",
        "Mein Konto ist gesperrt, warum?",
    ],
)
def test_a_borrowed_word_or_another_language_is_not_urdu(text: str) -> None:
    assert detect_language(text) != ROMAN_URDU


def test_urdu_in_latin_letters_has_its_cues() -> None:
    assert foreign_cues("mere account mein kitne paise hain?", ROMAN_URDU) == {BALANCE}
    assert foreign_cues("mera card kho gaya hai", ROMAN_URDU) == {LOST}
    assert foreign_cues("card chori ho gaya", ROMAN_URDU) == {STOLEN}


@pytest.mark.parametrize(
    "text",
    [
        "And would you ever ask me to move my savings somewhere to keep them safe?",
        "would u lot ever ring me n ask for my pin??",
        "Would Northbank ever ring me up and ask me to read out a code from a text message?",
        "would the bank ask me to transfer my savings to keep them safe?",
    ],
)
def test_what_the_bank_would_ever_ask_is_a_help_centre_question(text: str) -> None:
    assert asks_what_the_bank_would_ever_do(text)


@pytest.mark.parametrize(
    "text",
    [
        "will you call me back later?",
        "can you ask the shop for a refund",
        "would you freeze my card please",
        "will you actually send me a new card",
    ],
)
def test_a_request_of_the_bank_is_not_a_question_about_what_it_would_ever_do(text: str) -> None:
    assert not asks_what_the_bank_would_ever_do(text)
