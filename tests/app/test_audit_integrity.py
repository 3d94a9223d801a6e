"""The audit log against an insider (issue 11, findings 3, 9 and 11).

Someone with the database's credentials can rewrite the hash chains; they cannot forge the Ed25519
signature on a checkpoint that recorded the old chain heads. These tests tamper as such an insider would
(TRUNCATE, deleting the newest rows with triggers bypassed, deleting every tool.executed event and
recomputing every hash) and expect ``/v1/audit/verify`` to say ok before and to name what is missing after.
They also show that the app's own role cannot do any of it, that appends to different conversations run in
parallel, that slow export readers hold no connection, and that absurd search bounds get 422.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import cli
from app.agent import AgentAssets
from app.audit.chain import (
    GENESIS_HASH,
    canonical_json,
    chain_hash,
    event_body,
    event_fields,
    new_event_hash,
)
from app.audit.checkpoint import (
    CheckpointLog,
    CheckpointRefused,
    checkpoint_path,
    load_signing_key,
    merkle_root,
)
from app.audit.endpoints import export
from app.audit.service import append_event
from app.config import Settings, get_settings
from app.deps import StaffPrincipal
from app.main import create_app
from app.models import AuditEvent
from app.models.enums import StaffRole
from tests.factories import auth, make_customer, make_staff


async def _events(
    factory: async_sessionmaker[AsyncSession], conversation: uuid.UUID | None, kinds: list[str]
) -> None:
    async with factory() as session:
        for kind in kinds:
            await append_event(
                session, kind=kind, actor="test", payload={"k": kind}, conversation_id=conversation
            )
        await session.commit()


async def _a_log(factory: async_sessionmaker[AsyncSession]) -> tuple[uuid.UUID, uuid.UUID]:
    """Two conversations (one with tool.executed events) and the system chain."""
    one, two = uuid.uuid4(), uuid.uuid4()
    await _events(factory, one, ["conversation.created", "message.received", "tool.executed", "message.sent"])
    await _events(factory, two, ["conversation.created", "message.received", "message.sent"])
    await _events(factory, None, ["staff.login"])
    await _events(factory, one, ["message.received", "tool.executed", "message.sent"])
    return one, two


async def _checkpoint(settings: Settings, factory: async_sessionmaker[AsyncSession]) -> dict[str, Any] | None:
    key = load_signing_key(settings, create=True)
    assert key is not None
    return await CheckpointLog(checkpoint_path(settings), key).write(factory)


async def _verify(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, Any]:
    auditor = await make_staff(session, role=StaffRole.auditor)
    r = await client.get("/v1/audit/verify", headers=auth(auditor))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# --- chains and checkpoints ------------------------------------------------------------------------------


async def test_each_conversation_is_its_own_chain(
    session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    one, two = await _a_log(session_factory)
    rows = (await session.scalars(select(AuditEvent).order_by(AuditEvent.seq))).all()
    chains: dict[str, list[AuditEvent]] = {}
    for row in rows:
        chains.setdefault(row.chain_id, []).append(row)
    assert set(chains) == {str(one), str(two), "system"}
    for events in chains.values():
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == GENESIS_HASH
        assert all(a.hash == b.prev_hash for a, b in zip(events, events[1:], strict=False))


async def test_verify_returns_the_latest_signed_checkpoint(
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    await _a_log(session_factory)
    line = await _checkpoint(settings, session_factory)
    assert line is not None
    body = line["checkpoint"]
    assert (body["size"], body["chains"]) == (11, 3)
    assert await _checkpoint(settings, session_factory) is None  # nothing new: nothing signed

    report = await _verify(client, session)
    assert report["ok"] is True, report
    assert report["checked"] == 11
    assert report["chains"] == 3
    assert report["checkpoints_verified"] == 1
    assert report["checkpoint"] == line
    # An auditor holding only the public key and the checkpoint can check it.
    key = load_signing_key(settings, create=False)
    assert key is not None
    key.public_key().verify(base64.b64decode(line["signature"]), canonical_json(body).encode())
    heads = {
        row.chain_id: (row.chain_seq, row.hash)
        for row in (await session.scalars(select(AuditEvent).order_by(AuditEvent.seq))).all()
    }
    assert body["root"] == merkle_root(heads)


def test_merkle_root_follows_rfc_6962() -> None:
    import hashlib

    def h(b: bytes) -> bytes:
        return hashlib.sha256(b).digest()

    a, b, c = ("a", 1, "1" * 64), ("b", 2, "2" * 64), ("c", 3, "3" * 64)
    leaf = [h(b"\x00" + canonical_json(list(x)).encode()) for x in (a, b, c)]
    expected = h(b"\x01" + h(b"\x01" + leaf[0] + leaf[1]) + leaf[2]).hex()
    assert merkle_root({x[0]: (x[1], x[2]) for x in (c, a, b)}) == expected
    assert merkle_root({}) == h(b"").hex()


# --- the insider ----------------------------------------------------------------------------------------


async def _truncate(session: AsyncSession, backend: str, one: uuid.UUID) -> None:
    if backend == "postgres":
        await session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        await session.execute(text("TRUNCATE audit_event"))
    else:
        await session.execute(text("DROP TRIGGER audit_event_no_delete"))
        await session.execute(text("DELETE FROM audit_event"))


async def _delete_newest(session: AsyncSession, backend: str, one: uuid.UUID) -> None:
    if backend == "postgres":
        await session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        await session.execute(text("DROP TRIGGER audit_event_no_delete"))
    newest = (await session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(3))).all()
    await session.execute(text(f"DELETE FROM audit_event WHERE seq IN ({','.join(map(str, newest))})"))


async def _drop_tool_events_and_rechain(session: AsyncSession, backend: str, one: uuid.UUID) -> None:
    """Delete every tool.executed event and recompute every chain, so the chains verify on their own."""
    if backend == "postgres":
        await session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        await session.execute(text("DROP TRIGGER audit_event_no_delete"))
        await session.execute(text("DROP TRIGGER audit_event_no_update"))
    await session.execute(text("DELETE FROM audit_event WHERE kind = 'tool.executed'"))
    rows = (await session.scalars(select(AuditEvent).order_by(AuditEvent.seq))).all()
    heads: dict[str, tuple[int, str]] = {}
    for row in rows:
        position, prev = heads.get(row.chain_id, (0, GENESIS_HASH))
        body = event_body(
            chain_id=row.chain_id,
            chain_seq=position + 1,
            conversation_id=row.conversation_id,
            kind=row.kind,
            actor=row.actor,
            payload=row.payload,
            created_at=row.created_at,
        )
        digest = chain_hash(prev, body)
        await session.execute(
            text("UPDATE audit_event SET chain_seq = :n, prev_hash = :p, hash = :h WHERE seq = :s"),
            {"n": position + 1, "p": prev, "h": digest, "s": row.seq},
        )
        heads[row.chain_id] = (position + 1, digest)


TAMPERING = {
    "truncate": (_truncate, "log truncated: checkpoint {at} recorded 11 events, the database has 0"),
    "delete_newest_rows": (_delete_newest, "conversation {one}: checkpoint {at} recorded 7 events"),
    "drop_tool_events_and_rechain": (
        _drop_tool_events_and_rechain,
        "conversation {one}: checkpoint {at} recorded 7 events (head {head}), the database has 5",
    ),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
async def test_insider_tampering_is_named(
    how: str,
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    backend: str,
) -> None:
    one, _two = await _a_log(session_factory)
    line = await _checkpoint(settings, session_factory)
    assert line is not None
    at = line["checkpoint"]["created_at"]
    head = line["checkpoint"]["heads"][str(one)][1][:12]
    assert (await _verify(client, session))["ok"] is True
    await session.commit()

    tamper, expected = TAMPERING[how]
    await tamper(session, backend, one)
    await session.commit()
    if how == "drop_tool_events_and_rechain":
        # The chains alone cannot tell: they were recomputed.
        rows = (await session.scalars(select(AuditEvent).where(AuditEvent.chain_id == str(one)))).all()
        assert [r.chain_seq for r in sorted(rows, key=lambda r: r.chain_seq)] == [1, 2, 3, 4, 5]
        await session.commit()

    report = await _verify(client, session)
    assert report["ok"] is False
    wanted = expected.format(at=at, one=one, head=head)
    assert any(p.startswith(wanted) for p in report["problems"]), report["problems"]
    assert report["reason"] == report["problems"][0]
    assert report["checkpoint"] == line
    # And nothing new gets signed over the damage.
    with pytest.raises(CheckpointRefused):
        await _checkpoint(settings, session_factory)


async def test_postgres_refuses_truncate(session: AsyncSession, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("TRUNCATE triggers are a Postgres feature (SQLite has no TRUNCATE)")
    with pytest.raises(DBAPIError, match="append-only"):
        await session.execute(text("TRUNCATE audit_event"))
    await session.rollback()


async def test_forged_checkpoint_lines_are_rejected(
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    one, _ = await _a_log(session_factory)
    line = await _checkpoint(settings, session_factory)
    assert line is not None
    path = checkpoint_path(settings)
    original = path.read_bytes()

    # Someone lowers the recorded size and heads, keeping the signature: it no longer verifies.
    altered = json.loads(original)
    altered["checkpoint"]["size"] = 3
    path.write_bytes(canonical_json(altered).encode() + b"\n")
    report = await _verify(client, session)
    assert report["ok"] is False
    assert "line 1" in report["reason"]
    assert "signature does not verify" in report["reason"]

    # Someone signs a whole new history with their own key: rejected too.
    forger = Ed25519PrivateKey.generate()
    forged_body = dict(line["checkpoint"], size=0, chains=0, heads={})
    forged = {
        "checkpoint": forged_body,
        "signature": base64.b64encode(forger.sign(canonical_json(forged_body).encode())).decode(),
    }
    path.write_bytes(canonical_json(forged).encode() + b"\n")
    report = await _verify(client, session)
    assert report["ok"] is False
    assert "signature does not verify" in report["reason"]

    # Dropping the first line of the file breaks the prev link of the next. (Dropping the last lines cannot
    # be seen from the file alone: that is why verify hands out the latest checkpoint for auditors to keep.)
    path.write_bytes(original)
    await _events(session_factory, one, ["message.received"])
    assert await _checkpoint(settings, session_factory) is not None
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[1])
    report = await _verify(client, session)
    assert report["ok"] is False
    assert "does not follow the line before it" in report["reason"]


# --- the app's database role ----------------------------------------------------------------------------


@pytest.fixture
def app_role(database_url: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    if backend != "postgres":
        pytest.skip("database roles are a Postgres feature")
    role = f"bankdesk_app_{uuid.uuid4().hex[:8]}"
    dsn = make_url(database_url).set(drivername="postgresql")
    admin = dsn.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    monkeypatch.setenv("BANKDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("BANKDESK_SECRET_KEY", "x" * 40)
    get_settings.cache_clear()
    try:
        yield role, dsn.set(username=role).render_as_string(hide_password=False)
    finally:
        get_settings.cache_clear()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')


async def test_the_app_role_can_append_but_not_tamper(
    app_role: tuple[str, str],
    session_factory: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    settings: Settings,
    agent_assets: AgentAssets,
    capsys: Any,
) -> None:
    role, role_dsn = app_role
    await _a_log(session_factory)
    assert await asyncio.to_thread(cli.main, ["db", "grant-app-role", role]) == 0
    assert await asyncio.to_thread(cli.main, ["db", "grant-app-role", "postgres"]) == 1  # superuser: refused
    assert "superuser" in capsys.readouterr().err

    # The app runs as the role: a customer's turn, the audit routes, and a signed checkpoint at shutdown.
    customer = await make_customer(session)
    auditor = await make_staff(session, role=StaffRole.auditor)
    role_url = make_url(role_dsn).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    application = create_app(settings.model_copy(update={"database_url": role_url}), assets=agent_assets)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://bankdesk.test") as as_app:
            cid = (await as_app.post("/v1/conversations", headers=auth(customer))).json()["id"]
            r = await as_app.post(
                f"/v1/conversations/{cid}/messages",
                json={"content": "what is my balance"},
                headers=auth(customer),
            )
            assert r.status_code == 201, r.text
            report = (await as_app.get("/v1/audit/verify", headers=auth(auditor))).json()
            assert report["ok"] is True, report
    state = json.loads(checkpoint_path(settings).read_bytes().splitlines()[-1])["checkpoint"]
    assert cid in state["heads"]
    turn_events = (await session.scalars(select(AuditEvent).where(AuditEvent.chain_id == cid))).all()
    await session.commit()
    assert len(turn_events) >= 3

    with psycopg.connect(role_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM audit_event").fetchone() == (11 + len(turn_events),)
        for statement, refusal in (
            ("UPDATE audit_event SET actor = 'x'", "permission denied"),
            ("DELETE FROM audit_event", "permission denied"),
            ("TRUNCATE audit_event", "permission denied"),
            ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only", "must be owner"),
            ("ALTER TABLE audit_event DISABLE TRIGGER ALL", "must be owner"),
            ("DROP TRIGGER audit_event_no_truncate ON audit_event", "must be owner"),
            ("SET session_replication_role = replica", "permission denied"),
            ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
        ):
            with pytest.raises(psycopg.Error, match=refusal):
                conn.execute(statement)


# --- concurrency ----------------------------------------------------------------------------------------


async def test_appends_to_different_conversations_do_not_wait_for_each_other(
    session_factory: async_sessionmaker[AsyncSession], backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has one writer at a time by design")
    one, two = uuid.uuid4(), uuid.uuid4()
    async with session_factory() as first:
        await append_event(first, kind="k", actor="a", payload={}, conversation_id=one)
        # The first transaction is still open; a turn in another conversation must not wait for it.
        async with session_factory() as second:
            await asyncio.wait_for(
                append_event(second, kind="k", actor="a", payload={}, conversation_id=two), timeout=5
            )
            await second.commit()
        # The same conversation does wait (and then extends the chain rather than forking it).
        async with session_factory() as third:
            blocked = asyncio.ensure_future(
                append_event(third, kind="k", actor="a", payload={}, conversation_id=one)
            )
            await asyncio.sleep(0.5)
            assert not blocked.done()
            await first.commit()
            event = await asyncio.wait_for(blocked, timeout=5)
            await third.commit()
    assert event.chain_seq == 2


async def test_parallel_appends_to_one_conversation_never_fork(
    session_factory: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    session: AsyncSession,
) -> None:
    conversation = uuid.uuid4()

    async def one_turn(i: int) -> None:
        async with session_factory() as s:
            await append_event(s, kind="k", actor="a", payload={"i": i}, conversation_id=conversation)
            await append_event(s, kind="k", actor="a", payload={"i": i, "n": 2}, conversation_id=conversation)
            await s.commit()

    await asyncio.gather(*(one_turn(i) for i in range(12)))
    positions = (
        await session.scalars(
            select(AuditEvent.chain_seq)
            .where(AuditEvent.chain_id == str(conversation))
            .order_by(AuditEvent.seq)
        )
    ).all()
    await session.commit()
    assert list(positions) == list(range(1, 25))
    assert (await _verify(client, session))["ok"] is True


# --- finding 9: slow export readers ---------------------------------------------------------------------


async def _idle_in_transaction(database_url: str) -> int:
    name = make_url(database_url).database
    admin = make_url(database_url).set(drivername="postgresql", database="postgres")
    async with await psycopg.AsyncConnection.connect(admin.render_as_string(False), autocommit=True) as conn:
        row = await (
            await conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND state LIKE 'idle in transaction%%'",
                (name,),
            )
        ).fetchone()
    assert row is not None
    return int(row[0])


async def test_slow_export_readers_hold_no_connection(
    app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    backend: str,
    database_url: str,
) -> None:
    for _ in range(3):
        await _a_log(session_factory)
    auditor = await make_staff(session, role=StaffRole.auditor)
    principal = StaffPrincipal(id=auditor.id, full_name=auditor.full_name, role=auditor.role)
    factory = app.state.session_factory
    streams: list[AsyncIterator[Any]] = []
    try:
        # 16 clients that read the first chunk of an export and then stop reading.
        for _ in range(16):
            response = await export(principal, factory, "jsonl")
            stream = cast(AsyncIterator[Any], response.body_iterator)
            streams.append(stream)
            first = await asyncio.wait_for(anext(stream), timeout=5)
            assert json.loads(str(first).splitlines()[0])["chain_seq"] == 1
        # The stalled streams hold none; the app's own background work (the recovery sweep, checkpoints) may
        # hold one for a moment, so wait for it to be given back.
        for _ in range(100):
            if app.state.engine.pool.checkedout() == 0:
                break
            await asyncio.sleep(0.02)
        assert app.state.engine.pool.checkedout() == 0
        if backend == "postgres":
            assert await _idle_in_transaction(database_url) == 0
        # Every other route still answers.
        ready = await asyncio.wait_for(client.get("/readyz"), timeout=5)
        assert ready.status_code == 200
        listing = await asyncio.wait_for(
            client.get("/v1/audit/conversations", headers=auth(auditor)), timeout=5
        )
        assert listing.status_code == 200
    finally:
        for stream in streams:
            await cast(Any, stream).aclose()


async def test_export_pages_cover_the_whole_log(
    client: httpx.AsyncClient, session: AsyncSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    for _ in range(60):  # 660 events: more than one page
        await _a_log(session_factory)
    auditor = await make_staff(session, role=StaffRole.auditor)
    r = await client.get("/v1/audit/export?format=jsonl", headers=auth(auditor))
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [item["seq"] for item in lines] == sorted(item["seq"] for item in lines)
    assert len(lines) == 660


# --- finding 11: search bounds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"from": "0001-01-01T00:00:00+14:00"},
        {"to": "9999-12-31T23:59:59-14:00"},
        {"offset": "9223372036854775808"},
        {"offset": "1000000001"},
    ],
)
async def test_search_bounds_that_overflow_are_422(
    query: dict[str, str], client: httpx.AsyncClient, session: AsyncSession
) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    r = await client.get("/v1/audit/conversations", params=query, headers=auth(auditor))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


# --- the CLI --------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("BANKDESK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BANKDESK_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("BANKDESK_AUDIT_CHECKPOINT_PATH", str(checkpoint_path(settings)))
    assert settings.audit_signing_key is not None
    monkeypatch.setenv("BANKDESK_AUDIT_SIGNING_KEY", settings.audit_signing_key)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


async def test_cli_checkpoint_and_verify(
    cli_env: Settings, session_factory: async_sessionmaker[AsyncSession], capsys: Any, backend: str
) -> None:
    one, _ = await _a_log(session_factory)

    def run(*argv: str) -> int:
        return cli.main(list(argv))

    assert await asyncio.to_thread(run, "audit", "checkpoint") == 0
    assert json.loads(capsys.readouterr().out)["checkpoint"]["size"] == 11
    assert await asyncio.to_thread(run, "audit", "verify") == 0
    assert capsys.readouterr().out.startswith("ok: 11 events in 3 chains, 1 signed checkpoints verified")

    async with session_factory() as s:
        await _delete_newest(s, backend, one)
        await s.commit()
    assert await asyncio.to_thread(run, "audit", "verify") == 1
    assert f"conversation {one}: checkpoint" in capsys.readouterr().out
    assert await asyncio.to_thread(run, "audit", "checkpoint") == 1
    assert "refused" in capsys.readouterr().err


def test_signing_key_is_generated_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BANKDESK_AUDIT_SIGNING_KEY")
    settings = Settings(env="test", secret_key="x" * 40, var_dir=tmp_path)
    assert load_signing_key(settings, create=False) is None
    key = load_signing_key(settings, create=True)
    path = tmp_path / "audit" / "signing.key"
    assert os.stat(path).st_mode & 0o777 == 0o600
    again = load_signing_key(settings, create=True)
    assert key is not None
    assert again is not None
    assert key.public_key().public_bytes_raw() == again.public_key().public_bytes_raw()


async def test_export_clients_that_stop_reading_over_http_hold_no_connection(
    app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    session_factory: async_sessionmaker[AsyncSession],
    backend: str,
    database_url: str,
) -> None:
    """The finding as reported: real HTTP clients that request the export and then never read."""
    import socket

    import uvicorn

    async with session_factory() as s:  # ~2 MB of log, so a client that stops reading stalls the server
        for i in range(300):
            await append_event(s, kind="k", actor="a", payload={"i": i, "pad": "x" * 6000})
        await s.commit()
    auditor = await make_staff(session, role=StaffRole.auditor)
    # Small socket buffers on both sides, so the kernel cannot absorb a whole export for a client.
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    writers: list[asyncio.StreamWriter] = []
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        request = (
            f"GET /v1/audit/export?format=jsonl HTTP/1.1\r\nHost: bankdesk.test\r\n"
            f"Authorization: {auth(auditor)['Authorization']}\r\n\r\n"
        ).encode()
        for _ in range(16):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.connect(("127.0.0.1", port))
            reader, writer = await asyncio.open_connection(sock=sock)
            writers.append(writer)
            writer.write(request)
            await writer.drain()
            assert (await asyncio.wait_for(reader.read(1024), timeout=5)).startswith(b"HTTP/1.1 200")
        # Every export reaches the point where it waits for its client, holding no connection.
        for _ in range(100):
            if app.state.engine.pool.checkedout() == 0:
                break
            await asyncio.sleep(0.1)
        # The stalled streams hold none; the app's own background work (the recovery sweep, checkpoints) may
        # hold one for a moment, so wait for it to be given back.
        for _ in range(100):
            if app.state.engine.pool.checkedout() == 0:
                break
            await asyncio.sleep(0.02)
        assert app.state.engine.pool.checkedout() == 0
        if backend == "postgres":
            assert await _idle_in_transaction(database_url) == 0
        ready = await asyncio.wait_for(client.get("/readyz"), timeout=5)
        assert ready.status_code == 200
        listing = await asyncio.wait_for(
            client.get("/v1/audit/conversations", headers=auth(auditor)), timeout=5
        )
        assert listing.status_code == 200
    finally:
        for writer in writers:
            writer.transport.abort()
        server.should_exit = True
        await asyncio.wait_for(serving, timeout=10)
        listener.close()


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(
    payload=st.dictionaries(st.text(max_size=12), _json_values, max_size=8),
    kind=st.text(min_size=1, max_size=20),
    actor=st.text(min_size=1, max_size=20),
    seq=st.integers(min_value=1, max_value=10**9),
    conversation=st.one_of(st.none(), st.uuids()),
)
def test_an_events_hash_written_by_splicing_is_the_one_verification_recomputes(
    payload: dict[str, object], kind: str, actor: str, seq: int, conversation: uuid.UUID | None
) -> None:
    """Issue 14: a new event's hash is computed around its payload's canonical text instead of parsing it back
    and serialising it again; verification still parses what is stored. Both must give the same hash for any
    payload, or every new event would read as tampered."""
    text = canonical_json(payload)
    moment = datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=UTC)
    fields = {
        "chain_id": str(conversation) if conversation else "system",
        "chain_seq": seq,
        "conversation_id": conversation,
        "kind": kind,
        "actor": actor,
        "created_at": moment,
    }
    previous = "ab" * 32
    spliced = new_event_hash(previous, event_fields(**fields), text)  # type: ignore[arg-type]
    assert spliced == chain_hash(previous, event_body(payload=text, **fields))
