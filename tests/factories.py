"""Plain factory functions (keyword arguments, commit so the app under test sees the rows)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import issue_token
from app.handoffs.service import open_handoff
from app.models import Conversation, Customer, Handoff, StaffUser
from app.models.enums import ConversationStatus, HandoffPriority, StaffRole

SECRET = "test-secret-key-0123456789abcdef"


async def make_customer(session: AsyncSession, *, name: str = "Ada Lovelace") -> Customer:
    # Ten digits before the @: a hex address could hold the letters a search by name looks for ("ada"), and
    # twelve or more digits can be a card number, which the database refuses to store.
    customer = Customer(
        full_name=name, email=f"{uuid.uuid4().int % 10**10:010d}@example.test", phone="+44 20 7946 0000"
    )
    session.add(customer)
    await session.commit()
    return customer


async def make_staff(session: AsyncSession, *, role: StaffRole, name: str = "Sam Staff") -> StaffUser:
    staff = StaffUser(full_name=name, email=f"{uuid.uuid4().hex[:10]}@northbank.test", role=role)
    session.add(staff)
    await session.commit()
    return staff


async def make_conversation(
    session: AsyncSession, *, customer: Customer, status: ConversationStatus = ConversationStatus.active
) -> Conversation:
    conversation = Conversation(customer_id=customer.id, status=status, variant="default")
    session.add(conversation)
    await session.commit()
    return conversation


async def make_handoff(
    session: AsyncSession,
    *,
    conversation: Conversation,
    priority: HandoffPriority = HandoffPriority.normal,
    reason: str = "customer asked for a person",
) -> Handoff:
    handoff = await open_handoff(
        session, conversation_id=conversation.id, reason=reason, priority=priority, summary="Test summary"
    )
    await session.commit()
    return handoff


def token_for(subject: Customer | StaffUser, *, ttl: timedelta = timedelta(minutes=10)) -> str:
    kind = "customer" if isinstance(subject, Customer) else "staff"
    return issue_token(SECRET, subject=subject.id, kind=kind, ttl=ttl)


def auth(subject: Customer | StaffUser) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(subject)}"}
