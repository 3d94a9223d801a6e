"""Admission of customer turns: rate limits that hold in parallel, and consent before every action."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.ports import AgentEvent, BankingPort, TurnInput, TurnOutcome, part_key
from app.agent import AgentAssets
from app.banking.ports import Consent, SqlBankingPort
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.models import AuditEvent, Card, Conversation, Message, ToolAction, TurnAdmission, TurnJournal
from app.models.enums import CardStatus
from tests.app.test_confirmation import _seeded_customer
from tests.factories import auth, make_conversation, make_customer


async def _count(session: AsyncSession, model: type[object], *where: object) -> int:
    value = await session.scalar(select(func.count()).select_from(model).where(*where))  # type: ignore[arg-type]
    await session.rollback()
    return int(value or 0)


async def test_parallel_messages_to_many_conversations_respect_the_rate_limit(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    """90 messages at once to 90 conversations of one customer, limit 30 a minute: 30 are answered."""
    services = app.state.turn_services
    services.limits = replace(services.limits, turns_per_minute=30, concurrent_turns=1000)
    customer = await make_customer(session)
    conversations = [await make_conversation(session, customer=customer) for _ in range(90)]
    responses = await asyncio.gather(
        *(
            client.post(f"/v1/conversations/{c.id}/messages", json={"content": "hi"}, headers=auth(customer))
            for c in conversations
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 30, statuses
    assert statuses.count(429) == 60
    assert all(r.headers.get("retry-after") for r in responses if r.status_code == 429)
    # A refused request wrote nothing: 30 turns, 60 messages.
    assert await _count(session, Message) == 60
    assert await _count(session, TurnAdmission, TurnAdmission.kind == "turn") == 30


async def test_one_customer_cannot_hold_more_than_its_share_of_turns(
    settings: Settings, agent_assets: AgentAssets, session: AsyncSession
) -> None:
    """Turns that are still running count against their customer; another customer is served at once."""
    gate = asyncio.Event()

    class SlowAgent:
        """The real agent, held at the start of each turn until the test lets it go."""

        def __init__(self, inner: object) -> None:
            self.inner = inner

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            if turn.text != "quick":
                await gate.wait()
            yield AgentEvent.completed(TurnOutcome(reply=f"echo: {turn.text}"))

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        async def recovered_reply(self, action: dict[str, object], record: object) -> str:
            return "recovered"

        async def close_pending(self, conversation_id: str, reply: str) -> None:
            return None

    application = create_app(settings, agent=SlowAgent(None), assets=agent_assets)  # type: ignore[arg-type]
    async with application.router.lifespan_context(application):
        services = application.state.turn_services
        services.limits = replace(services.limits, concurrent_turns=2)
        greedy = await make_customer(session, name="Greedy")
        other = await make_customer(session, name="Other")
        greedy_convs = [await make_conversation(session, customer=greedy) for _ in range(5)]
        other_conv = await make_conversation(session, customer=other)
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            held = [
                asyncio.create_task(
                    c.post(
                        f"/v1/conversations/{conv.id}/messages",
                        json={"content": "slow"},
                        headers=auth(greedy),
                    )
                )
                for conv in greedy_convs
            ]
            deadline = asyncio.get_running_loop().time() + 10
            while sum(t.done() for t in held) < 3 and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.02)
            refused = [t.result() for t in held if t.done()]
            assert [r.status_code for r in refused] == [429, 429, 429]
            quick = await c.post(
                f"/v1/conversations/{other_conv.id}/messages", json={"content": "quick"}, headers=auth(other)
            )
            assert quick.status_code == 201
            gate.set()
            assert sorted(r.status_code for r in await asyncio.gather(*held)) == [201, 201, 429, 429, 429]


async def test_creating_conversations_is_rate_limited(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    services = app.state.turn_services
    services.limits = replace(services.limits, conversations_per_minute=5)
    customer = await make_customer(session)
    responses = await asyncio.gather(
        *(client.post("/v1/conversations", headers=auth(customer)) for _ in range(12))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 5 + [429] * 7, statuses
    assert await _count(session, Conversation, Conversation.customer_id == customer.id) == 5
    created = await _count(session, AuditEvent, AuditEvent.kind == "conversation.created")
    assert created == 5  # a refused request writes no audit event


async def _seeded(database_url: str) -> tuple[uuid.UUID, dict[str, str]]:
    return await _seeded_customer(database_url)


async def test_the_port_of_a_turn_refuses_an_action_without_the_customers_yes(
    database_url: str, session_factory: object
) -> None:
    customer_id, _ = await _seeded(database_url)
    engine = create_engine(database_url)
    factory = create_sessionmaker(engine)
    try:
        strict = SqlBankingPort(factory, customer_id=customer_id, require_consent=True)
        card = next(c for c in await strict.list_cards() if c.status == "active")
        with pytest.raises(Exception, match="confirmation"):
            await strict.freeze_card(card.id, idempotency_key="a-1")
        other = Consent(action_id="a-2", message_id=uuid.uuid4(), words="yes", channel="confirm")
        with pytest.raises(Exception, match="confirmation"):  # consent to another action is no consent
            await SqlBankingPort(
                factory, customer_id=customer_id, consent=other, require_consent=True
            ).freeze_card(card.id, idempotency_key="a-1")
        async with factory() as s:
            assert (await s.get(Card, uuid.UUID(card.id))).status == CardStatus.active  # type: ignore[union-attr]
            assert await s.scalar(select(func.count()).select_from(ToolAction)) == 0
            assert await s.scalar(select(func.count()).where(AuditEvent.kind == "consent.given")) == 0
        given = Consent(action_id="a-1", message_id=uuid.uuid4(), words="Yes, go ahead.", channel="confirm")
        done = await SqlBankingPort(
            factory, customer_id=customer_id, consent=given, require_consent=True
        ).freeze_card(card.id, idempotency_key="a-1")
        assert done.outcome["status"] == "frozen"
        async with factory() as s:
            kinds = [
                (e.kind, json.loads(e.payload))
                for e in (await s.scalars(select(AuditEvent).order_by(AuditEvent.seq))).all()
                if e.kind in ("consent.given", "tool.executed")
            ]
        assert [k for k, _ in kinds] == ["consent.given", "tool.executed"]
        assert kinds[0][1]["action_id"] == kinds[1][1]["idempotency_key"] == "a-1"
        assert kinds[0][1]["words"] == "Yes, go ahead."
    finally:
        await engine.dispose()


async def test_one_yes_covers_each_part_of_its_action_and_no_other_action(
    database_url: str, session_factory: object
) -> None:
    """Both cards of a stolen wallet on one yes: the parts of action a-1 (agents.ports.part_key) run under its
    consent; an action whose id merely starts the same (a-10) or a part of another action does not."""
    customer_id, _ = await _seeded(database_url)
    engine = create_engine(database_url)
    factory = create_sessionmaker(engine)
    try:
        given = Consent(action_id="a-1", message_id=uuid.uuid4(), words="yes both", channel="typed")
        port = SqlBankingPort(factory, customer_id=customer_id, consent=given, require_consent=True)
        card = next(c for c in await port.list_cards() if c.status == "active")
        for key in ("a-10", part_key("a-2", 1)):
            with pytest.raises(Exception, match="confirmation"):
                await port.freeze_card(card.id, idempotency_key=key)
        done = await port.freeze_card(card.id, idempotency_key=part_key("a-1", 1))
        assert done.outcome["status"] == "frozen"
        async with factory() as s:
            consents = (await s.scalars(select(AuditEvent).where(AuditEvent.kind == "consent.given"))).all()
        assert [json.loads(e.payload)["action_id"] for e in consents] == [part_key("a-1", 1)]
    finally:
        await engine.dispose()


async def test_a_turn_that_fails_after_the_action_tells_the_customer_what_was_done(
    settings: Settings, agent_assets: AgentAssets, database_url: str, session: AsyncSession
) -> None:
    """The freeze commits, then the turn fails (a model or the database after it): the bank's record wins."""
    from tests.app.test_confirmation import running_app

    customer_id, headers = await _seeded(database_url)
    async with running_app(settings, agent_assets) as client:
        cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
        body = (
            await client.post(
                f"/v1/conversations/{cid}/messages", json={"content": "freeze my card"}, headers=headers
            )
        ).json()
        if body["kind"] != "confirmation_required":
            body = (
                await client.post(f"/v1/conversations/{cid}/messages", json={"content": "1"}, headers=headers)
            ).json()
        assert body["kind"] == "confirmation_required", body

    class FailsAfterTheAction(SqlBankingPort):
        async def freeze_card(self, card_id: str, *, idempotency_key: str):  # type: ignore[no-untyped-def]
            result = await super().freeze_card(card_id, idempotency_key=idempotency_key)
            raise RuntimeError("the connection to the model provider dropped")
            return result  # pragma: no cover

    import app.conversations.service as service

    original = service.SqlBankingPort
    service.SqlBankingPort = FailsAfterTheAction  # type: ignore[misc]
    try:
        async with running_app(settings, agent_assets) as client:
            r = await client.post(
                f"/v1/conversations/{cid}/confirm",
                json={"decision": "yes"},
                headers={**headers, "Idempotency-Key": "k1"},
            )
            again = await client.post(
                f"/v1/conversations/{cid}/confirm",
                json={"decision": "yes"},
                headers={**headers, "Idempotency-Key": "k1"},
            )
    finally:
        service.SqlBankingPort = original  # type: ignore[misc]
    assert r.status_code == 201, r.text
    assert "frozen" in r.json()["reply"]["content"].lower()
    assert again.json() == r.json()
    assert await _count(session, ToolAction) == 1
    assert await _count(session, TurnJournal) == 0
    kinds = (await session.scalars(select(AuditEvent.kind).order_by(AuditEvent.seq))).all()
    await session.rollback()
    assert kinds.count("consent.given") == 1
    assert "turn.recovered" in kinds
