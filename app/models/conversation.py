from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import ConversationStatus


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_customer_id_created_at", "customer_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.active
    )
    # Model-configuration variant for A/B tests; sticky for the life of the conversation.
    variant: Mapped[str] = mapped_column(String(40), default="default")
    # Set when screening or compliance raised something an auditor should look at.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cost_usd_micros: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
