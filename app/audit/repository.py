"""Read-only queries for auditors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFound
from app.models import Conversation, Handoff, ModelCall
from app.models.enums import ConversationStatus


async def search_conversations(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    status: ConversationStatus | None = None,
    flagged: bool | None = None,
    handed_off: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[tuple[Conversation, bool]]:
    handed = exists().where(Handoff.conversation_id == Conversation.id)
    query = select(Conversation, handed.label("handed_off")).order_by(
        Conversation.created_at.desc(), Conversation.id
    )
    if customer_id is not None:
        query = query.where(Conversation.customer_id == customer_id)
    if created_from is not None:
        query = query.where(Conversation.created_at >= created_from)
    if created_to is not None:
        query = query.where(Conversation.created_at < created_to)
    if status is not None:
        query = query.where(Conversation.status == status)
    if flagged is not None:
        query = query.where(Conversation.flagged.is_(flagged))
    if handed_off is not None:
        query = query.where(handed if handed_off else ~handed)
    rows = (await session.execute(query.limit(limit).offset(offset))).all()
    return [(row[0], bool(row[1])) for row in rows]


async def get_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> tuple[Conversation, bool]:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound("Conversation not found")
    handed = await session.scalar(select(exists().where(Handoff.conversation_id == conversation_id)))
    return conversation, bool(handed)


async def model_calls(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[ModelCall]:
    result = await session.scalars(
        select(ModelCall).where(ModelCall.conversation_id == conversation_id).order_by(ModelCall.created_at)
    )
    return result.all()
