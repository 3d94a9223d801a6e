from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import RecurringStatus


class ScheduledPayment(Base):
    """A one-off payment set up to be sent on a future day (``next_date``); it has no frequency."""

    __tablename__ = "scheduled_payment"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    payee_name: Mapped[str] = mapped_column(String(120))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # positive: what will be sent
    currency: Mapped[str] = mapped_column(String(3))
    next_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(140))
    status: Mapped[RecurringStatus] = mapped_column(str_enum(RecurringStatus, "recurring_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
