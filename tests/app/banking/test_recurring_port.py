"""SqlBankingPort's recurring payments: reads, and cancellations that run once, only for the owner, only
with the customer's yes to that very action, with the consent on record before the change."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.ports import ActionRefused, NotFoundError, RecurringPaymentView
from app.banking.ports import Consent, SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.models import AuditEvent, DirectDebit, ScheduledPayment, StandingOrder, ToolAction
from app.models.enums import RecurringStatus

NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _on_the_seed_day() -> Iterator[None]:
    """The bank's clock on the day the rows were seeded for: a payment scheduled for 4 Dec is still to come
    on 28 Nov, and already sent on any real day after it."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
async def customers(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> list[uuid.UUID]:
    await seed_demo_bank(engine, customers=5, seed=7, now=NOW)
    async with session_factory() as s:
        return [uuid.UUID(row["id"]) for row in await list_customers(s, limit=5)]


def _port(
    factory: async_sessionmaker[AsyncSession], customer_id: uuid.UUID, **kwargs: object
) -> SqlBankingPort:
    return SqlBankingPort(factory, customer_id=customer_id, **kwargs)  # type: ignore[arg-type]


def _named(items: list[RecurringPaymentView], payee: str) -> RecurringPaymentView:
    return next(i for i in items if i.payee_name == payee)


async def _status(factory: async_sessionmaker[AsyncSession], model: type, item_id: str) -> RecurringStatus:
    async with factory() as s:
        row = await s.get(model, uuid.UUID(item_id))
        assert row is not None
        return row.status  # type: ignore[no-any-return]


async def test_each_customer_reads_only_their_own(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    jake, kathleen = _port(session_factory, customers[0]), _port(session_factory, customers[1])
    debits = await jake.list_direct_debits()
    assert [(d.payee_name, d.amount_minor, d.next_date) for d in debits] == [
        ("Sky", 3827, "2026-12-05"),
        ("British Gas", 12394, "2026-12-13"),
        ("Northbank Credit Card", 26075, "2026-12-14"),
    ]  # soonest first
    assert {d.kind for d in debits} == {"direct_debit"}
    assert {d.frequency for d in debits} == {"monthly"}
    orders = await jake.list_standing_orders()
    assert [(o.payee_name, o.reference) for o in orders] == [
        ("Oliver Lewis", "POCKET MONEY"),
        ("Northbank Easy Saver", "EASY SAVER"),
    ]
    scheduled = await jake.list_scheduled_payments()
    assert [(p.payee_name, p.amount_minor, p.frequency, p.next_date) for p in scheduled] == [
        ("Greenway Lettings", 85000, None, "2026-12-04")
    ]
    assert {d.payee_name for d in await kathleen.list_direct_debits()} == {
        "Octopus Energy",
        "Virgin Media",
        "Nationwide Building Society",
    }
    assert await kathleen.list_scheduled_payments() == []


async def test_cancel_a_direct_debit_once(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    jake = _port(session_factory, customers[0])
    sky = _named(await jake.list_direct_debits(), "Sky")
    done = await jake.cancel_direct_debit(sky.id, idempotency_key="k-1")
    assert (done.action, done.target_id, done.replayed) == ("cancel_direct_debit", sky.id, False)
    assert done.outcome["status"] == "cancelled"
    assert done.outcome["already"] is False
    assert (done.outcome["payee_name"], done.outcome["amount_minor"]) == ("Sky", 3827)
    assert await _status(session_factory, DirectDebit, sky.id) == RecurringStatus.cancelled
    assert "Sky" not in {d.payee_name for d in await jake.list_direct_debits()}
    cancelled = _named(await jake.list_direct_debits(include_cancelled=True), "Sky")
    assert cancelled.status == "cancelled"

    again = await jake.cancel_direct_debit(sky.id, idempotency_key="k-1")  # a retry replays
    assert again.replayed
    assert again.outcome == done.outcome
    other_key = await jake.cancel_direct_debit(sky.id, idempotency_key="k-2")  # a new request: nothing to do
    assert other_key.outcome["already"] is True
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(ToolAction)) == 2
        executed = await s.scalar(select(func.count()).where(AuditEvent.kind == "tool.executed"))
        assert executed == 2


async def test_another_customers_id_is_not_found(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    jake, sarah = _port(session_factory, customers[0]), _port(session_factory, customers[4])
    rent = _named(await sarah.list_scheduled_payments(), "Trevor Leach")
    order = _named(await jake.list_standing_orders(), "Oliver Lewis")
    debit = _named(await jake.list_direct_debits(), "British Gas")
    with pytest.raises(NotFoundError):
        await jake.cancel_scheduled_payment(rent.id, idempotency_key="x-1")
    with pytest.raises(NotFoundError):
        await sarah.cancel_standing_order(order.id, idempotency_key="x-2")
    with pytest.raises(NotFoundError):
        await sarah.cancel_direct_debit(debit.id, idempotency_key="x-3")
    with pytest.raises(NotFoundError):  # one kind's id is not another kind's
        await jake.cancel_direct_debit(order.id, idempotency_key="x-4")
    with pytest.raises(NotFoundError):
        await jake.cancel_standing_order("not-a-uuid", idempotency_key="x-5")
    assert await _status(session_factory, ScheduledPayment, rent.id) == RecurringStatus.active
    assert await _status(session_factory, StandingOrder, order.id) == RecurringStatus.active
    assert await _status(session_factory, DirectDebit, debit.id) == RecurringStatus.active
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(ToolAction)) == 0


async def test_no_consent_no_cancellation(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    jake = customers[0]
    order = _named(await _port(session_factory, jake).list_standing_orders(), "Oliver Lewis")
    with pytest.raises(ActionRefused, match="confirmation"):
        await _port(session_factory, jake, require_consent=True).cancel_standing_order(
            order.id, idempotency_key="a-1"
        )
    elsewhere = Consent(action_id="a-2", message_id=uuid.uuid4(), words="yes", channel="confirm")
    with pytest.raises(ActionRefused, match="confirmation"):  # a yes to another action is no yes
        await _port(session_factory, jake, consent=elsewhere, require_consent=True).cancel_standing_order(
            order.id, idempotency_key="a-1"
        )
    assert await _status(session_factory, StandingOrder, order.id) == RecurringStatus.active
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).where(AuditEvent.kind == "consent.given")) == 0

    given = Consent(action_id="a-1", message_id=uuid.uuid4(), words="yes stop it", channel="typed")
    done = await _port(session_factory, jake, consent=given, require_consent=True).cancel_standing_order(
        order.id, idempotency_key="a-1"
    )
    assert done.outcome["status"] == "cancelled"
    assert await _status(session_factory, StandingOrder, order.id) == RecurringStatus.cancelled
    async with session_factory() as s:
        events = [
            (e.kind, json.loads(e.payload))
            for e in await s.scalars(select(AuditEvent).order_by(AuditEvent.seq))
            if e.kind in ("consent.given", "tool.executed")
        ]
    assert [k for k, _ in events] == ["consent.given", "tool.executed"]
    assert events[0][1]["action"] == events[1][1]["action"] == "cancel_standing_order"
    assert events[0][1]["action_id"] == events[1][1]["idempotency_key"] == "a-1"
    assert events[0][1]["words"] == "yes stop it"


async def test_parallel_twins_cancel_once(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession], backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs Postgres")
    jake = _port(session_factory, customers[0])
    rent = _named(await jake.list_scheduled_payments(), "Greenway Lettings")
    results = await asyncio.gather(
        *(jake.cancel_scheduled_payment(rent.id, idempotency_key="twin") for _ in range(4))
    )
    assert sum(not r.replayed for r in results) == 1
    assert {json.dumps(r.outcome, sort_keys=True) for r in results} == {
        json.dumps(results[0].outcome, sort_keys=True)
    }
    async with session_factory() as s:
        assert await s.scalar(select(func.count()).select_from(ToolAction)) == 1


async def test_a_scheduled_payment_already_sent_cannot_be_cancelled(
    customers: list[uuid.UUID], session_factory: async_sessionmaker[AsyncSession]
) -> None:
    sarah = _port(session_factory, customers[4])
    rent = _named(await sarah.list_scheduled_payments(), "Trevor Leach")
    async with session_factory() as s, s.begin():
        row = await s.get(ScheduledPayment, uuid.UUID(rent.id))
        assert row is not None
        row.next_date = datetime(2020, 1, 1, tzinfo=UTC).date()
    with pytest.raises(ActionRefused, match="already been sent"):
        await sarah.cancel_scheduled_payment(rent.id, idempotency_key="late")
    assert await _status(session_factory, ScheduledPayment, rent.id) == RecurringStatus.active
