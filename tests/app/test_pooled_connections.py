"""Pooled Postgres connections: a connection the server has ended is never handed to a request, and a live
one is handed out without a round trip (no ping on every checkout)."""

from __future__ import annotations

import os

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import db

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("pooled-connection checks are for Postgres (SQLite opens a file)")


def _server_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _terminate(database_url: str, pid: int) -> None:
    """End a backend from outside, as the server does to a pooled connection, and wait until it is gone."""
    with psycopg.connect(_server_url(database_url), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        admin.execute(
            "SELECT pg_sleep(0.05) FROM generate_series(1, 40) WHERE EXISTS "
            "(SELECT 1 FROM pg_stat_activity WHERE pid = %s)",
            (pid,),
        )


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@pytest.mark.usefixtures("postgres_only")
async def test_a_connection_the_server_ended_is_replaced_before_a_request_gets_it(database_url: str) -> None:
    engine = db.create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        ended = await _backend_pid(engine)  # now idle in the pool
        _terminate(database_url, ended)  # what a restart, an administrator or an idle timeout does
        # The next request works, on a new backend: the dead connection never reached it.
        async with engine.connect() as conn:
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            assert (await conn.execute(text("SELECT 41 + 1"))).scalar_one() == 42
        assert pid != ended
    finally:
        await engine.dispose()


@pytest.mark.usefixtures("postgres_only")
async def test_a_live_connection_is_handed_out_without_a_ping_unless_idle_past_the_limit(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await _backend_pid(engine)
        pinged: list[object] = []
        ping = engine.dialect.do_ping

        def counted_ping(dbapi_connection: object) -> bool:
            pinged.append(dbapi_connection)
            return ping(dbapi_connection)  # type: ignore[arg-type]

        monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
        for _ in range(3):
            assert await _backend_pid(engine) == first
        # The same live connection, handed out three times without a ping (SQLAlchemy's pre-ping goes
        # through do_ping too): it was idle for less than IDLE_PING_SECONDS.
        assert pinged == []
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        assert await _backend_pid(engine) == first
        assert len(pinged) == 1
    finally:
        await engine.dispose()


@pytest.mark.usefixtures("postgres_only")
async def test_a_connection_numbered_past_1024_is_checked_like_any_other(database_url: str) -> None:
    """A server holding a thousand open event streams gives its database sockets descriptors past 1,024,
    which ``select.select`` refuses; the check must still work there."""
    held = [open(os.devnull) for _ in range(1100)]  # noqa: SIM115 - held open on purpose, closed below
    engine = db.create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw.pgconn.socket > 1024
        ended = await _backend_pid(engine)
        _terminate(database_url, ended)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() != ended
    finally:
        await engine.dispose()
        for handle in held:
            handle.close()
