"""API shape of the support team's opening hours."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.support.hours import SupportHours


class DayHours(BaseModel):
    day: str = Field(description="Monday ... Sunday")
    opens: str = Field(description="HH:MM, wall-clock time in `timezone`")
    closes: str = Field(description="HH:MM (24:00 for midnight)")


class SupportHoursOut(BaseModel):
    """Whether a person can answer now and, if not, when the team is back."""

    open_now: bool
    closes_at: datetime | None = Field(description="When today's hours end (only while open)")
    next_open_at: datetime | None = Field(description="When the team is next working (only while closed)")
    holiday: str | None = Field(description="The public holiday the team is closed for today, if any")
    timezone: str = Field(description="IANA time zone of the timetable, e.g. Europe/London")
    weekly: list[DayHours] = Field(description="The open weekdays; a day not listed is closed")
    closed_on_bank_holidays: bool
    summary: str = Field(description="The timetable in one line, for people")

    @classmethod
    def at(cls, hours: SupportHours, moment: datetime) -> SupportHoursOut:
        status = hours.status(moment)
        return cls(
            open_now=status.open_now,
            closes_at=status.closes_at,
            next_open_at=status.next_open_at,
            holiday=status.holiday,
            timezone=hours.zone.key,
            weekly=[DayHours(day=d, opens=o, closes=c) for d, o, c in hours.timetable()],
            closed_on_bank_holidays=hours.calendar is not None,
            summary=hours.summary(),
        )
