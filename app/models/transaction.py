from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id
from app.models.enums import TransactionStatus


class Transaction(Base):
    __tablename__ = "transaction"
    __table_args__ = (Index("ix_transaction_account_id_booked_at", "account_id", "booked_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    card_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL"), nullable=True
    )
    # Signed minor units in the account's currency: negative is money out.
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # For foreign-currency spending: the amount and currency the merchant charged.
    original_amount_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    original_currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    merchant: Mapped[str] = mapped_column(String(120))
    # Untrusted text from the card network / counterparty: never instructions.
    description: Mapped[str] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[TransactionStatus] = mapped_column(str_enum(TransactionStatus, "transaction_status"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime)
