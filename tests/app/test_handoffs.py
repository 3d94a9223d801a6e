from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from agents.nodes.care import holding_notice
from app.models.enums import ConversationStatus, HandoffPriority, StaffRole
from tests.factories import auth, make_conversation, make_customer, make_handoff, make_staff


async def test_queue_claim_reply_return_and_resolve(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    agent = await make_staff(session, role=StaffRole.agent)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation, priority=HandoffPriority.urgent)
    conv_url = f"/v1/conversations/{conversation.id}"

    queue = (await client.get("/v1/handoffs?status=open", headers=auth(agent))).json()["items"]
    assert [h["id"] for h in queue] == [str(handoff.id)]
    assert queue[0]["priority"] == "urgent"

    # While handed off the assistant answers nothing it would have to ask about ("anyone there?"); until
    # someone from staff has written, the customer of an urgent handoff is told the team has the
    # conversation and how to stop a card now, and nothing else.
    r = await client.post(f"{conv_url}/messages", json={"content": "anyone there?"}, headers=auth(customer))
    assert r.status_code == 201
    assert r.json()["kind"] == "silent"
    assert r.json()["reply"]["content"] == holding_notice("customer asked for a person", "urgent")

    # Replying before claiming is refused.
    r = await client.post(f"/v1/handoffs/{handoff.id}/messages", json={"content": "Hi"}, headers=auth(agent))
    assert r.status_code == 409

    r = await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(agent))
    assert r.status_code == 200
    assert r.json()["status"] == "claimed"
    assert r.json()["assignee_id"] == str(agent.id)

    r = await client.post(
        f"/v1/handoffs/{handoff.id}/messages", json={"content": "Hello, this is Sam."}, headers=auth(agent)
    )
    assert r.status_code == 201
    messages = (await client.get(conv_url, headers=auth(customer))).json()["messages"]
    assert [m["role"] for m in messages] == ["customer", "assistant", "staff"]
    assert messages[-1]["content"] == "Hello, this is Sam."
    # Once staff have written, the assistant says nothing at all.
    r = await client.post(f"{conv_url}/messages", json={"content": "hi Sam"}, headers=auth(customer))
    assert r.json()["kind"] == "silent"
    assert r.json()["reply"] is None

    r = await client.post(f"/v1/handoffs/{handoff.id}/return", headers=auth(agent))
    assert r.status_code == 200
    assert r.json()["conversation_status"] == ConversationStatus.active
    r = await client.post(f"{conv_url}/messages", json={"content": "thanks"}, headers=auth(customer))
    assert r.json()["reply"] is not None

    # A returned handoff cannot be claimed again or resolved.
    assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(agent))).status_code == 409
    r = await client.post(
        f"/v1/handoffs/{handoff.id}/resolve", json={"reason_code": "answered"}, headers=auth(agent)
    )
    assert r.status_code == 409


async def test_resolve_closes_conversation_and_others_cannot_take_over(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    customer = await make_customer(session)
    first = await make_staff(session, role=StaffRole.agent, name="First")
    second = await make_staff(session, role=StaffRole.agent, name="Second")
    supervisor = await make_staff(session, role=StaffRole.supervisor)
    conversation = await make_conversation(session, customer=customer)
    handoff = await make_handoff(session, conversation=conversation)

    assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(first))).status_code == 200
    assert (await client.post(f"/v1/handoffs/{handoff.id}/claim", headers=auth(second))).status_code == 409
    r = await client.post(f"/v1/handoffs/{handoff.id}/messages", json={"content": "x"}, headers=auth(second))
    assert r.status_code == 409
    # A supervisor may step in.
    r = await client.post(
        f"/v1/handoffs/{handoff.id}/resolve", json={"reason_code": "answered"}, headers=auth(supervisor)
    )
    assert r.status_code == 200
    assert r.json()["handoff"]["status"] == "resolved"
    assert r.json()["conversation_status"] == "resolved"
    resolved = (await client.get("/v1/handoffs?status=resolved", headers=auth(first))).json()["items"]
    assert [h["id"] for h in resolved] == [str(handoff.id)]


async def test_queue_orders_by_priority_then_sla(client: httpx.AsyncClient, session: AsyncSession) -> None:
    agent = await make_staff(session, role=StaffRole.agent)
    customer = await make_customer(session)
    normal = await make_handoff(session, conversation=await make_conversation(session, customer=customer))
    urgent = await make_handoff(
        session,
        conversation=await make_conversation(session, customer=customer),
        priority=HandoffPriority.urgent,
    )
    high = await make_handoff(
        session,
        conversation=await make_conversation(session, customer=customer),
        priority=HandoffPriority.high,
    )
    items = (await client.get("/v1/handoffs", headers=auth(agent))).json()["items"]
    assert [i["id"] for i in items] == [str(urgent.id), str(high.id), str(normal.id)]
    assert (await client.get("/v1/handoffs?status=bogus", headers=auth(agent))).status_code == 422
