"""Models and migrations agree, and the schema goes down to base and back up on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from app import db
from app.models import Base


def _run(url: str, fn: Any) -> Any:
    async def go() -> Any:
        engine = db.create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_models_match_migrations_and_round_trip(database_url: str) -> None:
    # database_url is already at head (cloned from the migrated template).
    assert _run(database_url, _diff) == []
    assert _run(database_url, _tables) == set(Base.metadata.tables)

    db.downgrade(database_url, "base")
    assert _run(database_url, _tables) == set()

    db.upgrade(database_url, "head")
    assert _run(database_url, _diff) == []
    assert _run(database_url, _tables) == set(Base.metadata.tables)
