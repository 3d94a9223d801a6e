"""fix29D: the mortgage (or card) payment asked about as it stands ("can you tell me what my mortgage payment
is", "whats my mortgage") is the one regular payment that repays it, not another payment of the
customer's; the biggest thing bought is a purchase, never a bill."""

from __future__ import annotations

import pytest

from agents.dialogue.recurring_cues import repayment_request
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY


@pytest.mark.parametrize(
    "text",
    [
        "can you tell me what my mortgage payment is",
        "tell me what my mortgage payment is please",
        "whats my mortgage",
        "what's the mortgage these days",
    ],
)
async def test_the_mortgage_asked_as_it_stands_is_its_direct_debit(
    ports: list[SqlBankingPort], text: str
) -> None:
    words = await repayment_request(text, ports[3])
    assert words is not None
    assert "nationwide" in words.lower()


async def test_the_mortgage_rate_or_a_card_payment_seen_is_not_the_repayment(
    ports: list[SqlBankingPort],
) -> None:
    assert await repayment_request("whats my mortgage rate", ports[3]) is None
    assert await repayment_request("what was my card payment at tesco", ports[0]) is None


@pytest.mark.usefixtures("on_the_scenario_day")
async def test_the_biggest_thing_bought_is_never_a_bill_or_cash(
    ports: list[SqlBankingPort], procedures: dict[str, ProcedureSpec]
) -> None:
    today = SCENARIO_DAY.date()
    found = answer(
        await turn(
            procedures["spending"], ports[1], "whats the biggest thing i bought in september", today=today
        )
    )
    assert "Sainsbury's" in found.draft
    assert "Nationwide" not in found.draft
    # the payment a follow-up points back at ("where was that") is kept, though the answer does not list it
    assert found.facts["lines"].startswith("- 22 Sep 2026: Sainsbury's")
