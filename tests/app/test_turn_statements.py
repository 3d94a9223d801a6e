"""The turn's statements sent together (``app.turn_statements``): psycopg's pipeline on Postgres, the
session's connection on SQLite. A statement that fails leaves nothing of its transaction; a turn whose last
round trip fails keeps nothing; turns of different customers at once leave a log that verifies."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import turn_statements as statements
from app.conversations import service
from app.db import transaction
from app.models import AuditEvent, Message, TurnAdmission, TurnJournal
from app.models.base import utcnow
from app.models.enums import StaffRole
from app.turn_statements import Pipeline, pipeline
from tests.factories import auth, make_conversation, make_customer, make_staff


def test_every_statement_compiles_for_the_driver() -> None:
    """Compiled for psycopg, and no INSERT leaves out a column with a Python-side default (the driver knows
    no defaults: it would be stored as NULL)."""
    shapes: list[statements.Statement] = [
        value for value in vars(statements).values() if isinstance(value, statements.Statement)
    ]
    shapes += [statements.admission_facts(k, c) for k in (False, True) for c in (False, True)]
    shapes += [statements.update_conversation(change) for change in statements.StatusChange]
    shapes += [statements.upsert_checkpoint(postgres=True)]
    for statement in shapes:
        sql, _literals = statement.psycopg()
        assert "POSTCOMPILE" not in sql


async def _admissions(session: AsyncSession, customer_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(TurnAdmission).where(TurnAdmission.customer_id == customer_id)
    )
    await session.rollback()
    return int(count or 0)


async def test_a_failing_statement_leaves_nothing_of_its_transaction(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    customer_id = (await make_customer(session)).id
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "customer_id": customer_id,
        "kind": "turn",
        "admitted_at": utcnow(),
    }
    later = {**row, "id": uuid.uuid4()}

    async def twice() -> None:
        async with transaction(session_factory) as s, await pipeline(s) as p:
            p.add_many(statements.INSERT_ADMISSION, [row])
            p.add_many(statements.INSERT_ADMISSION, [row])  # the same primary key again
            p.add_many(statements.INSERT_ADMISSION, [later])

    with pytest.raises(IntegrityError):  # raised as SQLAlchemy's error on both backends
        await twice()
    assert await _admissions(session, customer_id) == 0
    # The pooled connection is usable again, and a pipeline that succeeds commits what it sent.
    async with transaction(session_factory) as s:
        async with await pipeline(s) as p:
            p.add_many(statements.INSERT_ADMISSION, [row, later])
    assert await _admissions(session, customer_id) == 2


async def test_expect_one_fails_the_pipeline_after_sending(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    customer = await make_customer(session)
    customer_id = customer.id
    conversation_id = (await make_conversation(session, customer=customer)).id

    async def release_a_turn_that_is_not_there() -> None:
        async with transaction(session_factory) as s, await pipeline(s) as p:
            admission = {
                "id": uuid.uuid4(),
                "customer_id": customer.id,
                "kind": "turn",
                "admitted_at": utcnow(),
            }
            p.add_many(statements.INSERT_ADMISSION, [admission])
            p.add(
                statements.RELEASE_JOURNAL,
                {"conversation_id": conversation_id, "message_id": uuid.uuid4()},
                expect_one=LookupError("no journal row"),
            )

    with pytest.raises(LookupError, match="no journal row"):
        await release_a_turn_that_is_not_there()
    assert await _admissions(session, customer_id) == 0


async def test_a_turn_whose_last_round_trip_fails_keeps_nothing(
    client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The turn's writes are queued and sent together; the last one fails (the customer's message again,
    refused by its primary key): nothing of the turn is stored, the conversation is free again, the log
    verifies, and a retry is answered."""
    finish = service._finish

    def finish_then_fail(p: Pipeline, admitted: service.Admitted, body: dict[str, Any]) -> None:
        finish(p, admitted, body)
        p.add_many(
            statements.INSERT_MESSAGES,
            [
                {
                    "id": admitted.message_id,
                    "conversation_id": admitted.request.conversation_id,
                    "role": "customer",
                    "content": "again",
                    "author_staff_id": None,
                    "idempotency_key": None,
                    "created_at": utcnow(),
                }
            ],
        )

    monkeypatch.setattr(service, "_finish", finish_then_fail)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    transport = client._transport  # noqa: SLF001
    assert isinstance(transport, httpx.ASGITransport)
    transport.raise_app_exceptions = False
    url, headers = f"/v1/conversations/{conversation.id}/messages", auth(customer)
    r = await client.post(url, json={"content": "what is my balance?"}, headers=headers)
    assert r.status_code == 500
    assert (await session.scalars(select(Message))).all() == []
    assert (await session.scalars(select(TurnJournal))).all() == []
    kinds = (
        await session.scalars(select(AuditEvent.kind).where(AuditEvent.conversation_id == conversation.id))
    ).all()
    assert "message.received" not in kinds
    assert "message.sent" not in kinds
    await session.rollback()

    monkeypatch.setattr(service, "_finish", finish)
    r = await client.post(url, json={"content": "what is my balance?"}, headers=headers)
    assert r.status_code == 201, r.text
    auditor = await make_staff(session, role=StaffRole.auditor)
    verdict = await client.get("/v1/audit/verify", headers=auth(auditor))
    assert verdict.json()["ok"] is True, verdict.json()


async def test_turns_of_different_customers_at_once_leave_a_log_that_verifies(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Concurrent turns lock only their own chains: every chain is consecutive and the log verifies."""
    pairs = []
    for i in range(8):
        customer = await make_customer(session, name=f"Customer {i}")
        pairs.append((customer, await make_conversation(session, customer=customer)))
    for text in ("what is my balance?", "show my recent transactions"):
        replies = await asyncio.gather(
            *(
                client.post(f"/v1/conversations/{c.id}/messages", json={"content": text}, headers=auth(who))
                for who, c in pairs
            )
        )
        assert [r.status_code for r in replies] == [201] * len(pairs), [r.text for r in replies]
    for _who, conversation in pairs:
        positions = (
            await session.scalars(
                select(AuditEvent.chain_seq)
                .where(AuditEvent.chain_id == str(conversation.id))
                .order_by(AuditEvent.seq)
            )
        ).all()
        assert list(positions) == list(range(1, len(positions) + 1))
        assert (
            await session.scalar(
                select(func.count()).select_from(Message).where(Message.conversation_id == conversation.id)
            )
        ) == 4
    await session.rollback()
    auditor = await make_staff(session, role=StaffRole.auditor)
    verdict = await client.get("/v1/audit/verify", headers=auth(auditor))
    assert verdict.json()["ok"] is True, verdict.json()
