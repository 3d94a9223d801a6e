"""Stored traffic, read back for evaluation: conversations in a date window and their turns as the audit
log recorded them (the customer's words, every graph step with its tool calls and results, the reply, its
model calls and their cost). Read-only: nothing here writes.

What one turn records (``app.conversations.service._store_turn``): ``message.received`` (or
``confirmation.received`` with the customer's decision), one ``agent.step`` per graph step (triage: intent,
route, confidence; route: the flow; procedure: ``tool_calls`` with arguments and results, and the action
offered for confirmation; execute: the action run and its result; compliance: its decision), then
``message.sent`` (outcome, model call ids). ``consent.given`` and ``tool.executed`` of a confirmed action are
written by the banking port before the turn is stored, so they precede the turn's ``message.received``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Conversation, Message, ModelCall


class WindowError(ValueError):
    """A date window the command cannot use (unparseable, or ends before it starts)."""


@dataclass(frozen=True)
class Window:
    """Whole UTC days, ``since`` and ``until`` inclusive."""

    since: date
    until: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time.min, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant after ``until``."""
        return datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC)

    def label(self) -> str:
        return f"{self.since.isoformat()} .. {self.until.isoformat()}"


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise WindowError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_window(since: str, until: str | None, *, today: date | None = None) -> Window:
    first = _day(since, "--since")
    last = _day(until, "--until") if until else (today or datetime.now(UTC).date())
    if first > last:
        raise WindowError(f"--since {first.isoformat()} is after --until {last.isoformat()}")
    return Window(first, last)


@dataclass
class StoredTurn:
    """One customer turn as the audit log recorded it."""

    index: int
    message_id: str
    text: str
    kind: str  # "message" | "confirm"
    decision: str | None  # the customer's answer to a waiting confirmation (yes / no / unclear / other)
    at: datetime
    steps: list[dict[str, Any]] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)
    reply: str | None = None
    reply_at: datetime | None = None
    outcome: str | None = None  # reply | confirmation_required | handoff (from message.sent)
    handoff: bool = False
    silent: bool = False  # the conversation was with a person: the agent did not answer
    call_ids: list[str] = field(default_factory=list)

    def tool_calls(self) -> list[dict[str, Any]]:
        return [
            call for step in self.steps for call in (step.get("tool_calls") or []) if isinstance(call, dict)
        ]


@dataclass
class StoredConversation:
    id: uuid.UUID
    customer_id: uuid.UUID
    variant: str
    created_at: datetime
    cost_usd_micros: int
    turns: list[StoredTurn]


async def conversations_in(
    session: AsyncSession, window: Window, *, limit: int | None = None
) -> list[Conversation]:
    query = (
        select(Conversation)
        .where(Conversation.created_at >= window.start, Conversation.created_at < window.end)
        .order_by(Conversation.created_at, Conversation.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())


def _payload(event: AuditEvent) -> dict[str, Any]:
    data = json.loads(event.payload)
    return data if isinstance(data, dict) else {}


def split_turns(events: Sequence[AuditEvent], messages: dict[str, Message]) -> list[StoredTurn]:
    """The conversation's audit events (in ``seq`` order), cut into customer turns."""
    turns: list[StoredTurn] = []
    carried: list[AuditEvent] = []  # consent and the action's record come before the turn they belong to
    current: StoredTurn | None = None
    for event in events:
        data = _payload(event)
        if event.kind in ("message.received", "confirmation.received"):
            message_id = str(data.get("message_id") or "")
            message = messages.get(message_id)
            current = StoredTurn(
                index=len(turns),
                message_id=message_id,
                text=message.content if message is not None else "",
                kind="confirm" if event.kind == "confirmation.received" else "message",
                decision=data.get("decision"),
                at=message.created_at if message is not None else event.created_at,
                events=[*carried, event],
            )
            carried = []
            turns.append(current)
            continue
        if event.kind in ("consent.given", "tool.executed"):
            carried.append(event)
            continue
        if current is None:
            continue
        current.events.append(event)
        if event.kind == "agent.step":
            current.steps.append(data)
            current.call_ids += [str(c) for c in data.get("model_call_ids") or []]
        elif event.kind == "message.sent" and str(data.get("in_reply_to")) == current.message_id:
            reply = messages.get(str(data.get("message_id")))
            current.reply = reply.content if reply is not None else None
            current.reply_at = reply.created_at if reply is not None else event.created_at
            current.outcome = data.get("outcome")
            current.call_ids += [str(c) for c in data.get("model_call_ids") or []]
        elif event.kind == "handoff.opened":
            current.handoff = True
        elif event.kind == "agent.silent":
            current.silent = True
    for turn in turns:
        turn.call_ids = list(dict.fromkeys(turn.call_ids))
        turn.handoff = turn.handoff or turn.outcome == "handoff"
    return turns


async def load_conversation(session: AsyncSession, conversation: Conversation) -> StoredConversation:
    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.conversation_id == conversation.id).order_by(AuditEvent.seq)
        )
    ).all()
    messages = {
        str(m.id): m
        for m in (
            await session.scalars(select(Message).where(Message.conversation_id == conversation.id))
        ).all()
    }
    return StoredConversation(
        id=conversation.id,
        customer_id=conversation.customer_id,
        variant=conversation.variant,
        created_at=conversation.created_at,
        cost_usd_micros=conversation.cost_usd_micros,
        turns=split_turns(events, messages),
    )


@dataclass(frozen=True)
class StoredCall:
    call_id: str
    cost_usd_micros: int
    tokens: int
    latency_ms: float


async def model_calls(session: AsyncSession, conversation_id: uuid.UUID) -> dict[str, list[StoredCall]]:
    """The conversation's stored model calls by call id (a call id has one row per attempt)."""
    rows = (
        await session.execute(
            select(
                ModelCall.call_id,
                ModelCall.cost_usd_micros,
                ModelCall.input_tokens + ModelCall.output_tokens,
                ModelCall.latency_ms,
            ).where(ModelCall.conversation_id == conversation_id)
        )
    ).all()
    by_id: dict[str, list[StoredCall]] = {}
    for call_id, cost, tokens, latency in rows:
        by_id.setdefault(call_id, []).append(StoredCall(call_id, int(cost), int(tokens), float(latency)))
    return by_id
