"""SqlBankingPort's reads run outside a transaction (``app.db.read_engine``): they must see what the views
saw before, never wait for a writer on SQLite, and leave the pooled connection as they found it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.ports import TransactionQuery
from app import db
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.models import Account, Card, Transaction

NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture
async def customer(engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    await seed_demo_bank(engine, customers=3, seed=7, now=NOW)
    async with session_factory() as s:
        return uuid.UUID((await list_customers(s, limit=1))[0]["id"])


async def test_reads_match_the_stored_rows(
    session_factory: async_sessionmaker[AsyncSession], customer: uuid.UUID
) -> None:
    port = SqlBankingPort(session_factory, customer_id=customer)
    accounts = await port.list_accounts()
    cards = await port.list_cards()
    found = await port.find_transactions(TransactionQuery(limit=50))
    async with session_factory() as s:
        stored = list(await s.scalars(select(Account).where(Account.customer_id == customer)))
        stored_cards = list(await s.scalars(select(Card).where(Card.customer_id == customer)))
        newest = await s.scalar(
            select(Transaction)
            .where(Transaction.account_id.in_([a.id for a in stored]))
            .order_by(Transaction.booked_at.desc(), Transaction.id)
            .limit(1)
        )
    assert {(a.id, a.balance_minor, a.kind) for a in accounts} == {
        (str(a.id), a.balance_minor, a.kind.value) for a in stored
    }
    assert {(c.last4, c.status) for c in cards} == {(c.last4, c.status.value) for c in stored_cards}
    assert newest is not None
    assert found[0].id == str(newest.id)
    assert found[0].booked_at == newest.booked_at.isoformat()
    assert found[0].status == newest.status.value


async def test_a_read_sees_a_change_committed_after_an_earlier_read(
    session_factory: async_sessionmaker[AsyncSession], customer: uuid.UUID
) -> None:
    port = SqlBankingPort(session_factory, customer_id=customer)
    before = (await port.list_accounts())[0]
    async with session_factory() as s:
        await s.execute(
            update(Account)
            .where(Account.id == uuid.UUID(before.id))
            .values(balance_minor=before.balance_minor + 1)
        )
        await s.commit()
    assert (await port.list_accounts())[0].balance_minor == before.balance_minor + 1


async def test_a_transaction_after_a_read_still_rolls_back(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], customer: uuid.UUID
) -> None:
    """The read's connection goes back to the pool out of autocommit: a later unit of work on it (used one
    at a time, the pool hands the same connection back) is a transaction again, and a rollback undoes it."""
    port = SqlBankingPort(session_factory, customer_id=customer)
    for _ in range(3):
        await port.list_cards()
    async with session_factory() as s:
        total = await s.scalar(select(func.sum(Account.balance_minor)))
        await s.execute(update(Account).values(balance_minor=Account.balance_minor + 100))
        await s.rollback()
    async with session_factory() as s:
        assert await s.scalar(select(func.sum(Account.balance_minor))) == total


async def test_a_read_does_not_wait_for_a_writer(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], customer: uuid.UUID
) -> None:
    """Every SQLite transaction takes the write lock up front (``BEGIN IMMEDIATE``); a single read need not
    queue behind one (before, it waited up to the 30 s busy timeout). Postgres readers never wait anyway."""
    port = SqlBankingPort(session_factory, customer_id=customer)
    async with engine.connect() as writer:  # BEGIN IMMEDIATE: holds the write lock until it ends
        await writer.execute(text("UPDATE account SET balance_minor = balance_minor"))
        accounts = await asyncio.wait_for(port.list_accounts(), timeout=5)
        await writer.rollback()
    assert accounts


async def test_a_turns_port_reads_each_thing_once_until_it_changes_something(
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
    customer: uuid.UUID,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``cache_reads`` (one port a turn): the same read asked twice in a turn is one statement; a state change
    through the port drops the cache, so the read after it sees the change."""
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    # On Postgres the port's reads go on the driver's own cursor, past SQLAlchemy's events: every statement
    # is counted there instead.
    driver_execute = psycopg.AsyncCursor.execute

    async def counted(cursor: psycopg.AsyncCursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        if str(query).lstrip().upper().startswith("SELECT"):
            sent.append(str(query))
        return await driver_execute(cursor, query, *args, **kwargs)

    sync_engine = engine.sync_engine
    if engine.dialect.name == "postgresql":
        monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted)
    else:
        event.listen(sync_engine, "before_cursor_execute", count)
    try:
        port = SqlBankingPort(session_factory, customer_id=customer, cache_reads=True)
        query = TransactionQuery(limit=5)
        first, again = await port.find_transactions(query), await port.find_transactions(query)
        assert first == again
        assert first is not again  # a list of its own: a caller may sort or cut it
        await port.list_cards()
        cards = await port.list_cards()
        reads = len(sent)
        assert reads == 2
        await port.find_transactions(TransactionQuery(limit=6))  # other arguments: another read
        assert len(sent) == reads + 1

        card = next(c for c in cards if c.status == "active")
        await port.freeze_card(card.id, idempotency_key=f"k-{uuid.uuid4()}")
        assert next(c for c in await port.list_cards() if c.id == card.id).status == "frozen"
    finally:
        if engine.dialect.name != "postgresql":
            event.remove(sync_engine, "before_cursor_execute", count)


