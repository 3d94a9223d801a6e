"""Date ranges and buckets (day, week from Monday, calendar month) for metrics and trends, in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.audit.schemas import aware_utc
from app.errors import Unprocessable
from app.models.base import utcnow

Bucket = Literal["day", "week", "month"]
MAX_BUCKETS = 400
DEFAULT_DAYS = 30


class PeriodQuery(BaseModel):
    """``from`` inclusive, ``to`` exclusive; by default the last 30 days up to the end of today (UTC)."""

    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)

    created_from: datetime | None = Field(default=None, alias="from")
    created_to: datetime | None = Field(default=None, alias="to")
    bucket: Bucket = "day"

    @field_validator("created_from", "created_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return aware_utc(value)

    def resolve(self) -> tuple[datetime, datetime]:
        end = self.created_to or bucket_start(utcnow(), "day") + timedelta(days=1)
        try:
            start = self.created_from or end - timedelta(days=DEFAULT_DAYS)
        except OverflowError:
            raise Unprocessable("'to' is too early to count back 30 days from; give 'from' as well") from None
        if start >= end:
            raise Unprocessable("'from' must be before 'to'")
        return start, end


def bucket_start(moment: datetime, bucket: Bucket) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if bucket == "day":
        return day
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_bucket(start: datetime, bucket: Bucket) -> datetime:
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def buckets(start: datetime, end: datetime, bucket: Bucket) -> list[datetime]:
    """Every bucket's start from the one holding ``start`` up to (not including) ``end``."""
    out: list[datetime] = []
    try:
        at = bucket_start(start, bucket)
        while at < end:
            out.append(at)
            if len(out) > MAX_BUCKETS:
                raise Unprocessable(
                    f"More than {MAX_BUCKETS} {bucket}s; use a shorter range or a longer bucket"
                )
            at = next_bucket(at, bucket)
    except OverflowError:  # the range runs to the end of the calendar
        pass
    return out


def bucket_label(start: datetime, bucket: Bucket) -> str:
    return start.strftime("%b %Y") if bucket == "month" else start.strftime("%d %b")
