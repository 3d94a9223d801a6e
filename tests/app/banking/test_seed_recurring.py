"""The recurring payments of the demo bank: derived from the seeded bills and transfers, plus planted ones."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.banking.seed import SeedReport, list_customers, seed_demo_bank
from app.models import Account, DirectDebit, ScheduledPayment, StandingOrder, Transaction

SCENARIO_NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture
async def bank(engine: AsyncEngine) -> SeedReport:
    return await seed_demo_bank(engine, customers=5, seed=7, now=SCENARIO_NOW)


async def _customer(session: AsyncSession, number: int) -> uuid.UUID:
    return uuid.UUID((await list_customers(session, limit=5))[number - 1]["id"])


async def _rows(session: AsyncSession, model: Any, customer_id: uuid.UUID) -> dict[str, Any]:
    owned = select(Account.id).where(Account.customer_id == customer_id)
    rows = await session.scalars(select(model).where(model.account_id.in_(owned)))
    return {row.payee_name: row for row in rows}


async def test_report_counts_the_recurring_rows(bank: SeedReport, session: AsyncSession) -> None:
    for model, name in ((DirectDebit, "direct_debit"), (StandingOrder, "standing_order")):
        count = (await session.execute(select(func.count()).select_from(model))).scalar_one()
        assert count == bank.counts()[name] > 0
    scheduled = (await session.execute(select(func.count()).select_from(ScheduledPayment))).scalar_one()
    assert scheduled == bank.scheduled_payments == 2
    assert bank.rows == sum(bank.counts().values())


async def test_customer_one_as_the_conventions_describe(bank: SeedReport, session: AsyncSession) -> None:
    jake = await _customer(session, 1)
    debits = await _rows(session, DirectDebit, jake)
    assert {name: d.amount_minor for name, d in debits.items()} == {
        "British Gas": 12394,
        "Sky": 3827,
        "Northbank Credit Card": 26075,
    }
    assert debits["British Gas"].next_date == date(2026, 12, 13)  # a month after 13 Nov
    assert debits["Sky"].next_date == date(2026, 12, 5)
    # last collected 14 Oct: 14 Nov is already past on the seed day, so the next one is 14 Dec
    assert debits["Northbank Credit Card"].next_date == date(2026, 12, 14)
    orders = await _rows(session, StandingOrder, jake)
    assert {(n, o.amount_minor, o.reference, o.next_date) for n, o in orders.items()} == {
        ("Northbank Easy Saver", 35500, "EASY SAVER", date(2026, 12, 6)),
        ("Oliver Lewis", 5000, "POCKET MONEY", date(2026, 12, 1)),
    }
    scheduled = await _rows(session, ScheduledPayment, jake)
    rent = scheduled["Greenway Lettings"]
    assert (rent.amount_minor, rent.reference, rent.next_date) == (85000, "DEC RENT", date(2026, 12, 4))
    every = [*debits.values(), *orders.values(), *scheduled.values()]
    assert {r.status.value for r in every} == {"active"}
    assert {r.currency for r in every} == {"GBP"}
    assert all(r.created_at.tzinfo is not None and r.cancelled_at is None for r in every)


async def test_customers_two_and_five(bank: SeedReport, session: AsyncSession) -> None:
    kathleen = await _rows(session, DirectDebit, await _customer(session, 2))
    assert {name: d.amount_minor for name, d in kathleen.items()} == {
        "Octopus Energy": 11629,
        "Virgin Media": 5659,
        "Nationwide Building Society": 104175,
    }
    sarah = await _customer(session, 5)
    scheduled = await _rows(session, ScheduledPayment, sarah)
    assert [(p.amount_minor, p.reference, p.next_date) for p in scheduled.values()] == [
        (20000, "RENT", date(2026, 12, 8))
    ]


async def test_every_direct_debit_is_the_latest_bill_of_its_payee(
    bank: SeedReport, session: AsyncSession
) -> None:
    debits = list(await session.scalars(select(DirectDebit)))
    assert debits
    for debit in debits:
        latest = await session.scalar(
            select(Transaction)
            .where(
                Transaction.account_id == debit.account_id,
                Transaction.merchant == debit.payee_name,
                Transaction.category == "bills",
            )
            .order_by(Transaction.booked_at.desc())
            .limit(1)
        )
        assert latest is not None
        assert debit.amount_minor == -latest.amount_minor
        assert debit.next_date > latest.booked_at.date()
        assert debit.next_date >= SCENARIO_NOW.date()
