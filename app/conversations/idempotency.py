"""``Idempotency-Key`` handling for customer writes.

A key is claimed when the turn is admitted, in the admission's committed transaction (with the turn's journal
row), so a concurrent duplicate sees it at once (409) instead of doing the work twice. The transaction that
stores the turn stores the response; a turn that fails or is cut short releases it
(app.conversations.service), so the retry can run.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Conflict, Unprocessable
from app.models import IdempotencyRecord
from app.models.pan_guard import refuse_full_pans
from app.turn_statements import COMPLETE_CLAIM, Pipeline

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


async def existing(
    session: AsyncSession, *, customer_id: uuid.UUID, scope: str, key: str
) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.customer_id == customer_id,
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
        )
    )


@dataclass(frozen=True)
class Claim:
    """A stored Idempotency-Key: in flight (its turn is running) or completed with its answer."""

    state: str
    request_hash: str
    status_code: int | None
    response_body: str | None


def verdict(record: Claim | IdempotencyRecord, fingerprint: str) -> Replay:
    if record.request_hash != fingerprint:
        raise Unprocessable("This Idempotency-Key was already used with a different request body")
    if record.state != "completed" or record.status_code is None or record.response_body is None:
        raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly")
    return Replay(record.status_code, json.loads(record.response_body))


def complete(
    p: Pipeline,
    *,
    customer_id: uuid.UUID,
    scope: str,
    key: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Queue in ``p`` the storing of the response, inside the request's own unit of work (one UPDATE of the
    claim, which must still be there)."""
    response = json.dumps(body, default=str)
    table = IdempotencyRecord.__table__
    assert isinstance(table, Table)
    refuse_full_pans(table, [{"response_body": response}])
    p.add(
        COMPLETE_CLAIM,
        {
            "customer": customer_id,
            "claim_scope": scope,
            "claim_key": key,
            "status": status_code,
            "body": response,
        },
        expect_one=RuntimeError("idempotency claim vanished before completion"),
    )
