"""The support team's opening hours: the timetable, summer time, bank holidays, and bad settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.support.hours import SupportHours, parse_hours
from tests.factories import SECRET


def _hours(**overrides: str) -> SupportHours:
    return Settings(env="test", secret_key=SECRET, **overrides).hours()  # type: ignore[arg-type]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_defaults_follow_london_time_through_summer_time() -> None:
    hours = _hours()
    assert hours.summary() == (
        "Mon–Fri 08:00–20:00, Sat 09:00–17:00 (Europe/London time), closed on bank holidays"
    )
    # Wednesday 16 July 2025: 07:30 UTC is 08:30 in London (BST), so open; 19:30 UTC is 20:30, closed.
    assert hours.status(_utc("2025-07-16T07:30")).open_now
    evening = hours.status(_utc("2025-07-16T19:30"))
    assert not evening.open_now
    assert evening.next_open_at == _utc("2025-07-17T07:00")  # 08:00 BST
    # In January London is on GMT: 07:30 UTC is 07:30, still closed.
    assert not hours.status(_utc("2025-01-15T07:30")).open_now
    assert hours.status(_utc("2025-01-15T08:00")).closes_at == _utc("2025-01-15T20:00")


def test_saturday_afternoon_and_sunday_wait_for_monday() -> None:
    hours = _hours()
    saturday = hours.status(_utc("2025-11-15T17:00"))  # 17:00 GMT: Saturday's hours just ended
    assert not saturday.open_now
    assert saturday.next_open_at == _utc("2025-11-17T08:00")
    assert hours.status(_utc("2025-11-16T12:00")).next_open_at == _utc("2025-11-17T08:00")


def test_bank_holidays_are_closed_and_named() -> None:
    hours = _hours()
    christmas = hours.status(_utc("2025-12-25T10:00"))
    assert not christmas.open_now
    assert christmas.holiday == "Christmas Day"
    # Boxing Day (Friday) is a bank holiday too: back on Saturday morning.
    assert christmas.next_open_at == _utc("2025-12-27T09:00")
    # Without a holiday calendar the team works on Boxing Day.
    assert _hours(support_holidays="").status(_utc("2025-12-26T10:00")).open_now
    # Scotland's calendar: 2 January is a holiday there, not in England.
    assert not _hours(support_holidays="GB-SCT").status(_utc("2026-01-02T10:00")).open_now
    assert _hours().status(_utc("2026-01-02T10:00")).open_now


def test_other_time_zones_and_all_day_windows() -> None:
    hours = _hours(
        support_hours="Mon-Sun 00:00-24:00", support_timezone="America/New_York", support_holidays=""
    )
    status = hours.status(_utc("2025-03-10T03:00"))
    assert status.open_now
    assert status.closes_at == datetime.fromisoformat("2025-03-10T00:00-04:00")  # midnight New York
    assert hours.timetable()[0] == ("Monday", "00:00", "24:00")


def test_no_hours_means_never_open() -> None:
    hours = _hours(support_hours="")
    status = hours.status(_utc("2025-03-10T10:00"))
    assert not status.open_now
    assert status.next_open_at is None
    assert hours.timetable() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"support_hours": "Mon-Fry 08:00-20:00"}, "'Fry'"),
        ({"support_hours": "Fri-Mon 08:00-20:00"}, "runs backwards"),
        ({"support_hours": "Mon 20:00-08:00"}, "closes before it opens"),
        ({"support_hours": "Mon 08:00-25:00"}, "not a time of day"),
        ({"support_hours": "Mon-Fri 08:00-20:00, Fri 09:00-10:00"}, "Friday is given twice"),
        ({"support_hours": "weekdays 9 to 5"}, "is not like"),
        ({"support_timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"support_holidays": "XX"}, "not a calendar"),
    ],
)
def test_bad_settings_are_refused_at_start_up(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(env="test", secret_key=SECRET, **overrides)  # type: ignore[arg-type]


def test_separators_and_case() -> None:
    assert parse_hours("mon 09:00-17:00; SAT 10:00-12:00") == parse_hours("Mon 09:00-17:00, Sat 10:00-12:00")
    with pytest.raises(ValueError, match="timezone-aware"):
        _hours().status(datetime(2025, 1, 1, 10))
