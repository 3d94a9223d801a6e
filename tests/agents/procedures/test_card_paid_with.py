"""Which card a payment was on: the card that row was made on, even when it has since been stopped."""

from __future__ import annotations

import asyncio
from typing import Any

from agents.ports import AccountView, CardView, TransactionView
from agents.procedures.handlers import paid_with

ACCOUNT = AccountView(
    id="a1", kind="current", name="Current Account", currency="GBP", balance_minor=0, number_last4="4890"
)
OLD = CardView(id="c-old", account_id="a1", brand="Visa", last4="1111", status="lost", expiry="2027-01")
NEW = CardView(id="c-new", account_id="a1", brand="Visa", last4="2222", status="active", expiry="2029-01")


class _Run:
    async def accounts(self) -> list[AccountView]:
        return [ACCOUNT]

    async def cards(self) -> list[CardView]:
        return [NEW, OLD]


def _payment(card_id: str | None) -> TransactionView:
    return TransactionView(
        id="t1",
        account_id="a1",
        amount_minor=-1411,
        currency="GBP",
        merchant="Uber",
        description="UBER TRIP",
        category="transport",
        status="posted",
        booked_at="2026-11-19T09:00:00+00:00",
        by_card=card_id is not None,
        card_id=card_id,
    )


def _said(t: TransactionView) -> tuple[str, list[str]]:
    run: Any = _Run()
    return asyncio.run(paid_with(run, t))


def test_the_card_the_payment_was_made_on_even_if_lost_since() -> None:
    said, ids = _said(_payment("c-old"))
    assert "ending 1111" in said
    assert "since been reported lost" in said
    assert ids == ["c-old"]


def test_a_payment_on_the_live_card_names_it_without_a_note() -> None:
    said, ids = _said(_payment("c-new"))
    assert "ending 2222" in said
    assert "since" not in said
    assert ids == ["c-new"]


def test_not_a_card_payment() -> None:
    said, ids = _said(_payment(None))
    assert said.startswith("That was not a card payment")
    assert ids == []
