"""API shapes of the staff queue and console (kept apart from the ORM tables).

Nothing here carries a full account or card number: accounts and cards are shown by their last four digits.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.conversations.schemas import MessageIn, MessageOut, check_text
from app.models.enums import (
    ConversationStatus,
    HandoffNoteKind,
    HandoffPriority,
    HandoffStatus,
    MessageRole,
    ResolutionCode,
)


class HandoffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    conversation_id: uuid.UUID
    reason: str
    priority: HandoffPriority
    summary: str
    status: HandoffStatus
    assignee_id: uuid.UUID | None
    assignee_name: str | None = Field(default=None, description="Who holds it (claimed), or held it last.")
    customer_name: str | None = None
    sla_due_at: datetime
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None
    resolution: ResolutionCode | None = None


class HandoffList(BaseModel):
    items: list[HandoffOut]


class StaffMessageIn(MessageIn):
    """What a member of staff writes to the customer."""


class StaffMessageOut(BaseModel):
    handoff: HandoffOut
    message: MessageOut


class HandoffTransition(BaseModel):
    handoff: HandoffOut
    conversation_status: ConversationStatus


class NoteIn(MessageIn):
    """A private note on the handoff: staff and auditors read it, the customer never does."""


class NoteOut(BaseModel):
    id: uuid.UUID
    kind: HandoffNoteKind
    content: str
    author_staff_id: uuid.UUID | None
    author_name: str | None
    created_at: datetime


class ReturnIn(BaseModel):
    """Give the conversation back to the assistant, optionally with a note it reads on its next turn."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(
        default=None,
        max_length=2000,
        description="Read by the assistant on the customer's next turn; never shown to the customer.",
    )

    @field_validator("note")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else check_text(value)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: ResolutionCode = Field(description="Why the handoff is resolved (reported on).")
    note: str | None = Field(
        default=None, max_length=2000, description="An optional private note kept with the handoff."
    )

    @field_validator("note")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else check_text(value)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee_id: uuid.UUID | None = Field(
        description="An agent or supervisor, or null to put the handoff back in the open queue."
    )


class StaffOut(BaseModel):
    id: uuid.UUID
    full_name: str
    role: str


class StaffList(BaseModel):
    items: list[StaffOut]


# --- the detail -------------------------------------------------------------------------------------------


class IntentOut(BaseModel):
    name: str
    confidence: float | None


class TurnTrace(BaseModel):
    """What the assistant made of one customer message, from the audit log."""

    intents: list[IntentOut] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list, description="Where the turn went (flows), in order.")
    flags: list[str] = Field(default_factory=list, description="Screening and compliance flags.")
    tools: list[str] = Field(default_factory=list, description="Tools the assistant called.")
    compliance: list[str] = Field(default_factory=list, description="Compliance outcomes other than pass.")
    outcome: str | None = Field(default=None, description="reply, confirmation_required, handoff or silent.")
    handoff_reason: str | None = None


class TranscriptEntry(BaseModel):
    id: uuid.UUID
    role: MessageRole
    content: str
    created_at: datetime
    author_name: str | None = Field(default=None, description="The member of staff, for staff messages.")
    turn: TurnTrace | None = Field(default=None, description="Set on customer messages.")


class AccountContext(BaseModel):
    id: uuid.UUID
    kind: str
    name: str
    currency: str
    balance_minor: int
    number_last4: str


class CardContext(BaseModel):
    id: uuid.UUID
    brand: str
    last4: str
    status: str
    expiry: str = Field(description="MM/YY")
    account_name: str | None


class DisputeContext(BaseModel):
    id: uuid.UUID
    status: str
    reason: str
    created_at: datetime
    merchant: str
    amount_minor: int
    currency: str


class ComplaintContext(BaseModel):
    id: uuid.UUID
    status: str
    summary: str
    received_at: datetime
    final_response_due: date
    overdue: bool


class CustomerContext(BaseModel):
    id: uuid.UUID
    full_name: str
    accounts: list[AccountContext]
    cards: list[CardContext]
    disputes: list[DisputeContext] = Field(description="The most recent disputes, newest first.")
    complaints: list[ComplaintContext] = Field(description="Complaints, newest first, with their due dates.")


class ConversationContext(BaseModel):
    id: uuid.UUID
    status: ConversationStatus
    flagged: bool
    variant: str
    created_at: datetime
    typing: bool = Field(description="A customer turn is being answered right now.")


class HandoffDetail(BaseModel):
    handoff: HandoffOut
    conversation: ConversationContext
    customer: CustomerContext
    transcript: list[TranscriptEntry]
    notes: list[NoteOut]
    version: str = Field(description="Changes whenever anything shown here changes (the stream's event id).")
