"""Dispute stories in everyday words (fixer E): the money asked back however it is worded, a cash machine that
gave nothing and a charge after cancelling as let-downs, the story told with (or just before) the request
naming the payment, and a story's other amounts giving way to the shop's payment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.dialogue.cues import requested_dispute, status_question, tells_of_let_down
from agents.dialogue.recurring_cues import cancel_by_payee
from agents.dialogue.support_cues import complains_of_merchant_only
from agents.procedures.slots import told_of_cash_machine
from agents.procedures.spec import ProcedureSpec
from agents.procedures.textparse import parse_dispute_reason
from tests.agents.procedures.helpers import answer, confirm, turn
from tests.agents.procedures.seeded import scenario_ports

Procs = dict[str, ProcedureSpec]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
TODAY = NOW.date()


# --- the request ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "please claim the money back for me",
        "it never came. can you get me that money back?",
        "bought a game at the end of august and it never unlocked. is there any way you can claw that back?",
        "the cash machine didn't give me the money at the start of the month. I'd like it back please",
        "I cancelled the gym in October but they still took money this month. I want what they took back.",
        "An uber charged me but the driver never came. Can you reverse that?",
        "the lamp never arrived and I paid £4.95 delivery on top. could you raise a claim?",
        "they cancelled the show and said the money would go back on my card. still waiting, can you help?",
    ],
)
def test_the_money_asked_back_is_a_dispute(text: str) -> None:
    assert requested_dispute(text)


@pytest.mark.parametrize(
    "text",
    [
        "how much was the just eat at the end of october?",
        "did the ticketmaster payment go through?",
        "what's a chargeback?",
        "I sent £50 to my son and it never arrived, can you help?",
        "I want my card back, the machine kept it",
    ],
)
def test_questions_and_other_stories_are_no_dispute(text: str) -> None:
    assert not requested_dispute(text)


def test_a_refund_promised_to_the_card_is_no_question_about_the_card() -> None:
    text = "Steam said the money would go back on my card. Still waiting, can you do something?"
    assert status_question(text) is None


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("the machine whirred and gave me nothing", True),
        ("they still took their money this month", True),
        ("they took another payment even though I'd cancelled", True),
        ("I ordered a parcel from amazon the other week", False),
    ],
)
def test_what_went_wrong_is_told(text: str, told: bool) -> None:
    assert tells_of_let_down(text) is told


async def test_a_charge_after_cancelling_is_no_cancellation(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    with time_machine.travel(NOW, tick=True):
        ports = await scenario_ports(engine, session_factory, NOW)
        jake = ports[0]
        text = "I cancelled sky in October but they still took money off me this month. I want it back."
        assert await cancel_by_payee(text, jake) is None
        assert await cancel_by_payee("cancel sky please", jake) == "cancel_direct_debit"


# --- the reason and the cash machine ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("the machine whirred and gave me nothing", "Cash not given by the cash machine"),
        ("the ATM took £100 but the notes never came out", "Cash not given by the cash machine"),
        (
            "I cancelled Sky in October and they still charged me",
            "Cancelled subscription still being charged",
        ),
        (
            "the show got cancelled and they said refunds would be automatic",
            "Refund promised by the merchant but never arrived",
        ),
    ],
)
def test_the_reason_follows_the_story(text: str, reason: str) -> None:
    assert parse_dispute_reason(text) == reason


@pytest.mark.parametrize(
    ("text", "told"),
    [
        ("tried to take twenty out and the machine gave me nothing", True),
        ("the hole in the wall on the high street", True),
        ("the card machine at the till", False),
        ("the washing machine broke", False),
    ],
)
def test_a_cash_machine_told_of(text: str, told: bool) -> None:
    assert told_of_cash_machine(text) is told


# --- the payment, from the story ---------------------------------------------------------------------------


@pytest.fixture
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_the_story_told_before_names_the_payment(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    kathleen = (await scenario_ports(engine, session_factory, NOW))[1]
    story = "An Uber I booked towards the end of September never turned up, but I was still charged."
    offered = confirm(
        await turn(
            procedures["dispute_transaction"],
            kathleen,
            "please claim the money back for me",
            {"params": {"story": story, "told": True}},
            today=TODAY,
        )
    )
    assert "£27.90" in offered.prompt
    assert "Uber" in offered.prompt


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_a_story_amount_gives_way_to_the_shops_payment(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    maurice = (await scenario_ports(engine, session_factory, NOW))[3]
    text = (
        "ordered a rug from john lewis in early october, sent it back and paid £6 to post it. no refund yet"
    )
    offered = confirm(
        await turn(procedures["dispute_transaction"], maurice, text, {"params": {"told": True}}, today=TODAY)
    )
    assert "£67.65" in offered.prompt
    # Without a story told, an amount said is the payment's: none of £6 at John Lewis.
    missed = answer(
        await turn(
            procedures["dispute_transaction"], maurice, "dispute the £6 john lewis payment", today=TODAY
        )
    )
    assert missed.outcome == "none"


# --- "the app" in the story of a shop's order -------------------------------------------------------------


def test_the_shops_app_is_no_complaint_about_us() -> None:
    story = "The takeaway never came. The app offered me a £5 voucher, which is a joke. I want my money back."
    assert complains_of_merchant_only(story)
    ours = "The takeaway never came and your app is a joke. I want my money back."
    assert not complains_of_merchant_only(ours)


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_the_story_names_the_shop_and_the_request_the_day(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    kathleen = (await scenario_ports(engine, session_factory, NOW))[1]
    offered = confirm(
        await turn(
            procedures["dispute_transaction"],
            kathleen,
            "they still took a payment in the middle of November. can you get it back?",
            {"params": {"story": "I left Virgin Media at the end of October.", "told": True}},
            today=TODAY,
        )
    )
    assert "£56.59" in offered.prompt
    assert "15 Nov" in offered.prompt
