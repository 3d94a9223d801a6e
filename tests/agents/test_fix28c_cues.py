"""Set 27, group C: support beside the practical question (each payee of a bill question, what is left after a
payment just checked, what help there is, how to reach a person without phoning), scams before any money has
gone (a stranger's sale by bank transfer, a fee to release a prize) and their follow-ups, a follow-up on the
help centre's answer, and tax asked of whoever would pay it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.compliance.advice import advice_requested
from agents.dialogue.cues import urgent_intent
from agents.dialogue.recurring_cues import gone_out_request, gone_out_requests
from agents.dialogue.spending_cues import referred_amount
from agents.dialogue.support_cues import (
    asks_how_to_reach_a_person,
    asks_what_help_there_is,
    before_paying_rules,
    purchase_scam_before_paying,
    scam_rules,
)
from agents.kb import KnowledgeBase, load_kb
from agents.nodes.care import (
    ADVANCE_FEE_WARNING,
    OVERPAYMENT_WARNING,
    kind_warning,
    scam_before_paying_script,
    support_heading,
)
from agents.nodes.route import kb_follow_up
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.seeded import scenario_ports

NOW = datetime(2026, 11, 28, tzinfo=UTC)
KB_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


# --- "a steal" is a bargain ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "selling two tickets for 90 which is a steal, how do i pay him",
        "an absolute steal at that price, should I buy it",
        "what a steal! how do I send the money",
    ],
)
def test_a_steal_is_a_bargain_not_a_theft(text: str) -> None:
    assert urgent_intent(text) is None


def test_a_stolen_card_is_still_urgent() -> None:
    assert urgent_intent("someone stole my card on the bus") == "lost_or_stolen_card"
    assert urgent_intent("they tried to steal my purse and took my card") == "lost_or_stolen_card"


# --- scams before paying ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "lad on insta selling a ps5, says he cant do paypal and wants a bank transfer instead",
        "a woman is selling festival tickets, she can't use paypal so wants me to pay by bank transfer",
        "man selling a sofa refuses card payments and wants a bank transfer instead. how do i pay",
    ],
)
def test_a_sale_refusing_protected_payment_is_a_purchase_scam(text: str) -> None:
    assert "purchase_bank_transfer_only" in scam_rules(text)
    assert purchase_scam_before_paying(text)


def test_a_payment_method_not_used_is_no_authority_talking() -> None:
    text = "a girl is selling passes, she can't use paypal at the moment and wants me to pay by bank transfer"
    assert "authority_told_me_to_move" not in scam_rules(text)
    # the real thing still is
    assert "authority_told_me_to_move" in scam_rules("paypal told me to transfer my savings to a new account")


@pytest.mark.parametrize(
    "text",
    [
        "I have won a prize in a lottery. To release the prize I must pay a notary fee to an account abroad.",
        "a relative left me money in canada. to get the money released they want me to pay a solicitors fee",
        "I'm approved for a loan of 5,000. To receive the loan I have to transfer an insurance fee first.",
    ],
)
def test_a_fee_to_release_money_said_first_is_an_advance_fee(text: str) -> None:
    assert "advance_fee_compensation" in scam_rules(text)
    assert before_paying_rules(text) == {"advance_fee_compensation"}


def test_an_advance_fee_for_someone_else_is_not_a_warning_alone() -> None:
    # a person the customer trusts asks for the money (romance): a person now, not the before-paying script
    text = "his parcel is held at customs, they want 1500 to release it, he says he'll pay me back twice that"
    assert "advance_fee_compensation" in scam_rules(text)
    assert not purchase_scam_before_paying(text)


def test_pressure_after_a_before_paying_warning_is_still_before_paying() -> None:
    told = "bloke selling tickets says he cant do paypal and wants a bank transfer instead. how do i send it"
    assert before_paying_rules("he sent me a pic of his driving licence so thats legit right", told) == {
        "purchase_bank_transfer_only"
    }
    prize = "I have won a prize. To release the prize I must pay a notary fee to their account."
    assert before_paying_rules("They say if I do not pay by Monday the prize goes back.", prize) is not None
    # money already gone is no longer before paying
    assert before_paying_rules("I've already paid him the 180 now", told) is None
    # nothing warned about before: nothing to go on with
    assert before_paying_rules("he sent me a pic of his driving licence so thats legit right") is None


def test_the_advance_fee_warning_is_plain_and_offers_a_person() -> None:
    script = scam_before_paying_script(load_kb(KB_DIR), rules={"advance_fee_compensation"})
    assert script.draft.startswith(ADVANCE_FEE_WARNING)
    assert script.offer
    assert "freeze it for you" not in script.draft


# --- tax asked of whoever would pay it ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Will she have to pay tax on it, or will I?",
        "does my son need to pay tax on the money I give him",
        "who pays the tax if i give my brother 3k",
        "is it better to give it all now to avoid inheritance tax",
    ],
)
def test_tax_asked_of_anyone_is_tax_advice(text: str) -> None:
    assert "tax_advice" in advice_requested(text)


@pytest.mark.parametrize(
    "text",
    ["can I pay my tax bill by card?", "what are the account number and sort code of my pound account"],
)
def test_ordinary_questions_are_no_tax_advice(text: str) -> None:
    assert advice_requested(text) == []


# --- what is left after the payment just checked ------------------------------------------------------------


def test_what_is_left_after_it_is_the_amount_just_checked() -> None:
    frame = {"procedure": "affordability", "text": "will there be enough for the mortgage (£1,041.75)"}
    assert referred_amount("And what will be left after it goes out?", frame) == "£1,041.75"
    # an amount of its own is its own; no amount checked before, nothing to refer to
    assert referred_amount("and what if it was £200?", frame) is None
    assert referred_amount("and after it goes?", {"procedure": "check_balance", "text": "balance"}) is None


# --- what help there is, and how a person is reached --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cheers. is there anything u can do to help people like me, reminders or whatever",
        "what support do you offer for someone in my situation?",
        "is there any extra help available?",
    ],
)
def test_asking_what_help_there_is(text: str) -> None:
    assert asks_what_help_there_is(text)


@pytest.mark.parametrize("text", ["can you help me with my balance", "help me freeze my card"])
def test_a_request_for_help_with_something_is_not_asking_what_help_there_is(text: str) -> None:
    assert not asks_what_help_there_is(text)


def test_support_heading_by_situation() -> None:
    assert support_heading("health") == "Illness and mental health"
    assert support_heading("accessibility") == "Accessibility"
    assert support_heading("unknown") is None


@pytest.mark.parametrize(
    "text",
    [
        "and if i need an actual person is there a way without calling?",
        "if something goes wrong is there any way to get hold of someone without phoning?",
        "How would I reach a member of staff if I needed one, without a phone call?",
    ],
)
def test_how_to_reach_a_person_is_a_question(text: str) -> None:
    assert asks_how_to_reach_a_person(text)


@pytest.mark.parametrize(
    "text",
    [
        "can i talk to a person",
        "i want to speak to a person now",
        "how do i send money to someone abroad",
        "if i want someone else to manage my account",
    ],
)
def test_asking_for_a_person_or_about_someone_else_is_not(text: str) -> None:
    assert not asks_how_to_reach_a_person(text)


# --- a follow-up on the help centre's answer ----------------------------------------------------------------


def _kb_state(said: list[str], slug: str | None, previous: str) -> Any:
    history = [{"role": "customer", "content": s} for s in said]
    return {"history": history, "kb_topic": {"slug": slug, "said": previous} if slug else None}


def test_a_follow_up_is_answered_from_the_article_just_quoted() -> None:
    kb: KnowledgeBase = load_kb(KB_DIR)
    runtime = cast(Any, SimpleNamespace(context=SimpleNamespace(kb=kb)))
    first = "What details do I need to send money to a bank in Spain?"
    said = [first, "And how long does it take to arrive?"]
    state = _kb_state(said, "international-payments", first)
    assert kb_follow_up(said[-1], state, runtime) == "international-payments"
    # an article quoted for an older message, a long new question, or no article: none
    assert kb_follow_up(said[-1], _kb_state(said, "international-payments", "older"), runtime) is None
    long = "and how long does it take for a new card to arrive in the post when I order one today?"
    assert kb_follow_up(long, _kb_state([first, long], "international-payments", first), runtime) is None
    assert kb_follow_up(said[-1], _kb_state(said, None, first), runtime) is None


# --- each payee of a bill question --------------------------------------------------------------------------


@pytest.fixture
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_each_payee_asked_together_is_answered(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ports: list[SqlBankingPort] = await scenario_ports(engine, session_factory, NOW)
    damien, kathleen = ports[2], ports[1]
    today = date(2026, 11, 28)
    asked = await gone_out_requests("did my sky and tv licence come out this month", today, damien)
    assert [a for _, a in asked] == ["my payments at Sky this month", "my payments at TV Licence this month"]
    # in the order named
    asked = await gone_out_requests("has octopus or virgin media gone out yet", today, kathleen)
    assert [a.split(" at ")[1] for _, a in asked] == ["Octopus Energy this month", "Virgin Media this month"]
    # one payee: the single request as before
    assert await gone_out_request("did my sky come out this month", today, damien) == (
        "spending",
        "my payments at Sky this month",
    )
    assert await gone_out_request("did my sky and tv licence come out this month", today, damien) is None


def test_the_narrowest_shape_of_a_scam_is_warned_of() -> None:
    # a payment "held" until the customer pays is warned of in its own words, not the broad fee warning
    assert kind_warning({"payment_held_until_you_pay", "advance_fee_compensation"}) == OVERPAYMENT_WARNING
    assert kind_warning({"advance_fee_compensation"}) == ADVANCE_FEE_WARNING
    assert kind_warning({"safe_account"}) is None
