"""``Idempotency-Key`` handling for customer writes.

A key is claimed in its own short, committed transaction *before* the request's unit of work starts, so
a concurrent duplicate sees it at once (409) instead of doing the work twice. When the work commits,
the same transaction stores the response; if it fails, the claim is released so the retry can run.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import transaction
from app.errors import Conflict, Unprocessable
from app.models import IdempotencyRecord

MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def validate_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Unprocessable(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


async def _existing(
    session: AsyncSession, *, customer_id: uuid.UUID, scope: str, key: str
) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.customer_id == customer_id,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
    )


def _verdict(record: IdempotencyRecord, fingerprint: str) -> Replay:
    if record.request_hash != fingerprint:
        raise Unprocessable("This Idempotency-Key was already used with a different request body")
    if record.state != "completed" or record.status_code is None or record.response_body is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly")
    return Replay(record.status_code, json.loads(record.response_body))


async def claim(
    factory: async_sessionmaker[AsyncSession],
    *,
    customer_id: uuid.UUID,
    scope: str,
    key: str,
    fingerprint: str,
) -> Replay | None:
    """Claim the key for this request, or say what an earlier request with it answered.

    Returns ``None`` when this request owns the key and must do the work.
    """
    async with transaction(factory) as session:
        record = await _existing(session, customer_id=customer_id, scope=scope, key=key)
        if record is not None:
            return _verdict(record, fingerprint)
        session.add(
            IdempotencyRecord(
                customer_id=customer_id, scope=scope, key=key, request_hash=fingerprint, state="in_flight"
            )
        )
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            record = await _existing(session, customer_id=customer_id, scope=scope, key=key)
            if record is None:  # pragma: no cover - the winner rolled back between our two reads
                raise Conflict("A request with this Idempotency-Key is still being processed") from None
            return _verdict(record, fingerprint)
    return None


async def complete(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    scope: str,
    key: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Store the response inside the request's own unit of work."""
    record = await _existing(session, customer_id=customer_id, scope=scope, key=key)
    if record is None:
        raise RuntimeError("idempotency claim vanished before completion")
    record.state = "completed"
    record.status_code = status_code
    record.response_body = json.dumps(body, default=str)
    await session.flush()


async def release(
    factory: async_sessionmaker[AsyncSession], *, customer_id: uuid.UUID, scope: str, key: str
) -> None:
    """Forget an in-flight claim whose request failed, so that a retry can do the work."""
    async with transaction(factory) as session:
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.customer_id == customer_id,
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
                IdempotencyRecord.state == "in_flight",
            )
        )
