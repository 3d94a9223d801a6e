"""Penetration-test findings (issue 11) on the HTTP edge: request bodies, commits, metrics, LIKE patterns.

1. Bodies are counted as they arrive whatever the transfer encoding (413 the moment 64 KiB pass), and a
   body to /v1/* is not read at all without a verified token (401 first).
7. A write route answers only after its commit: a commit that fails gives 5xx and stores nothing.
8. Metric labels are bounded; /metrics is for the scraper only.
12. The merchant filter matches '%', '_' and '\\' literally.
"""

from __future__ import annotations

import base64
import os
import select
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.ports import TransactionQuery
from app.banking.ports import SqlBankingPort
from app.config import Settings
from app.deps import StaffPrincipal
from app.handoffs import service as handoff_service
from app.main import MAX_BODY_BYTES, create_app
from app.models import Account, AuditEvent, Conversation, Customer, Handoff, Message, Transaction
from app.models.enums import AccountKind, StaffRole, TransactionStatus
from tests.app.live_server import LiveServer
from tests.factories import SECRET, auth, make_conversation, make_customer, make_handoff, make_staff

CHUNK = 16 * 1024


# --- 1. request bodies -----------------------------------------------------------------------------------


class CountingBody:
    """A chunked request body (no Content-Length) that counts how much of it the server pulled."""

    def __init__(self, total: int, chunk: int = CHUNK) -> None:
        self.total, self.chunk, self.pulled = total, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            self.pulled += self.chunk
            yield b"a" * self.chunk


async def test_chunked_body_without_a_token_is_refused_before_it_is_read(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    body = CountingBody(20 * 1024 * 1024)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        content=body,  # type: ignore[arg-type]
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["www-authenticate"] == "Bearer"
    assert body.pulled == 0
    # A forged or expired token is no better than none.
    for bad in ("not-a-token", auth(customer)["Authorization"].removeprefix("Bearer ") + "x"):
        body = CountingBody(20 * 1024 * 1024)
        r = await client.post(
            "/v1/conversations",
            content=body,  # type: ignore[arg-type]
            headers={"Authorization": f"Bearer {bad}", "Content-Type": "application/json"},
        )
        assert r.status_code == 401
        assert body.pulled == 0


async def test_chunked_body_over_the_limit_is_refused_as_soon_as_it_passes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    messages = await session.scalar(sa_select(func.count(Message.id)))
    await session.commit()
    body = CountingBody(20 * 1024 * 1024)
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        content=body,  # type: ignore[arg-type]
        headers={**auth(customer), "Content-Type": "application/json"},
    )
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "larger than" in r.json()["detail"]
    assert body.pulled <= MAX_BODY_BYTES + CHUNK
    assert await session.scalar(sa_select(func.count(Message.id))) == messages


async def test_a_chunked_body_under_the_limit_still_works(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)

    async def small() -> AsyncIterator[bytes]:
        yield b'{"content": '
        yield b'"what is my balance?"}'

    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        content=small(),
        headers={**auth(customer), "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def server(database_url: str, agent_assets: object, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The app under uvicorn in its own process, as deployed; yields (port, pid)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKDESK_")}
    env.update(
        BANKDESK_ENV="test",
        BANKDESK_DATABASE_URL=database_url,
        BANKDESK_SECRET_KEY=SECRET,
        BANKDESK_AUDIT_CHECKPOINT_PATH=str(tmp_path / "audit" / "checkpoints.jsonl"),
        BANKDESK_AUDIT_SIGNING_KEY=base64.b64encode(os.urandom(32)).decode("ascii"),
    )
    live = LiveServer(env, log_path=tmp_path / "server.log")
    try:
        live.start(timeout=180)
        assert live.proc is not None
        yield live.port, live.proc.pid
    finally:
        live.stop()


