"""The support team's opening hours: when a person can answer a handed-off conversation.

Configured by three settings (``BANKDESK_SUPPORT_HOURS``, ``BANKDESK_SUPPORT_TIMEZONE``,
``BANKDESK_SUPPORT_HOLIDAYS``), read here as a weekly timetable in the team's time zone, closed on the
public holidays of the ``holidays`` package's calendar (by default England and Wales, as the complaint
deadlines in ``agents.procedures.dates``). Times are wall-clock times in that zone, so the hours follow
summer time; everything returned is timezone-aware.

``parse_hours("Mon-Fri 08:00-20:00, Sat 09:00-17:00")`` gives one window per open weekday; a day not named
is closed. A window cannot run past midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_HOURS = "Mon-Fri 08:00-20:00, Sat 09:00-17:00"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_HOLIDAYS = "GB-ENG"
LOOKAHEAD_DAYS = 21  # long enough for Christmas and New Year on the sparsest timetable

_ENTRY = re.compile(
    r"^(?P<first>[A-Za-z]{3})(?:\s*-\s*(?P<last>[A-Za-z]{3}))?\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Window:
    opens: time
    closes: time


def _time(text: str, entry: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"support hours: {text!r} in {entry!r} is not a time of day (HH:MM)")
    return time(hours, minutes)


def _day(text: str, entry: str) -> int:
    try:
        return DAYS.index(text.capitalize())
    except ValueError:
        raise ValueError(
            f"support hours: {text!r} in {entry!r} is not a day (use {', '.join(DAYS)})"
        ) from None


def parse_hours(spec: str) -> dict[int, Window]:
    """Weekday (0 = Monday) to its window, from e.g. ``"Mon-Fri 08:00-20:00, Sat 09:00-17:00"``.

    Entries are separated by commas or semicolons. Raises ``ValueError`` saying which entry is wrong.
    An empty spec means the team never works (every handoff waits).
    """
    table: dict[int, Window] = {}
    for raw in re.split(r"[;,]", spec):
        entry = raw.strip()
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if match is None:
            raise ValueError(
                f"support hours: {entry!r} is not like 'Mon-Fri 08:00-20:00' (day or day range, then "
                "opening and closing time)"
            )
        first = _day(match["first"], entry)
        last = _day(match["last"], entry) if match["last"] else first
        if last < first:
            raise ValueError(f"support hours: {entry!r} runs backwards (write Mon-Fri, not Fri-Mon)")
        window = Window(_time(match["opens"], entry), _time(match["closes"], entry))
        if window.opens >= window.closes:
            raise ValueError(f"support hours: {entry!r} closes before it opens (windows end by midnight)")
        for day in range(first, last + 1):
            if day in table:
                raise ValueError(f"support hours: {DAY_NAMES[day]} is given twice")
            table[day] = window
    return table


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"support timezone: {name!r} is not an IANA time zone such as Europe/London"
        ) from None


def parse_holidays(spec: str) -> tuple[str, str | None] | None:
    """``"GB-ENG"`` → ("GB", "ENG"); ``"GB"`` → ("GB", None); ``""`` → None (open on public holidays)."""
    spec = spec.strip()
    if not spec:
        return None
    country, _, subdiv = spec.partition("-")
    try:
        holidays.country_holidays(country.upper(), subdiv=subdiv.upper() or None)
    except NotImplementedError:
        raise ValueError(
            f"support holidays: {spec!r} is not a calendar of the holidays package (e.g. GB-ENG, GB-SCT, IE)"
        ) from None
    return country.upper(), subdiv.upper() or None


def _hhmm(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


@dataclass(frozen=True)
class SupportHours:
    """A weekly timetable in one time zone, closed on the calendar's public holidays."""

    weekly: dict[int, Window]
    zone: ZoneInfo
    calendar: tuple[str, str | None] | None = None

    @classmethod
    def from_settings(cls, hours: str, timezone: str, holiday_calendar: str) -> SupportHours:
        return cls(parse_hours(hours), parse_timezone(timezone), parse_holidays(holiday_calendar))

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        if self.calendar is None:
            return None
        country, subdiv = self.calendar
        return holidays.country_holidays(country, subdiv=subdiv)

    def holiday(self, day: date) -> str | None:
        """The public holiday on ``day`` (in the team's calendar), or None."""
        if self._holidays is None:
            return None
        name = self._holidays.get(day)
        return str(name) if name else None

    def _window(self, day: date) -> Window | None:
        if self.holiday(day) is not None:
            return None
        return self.weekly.get(day.weekday())

    def _bounds(self, day: date, window: Window) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, window.opens, tzinfo=self.zone)
        closes = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
            if window.closes == time.max
            else datetime.combine(day, window.closes, tzinfo=self.zone)
        )
        return opens, closes

    def status(self, at: datetime) -> HoursStatus:
        """Whether the team is working at ``at`` (aware), when it closes, or when it is next back."""
        if at.tzinfo is None:
            raise ValueError("support hours: the moment must be timezone-aware")
        local = at.astimezone(self.zone)
        today = local.date()
        window = self._window(today)
        if window is not None:
            opens, closes = self._bounds(today, window)
            if opens <= local < closes:
                return HoursStatus(open_now=True, closes_at=closes, next_open_at=None, holiday=None)
        next_open: datetime | None = None
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = today + timedelta(days=offset)
            window = self._window(day)
            if window is None:
                continue
            opens, _ = self._bounds(day, window)
            if opens > local:
                next_open = opens
                break
        return HoursStatus(
            open_now=False, closes_at=None, next_open_at=next_open, holiday=self.holiday(today)
        )

    def summary(self) -> str:
        """The timetable in a line: ``Mon-Fri 08:00-20:00, Sat 09:00-17:00 (Europe/London time)``."""
        groups: list[tuple[int, int, Window]] = []
        for day in range(7):
            window = self.weekly.get(day)
            if window is None:
                continue
            if groups and groups[-1][1] == day - 1 and groups[-1][2] == window:
                groups[-1] = (groups[-1][0], day, window)
            else:
                groups.append((day, day, window))
        if not groups:
            return "The support team has no opening hours set"
        parts = [
            (DAYS[first] if first == last else f"{DAYS[first]}–{DAYS[last]}")
            + f" {_hhmm(w.opens)}–{_hhmm(w.closes)}"
            for first, last, w in groups
        ]
        text = f"{', '.join(parts)} ({self.zone.key} time)"
        if self.calendar is not None:
            text += ", closed on bank holidays"
        return text

    def timetable(self) -> list[tuple[str, str, str]]:
        """(day name, opens, closes) for each open weekday, Monday first."""
        return [(DAY_NAMES[day], _hhmm(w.opens), _hhmm(w.closes)) for day, w in sorted(self.weekly.items())]


@dataclass(frozen=True)
class HoursStatus:
    open_now: bool
    closes_at: datetime | None
    next_open_at: datetime | None
    holiday: str | None


@lru_cache(maxsize=8)
def load_hours(hours: str, timezone: str, holiday_calendar: str) -> SupportHours:
    """The timetable for these settings, built once (its holiday calendar fills in as years are asked)."""
    return SupportHours.from_settings(hours, timezone, holiday_calendar)
