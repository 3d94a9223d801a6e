"""Set 29, group C: a shop named after a story's "paid for ... at", a voucher's amount that is not the
payment's, a fear of one's own slip on the account (a status question, not distress), and follow-ups on the
one regular payment just shown ("when did it last go across?", "what's going out after that one?")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.dialogue.recurring_cues import gone_out_requests, recurring_request
from agents.procedures.textparse import parse_amount, parse_merchant, without_offered_amounts
from agents.safety.flags import vulnerability_kind
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.seeded import scenario_ports

NOW = datetime(2026, 11, 28, tzinfo=UTC)
TODAY = date(2026, 11, 28)


# --- the shop after "paid for ... at" ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shop"),
    [
        ("I paid for a breakfast at the Spoons in town", "spoons"),
        ("paid for dinner at Wagamamas and it never came", "wagamamas"),
        ("I was at home and paid with my card at Argos", "argos"),
        ("paid in town at the Tesco", "tesco"),
    ],
)
def test_a_shop_inside_the_words_after_paid_is_found(text: str, shop: str) -> None:
    assert parse_merchant(text) == shop


def test_words_that_name_no_shop_still_name_none() -> None:
    assert parse_merchant("I paid for the taxi from the station") is None
    assert parse_merchant("paid for it in the end") is None


# --- a voucher's amount ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "their chat offered me a 5 quid voucher and closed",
        "they gave me a £10 gift card instead",
        "offered a twenty quid voucher as a goodwill gesture",
        "a £15 goodwill gesture, that's all",
    ],
)
def test_a_voucher_offered_is_no_amount_paid(text: str) -> None:
    assert parse_amount(text)[0] is None


def test_the_amount_paid_beside_a_voucher_is_kept() -> None:
    found, _ = parse_amount("they gave me a £10 gift card but I paid £45.99")
    assert found is not None
    assert (found.min_minor, found.max_minor) == (4599, 4599)
    assert without_offered_amounts("a £5 voucher").strip() == "a"


# --- fear of one's own slip --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "now I am frightened I have stopped the money that goes into my savings. Is it still set up?",
        "I'm really scared I've cancelled my Sky direct debit by tapping the wrong thing",
        "I'm so frightened I might have deleted the rent payment to Trevor",
        "i am terrified that i accidentally closed my saver",
    ],
)
def test_a_fear_of_ones_own_slip_is_no_distress(text: str) -> None:
    assert vulnerability_kind(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I'm so scared I don't know what to do",
        "I am terrified I will lose my house",
        "im really frightened, please help",
    ],
)
def test_fear_itself_is_still_distress(text: str) -> None:
    assert vulnerability_kind(text) == "distress"


# --- follow-ups on the one regular payment just shown -------------------------------------------------------


@pytest.fixture
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def _shown(text: str, line: str) -> dict[str, object]:
    return {"procedure": "recurring_payments", "text": text, "listed": [line]}


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_when_it_last_went_is_the_payment_just_shown(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ports: list[SqlBankingPort] = await scenario_ports(engine, session_factory, NOW)
    kathleen, damien = ports[1], ports[2]
    frame = _shown(
        "Is my standing order to my savings still set up?",
        "Your standing order: £375.00 monthly to Northbank Easy Saver (reference EASY SAVER), next on 6 Dec",
    )
    asked = await gone_out_requests("Thank you. When did it last go across?", TODAY, kathleen, frame)
    assert asked == [
        ("recent_transactions", "my last payment at Northbank Easy Saver from my account ending 8422")
    ]
    frame = _shown("how much is my tv licence direct debit?", "Your direct debit: TV Licence: £14.19 monthly")
    assert await gone_out_requests("and when did that last come out?", TODAY, damien, frame) == [
        ("spending", "my last payment at TV Licence")
    ]
    # without a payment shown, or naming another payee, nothing is carried over
    assert await gone_out_requests("When did it last go across?", TODAY, kathleen, {}) == []


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_what_goes_out_after_a_named_payment_is_any_payment(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    ports: list[SqlBankingPort] = await scenario_ports(engine, session_factory, NOW)
    maurice = ports[3]
    frame = _shown(
        "when does BT next come out?",
        "Your direct debit: BT: £43.65 monthly (the latest collection), next collection on 2 Dec 2026",
    )
    assert await recurring_request("and what's due after that?", frame, maurice) == (
        "recurring_payments",
        "what goes out next (the next one after 2 Dec 2026)",
    )
