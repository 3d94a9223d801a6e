from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.idempotency import request_fingerprint
from app.models import IdempotencyRecord, Message
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


async def test_same_key_while_in_flight_is_409(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
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
    await session.commit()
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "hello"},
        headers={**auth(customer), "Idempotency-Key": "busy"},
    )
    assert r.status_code == 409
    assert "still being processed" in r.json()["detail"]
    assert await _message_count(session) == 0


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
