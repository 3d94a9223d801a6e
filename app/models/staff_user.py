from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models._types import str_enum
from app.models.base import Base, UTCDateTime, new_id, utcnow
from app.models.enums import StaffRole


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole, "staff_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
