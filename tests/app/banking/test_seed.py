from __future__ import annotations

import os
import re
import shutil
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import db
from app.banking.seed import (
    INJECTION_DESCRIPTION,
    SeedError,
    SeedReport,
    list_customers,
    list_staff,
    seed_demo_bank,
)
from app.models import Account, AuditEvent, Card, Customer, Dispute, Payment, StaffUser, Transaction
from tests.conftest import PG_ENV, pg_execute, pg_url_for

NOW = datetime(2026, 11, 1, tzinfo=UTC)
TABLES: tuple[Any, ...] = (Customer, Account, Card, Transaction, Payment, Dispute, StaffUser)
INJECTION = re.compile(r"ignore (all |your )?previous instructions|ai assistant", re.IGNORECASE)


@pytest.fixture
async def other_engine(backend: str, template_database: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A second fresh, migrated database on the same backend, to compare two seeds."""
    if backend == "sqlite":
        path = tmp_path / "other.db"
        shutil.copyfile(template_database, path)
        engine = db.create_engine(f"sqlite+aiosqlite:///{path}")
        yield engine
        await engine.dispose()
        return
    base = os.environ[PG_ENV]
    name = f"bankdesk_t_{uuid.uuid4().hex[:12]}"
    pg_execute(base, f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    engine = db.create_engine(pg_url_for(base, name))
    try:
        yield engine
    finally:
        await engine.dispose()
        pg_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every demo table, ids included, in a stable order."""
    dump = {}
    async with engine.connect() as conn:
        for model in TABLES:
            table: Table = model.__table__
            rows = await conn.execute(select(table).order_by(table.c.id))
            dump[table.name] = [tuple(row) for row in rows]
    return dump


async def _all(session: AsyncSession, model: Any) -> list[Any]:
    return list((await session.scalars(select(model))).all())


# --- determinism ---------------------------------------------------------------------------------


async def test_same_seed_and_now_give_identical_rows_in_two_databases(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    first = await seed_demo_bank(engine, customers=12, seed=7, now=NOW)
    second = await seed_demo_bank(other_engine, customers=12, seed=7, now=NOW)

    one, two = await _dump(engine), await _dump(other_engine)
    assert one == two
    assert len(one["customer"]) == 12
    assert len(one["transaction"]) > 12 * 10
    assert first.counts() == second.counts()


async def test_a_different_seed_gives_a_different_bank(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    await seed_demo_bank(engine, customers=8, seed=7, now=NOW)
    await seed_demo_bank(other_engine, customers=8, seed=8, now=NOW)

    one, two = await _dump(engine), await _dump(other_engine)
    ids_one = {row[0] for table in one.values() for row in table}
    ids_two = {row[0] for table in two.values() for row in table}
    assert ids_one.isdisjoint(ids_two)
    assert [row[1:] for row in one["customer"]] != [row[1:] for row in two["customer"]]


async def test_customer_one_is_the_same_person_whatever_the_size_of_the_bank(
    engine: AsyncEngine, other_engine: AsyncEngine
) -> None:
    await seed_demo_bank(engine, customers=3, now=NOW)
    await seed_demo_bank(other_engine, customers=15, now=NOW)

    small, large = await _dump(engine), await _dump(other_engine)
    assert set(small["customer"]) <= set(large["customer"])
    assert set(small["transaction"]) <= set(large["transaction"])


# --- content -------------------------------------------------------------------------------------


@pytest.fixture
async def bank(engine: AsyncEngine) -> SeedReport:
    return await seed_demo_bank(engine, customers=20, seed=7, now=NOW)


async def test_report_counts_match_the_rows_written(bank: SeedReport, session: AsyncSession) -> None:
    for model in TABLES:
        table: Table = model.__table__
        count = (await session.execute(select(func.count()).select_from(table))).scalar_one()
        assert count == bank.counts()[table.name], table.name
    assert bank.customers == 20
    assert bank.seconds > 0


async def test_every_customer_has_one_to_three_accounts_with_a_gbp_current_account(
    bank: SeedReport, session: AsyncSession
) -> None:
    accounts = await _all(session, Account)
    by_customer: defaultdict[uuid.UUID, list[Account]] = defaultdict(list)
    for account in accounts:
        by_customer[account.customer_id].append(account)

    assert len(by_customer) == 20
    for owned in by_customer.values():
        assert 1 <= len(owned) <= 3
        assert sum(1 for a in owned if a.kind == "current" and a.currency == "GBP") == 1
    assert all(re.fullmatch(r"\d{8}", a.number) for a in accounts)
    assert len({a.number for a in accounts}) == len(accounts)
    assert all(re.fullmatch(r"\d{6}", a.sort_code) for a in accounts)
    assert {a.kind for a in accounts} == {"current", "savings", "credit"}
    assert "41234567" not in {a.number for a in accounts}  # the injected "attacker" account is not ours


async def test_money_columns_hold_integers(bank: SeedReport, session: AsyncSession) -> None:
    values: list[object] = [a.balance_minor for a in await _all(session, Account)]
    for txn in await _all(session, Transaction):
        values.append(txn.amount_minor)
        if txn.original_amount_minor is not None:
            values.append(txn.original_amount_minor)
    values += [p.amount_minor for p in await _all(session, Payment)]

    assert values
    assert all(type(value) is int for value in values)


async def test_cards_keep_only_a_brand_and_four_digits(bank: SeedReport, session: AsyncSession) -> None:
    cards = await _all(session, Card)
    kinds = {a.id: a.kind for a in await _all(session, Account)}

    assert cards
    for card in cards:
        assert re.fullmatch(r"\d{4}", card.last4)
        assert card.brand in {"Visa", "Mastercard"}
        assert kinds[card.account_id] in {"current", "credit"}
        strings = [v for v in vars(card).values() if isinstance(v, str)]
        assert not any(re.search(r"\d{12,}", s) for s in strings)
    assert Counter(c.status for c in cards).most_common(1)[0][0] == "active"
    originals = Counter(c.account_id for c in cards if c.replaces_card_id is None)
    assert set(originals.values()) <= {1, 2}


async def test_a_replacement_card_is_dispatched_but_not_delivered(
    bank: SeedReport, session: AsyncSession
) -> None:
    cards = {c.id: c for c in await _all(session, Card)}
    in_transit = [c for c in cards.values() if c.replaces_card_id and c.delivered_at is None]

    assert in_transit
    card = in_transit[0]
    assert card.replacement_ordered_at is not None
    assert card.dispatched_at is not None
    assert card.replacement_ordered_at <= card.dispatched_at <= NOW
    assert cards[card.replaces_card_id].status in {"lost", "stolen"}


async def test_transactions_cover_ninety_days_with_pending_foreign_and_reversed(
    bank: SeedReport, session: AsyncSession
) -> None:
    txns = await _all(session, Transaction)
    currencies = {a.id: a.currency for a in await _all(session, Account)}

    assert all(NOW - timedelta(days=90) <= t.booked_at <= NOW for t in txns)
    assert min(t.booked_at for t in txns) < NOW - timedelta(days=80)
    assert all(t.currency == currencies[t.account_id] for t in txns)
    pending = [t for t in txns if t.status == "pending"]
    assert pending
    assert all(t.booked_at >= NOW - timedelta(days=2) for t in pending)
    assert any(t.status == "reversed" for t in txns)
    foreign = [t for t in txns if t.original_currency is not None]
    assert foreign
    for t in foreign:
        assert t.original_currency != t.currency
        assert t.original_amount_minor is not None
        assert (t.original_amount_minor < 0) == (t.amount_minor < 0)
    categories = {t.category for t in txns}
    assert {"groceries", "transport", "eating_out", "bills", "shopping", "salary", "transfers"} <= categories


async def test_exactly_one_description_carries_an_instruction_for_customer_one(
    bank: SeedReport, session: AsyncSession
) -> None:
    first = (await list_customers(session, limit=1))[0]
    owners = {a.id: a.customer_id for a in await _all(session, Account)}
    carriers = [t for t in await _all(session, Transaction) if INJECTION.search(t.description + t.merchant)]

    assert len(carriers) == 1
    assert carriers[0].description == INJECTION_DESCRIPTION
    assert str(owners[carriers[0].account_id]) == first["id"]


async def test_a_burst_of_fraudulent_looking_payments_exists(bank: SeedReport, session: AsyncSession) -> None:
    by_account_merchant: defaultdict[tuple[uuid.UUID, str], list[Transaction]] = defaultdict(list)
    for t in await _all(session, Transaction):
        if t.original_currency and t.booked_at.hour < 5:
            by_account_merchant[(t.account_id, t.merchant)].append(t)

    bursts = [
        ts
        for ts in by_account_merchant.values()
        if len(ts) >= 3
        and max(t.booked_at for t in ts) - min(t.booked_at for t in ts) <= timedelta(minutes=30)
        and all(t.original_amount_minor is not None and t.original_amount_minor % 50_00 == 0 for t in ts)
    ]
    assert bursts


async def test_payments_and_disputes(bank: SeedReport, session: AsyncSession) -> None:
    payments = await _all(session, Payment)
    statuses = Counter(p.status for p in payments)
    assert {"pending", "processing", "completed", "failed"} <= set(statuses)
    for p in payments:
        assert p.amount_minor > 0
        assert re.fullmatch(r"\d{4}", p.payee_account_last4)
        if p.status == "pending":
            assert p.expected_at is not None
            assert p.expected_at > NOW
        if p.status == "failed":
            assert p.expected_at is None

    disputes = await _all(session, Dispute)
    owners = {a.id: a.customer_id for a in await _all(session, Account)}
    txn_owner = {t.id: owners[t.account_id] for t in await _all(session, Transaction)}
    assert any(d.status == "open" for d in disputes)
    assert all(txn_owner[d.transaction_id] == d.customer_id for d in disputes)


async def test_staff_of_every_role(bank: SeedReport, session: AsyncSession) -> None:
    staff = await list_staff(session)
    roles = Counter(s["role"] for s in staff)

    assert roles["agent"] >= 2
    assert roles["supervisor"] >= 1
    assert roles["auditor"] >= 2
    assert {"agent1@northbank.example", "supervisor1@northbank.example", "auditor1@northbank.example"} <= {
        s["email"] for s in staff
    }
    assert [s["email"] for s in staff] == sorted(s["email"] for s in staff)
    assert all(set(s) == {"id", "full_name", "email", "role"} for s in staff)


async def test_list_customers_starts_with_customer_one(bank: SeedReport, session: AsyncSession) -> None:
    listed = await list_customers(session, limit=5)
    accounts = Counter(str(a.customer_id) for a in await _all(session, Account))
    customers = {str(c.id): c for c in await _all(session, Customer)}

    assert len(listed) == 5
    assert all(set(c) == {"id", "full_name", "email", "accounts"} for c in listed)
    assert all(c["accounts"] == accounts[c["id"]] for c in listed)
    created = [customers[c["id"]].created_at for c in listed]
    assert created == sorted(created)
    assert min(c.created_at for c in customers.values()) == created[0]
    assert listed[0]["accounts"] == 3
    assert len(await list_customers(session, limit=100)) == 20


# --- refusing, replacing, reporting ---------------------------------------------------------------


async def test_refuses_to_seed_a_bank_twice(engine: AsyncEngine, session: AsyncSession) -> None:
    await seed_demo_bank(engine, customers=5, now=NOW)
    before = await _dump(engine)

    with pytest.raises(SeedError, match="already holds customers"):
        await seed_demo_bank(engine, customers=5, now=NOW)
    assert await _dump(engine) == before


async def test_replace_reseeds_and_leaves_the_audit_log_alone(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            insert(AuditEvent).values(
                kind="test",
                actor="system",
                payload="{}",
                created_at=NOW,
                prev_hash="0" * 64,
                hash="a" * 64,
                chain_id="system",
                chain_seq=1,
            )
        )
    await seed_demo_bank(engine, customers=6, seed=1, now=NOW)

    report = await seed_demo_bank(engine, customers=4, seed=2, now=NOW, replace=True)

    assert report.customers == 4
    assert (await session.execute(select(func.count()).select_from(Customer))).scalar_one() == 4
    assert (await session.execute(select(func.count()).select_from(AuditEvent))).scalar_one() == 1


async def test_progress_is_reported_per_tenth_of_the_customers(engine: AsyncEngine) -> None:
    messages: list[str] = []

    await seed_demo_bank(engine, customers=20, now=NOW, progress=messages.append)

    customer_lines = [m for m in messages if m.startswith("customers:")]
    assert len(customer_lines) == 10
    assert customer_lines[-1].startswith("customers: 20/20 (100%)")


async def test_rejects_a_naive_now_and_an_empty_bank(engine: AsyncEngine) -> None:
    with pytest.raises(SeedError, match="timezone-aware"):
        await seed_demo_bank(engine, customers=2, now=datetime(2026, 11, 1))  # noqa: DTZ001
    with pytest.raises(SeedError, match="at least one customer"):
        await seed_demo_bank(engine, customers=0, now=NOW)


def test_copy_encoding_escapes_text_and_marks_nulls() -> None:
    from app.banking.seed import _encode_copy

    ident = uuid.UUID(int=1, version=4)
    row = (ident, None, -1250, "tab\there\\back\nline\rend", datetime(2026, 11, 1, 9, 30, tzinfo=UTC))

    encoded = _encode_copy([row, row]).decode()

    expected = f"{ident.hex}\t\\N\t-1250\ttab\\there\\\\back\\nline\\rend\t2026-11-01T09:30:00+00:00\n"
    assert encoded == expected * 2
