from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import DisputeStatus


class Dispute(Base):
    __tablename__ = "dispute"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    transaction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transaction.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[DisputeStatus] = mapped_column(str_enum(DisputeStatus, "dispute_status"))
    # Makes "open dispute" exactly-once when a tool call is retried.
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
