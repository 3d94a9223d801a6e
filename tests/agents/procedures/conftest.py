from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.kb import KnowledgeBase
from agents.procedures.spec import ProcedureSpec, load_procedures
from tests.agents.procedures.helpers import shipped_kb
from tests.agents.procedures.seeded import Bank, seed_bank


@pytest.fixture
async def bank(engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]) -> Bank:
    return await seed_bank(engine, session_factory)


@pytest.fixture(scope="session")
def procedures() -> dict[str, ProcedureSpec]:
    return load_procedures()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return shipped_kb()
