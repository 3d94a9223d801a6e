from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class GraphCheckpoint(Base):
    """The agent's memory of a conversation: the latest LangGraph checkpoint and its pending writes.

    Written in the same transaction as the turn it belongs to (``app.conversations.checkpoints``), so a
    turn that fails or is killed leaves the previous checkpoint exactly as it was. Values are serialised
    by LangGraph's own serializer; only redacted text ever enters the graph.
    """

    __tablename__ = "graph_checkpoint"

    thread_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    checkpoint_id: Mapped[str] = mapped_column(String(64))
    parent_checkpoint_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    checkpoint_type: Mapped[str] = mapped_column(String(20))
    checkpoint: Mapped[bytes] = mapped_column(LargeBinary)
    metadata_type: Mapped[str] = mapped_column(String(20))
    checkpoint_metadata: Mapped[bytes] = mapped_column("metadata", LargeBinary)
    writes_type: Mapped[str] = mapped_column(String(20))
    writes: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
