"""Public facts about the support service the widget shows before and during a handoff."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import SettingsDep
from app.models.base import utcnow
from app.support.schemas import SupportHoursOut

router = APIRouter(prefix="/v1/support", tags=["support"])


@router.get("/hours", response_model=SupportHoursOut)
async def support_hours(settings: SettingsDep) -> SupportHoursOut:
    """The support team's opening hours and whether a person can answer right now (no sign-in needed)."""
    return SupportHoursOut.at(settings.hours(), utcnow())
