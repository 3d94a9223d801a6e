"""The hash chain of the audit log: canonical form, hashing and verification."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_body(
    *, conversation_id: uuid.UUID | None, kind: str, actor: str, payload: str, created_at: datetime
) -> dict[str, Any]:
    return {
        "conversation_id": str(conversation_id) if conversation_id else None,
        "kind": kind,
        "actor": actor,
        "payload": json.loads(payload),
        "created_at": created_at.isoformat(),
    }


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
