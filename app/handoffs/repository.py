"""Reads for the staff queue and console: the queue with names, transcript, notes, customer context."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.deps import StaffPrincipal
from app.handoffs.schemas import (
    AccountContext,
    CardContext,
    ComplaintContext,
    CustomerContext,
    DisputeContext,
    HandoffOut,
    NoteOut,
)
from app.models import (
    Account,
    AuditEvent,
    Card,
    Complaint,
    Conversation,
    Customer,
    Dispute,
    Handoff,
    HandoffNote,
    Message,
    StaffUser,
    Transaction,
)
from app.models.enums import ComplaintStatus, HandoffPriority, HandoffStatus, StaffRole

ACTIVE = (HandoffStatus.open, HandoffStatus.claimed)
PRIORITY_ORDER = case(
    {HandoffPriority.urgent.value: 0, HandoffPriority.high.value: 1, HandoffPriority.normal.value: 2},
    value=Handoff.priority,
)
RECENT_DISPUTES = 10
RECENT_COMPLAINTS = 10

_Assignee = aliased(StaffUser)


def sees_everything(staff: StaffPrincipal) -> bool:
    """Supervisors (and auditors, read-only) see the whole team's queue; agents the open queue and theirs."""
    return staff.role in (StaffRole.supervisor, StaffRole.auditor)


def _with_names() -> Select[Handoff, str | None, str]:
    return (
        select(Handoff, _Assignee.full_name, Customer.full_name)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .join(Customer, Customer.id == Conversation.customer_id)
        .outerjoin(_Assignee, _Assignee.id == Handoff.assignee_id)
    )


def _out(handoff: Handoff, assignee_name: str | None, customer_name: str) -> HandoffOut:
    out = HandoffOut.model_validate(handoff)
    out.assignee_name = assignee_name
    out.customer_name = customer_name
    return out


async def queue(
    session: AsyncSession, *, viewer: StaffPrincipal, status: HandoffStatus | None
) -> list[HandoffOut]:
    """Most urgent first: priority, then the SLA due time. Without a status: the open and claimed ones."""
    query = _with_names().order_by(PRIORITY_ORDER, Handoff.sla_due_at, Handoff.id)
    query = (
        query.where(Handoff.status == status)
        if status is not None
        else query.where(Handoff.status.in_(ACTIVE))
    )
    if not sees_everything(viewer):
        query = query.where(or_(Handoff.status == HandoffStatus.open, Handoff.assignee_id == viewer.id))
    rows = (await session.execute(query)).all()
    return [_out(h, a, c) for h, a, c in rows]


async def handoff_out(session: AsyncSession, handoff: Handoff) -> HandoffOut:
    row = (await session.execute(_with_names().where(Handoff.id == handoff.id))).one()
    return _out(row[0], row[1], row[2])


async def transcript_rows(
    session: AsyncSession, *, conversation_id: uuid.UUID
) -> Sequence[tuple[Message, str | None]]:
    rows = await session.execute(
        select(Message, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == Message.author_staff_id)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return [(m, name) for m, name in rows.all()]


async def audit_events(session: AsyncSession, *, conversation_id: uuid.UUID) -> Sequence[AuditEvent]:
    return (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.conversation_id == conversation_id).order_by(AuditEvent.seq)
        )
    ).all()


async def notes(session: AsyncSession, *, conversation_id: uuid.UUID) -> list[NoteOut]:
    """Every staff note on the conversation (all its handoffs, oldest first)."""
    rows = await session.execute(
        select(HandoffNote, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == HandoffNote.author_staff_id)
        .where(HandoffNote.conversation_id == conversation_id)
        .order_by(HandoffNote.created_at, HandoffNote.id)
    )
    return [
        NoteOut(
            id=n.id,
            kind=n.kind,
            content=n.content,
            author_staff_id=n.author_staff_id,
            author_name=name,
            created_at=n.created_at,
        )
        for n, name in rows.all()
    ]


def _last4(number: str) -> str:
    return number[-4:]


async def customer_context(session: AsyncSession, *, customer: Customer, today: date) -> CustomerContext:
    """What staff need to know about the customer: accounts and cards by their last four digits only."""
    accounts = (
        await session.scalars(
            select(Account).where(Account.customer_id == customer.id).order_by(Account.opened_at, Account.id)
        )
    ).all()
    names = {a.id: a.name for a in accounts}
    cards = (
        await session.scalars(
            select(Card).where(Card.customer_id == customer.id).order_by(Card.issued_at.desc(), Card.id)
        )
    ).all()
    disputes = (
        await session.execute(
            select(Dispute, Transaction)
            .join(Transaction, Transaction.id == Dispute.transaction_id)
            .where(Dispute.customer_id == customer.id)
            .order_by(Dispute.created_at.desc(), Dispute.id)
            .limit(RECENT_DISPUTES)
        )
    ).all()
    complaints = (
        await session.scalars(
            select(Complaint)
            .where(Complaint.customer_id == customer.id)
            .order_by(Complaint.received_at.desc(), Complaint.id)
            .limit(RECENT_COMPLAINTS)
        )
    ).all()
    return CustomerContext(
        id=customer.id,
        full_name=customer.full_name,
        accounts=[
            AccountContext(
                id=a.id,
                kind=a.kind.value,
                name=a.name,
                currency=a.currency,
                balance_minor=a.balance_minor,
                number_last4=_last4(a.number),
            )
            for a in accounts
        ],
        cards=[
            CardContext(
                id=c.id,
                brand=c.brand,
                last4=_last4(c.last4),
                status=c.status.value,
                expiry=f"{c.expiry_month:02d}/{c.expiry_year % 100:02d}",
                account_name=names.get(c.account_id),
            )
            for c in cards
        ],
        disputes=[
            DisputeContext(
                id=d.id,
                status=d.status.value,
                reason=d.reason,
                created_at=d.created_at,
                merchant=t.merchant,
                amount_minor=t.amount_minor,
                currency=t.currency,
            )
            for d, t in disputes
        ],
        complaints=[
            ComplaintContext(
                id=c.id,
                status=c.status.value,
                summary=c.summary,
                received_at=c.received_at,
                final_response_due=c.final_response_due,
                overdue=c.status == ComplaintStatus.open and c.final_response_due < today,
            )
            for c in complaints
        ],
    )


async def support_staff(session: AsyncSession) -> Sequence[StaffUser]:
    """Who a supervisor can assign a handoff to."""
    return (
        await session.scalars(
            select(StaffUser)
            .where(StaffUser.role.in_((StaffRole.agent, StaffRole.supervisor)))
            .order_by(StaffUser.full_name, StaffUser.id)
        )
    ).all()
