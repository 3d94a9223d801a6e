"""A small seeded demo bank for procedure and tool tests, read through the real SqlBankingPort."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank

NOW = datetime(2025, 11, 20, tzinfo=UTC)  # a Thursday
TODAY: date = NOW.date()
CUSTOMERS = 4
# The scenarios' day: the runner seeds the 5-customer bank at 00:00 UTC on Saturday 28 Nov 2026.
SCENARIO_DAY = datetime(2026, 11, 28, tzinfo=UTC)


@dataclass(frozen=True)
class Bank:
    factory: async_sessionmaker[AsyncSession]
    customer_ids: list[uuid.UUID]

    def port(self, index: int) -> SqlBankingPort:
        """Customer ``index``: 0 has the injected description, 1 disputes, 2 a card in the post."""
        return SqlBankingPort(self.factory, customer_id=self.customer_ids[index])


async def seed_bank(engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]) -> Bank:
    await seed_demo_bank(engine, customers=CUSTOMERS, seed=7, now=NOW)
    async with factory() as session:
        rows = await list_customers(session, limit=CUSTOMERS)
    return Bank(factory, [uuid.UUID(row["id"]) for row in rows])


async def scenario_ports(
    engine: AsyncEngine, factory: async_sessionmaker[AsyncSession], now: datetime
) -> list[SqlBankingPort]:
    """The scenarios' demo bank (5 customers, seed 7) seeded at ``now``: one port per customer, in order."""
    await seed_demo_bank(engine, customers=5, seed=7, now=now)
    async with factory() as session:
        rows = await list_customers(session, limit=5)
    return [SqlBankingPort(factory, customer_id=uuid.UUID(row["id"])) for row in rows]
