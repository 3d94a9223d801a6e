"""The staff queue: open, claim, reply, note, reassign, return to the agent, resolve.

Who may do what:
- an **agent** sees the open (unclaimed) handoffs and their own; they claim, then reply, write notes,
  return or resolve the ones they hold;
- a **supervisor** sees the whole team's queue, may act on any active handoff and (re)assign it;
- an **auditor** reads (queue and detail) and writes nothing.
Every write appends to the conversation's audit chain; the endpoint wakes the live pages after it commits.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.safety.redact import letters_digest, redact
from app.audit.service import append_event
from app.conversations import repository as conversations
from app.deps import StaffPrincipal
from app.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.handoffs import repository
from app.handoffs.repository import ACTIVE
from app.handoffs.schemas import ConversationContext, HandoffDetail, HandoffOut, TranscriptEntry
from app.handoffs.trace import turn_traces
from app.models import Conversation, Customer, Handoff, HandoffNote, Message, StaffUser, TurnJournal
from app.models.base import utcnow
from app.models.enums import (
    ConversationStatus,
    HandoffNoteKind,
    HandoffPriority,
    HandoffStatus,
    MessageRole,
    ResolutionCode,
    StaffRole,
)

SLA = {
    HandoffPriority.urgent: timedelta(minutes=15),
    HandoffPriority.high: timedelta(hours=1),
    HandoffPriority.normal: timedelta(hours=4),
}
SUPPORT_ROLES = (StaffRole.agent, StaffRole.supervisor)


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


# --- reading ---------------------------------------------------------------------------------------------


def may_view(handoff: Handoff, staff: StaffPrincipal) -> bool:
    return (
        repository.sees_everything(staff)
        or handoff.status == HandoffStatus.open
        or handoff.assignee_id == staff.id
    )


async def _staff_name(session: AsyncSession, staff_id: uuid.UUID | None) -> str:
    if staff_id is None:
        return "nobody"
    name = await session.scalar(select(StaffUser.full_name).where(StaffUser.id == staff_id))
    return name or "another member of staff"


async def _viewable(session: AsyncSession, handoff_id: uuid.UUID, staff: StaffPrincipal) -> Handoff:
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound("Handoff not found")
    if not may_view(handoff, staff):
        holder = await _staff_name(session, handoff.assignee_id)
        raise Forbidden(f"{holder} holds this handoff; only they or a supervisor can open it.")
    return handoff


async def detail(session: AsyncSession, *, handoff_id: uuid.UUID, viewer: StaffPrincipal) -> HandoffDetail:
    """Summary, whole transcript with each turn's trace, notes, and the customer's masked context."""
    handoff = await _viewable(session, handoff_id, viewer)
    conversation = await session.get(Conversation, handoff.conversation_id)
    if conversation is None:  # pragma: no cover - foreign key
        raise NotFound("Conversation not found")
    customer = await session.get(Customer, conversation.customer_id)
    if customer is None:  # pragma: no cover - foreign key
        raise NotFound("Customer not found")
    traces = turn_traces(await repository.audit_events(session, conversation_id=conversation.id))
    transcript = [
        TranscriptEntry(
            id=m.id,
            role=m.role,
            content=m.content,
            created_at=m.created_at,
            author_name=name if m.role == MessageRole.staff else None,
            turn=traces.get(m.id) if m.role == MessageRole.customer else None,
        )
        for m, name in await repository.transcript_rows(session, conversation_id=conversation.id)
    ]
    typing = await session.scalar(
        select(TurnJournal.conversation_id).where(TurnJournal.conversation_id == conversation.id)
    )
    body = HandoffDetail(
        handoff=await repository.handoff_out(session, handoff),
        conversation=ConversationContext(
            id=conversation.id,
            status=conversation.status,
            flagged=conversation.flagged,
            variant=conversation.variant,
            created_at=conversation.created_at,
            typing=typing is not None,
        ),
        customer=await repository.customer_context(session, customer=customer, today=utcnow().date()),
        transcript=transcript,
        notes=await repository.notes(session, conversation_id=conversation.id),
        version="",
    )
    body.version = version_of(body.model_dump_json(exclude={"version"}))
    return body


def version_of(text: str) -> str:
    """A short fingerprint of what a page shows: the same state gives the same id in every process, and
    never a run of digits that reads as a card number (`letters_digest`)."""
    return letters_digest(text, 20)


# --- writing ---------------------------------------------------------------------------------------------


async def _get(session: AsyncSession, handoff_id: uuid.UUID) -> Handoff:
    handoff = await session.get(Handoff, handoff_id, with_for_update=True, populate_existing=True)
    if handoff is None:
        raise NotFound("Handoff not found")
    return handoff


async def _require_holder(session: AsyncSession, handoff: Handoff, staff: StaffPrincipal) -> None:
    if handoff.status != HandoffStatus.claimed:
        hint = "claim it first" if handoff.status == HandoffStatus.open else "it is closed"
        raise Conflict(f"The handoff is {handoff.status.value}; {hint}.")
    if handoff.assignee_id != staff.id and staff.role != StaffRole.supervisor:
        holder = await _staff_name(session, handoff.assignee_id)
        raise Conflict(f"{holder} holds this handoff; only they or a supervisor can act on it.")


async def claim(session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal) -> Handoff:
    """Take an open handoff. The row lock makes the first of two simultaneous claims win; the other is
    told who has it."""
    handoff = await _get(session, handoff_id)
    if handoff.status == HandoffStatus.claimed and handoff.assignee_id == staff.id:
        return handoff
    if handoff.status == HandoffStatus.claimed:
        holder = await _staff_name(session, handoff.assignee_id)
        when = f" at {handoff.claimed_at:%H:%M} UTC" if handoff.claimed_at else ""
        raise Conflict(
            f"{holder} claimed this handoff first{when}; it is no longer in the open queue.",
            assignee_id=str(handoff.assignee_id),
            assignee_name=holder,
        )
    if handoff.status != HandoffStatus.open:
        raise Conflict(f"The handoff is {handoff.status.value} and cannot be claimed.")
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
    await _require_holder(session, handoff, staff)
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


async def _add_note(
    session: AsyncSession, *, handoff: Handoff, staff: StaffPrincipal, kind: HandoffNoteKind, content: str
) -> HandoffNote:
    text = redact(content).redacted  # (the PAN guard on every flush is the last line of defence)
    note = HandoffNote(
        handoff_id=handoff.id,
        conversation_id=handoff.conversation_id,
        author_staff_id=staff.id,
        kind=kind,
        content=text,
        created_at=utcnow(),
    )
    session.add(note)
    await session.flush()
    # The chain holds the note's hash, not its text: the customer-facing stream reads nothing of it, and an
    # auditor can still prove the note they read is the note that was written.
    await append_event(
        session,
        kind="handoff.note",
        actor=f"staff:{staff.id}",
        conversation_id=handoff.conversation_id,
        payload={
            "handoff_id": str(handoff.id),
            "note_id": str(note.id),
            "kind": kind.value,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
    )
    return note


async def add_note(
    session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal, content: str
) -> tuple[Handoff, HandoffNote]:
    """A private note: anyone of the support staff who may open the handoff can write one."""
    handoff = await _get(session, handoff_id)
    if not may_view(handoff, staff):
        holder = await _staff_name(session, handoff.assignee_id)
        raise Forbidden(f"{holder} holds this handoff; only they or a supervisor can add notes.")
    note = await _add_note(
        session, handoff=handoff, staff=staff, kind=HandoffNoteKind.private, content=content
    )
    return handoff, note


async def _close(
    session: AsyncSession,
    *,
    handoff: Handoff,
    staff: StaffPrincipal,
    to: HandoffStatus,
    conversation_status: ConversationStatus,
    extra: dict[str, str],
) -> Conversation:
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
        payload={"handoff_id": str(handoff.id), "conversation_status": conversation_status.value, **extra},
    )
    return conversation


async def return_to_agent(
    session: AsyncSession, *, handoff_id: uuid.UUID, staff: StaffPrincipal, note: str | None = None
) -> tuple[Handoff, Conversation]:
    """Give the conversation back to the assistant; ``note`` is what it reads on the customer's next turn."""
    handoff = await _get(session, handoff_id)
    await _require_holder(session, handoff, staff)
    extra: dict[str, str] = {}
    if note:
        written = await _add_note(
            session, handoff=handoff, staff=staff, kind=HandoffNoteKind.for_assistant, content=note
        )
        extra["note_id"] = str(written.id)
    conversation = await _close(
        session,
        handoff=handoff,
        staff=staff,
        to=HandoffStatus.returned,
        conversation_status=ConversationStatus.active,
        extra=extra,
    )
    return handoff, conversation


