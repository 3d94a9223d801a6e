"""The customer turn: storage after redaction, streaming, rate limit."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Message, TurnJournal
from app.models.base import utcnow
from app.models.enums import MessageRole
from tests.factories import auth, make_conversation, make_customer


async def test_card_number_and_cvv_are_never_stored(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    text = "my card is 4111 1111 1111 1111 and the cvv is 123, please help"
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages", json={"content": text}, headers=auth(customer)
    )
    assert r.status_code == 201
    stored = (
        await session.scalars(select(Message.content).where(Message.role == MessageRole.customer))
    ).one()
    assert "4111 1111 1111 1111" not in stored
    assert "1111" in stored  # masked to the last four
    assert "123" not in stored
    assert r.json()["message"]["content"] == stored
    # Nor in the audit log.
    payloads = (await session.scalars(select(AuditEvent.payload))).all()
    assert not any("4111 1111 1111 1111" in p or "4111111111111111" in p for p in payloads)


def _parse_sse(raw: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in raw.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        assert set(fields) == {"id", "event", "data"}, block
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_sse_framing_and_order(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    async with client.stream(
        "POST",
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "hello"},
        headers={**auth(customer), "Accept": "text/event-stream"},
    ) as r:
        assert r.status_code == 200  # a stream starts before the outcome is known
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = (await r.aread()).decode()
    events = _parse_sse(raw)
    names = [name for name, _ in events]
    assert names[0] == "message.created"
    assert names[-1] == "message.completed"
    assert "agent.step" in names
    # The customer sees progress, not internals (intents, confidences, slots live in the audit log).
    assert all(set(data) == {"node", "decision"} for name, data in events if name == "agent.step")
    deltas = [data["text"] for name, data in events if name == "message.delta"]
    completed = events[-1][1]
    assert isinstance(completed["reply"], dict)
    assert "".join(str(d) for d in deltas).strip() == completed["reply"]["content"]
    assert events[0][1]["content"] == "hello"


async def test_sse_failure_emits_error_event_and_keeps_nothing(
    settings: object, session: AsyncSession, agent_assets: object
) -> None:
    from collections.abc import AsyncIterator

    from agents.ports import AgentEvent, BankingPort, TurnInput
    from app.config import Settings
    from app.main import create_app

    class FailingAgent:
        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            yield AgentEvent("delta", {"text": "partial "})
            raise RuntimeError("boom")

    assert isinstance(settings, Settings)
    application: FastAPI = create_app(settings, agent=FailingAgent(), assets=agent_assets)  # type: ignore[arg-type]
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as c:
            r = await c.post(
                f"/v1/conversations/{conversation.id}/messages",
                json={"content": "hello"},
                headers={**auth(customer), "Accept": "text/event-stream"},
            )
    events = _parse_sse(r.text)
    assert [n for n, _ in events] == ["message.created", "message.delta", "error"]
    assert (await session.scalars(select(Message))).all() == []


async def test_rate_limit_returns_429_with_retry_after(
    client: httpx.AsyncClient, session: AsyncSession, app: FastAPI
) -> None:
    services = app.state.turn_services
    services.limits = replace(services.limits, turns_per_minute=3)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    url = f"/v1/conversations/{conversation.id}/messages"
    for i in range(3):
        assert (await client.post(url, json={"content": f"m{i}"}, headers=auth(customer))).status_code == 201
    r = await client.post(url, json={"content": "one too many"}, headers=auth(customer))
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # Another customer is not affected.
    other = await make_customer(session, name="Other")
    other_conv = await make_conversation(session, customer=other)
    r = await client.post(
        f"/v1/conversations/{other_conv.id}/messages", json={"content": "hi"}, headers=auth(other)
    )
    assert r.status_code == 201


async def test_conversation_listing_and_detail(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    created = [
        (await client.post("/v1/conversations", headers=auth(customer))).json()["id"] for _ in range(2)
    ]
    listed = (await client.get("/v1/conversations", headers=auth(customer))).json()["items"]
    assert sorted(c["id"] for c in listed) == sorted(created)
    await client.post(
        f"/v1/conversations/{created[0]}/messages", json={"content": "hi"}, headers=auth(customer)
    )
    detail = (await client.get(f"/v1/conversations/{created[0]}", headers=auth(customer))).json()
    assert [m["role"] for m in detail["messages"]] == ["customer", "assistant"]


async def test_one_turn_at_a_time_per_conversation(client: httpx.AsyncClient, session: AsyncSession) -> None:
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    journal = TurnJournal(  # another process is answering
        conversation_id=conversation.id,
        customer_id=customer.id,
        message_id=uuid.uuid4(),
        kind="message",
        content="what is my balance?",
        screening="{}",
        started_at=utcnow(),
        lease_until=utcnow() + timedelta(minutes=1),
    )
    session.add(journal)
    await session.commit()
    url = f"/v1/conversations/{conversation.id}/messages"
    r = await client.post(url, json={"content": "hello"}, headers=auth(customer))
    assert r.status_code == 409
    assert "still being answered" in r.json()["detail"]
    journal.lease_until = utcnow() - timedelta(seconds=1)  # that process died: its lease has run out
    await session.commit()
    assert (await client.post(url, json={"content": "hello"}, headers=auth(customer))).status_code == 201
    # The dead process's turn did nothing the bank must answer for: it is forgotten, not stored.
    contents = (
        await session.scalars(select(Message.content).where(Message.role == MessageRole.customer))
    ).all()
    assert contents == ["hello"]
    assert (await session.scalars(select(TurnJournal.conversation_id))).all() == []


async def test_failed_turn_keeps_nothing_but_what_it_cost(
    client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.banking.ports import SqlBankingPort
    from app.models import ModelCall

    async def core_banking_down(self: SqlBankingPort) -> None:
        raise RuntimeError("core banking unavailable")

    monkeypatch.setattr(SqlBankingPort, "list_accounts", core_banking_down)
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    transport = client._transport  # noqa: SLF001
    assert isinstance(transport, httpx.ASGITransport)
    transport.raise_app_exceptions = False
    r = await client.post(
        f"/v1/conversations/{conversation.id}/messages",
        json={"content": "what is my balance?"},
        headers=auth(customer),
    )
    assert r.status_code == 500
    assert (await session.scalars(select(Message))).all() == []
    calls = (await session.scalars(select(ModelCall))).all()
    assert calls  # triage ran (and would have cost money on a paid provider) before the failure
    assert all(c.conversation_id == conversation.id and c.node == "triage" for c in calls)


async def test_the_agents_typed_outcome_is_what_the_turn_stores(
    settings: object, session: AsyncSession, agent_assets: object
) -> None:
    """The seam: a TurnOutcome (dates, enums, dataclasses) is recorded as given, nothing re-parsed."""
    from collections.abc import AsyncIterator
    from datetime import date

    from agents.ports import (
        AgentEvent,
        BankingPort,
        ComplaintEffect,
        FlagEffect,
        Flow,
        HandoffEffect,
        OutcomeKind,
        Priority,
        TurnInput,
        TurnOutcome,
    )
    from app.config import Settings
    from app.main import create_app
    from app.models import Complaint, Conversation, Handoff
    from app.models.enums import ConversationStatus, HandoffPriority

    due = date(2027, 1, 7)

    class TypedAgent:
        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            yield AgentEvent("step", {"node": "screen", "decision": "complaint"})
            yield AgentEvent.completed(
                TurnOutcome(
                    reply="I've recorded your complaint and a colleague will pick this up.",
                    kind=OutcomeKind.HANDOFF,
                    flow=Flow.COMPLAINT,
                    handoff=HandoffEffect("complaint and a person asked for", Priority.HIGH, "summary text"),
                    complaints=(ComplaintEffect("the app charged me twice", due),),
                    flags=(FlagEffect(("compliance_block",)),),
                )
            )

    assert isinstance(settings, Settings)
    application: FastAPI = create_app(settings, agent=TypedAgent(), assets=agent_assets)  # type: ignore[arg-type]
    customer = await make_customer(session)
    conversation = await make_conversation(session, customer=customer)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as c:
            r = await c.post(
                f"/v1/conversations/{conversation.id}/messages",
                json={"content": "I want to complain"},
                headers=auth(customer),
            )
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "handoff"
    complaint = (await session.scalars(select(Complaint))).one()
    assert complaint.final_response_due == due
    assert complaint.summary == "the app charged me twice"
    handoff = (await session.scalars(select(Handoff))).one()
    assert handoff.priority == HandoffPriority.high
    assert handoff.reason == "complaint and a person asked for"
    stored = await session.get(Conversation, conversation.id)
    assert stored is not None
    await session.refresh(stored)
    assert stored.flagged
    assert stored.status == ConversationStatus.handed_off
    kinds = (await session.scalars(select(AuditEvent.kind))).all()
    assert "complaint.recorded" in kinds
    assert "conversation.flagged" in kinds
