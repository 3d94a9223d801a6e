from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from app.models.enums import StaffRole
from tests.factories import auth, make_conversation, make_customer, make_handoff, make_staff


async def _chat(client: httpx.AsyncClient, customer: object, turns: int = 2) -> str:
    from app.models import Customer

    assert isinstance(customer, Customer)
    cid: str = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
    for i in range(turns):
        r = await client.post(
            f"/v1/conversations/{cid}/messages", json={"content": f"msg {i}"}, headers=auth(customer)
        )
        assert r.status_code == 201
    return cid


async def _tamper(session: AsyncSession, backend: str, seq: int) -> None:
    """Edit a row behind the application's back, as an attacker with database access could."""
    if backend == "postgres":
        await session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        await session.execute(text("DROP TRIGGER audit_event_no_update"))
    await session.execute(
        text("UPDATE audit_event SET payload = :p WHERE seq = :s"),
        {"p": json.dumps({"forged": True}), "s": seq},
    )
    await session.commit()


async def test_chain_verifies_and_names_the_tampered_row(
    client: httpx.AsyncClient, session: AsyncSession, backend: str
) -> None:
    customer = await make_customer(session)
    auditor = await make_staff(session, role=StaffRole.auditor)
    await _chat(client, customer, turns=3)
    report = (await client.get("/v1/audit/verify", headers=auth(auditor))).json()
    assert report["ok"] is True
    assert report["checked"] >= 10
    seqs = (await session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq))).all()
    await session.commit()
    victim = seqs[len(seqs) // 2]
    await _tamper(session, backend, victim)
    report = (await client.get("/v1/audit/verify", headers=auth(auditor))).json()
    assert report["ok"] is False
    assert report["first_broken_seq"] == victim
    assert "hash" in report["reason"]


async def test_database_refuses_update_and_delete_of_audit_rows(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    await _chat(client, customer, turns=1)
    for statement in ("UPDATE audit_event SET actor = 'someone'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text(statement))
        await session.rollback()


async def test_transcript_lists_messages_and_every_event(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    auditor = await make_staff(session, role=StaffRole.auditor)
    cid = await _chat(client, customer, turns=2)
    body = (await client.get(f"/v1/audit/conversations/{cid}", headers=auth(auditor))).json()
    assert [m["role"] for m in body["messages"]] == ["customer", "assistant"] * 2
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[0] == "conversation.created"
    assert kinds.count("message.received") == 2
    assert kinds.count("message.sent") == 2
    steps = [e["payload"] for e in body["events"] if e["kind"] == "agent.step"]
    # Every turn explains itself: screening, triage with its intent and model calls, the compliance verdict.
    assert [s["node"] for s in steps].count("screen") == 2
    triage = [s for s in steps if s["node"] == "triage"]
    assert len(triage) == 2
    assert all(s["intent"] and s["model_call_ids"] for s in triage)
    assert [s["node"] for s in steps].count("compliance") == 2
    seqs = [e["seq"] for e in body["events"]]
    assert seqs == sorted(seqs)
    calls = {c["call_id"]: c for c in body["model_calls"]}
    for step in triage:
        for call_id in step["model_call_ids"]:
            assert calls[call_id]["provider"] == "local"
            assert calls[call_id]["node"] == "triage"
            assert calls[call_id]["cost_usd_micros"] == 0


async def test_search_filters(client: httpx.AsyncClient, session: AsyncSession) -> None:
    auditor = await make_staff(session, role=StaffRole.auditor)
    alice = await make_customer(session, name="Alice")
    bob = await make_customer(session, name="Bob")
    a1 = await make_conversation(session, customer=alice)
    b1 = await make_conversation(session, customer=bob)
    await make_handoff(session, conversation=b1)
    a1.flagged = True
    await session.commit()
    h = auth(auditor)

    async def ids(query: str) -> set[str]:
        r = await client.get(f"/v1/audit/conversations{query}", headers=h)
        assert r.status_code == 200, r.text
        return {c["id"] for c in r.json()["items"]}

    assert await ids(f"?customer_id={alice.id}") == {str(a1.id)}
    assert await ids("?handed_off=true") == {str(b1.id)}
    assert await ids("?handed_off=false") == {str(a1.id)}
    assert await ids("?flagged=true") == {str(a1.id)}
    assert await ids("?status=handed_off") == {str(b1.id)}
    now = datetime.now(UTC)
    window = {"from": (now - timedelta(hours=1)).isoformat(), "to": (now + timedelta(hours=1)).isoformat()}
    r = await client.get("/v1/audit/conversations", params=window, headers=h)
    assert {c["id"] for c in r.json()["items"]} == {str(a1.id), str(b1.id)}
    future = {"from": (now + timedelta(days=1)).isoformat()}
    assert (await client.get("/v1/audit/conversations", params=future, headers=h)).json()["items"] == []
    naive = {"from": "2026-01-01T00:00:00"}
    assert (await client.get("/v1/audit/conversations", params=naive, headers=h)).status_code == 422


async def test_export_streams_jsonl_and_csv(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    auditor = await make_staff(session, role=StaffRole.auditor)
    await _chat(client, customer, turns=2)
    total = len((await session.scalars(select(AuditEvent.seq))).all())
    await session.commit()

    r = await client.get("/v1/audit/export?format=jsonl", headers=auth(auditor))
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert len(lines) == total
    chains: dict[str, list[dict[str, object]]] = {}
    for line in lines:
        chains.setdefault(line["chain_id"], []).append(line)
    for chain in chains.values():
        assert [e["chain_seq"] for e in chain] == list(range(1, len(chain) + 1))
        assert all(chain[i]["hash"] == chain[i + 1]["prev_hash"] for i in range(len(chain) - 1))

    r = await client.get("/v1/audit/export?format=csv", headers=auth(auditor))
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == total
    assert rows[0]["kind"] == "conversation.created"
    assert (await client.get("/v1/audit/export?format=xml", headers=auth(auditor))).status_code == 422
