from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.agents.procedures.seeded import Bank, seed_bank


@pytest.fixture
async def bank(engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]) -> Bank:
    return await seed_bank(engine, session_factory)
