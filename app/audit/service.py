"""Appending to and reading the audit log. Only INSERTs: the log is append-only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.chain import GENESIS_HASH, ChainVerdict, canonical_json, chain_hash, event_body
from app.models import AuditEvent
from app.models.base import utcnow

# Any constant works; it only has to be the same for every writer of the chain.
_CHAIN_LOCK_KEY = 0x42414E4B


async def _lock_chain(session: AsyncSession) -> None:
    """Serialise appends so two writers never fork the chain.

    Postgres: a transaction-scoped advisory lock. SQLite: every transaction already holds the single
    write lock (``BEGIN IMMEDIATE``, see ``app.db``).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})


async def append_event(
    session: AsyncSession,
    *,
    kind: str,
    actor: str,
    payload: dict[str, Any],
    conversation_id: uuid.UUID | None = None,
) -> AuditEvent:
    await _lock_chain(session)
    prev = await session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    prev_hash = prev or GENESIS_HASH
    payload_json = canonical_json(payload)
    created_at = utcnow()
    body = event_body(
        conversation_id=conversation_id, kind=kind, actor=actor, payload=payload_json, created_at=created_at
    )
    event = AuditEvent(
        conversation_id=conversation_id,
        kind=kind,
        actor=actor,
        payload=payload_json,
        created_at=created_at,
        prev_hash=prev_hash,
        hash=chain_hash(prev_hash, body),
    )
    session.add(event)
    await session.flush()
    return event


async def events_for_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[AuditEvent]:
    result = await session.scalars(
        select(AuditEvent).where(AuditEvent.conversation_id == conversation_id).order_by(AuditEvent.seq)
    )
    return result.all()


async def iter_events(session: AsyncSession, *, batch: int = 1000) -> AsyncIterator[AuditEvent]:
    """All events in chain order, read in keyset pages so memory stays flat."""
    last_seq = 0
    while True:
        rows = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
            )
        ).all()
        if not rows:
            return
        for row in rows:
            yield row
        last_seq = rows[-1].seq


async def verify_chain(session: AsyncSession) -> ChainVerdict:
    prev_hash = GENESIS_HASH
    checked = 0
    async for event in iter_events(session):
        if event.prev_hash != prev_hash:
            return ChainVerdict(False, checked, event.seq, "prev_hash does not match the previous row's hash")
        try:
            body = event_body(
                conversation_id=event.conversation_id,
                kind=event.kind,
                actor=event.actor,
                payload=event.payload,
                created_at=event.created_at,
            )
        except ValueError:
            return ChainVerdict(False, checked, event.seq, "payload is not valid JSON")
        if chain_hash(prev_hash, body) != event.hash:
            return ChainVerdict(False, checked, event.seq, "row content does not match its hash")
        prev_hash = event.hash
        checked += 1
    return ChainVerdict(True, checked)
