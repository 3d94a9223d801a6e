"""Cues of set 26, group C: a card feature switched off, the bank's limits, a how-to of one's own beside
someone else's story, choosing between finance products, a terse balance, a shop named with what was bought
there, and a due date asked without naming the payment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.compliance.advice import advice_requested
from agents.dialogue.recurring_cues import due_date_referred_to
from agents.dialogue.support_cues import asks_only_how_to, how_to_question, limit_question, own_how_to
from agents.nodes.route import _ACCOUNT_ON_RE, _ASKS_BALANCE
from agents.procedures.queries import category_after_name, parse_category
from agents.safety.flags import explain_flags
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.seeded import scenario_ports

NOW = datetime(2026, 11, 28, tzinfo=UTC)


# --- a card feature switched off or on: the help centre's how-to -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Can I turn the tapping thing off on my card?",
        "can i switch off contactless",
        "could you turn off tap to pay on my debit card",
        "can contactless be turned off?",
        "Can I have the contactless function disabled?",
        "can i block gambling payments on my card",
    ],
)
def test_switching_a_feature_is_a_how_to(text: str) -> None:
    assert how_to_question(text) is not None


@pytest.mark.parametrize(
    "text",
    ["can I turn my card off", "can you turn it off", "can I stop my card", "can you switch my card back on"],
)
def test_switching_the_card_itself_is_no_how_to(text: str) -> None:
    # a freeze, offered and confirmed elsewhere
    assert how_to_question(text) is None


def test_switch_that_off_takes_the_feature_from_the_sentence_before() -> None:
    text = "i never use the tap to pay bit and it makes me nervous. could i switch that off on my visa?"
    assert how_to_question(text) == text
    parts = ["i never use the tap to pay bit and it makes me nervous.", "could i switch that off on my visa?"]
    assert asks_only_how_to(parts)
    # with no feature named before, "switch it off" is the card: no how-to
    assert how_to_question("my card is in my other coat. could i switch it off?") is None


def test_one_time_is_no_reference_to_the_sentence_before() -> None:
    text = "my friend had her card cloned. do you do virtual cards or one-time ones i could use online?"
    assert how_to_question(text) == "do you do virtual cards or one-time ones i could use online?"


def test_a_disabled_setting_is_no_disability() -> None:
    assert "vulnerability" not in explain_flags("Can I have the contactless function disabled?")
    assert "vulnerability" not in explain_flags("can the gambling payments be disabled")
    assert "vulnerability" in explain_flags("I am disabled and can't get to a branch")
    assert "vulnerability" in explain_flags("ive been disabled since the accident")


# --- the bank's limits --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ok whats the contactless limit on my card then", "contactless"),
        ("is there a limit on how much i can send to a new payee", "transfer"),
        ("and is there a max on sending money to a new payee?", "transfer"),
        ("how much can i take out of a cash machine in a day", "cash withdrawal"),
        ("any limits on top ups?", "top-up"),
    ],
)
def test_a_limit_question_is_searched_as_its_kind(text: str, kind: str) -> None:
    assert limit_question(text) == f"{text} ({kind} limit)"


def test_a_limit_question_naming_no_kind_takes_the_one_before() -> None:
    asked = "And if I leave it on, what is the most somebody could take in one go?"
    before = "Can I turn the tapping thing off on my card?"
    assert limit_question(asked, before) == f"{asked} (contactless limit)"
    asked = "Well if I keep it, how much could a thief spend at once?"
    assert limit_question(asked, "stop tap payments?") == f"{asked} (contactless limit)"


@pytest.mark.parametrize(
    "text",
    [
        "what is the most i could spend this month and still pay rent",
        "whats the most expensive thing i bought",
        "whats my overdraft limit",
        "what is my balance",
        "how much did i spend at tesco",
        "how much can I spend before payday",
    ],
)
def test_no_limit_question(text: str) -> None:
    assert limit_question(text) is None


# --- a how-to of one's own, with someone else's story ------------------------------------------------------


def test_own_how_to_beside_someone_elses_story() -> None:
    assert (
        own_how_to(
            "my friend had her card cloned shopping online. do you do virtual cards or one-time ones i "
            "could use online instead of my normal card?"
        )
        == "do you do virtual cards or one-time ones i could use online instead of my normal card?"
    )
    assert own_how_to("my brother had his card cloned off some website. do you lot offer single use cards?")
    assert (
        own_how_to(
            "My neighbour had his card skimmed at a petrol station. How does one of your virtual cards work?"
        )
        == "How does one of your virtual cards work?"
    )


@pytest.mark.parametrize(
    "text",
    [
        "my dad lost his card. how do I order him a new one?",
        "my mum forgot her pin, how do I reset it for her",
        "my wife had her card blocked. can you unblock it?",
        "how do I get into my mum's online banking?",
    ],
)
def test_a_question_about_the_other_persons_account_is_not_ones_own(text: str) -> None:
    assert own_how_to(text) is None


# --- choosing between finance products is advice ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "getting a car in january. pcp or a personal loan, which one would u go for",
        "hire purchase or pcp for the new car, which would you pick?",
        "credit card or overdraft for the holiday, which one would you choose",
        "which of the two would you pick, a loan or 0% card",
        "thinking of a car on pcp or taking out a bank loan for it. which one do you go for?",
    ],
)
def test_which_would_you_go_for_is_advice(text: str) -> None:
    assert advice_requested(text)


@pytest.mark.parametrize(
    "text",
    ["which card do you have", "ok whats the contactless limit on my card then", "which one do you take"],
)
def test_no_advice(text: str) -> None:
    assert advice_requested(text) == []


# --- a balance asked in few words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sorry. English is small. The euro account, how much? Is minus?",
        "sorry, english little. euro account, how much? is negative?",
        "the credit card account how much? is minus?",
        "how much in my savings?",
        "how much money in the dollar account please",
    ],
)
def test_a_terse_balance(text: str) -> None:
    assert _ACCOUNT_ON_RE.search(text)
    assert _ASKS_BALANCE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "the euro account, how much did I spend in paris",
        "how much on the joint account went on food",
        "how much is the monthly fee on the plus account",
    ],
)
def test_no_terse_balance(text: str) -> None:
    assert not _ACCOUNT_ON_RE.search(text)


# --- a shop named with what was bought there ----------------------------------------------------------------


def test_a_category_word_after_a_shops_name_is_what_was_bought() -> None:
    text = "the SNCF train, november. how much in pounds please?"
    category, _ = parse_category(text)
    assert category == "transport"
    assert category_after_name(text, "sncf", "transport")
    assert not category_after_name(text, "trainline", "transport")
    text = "how much was the Carrefour food shopping in november?"
    category, _ = parse_category(text)
    assert category is not None
    assert category_after_name(text, "carrefour", category)
    # "on entertainment, netflix and gigs": the category, with the shop only listed after it
    assert not category_after_name("spent on entertainment, netflix and gigs", "netflix", "entertainment")


# --- a due date asked without naming the payment ------------------------------------------------------------


@pytest.fixture
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_a_due_date_takes_the_payment_named_before(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ports: list[SqlBankingPort] = await scenario_ports(engine, session_factory, NOW)
    maurice, kathleen = ports[3], ports[1]
    before = (
        "I wish to make a complaint. Your chat assistant told me last month that my mortgage goes on the "
        "28th. It went yesterday, the 27th."
    )
    found = await due_date_referred_to("So when exactly does December's go?", before, maurice)
    assert found is not None
    assert "Nationwide Building Society" in found
    octopus = "the Octopus Energy payment came out before my pension and left me short"
    found = await due_date_referred_to("And when will next month's come off?", octopus, kathleen)
    assert found is not None
    assert "Octopus Energy" in found
    # the message names its own payment, or none was named before, or the question is not a due date
    assert await due_date_referred_to("when does Virgin Media go out?", octopus, kathleen) is None
    assert await due_date_referred_to("So when exactly does December's go?", "I am cross", kathleen) is None
    assert await due_date_referred_to("how much was it?", octopus, kathleen) is None
