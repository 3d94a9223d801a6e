"""Amounts said in another currency ("80 euro ish", "$200"), totals asked in one, and a shop named by its
place: through the real SqlBankingPort on the scenario day (seed.md's bank)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.ports import TransactionQuery
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, confirm, shown, turn
from tests.agents.procedures.seeded import scenario_ports

Procs = dict[str, ProcedureSpec]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
async def ports(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> list[SqlBankingPort]:
    return await scenario_ports(engine, session_factory, NOW)


async def test_an_amount_in_euros_finds_a_card_payment_made_in_euros(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    port = ports[0]
    (paid,) = [
        t
        for t in await port.find_transactions(TransactionQuery(merchant="SNCF", limit=10))
        if t.original_currency == "EUR"
    ]
    assert paid.currency == "GBP"
    offered = confirm(
        await turn(
            procedures["dispute_transaction"],
            port,
            "my train at sncf got cancelled this month, they said theyd refund it but nothing. "
            "was like 80 euro ish. can u get it back",
            today=TODAY,
        )
    )
    assert offered.action.args["transaction_id"] == paid.id
    # The same figure in pounds is not that payment (£72-£88 does not hold £71.58).
    missed = answer(
        await turn(
            procedures["dispute_transaction"],
            port,
            "dispute the sncf payment of about £80 this month",
            today=TODAY,
        )
    )
    assert missed.outcome == "none"


async def test_an_amount_in_euros_finds_a_payment_of_a_euro_account(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    port = ports[3]
    offered = confirm(
        await turn(
            procedures["dispute_transaction"],
            port,
            "the end of October I paid SNCF roughly €75 for a seat that didn't exist",
            today=TODAY,
        )
    )
    assert "€74.39" in offered.prompt
    assert "Goods or services not received" in offered.prompt


async def test_a_none_found_reply_says_the_currency_asked(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    missed = answer(
        await turn(
            procedures["dispute_transaction"], ports[0], "dispute the $300 payment at sncf", today=TODAY
        )
    )
    assert "$300.00" in shown(missed)


async def test_payments_of_an_amount_in_dollars_are_listed(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    listed = answer(
        await turn(procedures["recent_transactions"], ports[3], "show me the payments of $200", today=TODAY)
    )
    assert listed.draft.count("($-200.00)") + listed.draft.count("(-$200.00)") == 2
    assert "$250.00" not in listed.draft


async def test_a_total_asked_in_dollars_adds_up_what_was_paid_in_dollars(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    total = answer(
        await turn(
            procedures["spending"],
            ports[3],
            "how much in total did I spend at elite electronics, in dollars?",
            today=TODAY,
        )
    )
    assert total.draft.startswith("You spent $1,650.00 (£1,339.35 charged to your account)")


@pytest.mark.parametrize(
    ("index", "place", "merchant"),
    [(3, "Miami", "Elite Electronics Online"), (1, "Hong Kong", "Luxe Watches Direct")],
)
async def test_a_shop_named_by_its_place_is_the_merchant_whose_statement_line_names_it(
    ports: list[SqlBankingPort], procedures: Procs, index: int, place: str, merchant: str
) -> None:
    total = answer(
        await turn(
            procedures["spending"],
            ports[index],
            f"how much did I spend in total at the shop in {place}?",
            today=TODAY,
        )
    )
    assert f"at {merchant}" in total.draft


async def test_a_place_two_merchants_share_names_neither(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    # SNCF and Carrefour are both in Paris on the euro account: the place picks neither shop; what was spent
    # there is both, added up (agents.procedures.places).
    total = answer(
        await turn(procedures["spending"], ports[3], "how much did I spend in paris?", today=TODAY)
    )
    assert total.draft.startswith("You spent €229.70 in Paris")
    assert "SNCF" in total.draft
    assert "Carrefour" in total.draft
