"""The staff queue: open, claim, reply, return to the agent, resolve."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.safety.redact import redact
from app.audit.service import append_event
from app.conversations import repository as conversations
from app.deps import StaffPrincipal
from app.errors import Conflict, NotFound
from app.models import Conversation, Handoff, Message
from app.models.base import utcnow
from app.models.enums import ConversationStatus, HandoffPriority, HandoffStatus, MessageRole, StaffRole

SLA = {
    HandoffPriority.urgent: timedelta(minutes=15),
    HandoffPriority.high: timedelta(hours=1),
    HandoffPriority.normal: timedelta(hours=4),
}
_PRIORITY_ORDER = case(
    {HandoffPriority.urgent.value: 0, HandoffPriority.high.value: 1, HandoffPriority.normal.value: 2},
    value=Handoff.priority,
)
ACTIVE = (HandoffStatus.open, HandoffStatus.claimed)


async def open_handoff(
    session: AsyncSession,
    *,
    conversation_id: uuid.UUID,
    reason: str,
    priority: HandoffPriority,
    summary: str,
    actor: str = "agent",
) -> Handoff:
    """Put the conversation in the staff queue (or return the handoff already open for it)."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("Conversation not found")
    existing = await session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE))
    )
    if existing is not None:
        return existing
    now = utcnow()
    handoff = Handoff(
        conversation_id=conversation_id,
        reason=reason,
        priority=priority,
        # Whoever wrote it (a model or the extractive fallback), staff read this text: mask it here too.
        summary=redact(summary).redacted,
        status=HandoffStatus.open,
        sla_due_at=now + SLA[priority],
        created_at=now,
    )
    session.add(handoff)
    conversation.status = ConversationStatus.handed_off
    conversation.updated_at = now
    await session.flush()
    await append_event(
        session,
        kind="handoff.opened",
        actor=actor,
        conversation_id=conversation_id,
        payload={"handoff_id": str(handoff.id), "reason": reason, "priority": priority.value},
    )
    return handoff


async def list_handoffs(session: AsyncSession, *, status: HandoffStatus | None) -> Sequence[Handoff]:
    query = select(Handoff).order_by(_PRIORITY_ORDER, Handoff.sla_due_at, Handoff.id)
    if status is not None:
        query = query.where(Handoff.status == status)
    return (await session.scalars(query)).all()


async def _get(session: AsyncSession, handoff_id: uuid.UUID) -> Handoff:
    handoff = await session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        raise NotFound("Handoff not found")
    return handoff


def _require_holder(handoff: Handoff, staff: StaffPrincipal) -> None:
    if handoff.status != HandoffStatus.claimed:
        raise Conflict(f"The handoff is {handoff.status.value}; claim it first")
    if handoff.assignee_id != staff.id and staff.role != StaffRole.supervisor:
        raise Conflict("Another member of staff has claimed this handoff")


async def claim(session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal) -> Handoff:
    handoff = await _get(session, handoff_id)
    if handoff.status == HandoffStatus.claimed and handoff.assignee_id == staff.id:
        return handoff
    if handoff.status != HandoffStatus.open:
        raise Conflict(f"The handoff is {handoff.status.value} and cannot be claimed")
    handoff.status = HandoffStatus.claimed
    handoff.assignee_id = staff.id
    handoff.claimed_at = utcnow()
    await session.flush()
    await append_event(
        session,
        kind="handoff.claimed",
        actor=f"staff:{staff.id}",
        conversation_id=handoff.conversation_id,
        payload={"handoff_id": str(handoff.id)},
    )
    return handoff


async def post_staff_message(
    session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal, content: str
) -> tuple[Handoff, Message]:
    handoff = await _get(session, handoff_id)
    _require_holder(handoff, staff)
    message = await conversations.add_message(
        session,
        conversation_id=handoff.conversation_id,
        role=MessageRole.staff,
        content=redact(content).redacted,
        author_staff_id=staff.id,
    )
    await append_event(
        session,
        kind="message.staff",
        actor=f"staff:{staff.id}",
        conversation_id=handoff.conversation_id,
        payload={"handoff_id": str(handoff.id), "message_id": str(message.id)},
    )
    return handoff, message


async def _close(
    session: AsyncSession,
    *,
    handoff_id: uuid.UUID,
    staff: StaffPrincipal,
    to: HandoffStatus,
    conversation_status: ConversationStatus,
) -> tuple[Handoff, Conversation]:
    handoff = await _get(session, handoff_id)
    _require_holder(handoff, staff)
    conversation = await session.get(Conversation, handoff.conversation_id)
    if conversation is None:  # pragma: no cover - foreign key
        raise NotFound("Conversation not found")
    now = utcnow()
    handoff.status = to
    handoff.closed_at = now
    conversation.status = conversation_status
    conversation.updated_at = now
    await session.flush()
    await append_event(
        session,
        kind=f"handoff.{to.value}",
        actor=f"staff:{staff.id}",
        conversation_id=handoff.conversation_id,
        payload={"handoff_id": str(handoff.id), "conversation_status": conversation_status.value},
    )
    return handoff, conversation


async def return_to_agent(
    session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal
) -> tuple[Handoff, Conversation]:
    return await _close(
        session,
        handoff_id=handoff_id,
        staff=staff,
        to=HandoffStatus.returned,
        conversation_status=ConversationStatus.active,
    )


async def resolve(
    session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal
) -> tuple[Handoff, Conversation]:
    return await _close(
        session,
        handoff_id=handoff_id,
        staff=staff,
        to=HandoffStatus.resolved,
        conversation_status=ConversationStatus.resolved,
    )
