"""Queries on conversations and messages. Every lookup is scoped to the owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.safety.redact import contains_full_pan
from app.errors import NotFound
from app.models import Conversation, Message
from app.models.base import new_id, utcnow
from app.models.enums import MessageRole


async def get_owned_conversation(
    session: AsyncSession, *, conversation_id: uuid.UUID, customer_id: uuid.UUID
) -> Conversation:
    """The conversation if it belongs to the customer; otherwise the same 404 as a missing id."""
    conversation = await session.scalar(
        select(Conversation).where(
            Conversation.id == conversation_id, Conversation.customer_id == customer_id
        )
    )
    if conversation is None:
        raise NotFound("Conversation not found")
    return conversation


async def list_conversations(session: AsyncSession, *, customer_id: uuid.UUID) -> Sequence[Conversation]:
    result = await session.scalars(
        select(Conversation)
        .where(Conversation.customer_id == customer_id)
        .order_by(Conversation.created_at.desc(), Conversation.id)
    )
    return result.all()


async def list_messages(session: AsyncSession, *, conversation_id: uuid.UUID) -> Sequence[Message]:
    result = await session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    return result.all()


async def add_message(
    session: AsyncSession,
    *,
    conversation_id: uuid.UUID,
    role: MessageRole,
    content: str,
    author_staff_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
) -> Message:
    # Last line of defence: whatever the caller did, a full card number is never written.
    if contains_full_pan(content):
        raise ValueError("refusing to store a message that contains a full card number")
    message = Message(
        id=new_id(),
        conversation_id=conversation_id,
        role=role,
        content=content,
        author_staff_id=author_staff_id,
        idempotency_key=idempotency_key,
        created_at=utcnow(),
    )
    session.add(message)  # written with the unit of work's next flush, in the order it was added
    return message


async def customer_messages_since(
    session: AsyncSession, *, customer_id: uuid.UUID, since: datetime
) -> tuple[int, datetime | None]:
    """How many messages the customer sent since ``since``, and the oldest of them."""
    row = (
        await session.execute(
            select(func.count(Message.id), func.min(Message.created_at))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(
                Conversation.customer_id == customer_id,
                Message.role == MessageRole.customer,
                Message.created_at >= since,
            )
        )
    ).one()
    return int(row[0]), row[1]
