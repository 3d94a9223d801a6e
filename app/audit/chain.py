"""The hash chains of the audit log: canonical form, hashing and verification.

One chain per conversation (``chain_id`` is the conversation id) and one ``system`` chain for events that
belong to no conversation. Each event's hash covers its chain position and the previous hash of the same
chain, so a chain is a tamper-evident list on its own; signed checkpoints over all chain heads
(``app.audit.checkpoint``) tie the chains together.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_id_for(conversation_id: uuid.UUID | None) -> str:
    return str(conversation_id) if conversation_id is not None else SYSTEM_CHAIN


def event_fields(
    *,
    chain_id: str,
    chain_seq: int,
    conversation_id: uuid.UUID | None,
    kind: str,
    actor: str,
    created_at: datetime,
) -> dict[str, Any]:
    """What an event's hash covers, less its payload."""
    return {
        "chain_id": chain_id,
        "chain_seq": chain_seq,
        "conversation_id": str(conversation_id) if conversation_id else None,
        "kind": kind,
        "actor": actor,
        "created_at": created_at.isoformat(),
    }


def event_body(*, payload: str, **fields: Any) -> dict[str, Any]:
    """What an event's hash covers: ``event_fields`` and the payload, parsed from its stored JSON text."""
    return {**event_fields(**fields), "payload": json.loads(payload)}


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def new_event_hash(prev_hash: str, fields: dict[str, Any], payload: str) -> str:
    """``chain_hash(prev_hash, event_body(payload=payload, ...))`` for an event being written, whose
    ``payload`` is this module's own canonical JSON: the body's canonical form is spliced around the
    payload's text instead of parsing it back and serialising it again (a turn's tool log reaches 30 kB).
    "payload" sorts last among the body's keys, so it closes the object. Verification (``event_body`` on
    stored rows, whose JSON a database may have reformatted) still parses."""
    canonical_body = f'{canonical_json(fields)[:-1]},"payload":{payload}}}'
    return hashlib.sha256((prev_hash + canonical_body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    chains: int = 0
    problems: list[str] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None
    checkpoints_verified: int = 0
