"""API shapes of conversations and messages (kept apart from the ORM tables)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.models.enums import ConversationStatus, MessageRole

MAX_MESSAGE_CHARS = 4000


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description=f"What the customer typed: 1 to {MAX_MESSAGE_CHARS} characters, not only whitespace.",
    )

    @field_validator("content")
    @classmethod
    def _clean(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("content must not contain NUL characters")
        if not value.strip():
            raise ValueError("content must not be empty or only whitespace")
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise ValueError("content must be valid UTF-8 text")
        return value


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    role: MessageRole
    content: str
    created_at: datetime


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: ConversationStatus
    created_at: datetime
    updated_at: datetime


class ConversationDetail(ConversationOut):
    messages: list[MessageOut]


class ConversationList(BaseModel):
    items: list[ConversationOut]


class TurnOut(BaseModel):
    """The customer's stored message and the reply (``null`` while a person has the conversation)."""

    conversation_id: uuid.UUID
    status: ConversationStatus
    message: MessageOut
    reply: MessageOut | None
    steps: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The agent's steps as node and decision; auditors see the full detail in the audit log.",
    )
    kind: Literal["reply", "silent", "handoff", "confirmation_required"] = "reply"
    confirmation: dict[str, Any] | None = Field(
        default=None, description="Set when the agent waits for the customer's yes/no before acting."
    )


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["yes", "no"]
