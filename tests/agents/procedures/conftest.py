from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.kb import KnowledgeBase
from agents.procedures.spec import ProcedureSpec, load_procedures
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import shipped_kb
from tests.agents.procedures.seeded import SCENARIO_DAY, Bank, scenario_ports, seed_bank


@pytest.fixture
async def bank(engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]) -> Bank:
    return await seed_bank(engine, session_factory)


@pytest.fixture(scope="session")
def procedures() -> dict[str, ProcedureSpec]:
    return load_procedures()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return shipped_kb()


@pytest.fixture
def on_the_scenario_day() -> Iterator[None]:
    """The bank's own clock on the day the scenario rows were seeded for (a scheduled payment of 4 Dec is
    still to come on 28 Nov, and already sent on any later real day). Opt in with
    ``pytestmark = pytest.mark.usefixtures("on_the_scenario_day")``."""
    with time_machine.travel(SCENARIO_DAY, tick=True):
        yield


@pytest.fixture
async def ports(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> list[SqlBankingPort]:
    """The scenarios' demo bank seeded at 00:00 UTC on the scenario day, one port per customer, in order."""
    return await scenario_ports(engine, session_factory, SCENARIO_DAY)
