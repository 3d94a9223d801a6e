"""Issue 12, group B (fix27b): status questions that must not become offers, the day of a regular
payment, and support that fits the case while the practical question is still answered."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from agents.dialogue.cues import requests_after_answer, spared_thing, status_question
from agents.dialogue.decision import Decision, read_decision
from agents.dialogue.recurring_cues import asks_still_on, recurring_intent
from agents.dialogue.spending_cues import spending_intent
from agents.dialogue.support_cues import concrete_requests, scam_received_only, scam_rules
from agents.kb import KnowledgeBase, load_kb
from agents.nodes.care import (
    FAMILY_EMERGENCY_WARNING,
    SCAM_WARNING,
    SCAMMED_OPENING,
    scam_script,
)
from agents.nodes.screen import continues_scam
from agents.safety.flags import explain_flags, vulnerability_kind
from agents.state import AgentState

KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(KB_DIR)


# --- a call from a relative "in trouble" who needs money now ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A young man rang me crying. He said 'Nan, it's me', he's been arrested and needs £900 for bail "
        "today. How do I send it?",
        "my phone rang, a girl sobbing 'grandad it's me', she's crashed a hire car in spain and the police "
        "are holding her. a lawyer read me an account number, 1500 gets her out. how do i transfer it?",
        "Someone rang sounding just like my grandson. He's been in an accident and he's at the police "
        "station, and he needs £700 for bail. How can I pay it?",
        "Got a voicemail, my nephew in custody, his solicitor gave me the sort code for 400 quid, he begged "
        "me not to tell his mum",
    ],
)
def test_a_relative_in_trouble_on_the_phone_needing_money_is_a_scam(text: str) -> None:
    assert "family_emergency_call" in scam_rules(text)
    assert "scam" in explain_flags(text)


@pytest.mark.parametrize(
    "text",
    [
        # a real emergency told without a caller asking for money
        "my grandson was in a car accident last night and is in hospital, can I see my balance?",
        # the customer's own call to the police
        "I rang the police station about my stolen bike, do you need a crime number to refund me?",
        "my son rang from the hospital, he's fine, what's my balance",
    ],
)
def test_an_emergency_without_a_caller_asking_for_money_is_not_that_scam(text: str) -> None:
    assert "family_emergency_call" not in scam_rules(text)


def test_the_family_emergency_call_is_warned_of_in_its_own_words(kb: KnowledgeBase) -> None:
    script = scam_script(kb, "fraud_victim", rules={"family_emergency_call"})
    assert FAMILY_EMERGENCY_WARNING in script.draft
    assert script.priority == "urgent"
    text = "'Nan, it's me', I've been arrested, I need £900 bail, the solicitor will ring back"
    assert not scam_received_only(text)


# --- a scam that already happened: support first ----------------------------------------------------------


def test_a_scam_that_already_happened_opens_with_support(kb: KnowledgeBase) -> None:
    text = (
        "bit embarrassing but i got scammed last month, paid 400 quid from my other bank for a ps5 that "
        "never existed. i feel so stupid"
    )
    script = scam_script(kb, "fraud_victim", rules=scam_rules(text))
    assert script.draft.startswith(SCAMMED_OPENING)
    assert "not your fault" in script.draft


def test_a_scam_under_way_keeps_the_plain_warning_first(kb: KnowledgeBase) -> None:
    text = "someone from the bank's fraud team rang and told me to move my savings to a safe account"
    script = scam_script(kb, "fraud_victim", rules=scam_rules(text))
    assert script.draft.startswith(SCAM_WARNING)
    assert SCAMMED_OPENING not in script.draft


# --- "is it still set up?" asked anywhere in the message ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i think i might have cancelled something by accident. is the £200 to trevor for december still set "
        "up? dont change anything",
        "My son was playing with my phone and I'm worried. Is the £850 to Greenway still set up?",
        "I might have cancelled the wrong thing earlier. Is the £50 to Oliver still going out?",
        "pressed something in the app, is my sky still active",
    ],
)
def test_still_on_asked_in_a_later_sentence_is_a_status_question(text: str) -> None:
    assert asks_still_on(text)


@pytest.mark.parametrize(
    "text",
    ["cancel the £200 to trevor please", "I want to stop the pocket money to Oliver. It's not needed now"],
)
def test_a_cancellation_is_not_a_status_question(text: str) -> None:
    assert not asks_still_on(text)


# --- the employer's payment, and the day a payment always goes -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "payslip says joyce-gibson paid me thursday. has it actually landed?",
        "My employer says they paid us on Wednesday. Can you see it?",
        "payroll reckon they paid me tuesday. has it shown up or not",
    ],
)
def test_the_employers_payment_is_the_salary(text: str) -> None:
    assert recurring_intent(text) == "income"


@pytest.mark.parametrize(
    "text",
    ["did my mate from work pay me back", "my mate paid me back, has it landed", "how much have i paid bt"],
)
def test_money_from_someone_else_is_not_the_salary(text: str) -> None:
    assert recurring_intent(text) != "income"


# --- a yes that spares another card ---------------------------------------------------------------------

_DEBIT = {"names": ["debit card", "Visa", "2838", "debit"], "tool": "freeze_card"}


@pytest.mark.parametrize(
    "text",
    [
        "ye lock it, he'll learn. leave the credit card",
        "yeah go on. not the credit card though",
        "yes block it, not the credit card",
        "ok freeze it, but not my savings account",
    ],
)
def test_a_yes_that_spares_another_card_is_a_yes(text: str) -> None:
    assert read_decision(text, **_DEBIT) is Decision.YES  # type: ignore[arg-type]
    assert requests_after_answer(text) == []


def test_sparing_the_card_offered_is_not_a_yes() -> None:
    assert read_decision("yes but leave the debit card", **_DEBIT) is not Decision.YES  # type: ignore[arg-type]
    assert read_decision("leave the credit card", **_DEBIT) is not Decision.YES  # type: ignore[arg-type]


def test_the_spared_thing_is_read() -> None:
    assert spared_thing("leave the credit card alone") == "credit card"
    assert spared_thing("not my pound card") == "pound card"
    assert spared_thing("leave it") is None
    assert spared_thing("what is the balance on my credit card") is None


# --- support with the question answered ---------------------------------------------------------------


def test_an_amount_said_before_enough_to_cover_it_belongs_to_it() -> None:
    text = (
        "My wife died on Tuesday. The funeral director wants a deposit of £1,200 on Monday. Have I got "
        "enough in my account to cover it?"
    )
    [request] = concrete_requests(text)
    assert "£1,200" in request


def test_declined_and_sent_home_without_medicine_is_a_mistaken_block_fear() -> None:
    text = (
        "I am 79 and I am in a terrible state. The chemist said my card was declined and I had to come home "
        "without my prescription. Have you blocked my card?"
    )
    assert vulnerability_kind(text) == "mistaken_block"
    # a decline with a question and no one left without anything stays a status question
    assert vulnerability_kind("card got declined at a restaurant in lisbon, have you blocked it??") is None


@pytest.mark.parametrize(
    "text",
    [
        "Is there enough money in my account? I thought perhaps I had run out.",
        "have i got enough in my current account or have i run out",
    ],
)
def test_enough_for_nothing_named_is_the_balance(text: str) -> None:
    assert spending_intent(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "have i got enough in my account to cover it?",
        "do i have enough money for a £300 tv?",
        "is there enough in my account for the rent",
    ],
)
def test_enough_for_something_is_affordability(text: str) -> None:
    assert spending_intent(text) == "affordability"


def test_suspended_is_a_card_state_asked_about() -> None:
    assert status_question("is my card actually suspended?") == "card_status"


# --- after a scam warning, a payment of the customer's own is a new request ---------------------------


@pytest.mark.parametrize(
    "text",
    ["ok so did my last amazon order actually go through then", "ok and did my argos order go through"],
)
def test_a_payment_asked_about_after_a_warning_is_a_new_request(text: str) -> None:
    state = cast(AgentState, {"scam_warned": True})
    assert not continues_scam(state, text, "", {})


def test_the_story_going_on_after_a_warning_is_still_the_scam() -> None:
    state = cast(AgentState, {"scam_warned": True})
    assert continues_scam(state, "but he sounded just like my grandson, only with a cold", "", {})
