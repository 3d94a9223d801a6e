"""One turn at a time per conversation, across processes: a lease on the conversation row."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.errors import Conflict
from app.models import Conversation
from app.models.base import utcnow

LEASE = timedelta(minutes=2)  # longer than any turn; a crashed process's lease simply expires


async def acquire(factory: async_sessionmaker[AsyncSession], conversation_id: uuid.UUID) -> None:
    now = utcnow()
    async with transaction(factory) as session:
        result = await session.execute(
            update(Conversation)
            .where(
                Conversation.id == conversation_id,
                or_(Conversation.busy_until.is_(None), Conversation.busy_until < now),
            )
            .values(busy_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        if result.rowcount != 1:
            raise Conflict("Another message in this conversation is still being answered; retry shortly")


async def release(factory: async_sessionmaker[AsyncSession], conversation_id: uuid.UUID) -> None:
    async with transaction(factory) as session:
        await session.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(busy_until=None)
            .execution_options(synchronize_session=False)
        )
