from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.conversations.schemas import MessageIn, MessageOut
from app.models.enums import ConversationStatus, HandoffPriority, HandoffStatus


class HandoffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    conversation_id: uuid.UUID
    reason: str
    priority: HandoffPriority
    summary: str
    status: HandoffStatus
    assignee_id: uuid.UUID | None
    sla_due_at: datetime
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None


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