def _chunked_upload(port: int, path: str, headers: dict[str, str], total: int) -> tuple[int, int, bytes]:
    """POST ``total`` bytes chunked, stopping the moment an answer arrives.

    Returns (status, bytes sent before the answer, the answer's bytes).
    """
    piece = b"a" * (64 * 1024)
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: bankdesk.test\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n{head}\r\n".encode()
        )
        sent = 0
        while sent < total:
            if select.select([sock], [], [], 0.005)[0]:
                break
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        if sent >= total:
            sock.sendall(b"0\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, sent, answer


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 30


async def test_a_real_server_answers_chunked_uploads_before_reading_them(
    server: tuple[int, int], session: AsyncSession
) -> None:
    port, pid = server
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    path = f"/v1/conversations/{conversation.id}/messages"
    total = 20 * 1024 * 1024
    rss_before = _rss_kib(pid)
    started = time.monotonic()

    status, sent, answer = _chunked_upload(port, path, {}, total)
    assert status == 401, answer[:300]
    assert b"application/problem+json" in answer
    assert sent <= 1024 * 1024, f"{sent} bytes went out before the 401"

    random_path = f"/v1/conversations/{uuid.uuid4()}/messages"
    status, sent, answer = _chunked_upload(port, random_path, auth(customer), total)
    assert status == 413, answer[:300]
    assert b"application/problem+json" in answer
    assert sent <= 2 * 1024 * 1024, f"{sent} bytes went out before the 413"

    assert time.monotonic() - started < 30
    grown_kib = _rss_kib(pid) - rss_before
    assert grown_kib < 10 * 1024, f"the server grew by {grown_kib} KiB"
    # ...and it is still healthy.
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200


# --- 7. commit before answering ----------------------------------------------------------------------------


async def _arm_commit_failure(app: FastAPI, session: AsyncSession, backend: str) -> None:
    """From now on every transaction that writes an audit event fails at COMMIT (not before)."""
    if backend == "postgres":
        await session.execute(
            text(
                "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$"
            )
        )
        await session.execute(
            text(
                "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON audit_event "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()"
            )
        )
    else:
        # A deferred foreign-key violation: SQLite checks it only at COMMIT.
        await session.execute(
            text(
                "CREATE TABLE commit_bomb "
                "(id INTEGER PRIMARY KEY, customer_id CHAR(32) REFERENCES customer(id))"
            )
        )
        await session.execute(
            text(
                "CREATE TRIGGER commit_bomb AFTER INSERT ON audit_event "
                "BEGIN INSERT INTO commit_bomb (customer_id) VALUES ('no-such-customer'); END"
            )
        )

        @event.listens_for(app.state.engine.sync_engine, "begin")
        def _defer(conn: Any) -> None:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")

    await session.commit()


async def _snapshot(session: AsyncSession) -> dict[str, Any]:
    snap: dict[str, Any] = {}
    for model, key in ((AuditEvent, AuditEvent.seq), (Conversation, Conversation.id), (Message, Message.id)):
        snap[model.__tablename__] = await session.scalar(sa_select(func.count(key)))
    snap["handoffs"] = [
        (h.id, h.status, h.assignee_id, h.closed_at)
        for h in await session.scalars(sa_select(Handoff).order_by(Handoff.id))
    ]
    snap["conversations"] = [
        (c.id, c.status) for c in await session.scalars(sa_select(Conversation).order_by(Conversation.id))
    ]
    await session.commit()
    session.expunge_all()
    return snap


@pytest.mark.parametrize("route", ["create-conversation", "claim", "staff-message", "return", "resolve"])
async def test_a_write_whose_commit_fails_answers_an_error_and_stores_nothing(
    app: FastAPI, session: AsyncSession, backend: str, route: str
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)
    if route not in ("create-conversation", "claim"):
        principal = StaffPrincipal(id=agent.id, full_name=agent.full_name, role=agent.role)
        await handoff_service.claim(session, handoff_id=handoff.id, staff=principal)
        await session.commit()
    requests: dict[str, tuple[str, dict[str, Any] | None, Customer | Any]] = {
        "create-conversation": ("/v1/conversations", None, customer),
        "claim": (f"/v1/handoffs/{handoff.id}/claim", None, agent),
        "staff-message": (f"/v1/handoffs/{handoff.id}/messages", {"content": "Hello from the bank"}, agent),
        "return": (f"/v1/handoffs/{handoff.id}/return", None, agent),
        "resolve": (f"/v1/handoffs/{handoff.id}/resolve", {"reason_code": "answered"}, agent),
    }
    path, body, who = requests[route]
    headers = auth(who)
    await _arm_commit_failure(app, session, backend)
    before = await _snapshot(session)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://bankdesk.test") as c:
        r = await c.post(path, json=body, headers=headers)
    assert r.status_code >= 500, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")
    assert await _snapshot(session) == before


# --- 8. metrics --------------------------------------------------------------------------------------------


def _request_series(app: FastAPI) -> set[tuple[tuple[str, str], ...]]:
    return {
        tuple(sorted(sample.labels.items()))
        for metric in app.state.metrics.registry.collect()
        if metric.name in ("bankdesk_http_requests", "bankdesk_http_request_duration_seconds")
        for sample in metric.samples
    }


async def test_invented_methods_and_paths_do_not_grow_the_metrics(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for i in range(3000):
        path = "/healthz" if i % 2 else f"/nowhere/{i}"
        await client.request(f"X-{i:04d}", path)
    series = _request_series(app)
    assert len(series) <= 60, len(series)
    labels = {dict(s).get("method") for s in series}
    assert labels <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other", None}
    assert {dict(s).get("route") for s in series} <= {"/healthz", "unmatched", None}
    text_size = len((await client.get("/metrics")).content)
    assert text_size < 64 * 1024


async def test_metrics_are_for_loopback_clients_when_no_scrape_token_is_set(app: FastAPI) -> None:
    outside = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=outside, base_url="http://bankdesk.test") as c:
        r = await c.get("/metrics")
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "bankdesk_http_requests" not in r.text
        assert (await c.get("/healthz")).status_code == 200
    for host in ("127.0.0.1", "::1"):
        inside = httpx.ASGITransport(app=app, client=(host, 40000))
        async with httpx.AsyncClient(transport=inside, base_url="http://bankdesk.test") as c:
            assert (await c.get("/metrics")).status_code == 200


async def test_metrics_need_the_scrape_token_when_one_is_set(
    settings: Settings, agent_assets: object
) -> None:
    token = "scrape-" + "s" * 40
    application = create_app(
        settings.model_copy(update={"metrics_token": token}),
        assets=agent_assets,  # type: ignore[arg-type]
    )
    async with application.router.lifespan_context(application):
        # Loopback is not enough once a token is configured (a proxy on the same host would pass).
        inside = httpx.ASGITransport(app=application, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=inside, base_url="http://bankdesk.test") as c:
            assert (await c.get("/metrics")).status_code == 403
            wrong = await c.get("/metrics", headers={"Authorization": "Bearer " + "x" * 47})
            assert wrong.status_code == 403
            assert (await c.get("/metrics", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        outside = httpx.ASGITransport(app=application, client=("203.0.113.9", 40000))
        async with httpx.AsyncClient(transport=outside, base_url="http://bankdesk.test") as c:
            r = await c.get("/metrics", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200
            assert "bankdesk_http_requests" in r.text


# --- 12. LIKE wildcards in the merchant filter ------------------------------------------------------------


async def test_merchant_filter_matches_wildcards_literally(
    session: AsyncSession, session_factory: Any
) -> None:
    customer = await make_customer(session)
    account = Account(
        customer_id=customer.id,
        kind=AccountKind.current,
        name="Current",
        currency="GBP",
        balance_minor=0,
        sort_code="000000",
        number=f"{uuid.uuid4().int % 10**8:08d}",
    )
    session.add(account)
    await session.flush()
    for merchant in ("Tesco", "T_sco Ltd", "100% Fitness", "Back\\Slash Cafe", "Tisco"):
        session.add(
            Transaction(
                account_id=account.id,
                amount_minor=-500,
                currency="GBP",
                merchant=merchant,
                description="card payment",
                category="shopping",
                status=TransactionStatus.posted,
                booked_at=datetime.now(UTC),
            )
        )
    await session.commit()
    port = SqlBankingPort(session_factory, customer_id=customer.id)

    async def merchants(needle: str) -> set[str]:
        found = await port.find_transactions(TransactionQuery(merchant=needle, limit=50))
        return {t.merchant for t in found}

    assert await merchants("T_sco") == {"T_sco Ltd"}
    assert await merchants("%") == {"100% Fitness"}
    assert await merchants("100%") == {"100% Fitness"}
    assert await merchants("\\") == {"Back\\Slash Cafe"}
    assert await merchants("tesco") == {"Tesco"}
