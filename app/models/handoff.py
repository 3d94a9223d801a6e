from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import HandoffPriority, HandoffStatus, ResolutionCode


class Handoff(Base):
    __tablename__ = "handoff"
    __table_args__ = (Index("ix_handoff_status_sla_due_at", "status", "sla_due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    priority: Mapped[HandoffPriority] = mapped_column(str_enum(HandoffPriority, "handoff_priority"))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[HandoffStatus] = mapped_column(
        str_enum(HandoffStatus, "handoff_status"), default=HandoffStatus.open
    )
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    sla_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when staff resolve it; null while open, claimed, or when returned to the assistant.
    resolution: Mapped[ResolutionCode | None] = mapped_column(
        str_enum(ResolutionCode, "handoff_resolution"), nullable=True
    )
