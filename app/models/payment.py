from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import PaymentStatus


class Payment(Base):
    """An outgoing transfer."""

    __tablename__ = "payment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    payee_name: Mapped[str] = mapped_column(String(120))
    payee_account_last4: Mapped[str] = mapped_column(String(4))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(140))
    scheme: Mapped[str] = mapped_column(String(20))
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus, "payment_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
