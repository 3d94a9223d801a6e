from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class TurnJournal(Base):
    """A customer turn in progress: at most one per conversation (the row is the conversation's lease).

    Written when the turn is admitted, in the same transaction as its idempotency claim, and deleted in
    the transaction that stores the turn. A row whose lease has run out belongs to a process that died
    (or hung): the next request for the conversation, or any process at start-up, recovers it from the
    bank's own record of what was done (``tool_action``), never from the agent's checkpoint.
    """

    __tablename__ = "turn_journal"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the id the customer's message is stored under
    kind: Mapped[str] = mapped_column(String(12))  # message | confirm
    content: Mapped[str] = mapped_column(Text)  # the customer's words, already redacted
    screening: Mapped[str] = mapped_column(Text)  # JSON of the screening result (redacted findings, flags)
    idempotency_scope: Mapped[str | None] = mapped_column(String(200), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # The action the customer said yes to in this turn (JSON), so recovery can tell what it was.
    action: Mapped[str | None] = mapped_column(Text, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(8), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_turn_journal_lease_until", "lease_until"),)


class TurnAdmission(Base):
    """One row per admitted customer turn or new conversation: what the rate limits count."""

    __tablename__ = "turn_admission"
    __table_args__ = (
        Index("ix_turn_admission_customer_id_kind_admitted_at", "customer_id", "kind", "admitted_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # turn | conversation
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
