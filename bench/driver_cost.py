"""What a transaction of five statements costs through SQLAlchemy, through psycopg, and through psycopg's
pipeline mode, on Postgres (issue 14: is the store's and admission's cost the statements or the layer?).

Usage: .venv/bin/python -m bench.driver_cost [--repeats 300]

A fresh database is migrated, one customer row is added, and three ways of running the same transaction,
shaped like a turn's admission (lock the customer's row, read, two INSERTs, a NOTIFY), are timed in turn,
twice, in one process: CPU (``time.process_time``) and wall time per transaction.

- ``sqlalchemy``: an ``AsyncSession`` from the app's own session factory (``app.db``), Core statements,
  as the turn's admission and store run today (the pool's pre-ping included: a round trip at checkout);
- ``sqlalchemy, no pre-ping``: the same on an engine without ``pool_pre_ping``, to tell the layer's
  cost from the extra round trip's;
- ``sqlalchemy core``: the same statements on an ``AsyncConnection`` of the same engine (``engine.begin()``):
  no ORM session around them;
- ``psycopg``: the same statements as SQL text on one ``psycopg.AsyncConnection``, a round trip each;
- ``psycopg pipeline``: the same inside ``conn.pipeline()``: the statements are sent without waiting for
  each answer, one round trip for the lot (psycopg's pipeline mode, libpq's batch protocol).

Machines here are shared: compare the three rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import time
import uuid
from collections.abc import Awaitable, Callable

import psycopg
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bench import live


async def _measure(url: str, repeats: int) -> list[tuple[str, float, float]]:
    from app import db
    from app.models import Customer, TurnAdmission
    from app.models.base import utcnow

    await asyncio.to_thread(db.upgrade, url)
    engine = db.create_engine(url)
    factory = db.create_sessionmaker(engine)
    cid = uuid.uuid4()
    async with db.transaction(factory) as s:
        await s.execute(
            insert(Customer.__table__).values(
                id=cid, full_name="Bench", email=f"{cid}@example.com", phone="+44", created_at=utcnow()
            )
        )
    admissions = TurnAdmission.__table__
    lock = select(Customer.id).where(Customer.id == cid).with_for_update(key_share=True)

    def row() -> dict[str, object]:
        return {"id": uuid.uuid4(), "customer_id": cid, "kind": "message", "admitted_at": utcnow()}

    unpinged = db.create_sessionmaker(
        create_async_engine(url, connect_args={"options": db.PG_SESSION_TIMEOUTS})
    )

    async def with_sqlalchemy(factory: async_sessionmaker[AsyncSession] = factory) -> None:
        async with db.transaction(factory) as s:
            await s.execute(lock)
            await s.execute(select(TurnAdmission.id).where(TurnAdmission.customer_id == cid).limit(1))
            await s.execute(insert(admissions), [row()])
            await s.execute(insert(admissions), [row()])
            await s.execute(text("SELECT pg_notify('bench', 'x')"))

    async def with_core() -> None:
        async with engine.begin() as c:
            await c.execute(lock)
            await c.execute(select(TurnAdmission.id).where(TurnAdmission.customer_id == cid).limit(1))
            await c.execute(insert(admissions), [row()])
            await c.execute(insert(admissions), [row()])
            await c.execute(text("SELECT pg_notify('bench', 'x')"))

    conn = await psycopg.AsyncConnection.connect(live.libpq_url(url))
    add = "INSERT INTO turn_admission (id, customer_id, kind, admitted_at) VALUES (%s, %s, %s, %s)"

    async def statements() -> None:
        await conn.execute("SELECT id FROM customer WHERE id = %s FOR KEY SHARE", (cid,))
        await conn.execute("SELECT id FROM turn_admission WHERE customer_id = %s LIMIT 1", (cid,))
        for _ in range(2):
            r = row()
            await conn.execute(add, (r["id"], r["customer_id"], r["kind"], r["admitted_at"]))
        await conn.execute("SELECT pg_notify('bench', 'x')")

    async def with_psycopg() -> None:
        async with conn.transaction():
            await statements()

    async def with_pipeline() -> None:
        async with conn.transaction(), conn.pipeline():
            await statements()

    ways: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("sqlalchemy", with_sqlalchemy),
        ("sqlalchemy, no pre-ping", functools.partial(with_sqlalchemy, unpinged)),
        ("sqlalchemy core", with_core),
        ("psycopg", with_psycopg),
        ("psycopg pipeline", with_pipeline),
    ]
    results = []
    try:
        for name, run in ways * 2:
            for _ in range(max(10, repeats // 10)):
                await run()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(repeats):
                await run()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            results.append((name, 1000 * cpu / repeats, 1000 * wall / repeats))
            print(
                f"{name:<24} CPU {results[-1][1]:5.2f} ms  wall {results[-1][2]:5.2f} ms"
                " a transaction of 5 statements",
                flush=True,
            )
    finally:
        await conn.close()
        await engine.dispose()
        bind = unpinged.kw["bind"]
        assert isinstance(bind, AsyncEngine)
        await bind.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=300)
    args = p.parse_args(argv)
    live.sigterm_as_interrupt()
    with contextlib.ExitStack() as stack:
        work = live.scratch_dir(stack, "driver-cost-")
        url = live.scratch_database(stack, "postgres", "drivercost", work)
        asyncio.run(_measure(url, args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
