"""API shapes of conversations and messages (kept apart from the ORM tables)."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config import MESSAGE_CHARS_CEILING
from app.models.enums import ConversationStatus, MessageRole

MAX_MESSAGE_CHARS = MESSAGE_CHARS_CEILING  # the deployment's own limit is Settings.max_message_chars
# Bidirectional embeddings, overrides and isolates reorder how text is displayed (Trojan Source,
# CVE-2021-42574): a staff member or auditor would read something other than what was stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible but not format characters (Default_Ignorable_Code_Point outside Cf): combining grapheme joiner,
# Hangul fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors.
_INVISIBLE_OTHER = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Cf" or ch in _INVISIBLE_OTHER


def check_text(value: str) -> str:
    """Refuse text that is empty to the eye, or carries control or bidirectional-control characters."""
    if "\x00" in value:
        raise ValueError("content must not contain NUL characters")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("content must be valid UTF-8 text")
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            raise ValueError(
                f"content must not contain control character U+{ord(ch):04X} (only tab, newline and "
                "carriage return are allowed)"
            )
        if ch in BIDI_CONTROLS:
            raise ValueError(
                f"content must not contain bidirectional control U+{ord(ch):04X} (embedding, override or "
                "isolate): it changes how the text is displayed"
            )
    if all(_invisible(ch) for ch in value):
        raise ValueError("content must not be empty or only whitespace or invisible characters")
    return value


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        description=(
            f"What the customer typed: 1 to {MAX_MESSAGE_CHARS} characters, not only whitespace or invisible "
            "characters; no control characters other than tab, newline and carriage return, and no "
            "bidirectional overrides or isolates (U+202A-202E, U+2066-2069)."
        ),
    )

    @field_validator("content")
    @classmethod
    def _clean(cls, value: str) -> str:
        return check_text(value)


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
