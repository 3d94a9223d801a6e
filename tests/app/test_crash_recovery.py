"""``kill -9`` at each step of a confirmed action, on a real server process, then a restart.

The promise: the action happens at most once; when it happened, the customer's consent is on record (before
it, in the audit log); and what the customer is told, on retrying the same request or reading the
conversation, is what the bank's record says. Each run arms one crash point (``app.faults``) in a running
server, confirms a card freeze, lets the server die at that point, starts a new server on the same database
and retries with the same Idempotency-Key.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.audit.checkpoint import verify_log
from app.auth.tokens import issue_token
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.faults import POINTS
from app.models import AuditEvent, Card, Message, ToolAction, TurnJournal
from app.models.enums import CardStatus, MessageRole
from tests.app.live_server import LiveServer, live_server, seeded_customers
from tests.factories import SECRET

RUNS = {"postgres": int(os.environ.get("BANKDESK_CRASH_RUNS", "20")), "sqlite": 3}
CUSTOMERS_PER_POINT = max(RUNS.values())


def _headers(customer_id: uuid.UUID) -> dict[str, str]:
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def crash_file(tmp_path: Path) -> Path:
    return tmp_path / "crash-at"


@pytest.fixture
def server(database_url: str, tmp_path: Path, crash_file: Path) -> Iterator[LiveServer]:
    with live_server(
        database_url, tmp_path, BANKDESK_CRASH_FILE=str(crash_file), BANKDESK_TURN_LEASE_SECONDS="1"
    ) as live:
        yield live


async def _customers(database_url: str, count: int) -> list[uuid.UUID]:
    return await seeded_customers(database_url, count, seed=11)


def _ask_to_freeze(client: httpx.Client, headers: dict[str, str]) -> tuple[str, str]:
    cid = client.post("/v1/conversations", headers=headers).json()["id"]
    body = client.post(
        f"/v1/conversations/{cid}/messages", json={"content": "please freeze my card"}, headers=headers
    ).json()
    if body["kind"] != "confirmation_required":  # several cards: the first one
        body = client.post(f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=headers).json()
    assert body["kind"] == "confirmation_required", body
    return cid, str(body["confirmation"]["action_id"])


def _confirm_until_answered(
    client: httpx.Client, cid: str, headers: dict[str, str], key: str
) -> httpx.Response:
    """Retry the same confirmation (same key) until the cut-short turn's lease has run out and it answers."""
    deadline = time.monotonic() + 30
    while True:
        response = client.post(
            f"/v1/conversations/{cid}/confirm",
            json={"decision": "yes"},
            headers={**headers, "Idempotency-Key": key},
        )
        if response.status_code != 409 or time.monotonic() > deadline:
            return response
        time.sleep(0.3)


def _action_of(payload: dict[str, object]) -> object:
    return payload.get("action_id") or payload.get("idempotency_key")


async def _bank_record(database_url: str, cid: str, checkpoints: Path) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            conversation_id = uuid.UUID(cid)
            actions = (
                await s.scalars(select(ToolAction).where(ToolAction.conversation_id == conversation_id))
            ).all()
            events = (
                await s.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.conversation_id == conversation_id)
                    .order_by(AuditEvent.seq)
                )
            ).all()
            replies = (
                await s.scalars(
                    select(Message.content)
                    .where(Message.conversation_id == conversation_id, Message.role == MessageRole.assistant)
                    .order_by(Message.created_at)
                )
            ).all()
            card_ids = [a.target_id for a in actions]
            statuses = [
                (await s.get(Card, uuid.UUID(card_id))).status  # type: ignore[union-attr]
                for card_id in card_ids
            ]
            journals = await s.scalar(select(func.count()).select_from(TurnJournal))
        settings = Settings(
            env="test", database_url=database_url, secret_key=SECRET, audit_checkpoint_path=checkpoints
        )
        verdict = await verify_log(create_sessionmaker(engine), settings)
        return {
            "actions": [(a.action, a.idempotency_key.split(":", 1)[1]) for a in actions],
            "statuses": statuses,
            "kinds": [(e.kind, _action_of(json.loads(e.payload))) for e in events],
            "replies": list(replies),
            "journals": int(journals or 0),
            "chain_ok": verdict.ok,
            "chain_problems": verdict.problems,
        }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("point", POINTS)
async def test_kill_9_at_each_step_of_a_confirmed_freeze(
    point: str, backend: str, database_url: str, server: LiveServer, crash_file: Path, tmp_path: Path
) -> None:
    runs = RUNS[backend]
    customers = await _customers(database_url, CUSTOMERS_PER_POINT)
    server.start()
    for run in range(runs):
        headers = _headers(customers[run])
        with httpx.Client(base_url=server.url, timeout=30) as client:
            cid, action_id = _ask_to_freeze(client, headers)
            key = f"confirm-{uuid.uuid4().hex}"
            crash_file.write_text(point)
            with pytest.raises(httpx.TransportError):  # the server dies at the armed point
                client.post(
                    f"/v1/conversations/{cid}/confirm",
                    json={"decision": "yes"},
                    headers={**headers, "Idempotency-Key": key},
                )
        assert server.wait_dead() == -9, f"run {run}: the server did not die at {point}"
        assert not crash_file.exists()
        server.start()
        with httpx.Client(base_url=server.url, timeout=30) as client:
            retried = _confirm_until_answered(client, cid, headers, key)
            assert retried.status_code == 201, (run, retried.text, server.log_tail())
            told = retried.json()["reply"]["content"]
            conversation = client.get(f"/v1/conversations/{cid}", headers=headers).json()
        record = await _bank_record(database_url, cid, tmp_path / "checkpoints.jsonl")
        # At most once, and here exactly once: the retry did it if the crash came before the tool.
        assert record["actions"] == [("freeze_card", action_id)], (run, record)
        assert record["statuses"] == [CardStatus.frozen], (run, record)
        kinds = record["kinds"]
        assert isinstance(kinds, list)
        consent = kinds.index(("consent.given", action_id))
        executed = kinds.index(("tool.executed", action_id))
        assert consent < executed, (run, kinds)
        assert sum(1 for k in kinds if k[0] == "consent.given") == 1, (run, kinds)
        # The customer is told the truth: the card is frozen, in the retry's answer and in the transcript.
        assert "frozen" in told.lower(), (run, told)
        assert "haven't" not in told.lower()
        last_reply = [m for m in conversation["messages"] if m["role"] == "assistant"][-1]["content"]
        assert last_reply == told, (run, conversation["messages"])
        assert record["journals"] == 0
        assert record["chain_ok"], (run, record)