def _folded(merchant: str) -> str:
    return merchant.lower().replace("'", "")


async def test_every_filter_of_a_transaction_search_finds_what_the_stored_rows_say(
    session_factory: async_sessionmaker[AsyncSession], customer: uuid.UUID
) -> None:
    """The searches are built once per combination of filters (issue 14): each combination still finds
    exactly the customer's rows it names, newest first, and every field of a view is the stored one."""
    port = SqlBankingPort(session_factory, customer_id=customer)
    async with session_factory() as s:
        accounts = list(await s.scalars(select(Account).where(Account.customer_id == customer)))
        stored = list(
            await s.scalars(
                select(Transaction)
                .where(Transaction.account_id.in_([a.id for a in accounts]))
                .order_by(Transaction.booked_at.desc(), Transaction.id)
            )
        )
    some = stored[len(stored) // 3]
    spent = [t for t in stored if t.amount_minor < 0]
    day = some.booked_at.date()
    cases: list[tuple[TransactionQuery, list[Transaction]]] = [
        (TransactionQuery(limit=50), stored[:50]),
        (TransactionQuery(limit=3), stored[:3]),
        (
            TransactionQuery(account_id=str(some.account_id), limit=50),
            [t for t in stored if t.account_id == some.account_id][:50],
        ),
        (
            TransactionQuery(since=day.isoformat(), until=day.isoformat(), limit=50),
            [t for t in stored if t.booked_at.date() == day],
        ),
        (
            TransactionQuery(merchant=some.merchant.upper().replace("'", ""), limit=50),
            [t for t in stored if _folded(some.merchant) in _folded(t.merchant)],
        ),
        (TransactionQuery(merchant="100%", limit=50), [t for t in stored if "100%" in t.merchant.lower()]),
        (
            TransactionQuery(
                min_amount_minor=1000, max_amount_minor=5000, category=spent[0].category, limit=50
            ),
            [t for t in stored if 1000 <= abs(t.amount_minor) <= 5000 and t.category == spent[0].category][
                :50
            ],
        ),
        (TransactionQuery(account_id="not-a-uuid", limit=50), []),
    ]
    for query, expected in cases:
        found = await port.find_transactions(query)
        assert [t.id for t in found] == [str(t.id) for t in expected], query
        for view, row in zip(found, expected, strict=True):
            assert (view.amount_minor, view.currency, view.merchant, view.description, view.category) == (
                row.amount_minor,
                row.currency,
                row.merchant,
                row.description,
                row.category,
            )
            assert (view.status, view.booked_at, view.by_card) == (
                row.status.value,
                row.booked_at.isoformat(),
                row.card_id is not None,
            )
    assert any(expected for _, expected in cases[3:7]), "the filters were tried on rows that exist"


@pytest.mark.postgres
async def test_times_read_on_a_connection_in_another_zone_are_still_utc(
    database_url: str, customer: uuid.UUID
) -> None:
    """On Postgres the reads come back from the driver in the session's time zone: a server or role set to
    New York time still gives the same UTC times the ORM gives."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the session's time zone is a Postgres setting")
    elsewhere = db.create_engine(
        database_url, connect_args={"options": f"{db.PG_SESSION_TIMEOUTS} -c TimeZone=America/New_York"}
    )
    try:
        port = SqlBankingPort(db.create_sessionmaker(elsewhere), customer_id=customer)
        found = await port.find_transactions(TransactionQuery(limit=5))
        cards = await port.list_cards()
    finally:
        await elsewhere.dispose()
    assert found
    assert all(t.booked_at.endswith("+00:00") for t in found)
    assert all(c.dispatched_at is None or c.dispatched_at.endswith("+00:00") for c in cards)
