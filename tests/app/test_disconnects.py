"""Clients that go away mid-turn, against a real server: the turn runs to its end and stores itself.

Before: closing the socket 0-60 ms after sending left checkpoint rows without messages, the conversation
locked for two minutes and the Idempotency-Key ``in_flight`` for ever. Now every turn that was admitted is
stored whole (both messages, the checkpoint, the idempotency answer) and the conversation is free again.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.auth.tokens import issue_token
from app.db import create_engine, create_sessionmaker
from app.models import Card, GraphCheckpoint, IdempotencyRecord, ToolAction, TurnJournal
from app.models.enums import CardStatus
from tests.app.live_server import LiveServer, live_server, seeded_customers
from tests.factories import SECRET


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path) as live:
        yield live


async def _customers(database_url: str, count: int) -> list[uuid.UUID]:
    return await seeded_customers(database_url, count, seed=5)


def _token(customer_id: uuid.UUID) -> str:
    return issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))


async def _send_and_vanish(
    port: int, path: str, token: str, body: dict[str, str], key: str, after_s: float
) -> None:
    """Write a streamed POST, wait ``after_s``, then close the socket without reading the answer."""
    payload = json.dumps(body).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Accept: text/event-stream\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        + payload
    )
    await writer.drain()
    await asyncio.sleep(after_s)
    writer.transport.abort()  # a vanished client: no FIN handshake, no more reading
    del reader


async def _state(database_url: str, cid: uuid.UUID, key: str) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            return {
                "journal": await s.get(TurnJournal, cid) is not None,
                "checkpoint": await s.get(GraphCheckpoint, str(cid)) is not None,
                "key": await s.scalar(select(IdempotencyRecord.state).where(IdempotencyRecord.key == key)),
                "actions": int(
                    await s.scalar(
                        select(func.count()).select_from(ToolAction).where(ToolAction.conversation_id == cid)
                    )
                    or 0
                ),
            }
    finally:
        await engine.dispose()


async def _settled(database_url: str, cid: uuid.UUID, key: str) -> dict[str, object]:
    """Wait until the turn is stored (its key answered), or it was never admitted (nothing after 2 s)."""
    started = time.monotonic()
    while True:
        state = await _state(database_url, cid, key)
        waited = time.monotonic() - started
        if not state["journal"] and (state["key"] == "completed" or (state["key"] is None and waited > 2)):
            return state
        if waited > 30:
            return state
        await asyncio.sleep(0.1)


async def test_a_client_that_vanishes_mid_turn_leaves_a_whole_turn(
    database_url: str, server: LiveServer
) -> None:
    customers = await _customers(database_url, 6)
    server.start()
    rng = random.Random(7)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for customer_id in customers:
            headers = {"Authorization": f"Bearer {_token(customer_id)}"}
            cid = uuid.UUID(client.post("/v1/conversations", headers=headers).json()["id"])
            for turn in range(3):
                key = f"k-{uuid.uuid4().hex}"
                content = {"content": ["hi there", "what's my balance?", "show my recent payments"][turn]}
                await _send_and_vanish(
                    server.port,
                    f"/v1/conversations/{cid}/messages",
                    _token(customer_id),
                    content,
                    key,
                    rng.uniform(0, 0.06),
                )
                state = await _settled(database_url, cid, key)
                # Admitted turns run to the end and store everything together; nothing is left locked.
                assert state["journal"] is False, (turn, state, server.log_tail())
                if state["key"] is not None:
                    assert state["key"] == "completed", state
                    assert state["checkpoint"] is True
                    replay = client.post(
                        f"/v1/conversations/{cid}/messages",
                        json=content,
                        headers={**headers, "Idempotency-Key": key},
                    )
                    assert replay.status_code == 201, replay.text
                    assert replay.headers["idempotent-replay"] == "true"
            detail = client.get(f"/v1/conversations/{cid}", headers=headers).json()
            roles = [m["role"] for m in detail["messages"]]
            assert roles == ["customer", "assistant"] * (len(roles) // 2), roles  # whole turns only
            follow = client.post(
                f"/v1/conversations/{cid}/messages", json={"content": "thanks"}, headers=headers
            )
            assert follow.status_code == 201, follow.text  # not locked


async def test_dropping_the_stream_50_to_80_ms_into_a_confirmation(
    database_url: str, server: LiveServer
) -> None:
    """The finding's case: the freeze happens once, and the turn, its consent and its answer are stored."""
    customers = await _customers(database_url, 4)
    server.start()
    rng = random.Random(3)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for customer_id in customers:
            headers = {"Authorization": f"Bearer {_token(customer_id)}"}
            cid = uuid.UUID(client.post("/v1/conversations", headers=headers).json()["id"])
            body = client.post(
                f"/v1/conversations/{cid}/messages", json={"content": "freeze my card"}, headers=headers
            ).json()
            if body["kind"] != "confirmation_required":
                body = client.post(
                    f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=headers
                ).json()
            assert body["kind"] == "confirmation_required", body
            key = f"c-{uuid.uuid4().hex}"
            await _send_and_vanish(
                server.port,
                f"/v1/conversations/{cid}/confirm",
                _token(customer_id),
                {"decision": "yes"},
                key,
                rng.uniform(0.05, 0.08),
            )
            state = await _settled(database_url, cid, key)
            assert state == {"journal": False, "checkpoint": True, "key": "completed", "actions": 1}, state
            replay = client.post(
                f"/v1/conversations/{cid}/confirm",
                json={"decision": "yes"},
                headers={**headers, "Idempotency-Key": key},
            )
            assert replay.status_code == 201
            assert "frozen" in replay.json()["reply"]["content"].lower()
            again = client.post(f"/v1/conversations/{cid}/messages", json={"content": "yes"}, headers=headers)
            assert again.status_code == 201
            assert "haven't made the change" not in again.json()["reply"]["content"]
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            frozen = await s.scalar(
                select(func.count())
                .select_from(Card)
                .where(Card.customer_id.in_(customers), Card.status == CardStatus.frozen)
            )
            assert frozen == len(customers)
    finally:
        await engine.dispose()
