"""Conversations and the customer turn: screen, store, ask the agent, store the reply, audit it.

One customer turn is one transaction for its messages and audit events.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.ports import TurnAgent, TurnInput
from agents.safety.redact import redact
from app.audit.service import append_event
from app.conversations import idempotency, repository
from app.conversations.schemas import MessageOut, TurnOut
from app.db import transaction
from app.errors import RateLimited
from app.models import Conversation, Message
from app.models.base import utcnow
from app.models.enums import ConversationStatus, MessageRole
from app.observability import Metrics


@dataclass(frozen=True)
class TurnEvent:
    """An event of a customer turn, named as in the Server-Sent Events stream."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnRequest:
    customer_id: uuid.UUID
    conversation_id: uuid.UUID
    content: str
    idempotency_key: str | None = None

    @property
    def scope(self) -> str:
        return f"conversation:{self.conversation_id}:messages"

    @property
    def fingerprint(self) -> str:
        return idempotency.request_fingerprint(self.scope, self.content)


async def create_conversation(session: AsyncSession, *, customer_id: uuid.UUID, variant: str) -> Conversation:
    conversation = Conversation(customer_id=customer_id, variant=variant, status=ConversationStatus.active)
    session.add(conversation)
    await session.flush()
    await append_event(
        session,
        kind="conversation.created",
        actor=f"customer:{customer_id}",
        conversation_id=conversation.id,
        payload={"variant": variant},
    )
    return conversation


async def check_rate_limit(session: AsyncSession, *, customer_id: uuid.UUID, per_minute: int) -> None:
    now = utcnow()
    count, oldest = await repository.customer_messages_since(
        session, customer_id=customer_id, since=now - timedelta(minutes=1)
    )
    if count >= per_minute:
        wait = 60.0 if oldest is None else (oldest + timedelta(minutes=1) - now).total_seconds()
        raise RateLimited(max(1, math.ceil(wait)))


async def prepare_turn(
    factory: async_sessionmaker[AsyncSession], request: TurnRequest, *, per_minute: int
) -> idempotency.Replay | None:
    """Checks that must answer before any streaming starts: ownership, rate limit, idempotency."""
    async with transaction(factory) as session:
        await repository.get_owned_conversation(
            session, conversation_id=request.conversation_id, customer_id=request.customer_id
        )
        if request.idempotency_key is None:
            await check_rate_limit(session, customer_id=request.customer_id, per_minute=per_minute)
    if request.idempotency_key is None:
        return None
    replay = await idempotency.claim(
        factory,
        customer_id=request.customer_id,
        scope=request.scope,
        key=request.idempotency_key,
        fingerprint=request.fingerprint,
    )
    if replay is None:
        try:
            async with transaction(factory) as session:
                await check_rate_limit(session, customer_id=request.customer_id, per_minute=per_minute)
        except RateLimited:
            await idempotency.release(
                factory, customer_id=request.customer_id, scope=request.scope, key=request.idempotency_key
            )
            raise
    return replay


async def _has_assistant_reply(session: AsyncSession, conversation_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Message.id)
        .where(Message.conversation_id == conversation_id, Message.role == MessageRole.assistant)
        .limit(1)
    )
    return found is not None


async def execute_turn(
    factory: async_sessionmaker[AsyncSession],
    agent: TurnAgent,
    request: TurnRequest,
    *,
    metrics: Metrics,
) -> AsyncIterator[TurnEvent]:
    """Run one turn in one transaction, yielding events as they happen.

    ``message.completed`` is yielded only after the transaction has committed. If anything fails, the
    transaction rolls back (nothing of the turn is kept) and the idempotency claim is released.
    """
    try:
        async with transaction(factory) as session:
            body = None
            async for event in _turn_steps(session, agent, request, metrics):
                if event.name == "turn.result":
                    body = event.data
                else:
                    yield event
            if body is None:
                raise RuntimeError("the agent finished without a result")
            if request.idempotency_key is not None:
                await idempotency.complete(
                    session,
                    customer_id=request.customer_id,
                    scope=request.scope,
                    key=request.idempotency_key,
                    status_code=201,
                    body=body,
                )
    except BaseException:
        metrics.turns.labels(outcome="error").inc()
        if request.idempotency_key is not None:
            await idempotency.release(
                factory, customer_id=request.customer_id, scope=request.scope, key=request.idempotency_key
            )
        raise
    metrics.turns.labels(outcome=body["kind"]).inc()
    yield TurnEvent("message.completed", body)


async def _turn_steps(
    session: AsyncSession, agent: TurnAgent, request: TurnRequest, metrics: Metrics
) -> AsyncIterator[TurnEvent]:
    conversation = await repository.get_owned_conversation(
        session, conversation_id=request.conversation_id, customer_id=request.customer_id
    )
    actor = f"customer:{request.customer_id}"
    screened = redact(request.content)
    message = await repository.add_message(
        session,
        conversation_id=conversation.id,
        role=MessageRole.customer,
        content=screened.redacted,
        idempotency_key=request.idempotency_key,
    )
    await append_event(
        session,
        kind="message.received",
        actor=actor,
        conversation_id=conversation.id,
        payload={
            "message_id": str(message.id),
            "redactions": [{"type": f.type, "start": f.start, "end": f.end} for f in screened.findings],
        },
    )
    message_out = MessageOut.model_validate(message)
    yield TurnEvent("message.created", message_out.model_dump(mode="json"))

    reply_out: MessageOut | None = None
    steps: list[dict[str, Any]] = []
    if conversation.status == ConversationStatus.handed_off:
        # A person has this conversation: the agent stays silent.
        await append_event(
            session,
            kind="agent.silent",
            actor="agent",
            conversation_id=conversation.id,
            payload={"reason": "handed_off", "message_id": str(message.id)},
        )
    else:
        turn = TurnInput(
            conversation_id=str(conversation.id),
            customer_id=str(request.customer_id),
            text=screened.redacted,
            variant=conversation.variant,
            first_reply=not await _has_assistant_reply(session, conversation.id),
        )
        content: str | None = None
        async for event in agent.run_turn(turn):
            if event.kind == "step":
                steps.append(event.data)
                await append_event(
                    session,
                    kind="agent.step",
                    actor="agent",
                    conversation_id=conversation.id,
                    payload=event.data,
                )
                yield TurnEvent("agent.step", event.data)
            elif event.kind == "delta":
                yield TurnEvent("message.delta", event.data)
            elif event.kind == "completed":
                content = event.data.get("content")
        if content:
            reply = await repository.add_message(
                session,
                conversation_id=conversation.id,
                role=MessageRole.assistant,
                content=redact(content).redacted,
            )
            await append_event(
                session,
                kind="message.sent",
                actor="agent",
                conversation_id=conversation.id,
                payload={"message_id": str(reply.id), "in_reply_to": str(message.id)},
            )
            reply_out = MessageOut.model_validate(reply)
    conversation.updated_at = utcnow()
    await session.flush()
    result = TurnOut(
        conversation_id=conversation.id,
        status=conversation.status,
        message=message_out,
        reply=reply_out,
        steps=steps,
        kind="reply" if reply_out else "silent",
    )
    yield TurnEvent("turn.result", result.model_dump(mode="json"))
