"""The customer's event stream of one conversation (``GET /v1/conversations/{id}/events``).

**Event ids are the audit chain's positions.** Every change a customer can see is written with an audit
event in the same transaction: their message (``message.received`` / ``confirmation.received``), the
assistant's reply (``message.sent``, carrying any confirmation it asks for), a staff reply
(``message.staff``) and the handoff's changes (``handoff.opened`` / ``claimed`` / ``reassigned`` /
``returned`` / ``resolved``). The conversation's chain numbers its events 1, 2, 3 ...
(``audit_event.chain_seq``), and ``app.audit.service.append_event`` takes the chain's lock (Postgres: a
transaction-scoped advisory lock; SQLite: the single writer) before reading the head, and holds it until
commit. So position *n + 1* can only be written after the transaction holding *n* committed: positions
are in commit order and a reader never sees *n + 1* before *n*. That makes ``chain_seq`` a resume point
with no gap and no repeat: a reader that sent everything up to *n* asks for ``chain_seq > n`` and gets
exactly the rest, from any process.
(The global ``audit_event.seq`` would not do: Postgres hands out sequence values before commit, so a
lower ``seq`` can become visible after a higher one.)

Only the kinds above are mapped, field by field, to what the customer may read; everything else in the
chain (the agent's steps, tool calls, flags, staff notes, who was assigned) is skipped, so a new internal
event kind never leaks by default. A skipped position is not sent, so after a reconnect it is read again
and skipped again: cheap, and still exact.

The ``typing`` event carries no id: it is a live view of the ``turn_journal`` row (a turn of this
conversation is running, its lease not run out), not history.

The bus (``app.events.bus``) only wakes the reader; the reader subscribes *before* its first read, so a
commit between the read and the wait still wakes it, and it re-reads after a timeout anyway.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.events.bus import EventBus, conversation_topic
from app.models import AuditEvent, Handoff, Message, TurnJournal
from app.models.base import utcnow
from app.models.enums import HandoffPriority, HandoffStatus, MessageRole
from app.support.hours import SupportHours
from app.support.schemas import SupportHoursOut

PAGE = 200
# A lost wake-up costs at most this long. Wake-ups are lost only when a Postgres LISTEN connection drops,
# and its reconnection wakes every reader anyway; each open widget re-reads this often when idle, so with
# 1,000 open it is 1,000 / POLL_SECONDS reads a second (15 s cost 13 % of a core in bench/slow_conversations).
POLL_SECONDS = 60.0
BUSY_RETRY_SECONDS = 1.0  # after no database connection was free for the pool's timeout

log = logging.getLogger(__name__)

_MESSAGE_KINDS = frozenset({"message.received", "confirmation.received", "message.sent", "message.staff"})
_STATUS_KINDS = {
    "handoff.opened": "handed_off",
    "handoff.claimed": "claimed",
    "handoff.returned": "returned",
    "handoff.resolved": "resolved",
}
_VISIBLE_ROLES = frozenset({MessageRole.customer, MessageRole.assistant, MessageRole.staff})
_PRIORITY_RANK = {HandoffPriority.urgent: 0, HandoffPriority.high: 1, HandoffPriority.normal: 2}


@dataclass(frozen=True)
class CustomerEvent:
    """One event of the stream: ``id`` is the chain position (None for the live ``typing`` event)."""

    name: str
    data: dict[str, Any]
    id: int | None = None


async def head_position(session: AsyncSession, conversation_id: uuid.UUID) -> int:
    """The conversation's newest chain position (0 before its first event)."""
    head = await session.scalar(
        select(func.max(AuditEvent.chain_seq)).where(AuditEvent.chain_id == str(conversation_id))
    )
    return int(head or 0)


async def turn_running(session: AsyncSession, conversation_id: uuid.UUID) -> bool:
    """A turn of the conversation is being answered (its journal row holds a live lease)."""
    found = await session.scalar(
        select(TurnJournal.conversation_id).where(
            TurnJournal.conversation_id == conversation_id, TurnJournal.lease_until >= utcnow()
        )
    )
    return found is not None


