"""A client that sends a streamed turn and then never reads a byte (issue 14), against a real server with a
slow model: its turn still runs to its end and stores itself while the client holds the socket open, and the
conversation is free for the next turn. (Clients that vanish mid-turn: tests/app/test_disconnects.py.)"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.auth.tokens import issue_token
from app.db import create_engine, create_sessionmaker
from app.models import Message, TurnJournal
from tests.app.live_server import LiveServer, live_server, seeded_customers
from tests.factories import SECRET


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(database_url, tmp_path, BANKDESK_SIMULATED_LATENCY_MS="300") as live:
        yield live


async def _stored(database_url: str, cid: uuid.UUID) -> tuple[bool, list[str]]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            running = await s.get(TurnJournal, cid) is not None
            roles = await s.scalars(
                select(Message.role).where(Message.conversation_id == cid).order_by(Message.created_at)
            )
            return running, [str(getattr(r, "value", r)) for r in roles]
    finally:
        await engine.dispose()


async def test_a_client_that_never_reads_does_not_hold_its_turn(
    database_url: str, server: LiveServer
) -> None:
    (customer_id,) = await seeded_customers(database_url, 1, seed=14)
    server.start()
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        cid = uuid.UUID(client.post("/v1/conversations", headers=headers).json()["id"])

    payload = json.dumps({"content": "what's my balance?"}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    writer.write(
        (
            f"POST /v1/conversations/{cid}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        ).encode()
        + payload
    )
    await writer.drain()
    try:
        # The client reads nothing and keeps the connection open: the turn is stored whole regardless.
        deadline = time.monotonic() + 30
        running, roles = await _stored(database_url, cid)
        while (running or roles != ["customer", "assistant"]) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            running, roles = await _stored(database_url, cid)
        assert not running, server.log_tail()
        assert roles == ["customer", "assistant"], (roles, server.log_tail())
        with httpx.Client(base_url=server.url, timeout=30) as client:
            follow = client.post(
                f"/v1/conversations/{cid}/messages", json={"content": "thanks"}, headers=headers
            )
        assert follow.status_code == 201, follow.text  # the silent client does not lock its conversation
    finally:
        writer.transport.abort()
        del reader
    running, roles = await _stored(database_url, cid)
    assert not running
    assert roles == ["customer", "assistant"] * 2
