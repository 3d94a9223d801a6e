from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import HandoffNoteKind


class HandoffNote(Base):
    """A note staff wrote on a handoff. Never shown to the customer: it is not a ``message``.

    ``for_assistant`` notes (written when the conversation is returned) are read by the assistant on its
    next turn; ``private`` notes only by staff and auditors. ``content`` is stored after redaction.
    """

    __tablename__ = "handoff_note"
    __table_args__ = (Index("ix_handoff_note_conversation_id_created_at", "conversation_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    handoff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handoff.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    author_staff_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    kind: Mapped[HandoffNoteKind] = mapped_column(str_enum(HandoffNoteKind, "handoff_note_kind"))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
