from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from app.conversations.schemas import ConversationOut, MessageOut


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    conversation_id: uuid.UUID | None
    kind: str
    actor: str
    payload: Any
    created_at: datetime
    prev_hash: str
    hash: str
    chain_id: str
    chain_seq: int

    @field_validator("payload", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


class AuditConversationOut(ConversationOut):
    customer_id: uuid.UUID
    variant: str
    flagged: bool
    handed_off: bool


class AuditConversationList(BaseModel):
    items: list[AuditConversationOut]


class ModelCallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    call_id: str
    node: str
    tier: str
    provider: str
    model: str
    variant: str | None
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    latency_ms: float
    outcome: str
    detail: str | None
    created_at: datetime


class AuditTranscript(BaseModel):
    conversation: AuditConversationOut
    messages: list[MessageOut]
    events: list[AuditEventOut]
    model_calls: list[ModelCallOut]


class ChainReport(BaseModel):
    """Every chain recomputed and held against every signed checkpoint.

    ``problems`` names what is missing or changed; ``checkpoint`` is the latest signed checkpoint (keep a
    copy outside Bankdesk: it lets you detect a rewrite even if the checkpoint file is lost).
    """

    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str | None
    chains: int = 0
    problems: list[str] = []
    checkpoints_verified: int = 0
    checkpoint: dict[str, Any] | None = None
