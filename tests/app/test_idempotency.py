from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.idempotency import request_fingerprint
from app.models import Conversation, Customer, IdempotencyRecord, Message, TurnJournal
from app.models.base import utcnow
from tests.factories import auth, make_conversation, make_customer


async def _message_count(session: AsyncSession) -> int:
    count = await session.scalar(select(func.count(Message.id)))
    await session.commit()
    return int(count or 0)


async def test_same_key_and_body_replays_the_first_response(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    url = f"/v1/conversations/{conversation.id}/messages"
    headers = {**auth(customer), "Idempotency-Key": "pay-1"}
    first = await client.post(url, json={"content": "hello"}, headers=headers)
    assert first.status_code == 201
    assert await _message_count(session) == 2
    again = await client.post(url, json={"content": "hello"}, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replay"] == "true"
    assert await _message_count(session) == 2


async def test_same_key_other_body_is_422(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    url = f"/v1/conversations/{conversation.id}/messages"
    headers = {**auth(customer), "Idempotency-Key": "k"}
    assert (await client.post(url, json={"content": "one"}, headers=headers)).status_code == 201
    r = await client.post(url, json={"content": "two"}, headers=headers)
    assert r.status_code == 422
    assert "different request body" in r.json()["detail"]
    assert await _message_count(session) == 2


async def _in_flight(
    session: AsyncSession, customer: Customer, conversation: Conversation, *, lease_s: float
) -> None:
    """Another process admitted this key's turn (claim and journal row, as admission writes them)."""
    scope = f"conversation:{conversation.id}:messages"
    session.add(
        IdempotencyRecord(
            customer_id=customer.id,
            scope=scope,
            key="busy",
            request_hash=request_fingerprint(scope, "hello"),
            state="in_flight",
        )
    )
    session.add(
        TurnJournal(
            conversation_id=conversation.id,
            customer_id=customer.id,
            message_id=uuid.uuid4(),
            kind="message",
            content="hello",
            screening="{}",
            idempotency_scope=scope,
            idempotency_key="busy",
            started_at=utcnow(),
            lease_until=utcnow() + timedelta(seconds=lease_s),
        )
    )
    await session.commit()


async def test_same_key_while_in_flight_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    await _in_flight(session, customer, conversation, lease_s=60)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "hello"},
        headers={**auth(customer), "Idempotency-Key": "busy"},
    )
    assert r.status_code == 409
    assert "still being processed" in r.json()["detail"]
    assert await _message_count(session) == 0


async def test_in_flight_key_of_a_dead_process_expires(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """The process that claimed the key died mid-turn (its lease ran out): the retry does the work."""
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    await _in_flight(session, customer, conversation, lease_s=-1)
    headers = {**auth(customer), "Idempotency-Key": "busy"}
    url = f"/v1/conversations/{conversation.id}/messages"
    r = await client.post(url, json={"content": "hello"}, headers=headers)
    assert r.status_code == 201, r.text
    assert await _message_count(session) == 2
    again = await client.post(url, json={"content": "hello"}, headers=headers)
    assert again.json() == r.json()
    assert again.headers["idempotent-replay"] == "true"


async def test_concurrent_duplicates_do_the_work_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    url = f"/v1/conversations/{conversation.id}/messages"
    headers = {**auth(customer), "Idempotency-Key": "race"}
    responses = await asyncio.gather(
        *(client.post(url, json={"content": "hello"}, headers=headers) for _ in range(5))
    )
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    created = [r.json() for r in responses if r.status_code == 201]
    assert created, statuses
    assert all(body == created[0] for body in created)
    assert await _message_count(session) == 2


async def test_same_key_in_another_conversation_is_independent(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    a = await make_conversation(session, customer=customer)
    b = await make_conversation(session, customer=customer)
    headers = {**auth(customer), "Idempotency-Key": "same"}
    ra = await client.post(f"/v1/conversations/{a.id}/messages", json={"content": "hi"}, headers=headers)
    rb = await client.post(f"/v1/conversations/{b.id}/messages", json={"content": "hi"}, headers=headers)
    assert ra.status_code == rb.status_code == 201
    assert ra.json()["message"]["id"] != rb.json()["message"]["id"]


async def test_bad_idempotency_key(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "hi"},
        headers={**auth(customer), "Idempotency-Key": "x" * 101},
    )
    assert r.status_code == 422
