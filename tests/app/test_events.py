"""The event bus wakes readers only for committed changes, and on Postgres across processes (here: two
engines with their own LISTEN connections) and across a lost LISTEN connection."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app import db
from app.events.bus import CHANNEL, HANDOFFS_TOPIC, PostgresBus, conversation_topic, event_bus
from tests.conftest import PG_ENV, pg_admin_dsn, pg_execute, pg_url_for


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh, empty Postgres database (the bus needs no tables); only when Postgres is configured."""
    base = os.environ.get(PG_ENV, "")
    if not base.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is a Postgres feature (set BANKDESK_TEST_DATABASE_URL)")
    name = f"bankdesk_bus_{uuid.uuid4().hex[:10]}"
    pg_execute(base, f'CREATE DATABASE "{name}"')
    try:
        yield pg_url_for(base, name)
    finally:
        pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_reader_is_woken_after_commit_and_never_for_a_rollback(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    topic = conversation_topic(uuid.uuid4())
    async with event_bus(engine.url) as bus, bus.subscribe(topic) as sub:
        async with session_factory() as session, session.begin():
            await bus.notify(session, topic)
            assert await sub.wait(0.3) is False  # not before the commit
        assert await sub.wait(5) is True
        async with session_factory() as session:
            await session.begin()
            await bus.notify(session, topic)
            await session.rollback()
        assert await sub.wait(0.5) is False


async def test_only_the_named_topic_is_woken(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    mine, other = conversation_topic(uuid.uuid4()), conversation_topic(uuid.uuid4())
    async with (
        event_bus(engine.url) as bus,
        bus.subscribe(mine) as sub,
        bus.subscribe(HANDOFFS_TOPIC) as queue,
    ):
        async with session_factory() as session, session.begin():
            await bus.notify(session, other)
        assert await sub.wait(0.5) is False
        assert await queue.wait(0.01) is False
        async with session_factory() as session, session.begin():
            await bus.notify(session, HANDOFFS_TOPIC)
        assert await queue.wait(5) is True
        assert await sub.wait(0.01) is False


@pytest.mark.postgres
async def test_a_write_in_one_process_wakes_a_reader_in_another(pg_database_url: str) -> None:
    database_url = pg_database_url
    writer_engine, reader_engine = db.create_engine(database_url), db.create_engine(database_url)
    topic = conversation_topic(uuid.uuid4())
    try:
        async with event_bus(writer_engine.url) as writer_bus, event_bus(reader_engine.url) as reader_bus:
            async with reader_bus.subscribe(topic) as sub:
                factory = db.create_sessionmaker(writer_engine)
                async with factory() as session, session.begin():
                    await writer_bus.notify(session, topic)
                assert await sub.wait(5) is True
    finally:
        await writer_engine.dispose()
        await reader_engine.dispose()


@pytest.mark.postgres
async def test_a_lost_listen_connection_reconnects_and_wakes_readers(pg_database_url: str) -> None:
    """Whatever was sent while the listener was away is unknown, so readers are woken to re-read."""
    database_url = pg_database_url
    url = make_url(database_url)
    bus = PostgresBus(url, retry_seconds=0.1)
    await bus.start()
    topic = conversation_topic(uuid.uuid4())
    try:
        async with bus.subscribe(topic) as sub:
            assert bus.listening.is_set()
            with psycopg.connect(pg_admin_dsn(database_url), autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE query ILIKE %s AND datname = %s",
                    (f"LISTEN {CHANNEL}%", url.database),
                )
            assert await sub.wait(10) is True  # woken by the reconnect
            for _ in range(100):
                if bus.listening.is_set():
                    break
                await asyncio.sleep(0.05)
            engine = db.create_engine(database_url)
            try:
                async with db.create_sessionmaker(engine)() as session, session.begin():
                    await bus.notify(session, topic)
                assert await sub.wait(5) is True
            finally:
                await engine.dispose()
    finally:
        await bus.stop()