async def queue_position(session: AsyncSession, handoff: Handoff) -> int | None:
    """1 for the next handoff staff will pick up (priority, then SLA due time); None once claimed."""
    if handoff.status != HandoffStatus.open:
        return None
    rank = case({p.value: r for p, r in _PRIORITY_RANK.items()}, value=Handoff.priority)
    mine = _PRIORITY_RANK[handoff.priority]
    ahead = await session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(
            Handoff.status == HandoffStatus.open,
            Handoff.id != handoff.id,
            or_(
                rank < mine,
                and_(rank == mine, Handoff.sla_due_at < handoff.sla_due_at),
                and_(rank == mine, Handoff.sla_due_at == handoff.sla_due_at, Handoff.id < handoff.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def _message_data(message: Message, confirmation: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "role": message.role.value,
        "content": message.content,
        "created_at": message.created_at.isoformat(),
        "confirmation": confirmation,
    }


def _confirmation(payload: dict[str, Any]) -> dict[str, Any] | None:
    raw = payload.get("confirmation")
    if not isinstance(raw, dict):
        return None
    return {key: raw.get(key) for key in ("action_id", "procedure", "summary", "prompt")}


async def read_events(
    session: AsyncSession,
    *,
    conversation_id: uuid.UUID,
    after: int,
    hours: SupportHours,
    limit: int = PAGE,
) -> tuple[list[CustomerEvent], int, bool]:
    """The customer's events after chain position ``after``, the last position read (sent or not), and
    whether the page was full (more may follow at once)."""
    rows: Sequence[AuditEvent] = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.chain_id == str(conversation_id), AuditEvent.chain_seq > after)
            .order_by(AuditEvent.chain_seq)
            .limit(limit)
        )
    ).all()
    if not rows:
        return [], after, False
    payloads = {row.chain_seq: json.loads(row.payload) for row in rows}
    message_ids = {
        uuid.UUID(str(payloads[row.chain_seq]["message_id"]))
        for row in rows
        if row.kind in _MESSAGE_KINDS and payloads[row.chain_seq].get("message_id")
    }
    messages = {
        m.id: m
        for m in (
            await session.scalars(
                select(Message).where(Message.conversation_id == conversation_id, Message.id.in_(message_ids))
            )
        ).all()
    }
    events: list[CustomerEvent] = []
    for row in rows:
        payload = payloads[row.chain_seq]
        if row.kind in _MESSAGE_KINDS:
            message = messages.get(uuid.UUID(str(payload.get("message_id"))))
            if message is None or message.role not in _VISIBLE_ROLES:
                continue
            confirmation = _confirmation(payload) if message.role == MessageRole.assistant else None
            events.append(CustomerEvent("message", _message_data(message, confirmation), row.chain_seq))
        elif row.kind in _STATUS_KINDS or row.kind == "handoff.reassigned":
            # A supervisor's reassignment: to someone (a person has it) or back to the open queue.
            status = _STATUS_KINDS.get(row.kind) or ("claimed" if payload.get("to") else "waiting")
            data = await _status_data(session, status, row, payload, hours)
            events.append(CustomerEvent("status", data, row.chain_seq))
    return events, rows[-1].chain_seq, len(rows) >= limit


async def _status_data(
    session: AsyncSession, status: str, row: AuditEvent, payload: dict[str, Any], hours: SupportHours
) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "at": row.created_at.isoformat()}
    if status in ("handed_off", "waiting"):
        # The hours as they stood at the time: a reload the next day tells the same story.
        data["hours"] = SupportHoursOut.at(hours, row.created_at).model_dump(mode="json")
        handoff = None
        if payload.get("handoff_id"):
            handoff = await session.get(Handoff, uuid.UUID(str(payload["handoff_id"])))
        data["queue_position"] = await queue_position(session, handoff) if handoff is not None else None
    return data


async def customer_events(
    factory: async_sessionmaker[AsyncSession],
    bus: EventBus,
    *,
    conversation_id: uuid.UUID,
    after: int,
    hours: SupportHours,
    until: datetime | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> AsyncIterator[CustomerEvent]:
    """Every customer-visible event after ``after``, then each new one as it commits, until ``until``
    (the reader's token expires; the client reconnects with a fresh one).

    Each read is a short transaction, closed before anything is yielded, so a slow client holds no
    connection. ``typing`` is sent whenever the turn's running state differs from what was last sent.
    """
    typing: bool | None = None
    async with bus.subscribe(conversation_topic(conversation_id)) as wake:
        while until is None or utcnow() < until:
            try:
                async with factory() as session:
                    events, after, full = await read_events(
                        session, conversation_id=conversation_id, after=after, hours=hours
                    )
                    # Read after the rows: a turn that commits in between shows as "not typing" one read
                    # before its messages, never as "typing" after them.
                    running = await turn_running(session, conversation_id)
            except PoolTimeout:
                # The process is overloaded and no connection was free: the stream is not cut (that
                # would make every open widget reconnect at once, adding load); nothing was read, so
                # the same position is read again after a pause.
                log.warning("event stream of %s: no database connection free; reading again", conversation_id)
                await wake.wait(BUSY_RETRY_SECONDS)
                continue
            for event in events:
                yield event
            if running != typing:
                typing = running
                yield CustomerEvent("typing", {"active": running})
            if not full:
                left = poll_seconds if until is None else (until - utcnow()).total_seconds()
                await wake.wait(max(min(poll_seconds, left), 0.0))
