"""fix27a patterns read through the real SqlBankingPort on the scenario day: a shop described by a category
word the bank files it under another, and what an amount leaves with regular payments taken off too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import scenario_ports

Procs = dict[str, ProcedureSpec]
NOW = datetime(2026, 11, 28, tzinfo=UTC)
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


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("there is a restaurant, Trattoria Da Mario. What did that come to?", "€25.10"),
        ("how much was the restaurant at Carrefour", "€41.29"),
        ("there's a train firm, SNCF, from October. How much did that come to?", "€188.41"),
    ],
)
async def test_a_shop_described_by_another_category_is_the_shop(
    ports: list[SqlBankingPort], procedures: Procs, text: str, amount: str
) -> None:
    found = answer(await turn(procedures["spending"], ports[3], text, today=TODAY))
    assert amount in found.draft
    assert "couldn't find" not in found.draft


async def test_a_shop_of_the_category_keeps_the_category(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    found = answer(
        await turn(procedures["spending"], ports[3], "how much on entertainment at netflix", today=TODAY)
    )
    assert "entertainment" in found.draft


async def test_regular_payments_taken_off_as_well(ports: list[SqlBankingPort], procedures: Procs) -> None:
    also = {"params": {"also": [["Sky", 4497, "GBP"], ["TV Licence", 1419, "GBP"]]}}
    found = answer(
        await turn(
            procedures["affordability"],
            ports[2],
            "buying my mates car off him for 2,800 cash. if i take that out what will i have left",
            also,
            today=TODAY,
        )
    )
    assert "£5,493.55" in found.draft
    assert "£2,859.16" in found.draft
