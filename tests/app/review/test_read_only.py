"""An auditor cannot change a transcript: every write route in the OpenAPI document, tried with real ids.

The only writes an auditor's token gets through are the review routes, and those add review rows and
system-chain audit events only. Conversations, messages, handoffs, notes, complaints, tool actions and every
conversation's audit chain stay exactly as they were.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.chain import SYSTEM_CHAIN
from app.models import Base
from app.models.enums import StaffRole
from tests.app.audit_workspace.helpers import chat
from tests.factories import auth, make_customer, make_staff

# Tables an auditor's requests may add to. Everything else must be byte-for-byte unchanged.
REVIEW_TABLES = {"review_sample", "review_item", "review_score", "review_finding"}
# Tables no request writes in a way that matters here (the rate-limit ledger, idempotency records).
IGNORED = {"turn_admission", "idempotency_record"}
BODIES: list[Any] = [
    None,
    {},
    {"content": "auditor was here"},
    {"decision": "yes"},
    {"reason_code": "answered"},
    {"note": "auditor was here"},
    {"note": "auditor was here", "for_assistant": True},
    {"assignee_id": "00000000-0000-0000-0000-000000000000"},
    {"subject_id": "00000000-0000-0000-0000-000000000000"},
]


async def _snapshot(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in REVIEW_TABLES | IGNORED:
            continue
        query = f'SELECT * FROM "{table.name}"'
        if table.name == "audit_event":
            query += f" WHERE chain_id != '{SYSTEM_CHAIN}'"
        rows = (await session.execute(text(query))).all()
        out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    await session.rollback()
    return out


async def test_no_route_lets_an_auditor_alter_a_transcript(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent)
    auditor = await make_staff(session, role=StaffRole.auditor)
    cid = await chat(client, auth(customer), "where is my new card?", "I'd like to speak to a person please")
    queue = (await client.get("/v1/handoffs?status=open", headers=auth(agent))).json()["items"]
    handoff_id = next(h["id"] for h in queue if h["conversation_id"] == cid)
    await client.post(f"/v1/handoffs/{handoff_id}/claim", headers=auth(agent))
    await client.post(f"/v1/handoffs/{handoff_id}/messages", json={"content": "Hello"}, headers=auth(agent))
    as_auditor = auth(auditor)
    transcript = (await client.get(f"/v1/audit/conversations/{cid}", headers=as_auditor)).json()
    message_id = transcript["messages"][0]["id"]
    ids = {
        "conversation_id": cid,
        "id": cid,
        "handoff_id": handoff_id,
        "message_id": message_id,
        "customer_id": str(customer.id),
    }
    before = await _snapshot(session)

    writes = [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    ]
    assert ("POST", "/v1/handoffs/{handoff_id}/messages") in writes  # the document is what we think
    succeeded: set[str] = set()
    for method, template in writes:
        path = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), cid), template)
        for body in BODIES:
            r = await client.request(method, path, json=body, headers=as_auditor)
            assert r.status_code < 500, (method, path, body, r.text)
            if r.status_code < 300:
                succeeded.add(template)
    assert "/v1/review/samples" in succeeded  # the harness does get writes through where they are allowed
    assert succeeded <= {"/v1/review/findings", "/v1/review/samples", "/v1/review/items/{item_id}/scores"}, (
        succeeded
    )
    assert await _snapshot(session) == before
