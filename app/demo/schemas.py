from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from app.models.enums import StaffRole


class DemoPerson(BaseModel):
    id: uuid.UUID
    kind: Literal["customer", "staff"]
    full_name: str
    role: StaffRole | None = None


class DemoPeople(BaseModel):
    customers: list[DemoPerson]
    staff: list[DemoPerson]


class DemoToken(BaseModel):
    token: str
    kind: Literal["customer", "staff"]
    full_name: str
    role: StaffRole | None = None
    expires_at: datetime
