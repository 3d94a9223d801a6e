"""Queries for quality review. Rows are only added, never changed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Message, ReviewFinding, ReviewItem, ReviewSample, ReviewScore, StaffUser
from app.models.enums import MessageRole


async def get_sample(session: AsyncSession, sample_id: uuid.UUID) -> ReviewSample | None:
    return await session.get(ReviewSample, sample_id)


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> ReviewItem | None:
    return await session.get(ReviewItem, item_id)


async def items_of(session: AsyncSession, sample_id: uuid.UUID) -> Sequence[ReviewItem]:
    result = await session.scalars(
        select(ReviewItem).where(ReviewItem.sample_id == sample_id).order_by(ReviewItem.position)
    )
    return result.all()


async def latest_scores(session: AsyncSession, item_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ReviewScore]:
    if not item_ids:
        return {}
    rows = await session.scalars(
        select(ReviewScore)
        .where(ReviewScore.item_id.in_(item_ids))
        .order_by(ReviewScore.created_at, ReviewScore.id)
    )
    return {row.item_id: row for row in rows}  # the newest wins


async def finding_counts(session: AsyncSession, item_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not item_ids:
        return {}
    rows = await session.execute(
        select(ReviewFinding.item_id, func.count())
        .where(ReviewFinding.item_id.in_(item_ids))
        .group_by(ReviewFinding.item_id)
    )
    return {row[0]: int(row[1]) for row in rows if row[0] is not None}


async def list_samples(
    session: AsyncSession, *, limit: int, offset: int
) -> Sequence[tuple[ReviewSample, int]]:
    scored = (
        select(func.count(func.distinct(ReviewScore.item_id)))
        .join(ReviewItem, ReviewItem.id == ReviewScore.item_id)
        .where(ReviewItem.sample_id == ReviewSample.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(ReviewSample, scored)
        .order_by(ReviewSample.created_at.desc(), ReviewSample.id)
        .limit(limit)
        .offset(offset)
    )
    return [(row[0], int(row[1] or 0)) for row in rows]


async def find_findings(
    session: AsyncSession,
    *,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    criterion: str | None = None,
    severity: str | None = None,
    conversation_id: uuid.UUID | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[Sequence[ReviewFinding], int]:
    query = select(ReviewFinding)
    if created_from is not None:
        query = query.where(ReviewFinding.created_at >= created_from)
    if created_to is not None:
        query = query.where(ReviewFinding.created_at < created_to)
    if criterion is not None:
        query = query.where(ReviewFinding.criterion == criterion)
    if severity is not None:
        query = query.where(ReviewFinding.severity == severity)
    if conversation_id is not None:
        query = query.where(ReviewFinding.conversation_id == conversation_id)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.order_by(ReviewFinding.created_at.desc(), ReviewFinding.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return (await session.scalars(query)).all(), int(total or 0)


async def scores_of_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[ReviewScore]:
    result = await session.scalars(
        select(ReviewScore)
        .where(ReviewScore.conversation_id == conversation_id)
        .order_by(ReviewScore.created_at, ReviewScore.id)
    )
    return result.all()


async def items_of_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[uuid.UUID]:
    result = await session.scalars(select(ReviewItem.id).where(ReviewItem.conversation_id == conversation_id))
    return result.all()


async def scores_between(
    session: AsyncSession, *, created_from: datetime | None, created_to: datetime | None
) -> Sequence[ReviewScore]:
    query = select(ReviewScore)
    if created_from is not None:
        query = query.where(ReviewScore.created_at >= created_from)
    if created_to is not None:
        query = query.where(ReviewScore.created_at < created_to)
    return (await session.scalars(query.order_by(ReviewScore.created_at, ReviewScore.id))).all()


async def turn_numbers(session: AsyncSession, conversation_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each message's 1-based turn: the count of customer messages up to and including it."""
    if not conversation_ids:
        return {}
    rows = await session.execute(
        select(Message.id, Message.conversation_id, Message.role)
        .where(Message.conversation_id.in_(conversation_ids))
        .order_by(Message.conversation_id, Message.created_at, Message.id)
    )
    turns: dict[uuid.UUID, int] = {}
    counter: dict[uuid.UUID, int] = {}
    for mid, cid, role in rows:
        if role == MessageRole.customer:
            counter[cid] = counter.get(cid, 0) + 1
        turns[mid] = counter.get(cid, 0)
    return turns


async def staff_names(session: AsyncSession, ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}
