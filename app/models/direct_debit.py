from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import Frequency, RecurringStatus


class DirectDebit(Base):
    """A direct debit mandate: the payee collects from the account; ``amount_minor`` is the latest
    collection (a collection may vary, e.g. a credit card repayment)."""

    __tablename__ = "direct_debit"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    payee_name: Mapped[str] = mapped_column(String(120))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # positive: what is collected
    currency: Mapped[str] = mapped_column(String(3))
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency, "frequency"))
    next_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(140))
    status: Mapped[RecurringStatus] = mapped_column(str_enum(RecurringStatus, "recurring_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
