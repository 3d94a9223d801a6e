"""fix29D: the mortgage (or card) payment asked about as it stands ("can you tell me what my mortgage payment
is", "whats my mortgage") is the one regular payment that repays it, not another payment of the customer's."""

from __future__ import annotations

import pytest

from agents.dialogue.recurring_cues import repayment_request
from app.banking.ports import SqlBankingPort


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