async def resolve(
    session: AsyncSession,
    *,
    handoff_id: uuid.UUID,
    staff: StaffPrincipal,
    reason_code: ResolutionCode,
    note: str | None = None,
) -> tuple[Handoff, Conversation]:
    handoff = await _get(session, handoff_id)
    await _require_holder(session, handoff, staff)
    extra = {"resolution": reason_code.value}
    if note:
        written = await _add_note(
            session, handoff=handoff, staff=staff, kind=HandoffNoteKind.private, content=note
        )
        extra["note_id"] = str(written.id)
    handoff.resolution = reason_code
    conversation = await _close(
        session,
        handoff=handoff,
        staff=staff,
        to=HandoffStatus.resolved,
        conversation_status=ConversationStatus.resolved,
        extra=extra,
    )
    return handoff, conversation


async def reassign(
    session: AsyncSession, *, handoff_id: uuid.UUID, supervisor: StaffPrincipal, assignee_id: uuid.UUID | None
) -> Handoff:
    """A supervisor gives an active handoff to a member of support staff, or back to the open queue."""
    if supervisor.role != StaffRole.supervisor:
        raise Forbidden("Only a supervisor can reassign a handoff.")
    handoff = await _get(session, handoff_id)
    if handoff.status not in ACTIVE:
        raise Conflict(
            f"The handoff is {handoff.status.value}; only open or claimed handoffs can be reassigned."
        )
    if assignee_id is not None:
        assignee = await session.get(StaffUser, assignee_id)
        if assignee is None or assignee.role not in SUPPORT_ROLES:
            raise Unprocessable("assignee_id: no agent or supervisor has this id")
    if handoff.assignee_id == assignee_id and (assignee_id is None) == (handoff.status == HandoffStatus.open):
        return handoff  # already so: nothing to record
    previous = handoff.assignee_id
    if assignee_id is None:
        handoff.status, handoff.assignee_id, handoff.claimed_at = HandoffStatus.open, None, None
    else:
        handoff.status, handoff.assignee_id, handoff.claimed_at = HandoffStatus.claimed, assignee_id, utcnow()
    await session.flush()
    await append_event(
        session,
        kind="handoff.reassigned",
        actor=f"staff:{supervisor.id}",
        conversation_id=handoff.conversation_id,
        payload={
            "handoff_id": str(handoff.id),
            "from": str(previous) if previous else None,
            "to": str(assignee_id) if assignee_id else None,
        },
    )
    return handoff


async def out(session: AsyncSession, handoff: Handoff) -> HandoffOut:
    return await repository.handoff_out(session, handoff)


ASSISTANT_NOTE = "Note from staff on handing this conversation back to you (the customer has not seen it): {}"


async def notes_for_assistant(
    session: AsyncSession, *, conversation_id: uuid.UUID, since: datetime | None
) -> list[tuple[datetime, str]]:
    """What staff wrote for the assistant when they returned the conversation, since its last reply,
    as (written at, text) for the turn's context: the assistant reads them with the staff messages."""
    query = select(HandoffNote.created_at, HandoffNote.content).where(
        HandoffNote.conversation_id == conversation_id, HandoffNote.kind == HandoffNoteKind.for_assistant
    )
    if since is not None:
        query = query.where(HandoffNote.created_at > since)
    rows = (await session.execute(query.order_by(HandoffNote.created_at, HandoffNote.id))).all()
    return [(at, ASSISTANT_NOTE.format(content)) for at, content in rows]
