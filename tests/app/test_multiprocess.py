"""Two ``bankdesk serve`` processes on one Postgres database, and ``bankdesk serve --workers 2``.

Each customer's requests alternate between the two processes: a confirmation asked in one is answered in
the other (the button's POST /confirm, and a typed "yes please"), a retry with the same Idempotency-Key goes
to the other process, two answers to one confirmation arrive at both processes at once, and one customer
sends more turns than the per-minute limit, half to each process. Afterwards the database must show every
acknowledged turn exactly once (its customer message, then its one reply, in order, nothing else), one
tool action per confirmed freeze, the right cards frozen, and an audit log that verifies, including the
signed checkpoints both processes wrote into one file.

Postgres only: several processes share a database only there (SQLite is one file on one host).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.audit.checkpoint import verify_log
from app.auth.tokens import issue_token
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.models import Card, Message, ToolAction, TurnJournal
from app.models.enums import CardStatus, MessageRole
from tests.app.live_server import seeded_customers, server_env
from tests.app.serve_process import BankdeskServe
from tests.factories import SECRET

pytestmark = pytest.mark.postgres

TURNS_PER_MINUTE = 10  # lowered from 30 so the limit is reached in a few seconds


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("several processes share one database only on Postgres (SQLite is one local file)")


def _headers(customer_id: uuid.UUID, key: str | None = None) -> dict[str, str]:
    token = issue_token(SECRET, subject=customer_id, kind="customer", ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}


@dataclass
class Ledger:
    """Every acknowledged turn (201) by conversation: (customer message id, reply id), first seen order."""

    turns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    confirmed: dict[str, str] = field(default_factory=dict)  # conversation -> action id said yes to
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        assert body["reply"] is not None, body
        pair = (body["message"]["id"], body["reply"]["id"])
        with self.lock:
            seen = self.turns.setdefault(body["conversation_id"], [])
            if pair not in seen:
                seen.append(pair)
        return body


def _say(client: httpx.Client, cid: str, headers: dict[str, str], content: str) -> httpx.Response:
    return client.post(f"/v1/conversations/{cid}/messages", json={"content": content}, headers=headers)


def _confirm(client: httpx.Client, cid: str, headers: dict[str, str]) -> httpx.Response:
    return client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=headers)


def _ask_to_freeze(
    clients: list[httpx.Client], cid: str, customer: uuid.UUID, ledger: Ledger
) -> tuple[int, str]:
    """Ask on process 0 (and pick the first card on process 1 when asked which): (asking process, id)."""
    body = ledger.record(_say(clients[0], cid, _headers(customer), "please freeze my card"))
    asked_on = 0
    if body["kind"] != "confirmation_required":  # several cards: the agent asks which
        body = ledger.record(_say(clients[1], cid, _headers(customer), "1"))
        asked_on = 1
    transcript = clients[0].get(f"/v1/conversations/{cid}", headers=_headers(customer)).json()["messages"]
    assert body["kind"] == "confirmation_required", [(m["role"], m["content"]) for m in transcript]
    return asked_on, str(body["confirmation"]["action_id"])


def _at_once(**calls: Callable[[], httpx.Response]) -> dict[str, httpx.Response]:
    """Send each request from its own thread, released together."""
    barrier = threading.Barrier(len(calls))

    def send(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = {name: pool.submit(send, call) for name, call in calls.items()}
        return {name: future.result() for name, future in futures.items()}


def _same_turn(first: httpx.Response, again: httpx.Response) -> None:
    assert again.status_code == first.status_code, again.text
    a, b = first.json(), again.json()
    assert (b["message"]["id"], b["reply"]["id"], b["reply"]["content"]) == (
        a["message"]["id"],
        a["reply"]["id"],
        a["reply"]["content"],
    )


async def _card_statuses(database_url: str, customers: list[uuid.UUID]) -> dict[str, CardStatus]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            rows = (
                await s.execute(select(Card.id, Card.status).where(Card.customer_id.in_(customers)))
            ).all()
            return {str(card_id): status for card_id, status in rows}
    finally:
        await engine.dispose()


async def _check_database(
    database_url: str, ledger: Ledger, cards_before: dict[str, CardStatus], checkpoints: Path
) -> None:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as s:
            for cid, pairs in ledger.turns.items():
                stored = (
                    await s.execute(
                        select(Message.id, Message.role)
                        .where(Message.conversation_id == uuid.UUID(cid))
                        .order_by(Message.created_at, Message.role != MessageRole.customer)
                    )
                ).all()
                expected = [
                    (uuid.UUID(mid), role)
                    for pair in pairs
                    for mid, role in zip(pair, (MessageRole.customer, MessageRole.assistant), strict=True)
                ]
                # Concurrent turns may have been acknowledged in either order; storage order is the truth.
                stored_ids = [(mid, role) for mid, role in stored]
                assert sorted(stored_ids, key=str) == sorted(expected, key=str), (cid, stored_ids, expected)
                for i in range(0, len(stored_ids), 2):  # each customer message followed by its own reply
                    pair = (str(stored_ids[i][0]), str(stored_ids[i + 1][0]))
                    assert pair in pairs, (cid, i, stored_ids)
            actions = (await s.scalars(select(ToolAction))).all()
            by_conversation: dict[str, list[ToolAction]] = {}
            for action in actions:
                by_conversation.setdefault(str(action.conversation_id), []).append(action)
            assert {
                cid: [(a.action, a.idempotency_key.split(":", 1)[1]) for a in acts]
                for cid, acts in by_conversation.items()
            } == {cid: [("freeze_card", action_id)] for cid, action_id in ledger.confirmed.items()}
            frozen = {a.target_id for a in actions}
            cards_after = {
                str(card_id): status
                for card_id, status in (
                    await s.execute(
                        select(Card.id, Card.status).where(Card.id.in_([uuid.UUID(c) for c in cards_before]))
                    )
                ).all()
            }
            assert cards_after == {
                card: CardStatus.frozen if card in frozen else status for card, status in cards_before.items()
            }
            assert await s.scalar(select(TurnJournal.conversation_id).limit(1)) is None  # no turn left held
        settings = Settings(
            env="test", database_url=database_url, secret_key=SECRET, audit_checkpoint_path=checkpoints
        )
        verdict = await verify_log(create_sessionmaker(engine), settings)
        assert verdict.ok, verdict.problems
        assert verdict.checkpoints_verified > 0  # both processes signed into the one file
    finally:
        await engine.dispose()


@pytest.fixture
def two_servers(postgres_only: None, database_url: str, tmp_path: Path) -> Iterator[list[BankdeskServe]]:
    env = server_env(
        database_url,
        tmp_path,
        BANKDESK_RATE_LIMIT_PER_MINUTE=str(TURNS_PER_MINUTE),
        BANKDESK_AUDIT_CHECKPOINT_SECONDS="1",
    )
    servers = [BankdeskServe(env, log_path=tmp_path / f"server-{i}.log") for i in range(2)]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


async def test_two_processes_share_turns_confirmations_keys_and_limits(
    two_servers: list[BankdeskServe], database_url: str, tmp_path: Path
) -> None:
    customers = await seeded_customers(database_url, 4, seed=11)
    scenario, limited = customers[:3], customers[3]
    cards_before = await _card_statuses(database_url, scenario)
    for server in two_servers:
        server.start()
    ledger = Ledger()
    a, b = (httpx.Client(base_url=s.url, timeout=60) for s in two_servers)
    try:
        for n, customer in enumerate(scenario):
            clients = [a, b] if n % 2 == 0 else [b, a]  # who goes first alternates too
            cid = clients[1].post("/v1/conversations", headers=_headers(customer)).json()["id"]
            ledger.record(_say(clients[0], cid, _headers(customer), "how do I order a new chequebook?"))
            asked_on, action_id = _ask_to_freeze(clients, cid, customer, ledger)
            other, asker = clients[1 - asked_on], clients[asked_on]
            key = f"yes-{uuid.uuid4().hex}"
            if n == 0:  # the button, answered in the other process; the retry goes back to the first
                first = _confirm(other, cid, _headers(customer, key))
                again = _confirm(asker, cid, _headers(customer, key))
            elif n == 1:  # typed, the same way
                first = _say(other, cid, _headers(customer, key), "yes please")
                again = _say(asker, cid, _headers(customer, key), "yes please")
            if n in (0, 1):
                body = ledger.record(first)
                assert "frozen" in body["reply"]["content"].lower(), body
                _same_turn(first, again)
                ledger.confirmed[cid] = action_id
                continue
            # Both answers at once, one to each process: one acts; the other waits its turn or gets a 409.
            answers = _at_once(
                button=partial(_confirm, asker, cid, _headers(customer)),
                typed=partial(_say, other, cid, _headers(customer), "yes please"),
            )
            codes = sorted(r.status_code for r in answers.values())
            assert codes in ([201, 201], [201, 409]), {k: (r.status_code, r.text) for k, r in answers.items()}
            replies = [ledger.record(r)["reply"]["content"] for r in answers.values() if r.status_code == 201]
            assert any("frozen" in reply.lower() for reply in replies), replies
            ledger.confirmed[cid] = action_id  # and the database must show one freeze, not two

        # The per-customer limit counts turns in both processes together.
        cid = a.post("/v1/conversations", headers=_headers(limited)).json()["id"]
        codes = []
        for turn in range(TURNS_PER_MINUTE + 2):
            response = _say((a, b)[turn % 2], cid, _headers(limited), f"what is my balance? ({turn})")
            codes.append(response.status_code)
            if response.status_code == 201:
                ledger.record(response)
        assert codes == [201] * TURNS_PER_MINUTE + [429, 429], codes
    finally:
        a.close()
        b.close()
        for server in two_servers:
            server.stop()  # the shutdown checkpoint of each, before the log is verified
    await _check_database(database_url, ledger, cards_before, tmp_path / "checkpoints.jsonl")


async def test_bankdesk_serve_with_two_workers(
    postgres_only: None, database_url: str, tmp_path: Path
) -> None:
    customer = (await seeded_customers(database_url, 1, seed=11))[0]
    cards_before = await _card_statuses(database_url, [customer])
    server = BankdeskServe(server_env(database_url, tmp_path), log_path=tmp_path / "server.log", workers=2)
    ledger = Ledger()
    try:
        server.start()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            clients = [client, client]
            cid = client.post("/v1/conversations", headers=_headers(customer)).json()["id"]
            for _ in range(3):
                ledger.record(_say(client, cid, _headers(customer), "what is my balance?"))
            _asked_on, action_id = _ask_to_freeze(clients, cid, customer, ledger)
            body = ledger.record(_confirm(client, cid, _headers(customer, "workers-yes")))
            assert "frozen" in body["reply"]["content"].lower(), body
            ledger.confirmed[cid] = action_id
    finally:
        server.stop()
    log = server.log_tail(100_000)
    workers = {
        line.split("[")[-1].split("]")[0] for line in log.splitlines() if "Started server process" in line
    }
    assert len(workers) == 2, log  # two worker processes served, each with its own app
    await _check_database(database_url, ledger, cards_before, tmp_path / "checkpoints.jsonl")
