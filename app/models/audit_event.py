from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import MACHINE_MADE, Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Append-only log of hash chains, one chain per conversation (``system`` for the rest).

    ``hash = sha256(prev_hash + canonical_json(row))`` where ``prev_hash`` is the hash of the previous
    event of the same chain (``chain_seq - 1``). ``seq`` orders the whole log (export, paging). The
    application only ever INSERTs here; triggers refuse UPDATE, DELETE and (Postgres) TRUNCATE, and the
    app's database role holds only SELECT and INSERT on this table. Signed checkpoints over the chain heads
    (``app.audit.checkpoint``) make deletion and rewriting by the table's owner detectable.
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain_id", "chain_seq"),)

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(80))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Made by the app from fixed-format values (hex digests, a UUID or "system"), never from anyone's text:
    # the card-number guard does not read them (``app.models.pan_guard``).
    prev_hash: Mapped[str] = mapped_column(String(64), info=MACHINE_MADE)
    hash: Mapped[str] = mapped_column(String(64), unique=True, info=MACHINE_MADE)
    chain_id: Mapped[str] = mapped_column(String(64), info=MACHINE_MADE)
    chain_seq: Mapped[int] = mapped_column(BigInteger)
