"""Conversations and the customer turn.

A turn: checks that answer before anything streams (ownership, rate limit, idempotency, one turn at a time)
-> screening of the raw text (redaction happens here, before anything is stored or reaches a model) -> the
agent runs (its state changes commit on their own, exactly once per action, like calls to a core-banking
system) -> ONE transaction stores the turn: both messages, every audit event of it, model calls,
complaints, handoffs and the conversation's new status.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.models.recording import CallRecord
from agents.ports import AgentEvent, TurnAgent, TurnInput
from agents.safety.redact import redact
from agents.safety.screen import ScreenResult, screen, to_json
from app.audit.service import append_event
from app.banking.ports import SqlBankingPort
from app.conversations import idempotency, repository, turn_lock
from app.conversations.schemas import MessageOut, TurnOut
from app.db import transaction
from app.errors import Conflict, RateLimited
from app.handoffs.service import open_handoff
from app.models import Complaint, Conversation, Message, ModelCall
from app.models.base import utcnow
from app.models.enums import ConversationStatus, HandoffPriority, MessageRole
from app.observability import Metrics

TurnKind = Literal["message", "confirm"]
CONFIRM_WORDS = {"yes": "Yes, go ahead.", "no": "No, don't do that."}
# A plain yes or no typed in chat while an action waits for confirmation answers it, like the confirm route.
_YES = re.compile(
    r"^\W*(yes|y|yeah|yep|yup|sure|ok|okay|confirm(ed)?|go ahead|please do|do it|yes,? please)\W*$",
    re.IGNORECASE,
)
_NO = re.compile(r"^\W*(no|n|nope|nah|don'?t|do not|cancel|stop|no,? thanks?( you)?)\W*$", re.IGNORECASE)


def typed_decision(text: str) -> str | None:
    if _YES.match(text):
        return "yes"
    if _NO.match(text):
        return "no"
    return None


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
    kind: TurnKind = "message"

    @property
    def scope(self) -> str:
        return f"conversation:{self.conversation_id}:{'confirm' if self.kind == 'confirm' else 'messages'}"

    @property
    def fingerprint(self) -> str:
        return idempotency.request_fingerprint(self.scope, self.content)


@dataclass
class TurnServices:
    """What a turn needs from the running app."""

    factory: async_sessionmaker[AsyncSession]
    agent: TurnAgent
    metrics: Metrics
    drain_calls: Callable[[str], list[CallRecord]]


async def create_conversation(
    session: AsyncSession, *, customer_id: uuid.UUID, assign_variant: Callable[[str], str]
) -> Conversation:
    conversation_id = uuid.uuid4()
    variant = assign_variant(str(conversation_id))
    conversation = Conversation(
        id=conversation_id, customer_id=customer_id, variant=variant, status=ConversationStatus.active
    )
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
    services: TurnServices, request: TurnRequest, *, per_minute: int
) -> idempotency.Replay | None:
    """Checks that must answer before any streaming starts. On success the caller holds the turn lock
    (and the idempotency claim) and must run ``execute_turn``, which releases them."""
    factory = services.factory
    async with transaction(factory) as session:
        conversation = await repository.get_owned_conversation(
            session, conversation_id=request.conversation_id, customer_id=request.customer_id
        )
        status = conversation.status
    if request.idempotency_key is not None:
        replay = await idempotency.claim(
            factory,
            customer_id=request.customer_id,
            scope=request.scope,
            key=request.idempotency_key,
            fingerprint=request.fingerprint,
        )
        if replay is not None:
            return replay
    try:
        async with transaction(factory) as session:
            await check_rate_limit(session, customer_id=request.customer_id, per_minute=per_minute)
        await turn_lock.acquire(factory, request.conversation_id)
        if request.kind == "confirm":
            pending = (
                await services.agent.pending_confirmation(str(request.conversation_id))
                if status == ConversationStatus.awaiting_customer
                else None
            )
            if pending is None:
                await turn_lock.release(factory, request.conversation_id)
                raise Conflict("Nothing in this conversation is waiting for your confirmation")
    except BaseException:
        await _release_claim(factory, request)
        raise
    return None


async def _release_claim(factory: async_sessionmaker[AsyncSession], request: TurnRequest) -> None:
    if request.idempotency_key is not None:
        await idempotency.release(
            factory, customer_id=request.customer_id, scope=request.scope, key=request.idempotency_key
        )


async def _turn_context(
    factory: async_sessionmaker[AsyncSession], request: TurnRequest
) -> tuple[Conversation, bool, list[str]]:
    async with factory() as session:
        conversation = await repository.get_owned_conversation(
            session, conversation_id=request.conversation_id, customer_id=request.customer_id
        )
        last_reply = await session.scalar(
            select(Message.created_at)
            .where(Message.conversation_id == conversation.id, Message.role == MessageRole.assistant)
            .order_by(Message.created_at.desc())
            .limit(1)
        )
        staff_query = select(Message.content).where(
            Message.conversation_id == conversation.id, Message.role == MessageRole.staff
        )
        if last_reply is not None:
            staff_query = staff_query.where(Message.created_at > last_reply)
        staff_notes = list((await session.scalars(staff_query.order_by(Message.created_at))).all())
    return conversation, last_reply is None, staff_notes


async def execute_turn(services: TurnServices, request: TurnRequest) -> AsyncIterator[TurnEvent]:
    """Run one turn, yielding events as they happen; ``message.completed`` only after the commit.

    If anything fails nothing of the turn's conversation record is kept (only the model calls it paid
    for), the idempotency claim and the turn lock are released, and the error propagates.
    """
    factory = services.factory
    started = utcnow()
    try:
        conversation, first_reply, staff_notes = await _turn_context(factory, request)
        raw = CONFIRM_WORDS[request.content] if request.kind == "confirm" else request.content
        screened = screen(raw)
        message = Message(
            id=uuid.uuid4(),
            conversation_id=conversation.id,
            role=MessageRole.customer,
            content=screened.redacted,
            idempotency_key=request.idempotency_key,
            created_at=started,
        )
        yield TurnEvent("message.created", MessageOut.model_validate(message).model_dump(mode="json"))

        events: list[AgentEvent] = []
        silent = conversation.status == ConversationStatus.handed_off and request.kind == "message"
        decision = request.content if request.kind == "confirm" else None
        if request.kind == "message" and conversation.status == ConversationStatus.awaiting_customer:
            decision = typed_decision(raw)
            if (
                decision is not None
                and await services.agent.pending_confirmation(str(conversation.id)) is None
            ):
                decision = None
        if not silent:
            port = SqlBankingPort(factory, customer_id=request.customer_id, conversation_id=conversation.id)
            turn = TurnInput(
                conversation_id=str(conversation.id),
                customer_id=str(request.customer_id),
                text=screened.redacted,
                variant=conversation.variant,
                first_reply=first_reply,
                screening=to_json(screened) | {"vulnerability": screened.vulnerability},
                staff_notes=tuple(staff_notes),
                today=started.date().isoformat(),
                tokens_used=conversation.tokens_used,
                cost_usd_micros=conversation.cost_usd_micros,
            )
            stream = (
                services.agent.resume(turn, decision, port)
                if decision is not None
                else services.agent.run_turn(turn, port)
            )
            async for event in stream:
                events.append(event)
                if event.kind == "step":
                    yield TurnEvent("agent.step", customer_step(event.data))
                elif event.kind == "delta":
                    yield TurnEvent("message.delta", event.data)
                elif event.kind == "confirmation_required":
                    yield TurnEvent("agent.confirmation_required", _confirmation_view(event.data))
        calls: list[CallRecord] = services.drain_calls(str(conversation.id))
        async with transaction(factory) as session:
            body = await _store_turn(
                session,
                request=request,
                message=message,
                screened=screened,
                events=events,
                calls=calls,
                silent=silent,
            )
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
        services.metrics.turns.labels(outcome="error").inc()
        spent = services.drain_calls(str(request.conversation_id))
        if spent:  # the turn failed, but what it cost is still accounted for
            async with transaction(factory) as session:
                session.add_all(_model_call_row(r, request.conversation_id) for r in spent)
        await _release_claim(factory, request)
        await turn_lock.release(factory, request.conversation_id)
        raise
    services.metrics.turns.labels(outcome=body["kind"]).inc()
    if body["kind"] == "handoff":
        services.metrics.handoffs.labels(action="opened").inc()
    yield TurnEvent("message.completed", body)


def customer_step(data: dict[str, Any]) -> dict[str, Any]:
    """What the customer sees of a step: progress, not internals (those are in the audit log)."""
    return {"node": data.get("node"), "decision": data.get("decision")}


def _confirmation_view(data: dict[str, Any]) -> dict[str, Any]:
    action = data.get("action") or {}
    return {
        "action_id": action.get("id"),
        "procedure": action.get("procedure"),
        "summary": action.get("summary"),
        "prompt": data.get("prompt"),
        "respond_with": 'POST /v1/conversations/{id}/confirm {"decision": "yes" | "no"}',
    }


async def _store_turn(
    session: AsyncSession,
    *,
    request: TurnRequest,
    message: Message,
    screened: ScreenResult,
    events: list[AgentEvent],
    calls: list[CallRecord],
    silent: bool,
) -> dict[str, Any]:
    conversation = await repository.get_owned_conversation(
        session, conversation_id=request.conversation_id, customer_id=request.customer_id
    )
    cid = conversation.id
    actor = f"customer:{request.customer_id}"
    session.add(message)
    await session.flush()
    await append_event(
        session,
        kind="message.received" if request.kind == "message" else "confirmation.received",
        actor=actor,
        conversation_id=cid,
        payload={
            "message_id": str(message.id),
            "redactions": [{"type": f.type, "start": f.start, "end": f.end} for f in screened.findings],
            "flags": sorted(screened.flags),
        },
    )
    if screened.flags & {"jailbreak", "prompt_injection", "vulnerability", "complaint"}:
        conversation.flagged = True

    for record in calls:
        session.add(_model_call_row(record, cid))
        conversation.tokens_used += record.input_tokens + record.output_tokens
        conversation.cost_usd_micros += record.cost_usd_micros

    completed: dict[str, Any] = {}
    confirmation: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = []
    handoff_effect: dict[str, Any] | None = None
    for event in events:
        if event.kind == "step":
            steps.append(customer_step(event.data))
            await append_event(
                session, kind="agent.step", actor="agent", conversation_id=cid, payload=event.data
            )
        elif event.kind == "effect":
            effect_type = event.data.get("type")
            if effect_type == "complaint":
                await _record_complaint(session, conversation, event.data, message.created_at)
            elif effect_type == "flag":
                conversation.flagged = True
                await append_event(
                    session,
                    kind="conversation.flagged",
                    actor="agent",
                    conversation_id=cid,
                    payload=event.data,
                )
            elif effect_type == "handoff":
                handoff_effect = event.data
        elif event.kind == "confirmation_required":
            confirmation = _confirmation_view(event.data)
        elif event.kind == "completed":
            completed = event.data

    reply_out: MessageOut | None = None
    content = completed.get("content")
    if content:
        reply = await repository.add_message(
            session, conversation_id=cid, role=MessageRole.assistant, content=redact(content).redacted
        )
        await append_event(
            session,
            kind="message.sent",
            actor="agent",
            conversation_id=cid,
            payload={
                "message_id": str(reply.id),
                "in_reply_to": str(message.id),
                "outcome": completed.get("outcome"),
                "model_call_ids": [r.call_id for r in calls],
            },
        )
        reply_out = MessageOut.model_validate(reply)
    elif silent:
        await append_event(
            session,
            kind="agent.silent",
            actor="agent",
            conversation_id=cid,
            payload={"reason": "handed_off", "message_id": str(message.id)},
        )

    kind = "silent" if silent else "reply"
    if handoff_effect is not None:
        await open_handoff(
            session,
            conversation_id=cid,
            reason=str(handoff_effect.get("reason", "handoff"))[:200],
            priority=HandoffPriority(handoff_effect.get("priority", "normal")),
            summary=str(handoff_effect.get("summary", "")),
        )
        kind = "handoff"
    elif confirmation is not None:
        conversation.status = ConversationStatus.awaiting_customer
        kind = "confirmation_required"
    elif not silent and conversation.status == ConversationStatus.awaiting_customer:
        conversation.status = ConversationStatus.active
    conversation.updated_at = utcnow()
    conversation.busy_until = None
    await session.flush()
    result = TurnOut(
        conversation_id=cid,
        status=conversation.status,
        message=MessageOut.model_validate(message),
        reply=reply_out,
        steps=steps,
        kind=kind,
        confirmation=confirmation,
    )
    return result.model_dump(mode="json")


async def _record_complaint(
    session: AsyncSession, conversation: Conversation, data: dict[str, Any], received_at: datetime
) -> None:
    due = date.fromisoformat(str(data["final_response_due"]))
    complaint = Complaint(
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        summary=str(data.get("summary", ""))[:2000],
        received_at=received_at,
        acknowledged_at=utcnow(),
        final_response_due=due,
    )
    session.add(complaint)
    await session.flush()
    await append_event(
        session,
        kind="complaint.recorded",
        actor="agent",
        conversation_id=conversation.id,
        payload={"complaint_id": str(complaint.id), "final_response_due": due.isoformat()},
    )


def _model_call_row(record: CallRecord, conversation_id: uuid.UUID) -> ModelCall:
    return ModelCall(
        call_id=record.call_id,
        conversation_id=conversation_id,
        node=record.node,
        tier=record.tier,
        provider=record.provider,
        model=record.model,
        variant=record.variant,
        input_tokens=record.input_tokens,
        output_tokens=record.output_tokens,
        cost_usd_micros=record.cost_usd_micros,
        latency_ms=record.latency_ms,
        outcome=record.outcome.value,
        detail=record.detail,
        created_at=record.created_at,
    )
