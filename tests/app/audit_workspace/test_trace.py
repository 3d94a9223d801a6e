"""The step trace: each turn with triage, route, procedure, model calls, tools, compliance and staff."""

from __future__ import annotations

import json
import uuid

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import AuditEvent
from app.models.enums import StaffRole
from tests.app.audit_workspace.helpers import bearer, chat, plant_merchant, seeded_customer
from tests.factories import auth, make_customer, make_staff

MERCHANT = "=1+1<img src=x onerror=alert(1)>"  # merchant names are cut at 48 characters


async def test_trace_of_a_lookup_and_a_confirmed_action(
    client: httpx.AsyncClient, session: AsyncSession, engine: AsyncEngine
) -> None:
    customer_id = await seeded_customer(engine)
    auditor = await make_staff(session, role=StaffRole.auditor)
    await plant_merchant(session, customer_id, MERCHANT)
    h = bearer(customer_id, "customer")
    cid = await chat(client, h, "show me my recent transactions", "I lost my card, please report it lost")
    turn = (await client.post(f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=h)).json()
    if turn["kind"] != "confirmation_required":  # one card only: the question came straight away
        assert turn["kind"] == "reply", turn
    r = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=h)
    assert r.status_code == 201, r.text

    body = (await client.get(f"/v1/audit/conversations/{cid}", headers=auth(auditor))).json()
    turns = body["turns"]
    assert [t["index"] for t in turns] == list(range(1, len(turns) + 1))
    first = turns[0]
    assert first["customer_message"]["content"] == "show me my recent transactions"
    assert first["customer_message"]["role"] == "customer"
    [triage] = first["triage"]
    assert triage["intent"] == "recent_transactions"
    assert 0 < triage["confidence"] <= 1
    assert triage["route"]
    assert triage["tier"] in ("nano", "mini", "plan")
    assert first["routes"][0]["flow"] == "procedure"
    assert first["routes"][0]["intent"] == "recent_transactions"
    # The tool's arguments and result, the planted merchant text included, as data.
    search = next(c for c in first["tool_calls"] if c["tool"] == "search_transactions")
    assert search["node"] == "procedure"
    assert isinstance(search["arguments"], dict)
    assert MERCHANT in json.dumps(search["result"], ensure_ascii=False)
    assert [c["outcome"] for c in first["compliance"]] == ["rewrite"]
    assert first["compliance"][0]["findings"][0]["rule"] == "ai_disclosure"
    assert [r["role"] for r in first["replies"]] == ["assistant"]
    calls = first["model_calls"]
    assert calls
    assert all(c["tier"] and c["provider"] and c["model"] and c["outcome"] for c in calls)
    assert all(c["input_tokens"] >= 0 and c["latency_ms"] >= 0 for c in calls)
    assert first["tokens"] == sum(c["input_tokens"] + c["output_tokens"] for c in calls)
    assert [s["node"] for s in first["steps"]][:3] == ["screen", "triage", "route"]
    assert [s["node"] for s in first["procedure"]] == ["procedure"]

    # The confirmed action: the tool's change and the customer's consent land in the confirmation's turn,
    # though both were committed before that turn's message.received.
    confirmation = turns[-1]
    assert confirmation["kind"] == "confirmation"
    [action] = confirmation["actions"]
    assert action["action"] == "report_card_lost"
    assert action["consent"]["message_id"] == confirmation["message_id"]
    assert action["consent"]["channel"] == "confirm"
    executed = next(c for c in confirmation["tool_calls"] if c["node"] == "execute")
    assert executed["tool"] == "report_card"
    assert executed["arguments"]["kind"] == "lost"
    assert [s["node"] for s in confirmation["procedure"]][:2] == ["confirm", "execute"]

    # Every model call of the conversation is shown in exactly one turn.
    shown = [(c["call_id"], c["created_at"]) for t in turns for c in t["model_calls"]]
    assert sorted(shown) == sorted((c["call_id"], c["created_at"]) for c in body["model_calls"])
    assert body["unattributed_model_calls"] == []
    assert [e["kind"] for e in body["before_first_turn"]] == ["conversation.created"]


async def test_trace_shows_the_handoff_and_staff_messages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent, name="Sam Agent")
    auditor = await make_staff(session, role=StaffRole.auditor)
    cid = await chat(client, auth(customer), "I'd like to speak to a person please")
    queue = (await client.get("/v1/handoffs?status=open", headers=auth(agent))).json()["items"]
    handoff_id = next(h["id"] for h in queue if h["conversation_id"] == cid)
    assert (await client.post(f"/v1/handoffs/{handoff_id}/claim", headers=auth(agent))).status_code == 200
    reply = "@SUM(1+1) Hello, this is Sam <b>from the bank</b>"
    r = await client.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": reply}, headers=auth(agent))
    assert r.status_code == 201, r.text

    body = (await client.get(f"/v1/audit/conversations/{cid}", headers=auth(auditor))).json()
    [turn] = body["turns"]
    assert turn["routes"][0]["flow"] == "handoff"
    kinds = [e["kind"] for e in turn["staff"]]
    assert kinds == ["handoff.opened", "handoff.claimed", "message.staff"]
    message = turn["staff"][-1]["message"]
    assert message["content"] == reply
    assert message["role"] == "staff"
    assert message["author_name"] == "Sam Agent"
    assert message["author_staff_id"] == str(agent.id)
    [handoff] = body["handoffs"]
    assert handoff["status"] == "claimed"
    assert handoff["assignee_name"] == "Sam Agent"
    assert body["conversation"]["handed_off"] is True


async def test_conversation_chain_check_names_a_changed_row(
    client: httpx.AsyncClient, session: AsyncSession, backend: str
) -> None:
    customer = await make_customer(session)
    auditor = await make_staff(session, role=StaffRole.auditor)
    cid = await chat(client, auth(customer), "hello", "what's my balance?")
    other = await chat(client, auth(customer), "hello")
    r = await client.get(f"/v1/audit/conversations/{cid}/verify", headers=auth(auditor))
    assert r.status_code == 200
    report = r.json()
    assert report == {"conversation_id": cid, "ok": True, "checked": report["checked"], "problems": []}
    assert report["checked"] >= 8

    victim = await session.scalar(
        select(AuditEvent.seq)
        .where(AuditEvent.conversation_id == uuid.UUID(cid), AuditEvent.kind == "message.received")
        .limit(1)
    )
    await session.commit()
    if backend == "postgres":
        await session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        await session.execute(text("DROP TRIGGER audit_event_no_update"))
    await session.execute(text("UPDATE audit_event SET actor = 'someone else' WHERE seq = :s"), {"s": victim})
    await session.commit()

    report = (await client.get(f"/v1/audit/conversations/{cid}/verify", headers=auth(auditor))).json()
    assert report["ok"] is False
    assert any(f"event seq {victim}" in p and "hash" in p for p in report["problems"])
    untouched = (await client.get(f"/v1/audit/conversations/{other}/verify", headers=auth(auditor))).json()
    assert untouched["ok"] is True
    missing = await client.get(f"/v1/audit/conversations/{uuid.uuid4()}/verify", headers=auth(auditor))
    assert missing.status_code == 404
