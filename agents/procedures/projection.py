"""How much one regular payment will have paid by a day ahead: "how much will it have put by come New Year?",
"what will the gym have cost me by Christmas?", "how much will I have saved by the end of March?".

The day is read from the customer's words (``projection_target``); the collections still to come are the
payment's next date stepped on by its frequency up to that day (``collections_until``). What was already
paid is read from the transactions by the recurring procedure, so the answer can give both: since it
started, and from now on.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from agents.procedures.dates import format_day

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_BY = r"(?:by|come|before|until|till|til|up to|for|at|over|to)"
_TARGET = re.compile(
    rf"\b{_BY}\s+(?:the\s+)?(?P<new_year>new\s+year(?:'?s)?(?:\s+day)?)\b"
    rf"|\b{_BY}\s+(?P<christmas>christmas|xmas|crimbo)\b"
    rf"|\b{_BY}\s+(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<end_year>year)\b"
    rf"|\b{_BY}\s+(?:the\s+)?end\s+of\s+(?P<end_month>{_MONTH})\b"
    rf"|\b(?:by|come|before|until|till|til)\s+(?P<month>{_MONTH})\b"
    r"|\bin\s+(?P<count>\d{1,2}|a|one|two|three|four|five|six|nine|twelve)\s+(?P<unit>months?|years?)"
    r"(?:'?\s*time)?\b",
    re.IGNORECASE,
)
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12}
# What asks for an amount built up: "how much will it have put by", "what will it come to", "in total".
_HOW_MUCH = re.compile(
    r"\bhow\s+much\b|\bwhat\s+will\b|\bcome\s+to\b|\badd(?:s|ed)?\s+up\b|\bin\s+total\b|\baltogether\b"
    r"|\bwhat(?:'ll|\s+will)\s+(?:i|it|that|they|we)\s+have\b",
    re.IGNORECASE,
)
# A payment that was made is not a projection: "how much did it take by the end of October".
_PAST_ONLY = re.compile(r"\b(?:did|was|were|had)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """The last day counted, and how the customer named it ("New Year"; "" for a count of months)."""

    day: date
    words: str


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def projection_target(text: str, today: date) -> Target | None:
    """The day ahead a question about an amount built up names ("come New Year" is 1 Jan next year), or
    None when the message asks no such thing."""
    if not _HOW_MUCH.search(text) or (_PAST_ONLY.search(text) and not re.search(r"\bwill\b", text, re.I)):
        return None
    m = _TARGET.search(text)
    if m is None:
        return None
    if m["new_year"]:
        day, words = date(today.year + 1, 1, 1), "New Year"
    elif m["christmas"]:
        day = date(today.year, 12, 25)
        day, words = (day if day >= today else date(today.year + 1, 12, 25)), "Christmas"
    elif m["end_year"]:
        day, words = date(today.year, 12, 31), "the end of the year"
    elif m["end_month"] or m["month"]:
        month = _MONTHS[(m["end_month"] or m["month"]).lower()]
        year = today.year if month >= today.month else today.year + 1
        if m["end_month"]:
            day = date(year, month, calendar.monthrange(year, month)[1])
            words = f"the end of {calendar.month_name[month]}"
        else:
            # "by March": by the time March begins, so up to the last day of February.
            if month == today.month:
                year += 1
            day = date(year, month, 1) - timedelta(days=1)
            words = f"the start of {calendar.month_name[month]}"
    else:
        count = int(m["count"]) if m["count"].isdigit() else _COUNTS[m["count"].lower()]
        months = count * (12 if m["unit"].lower().startswith("year") else 1)
        day, words = _add_months(today, months), ""
    return Target(day, words) if day > today else None


_STEP_DAYS = {"weekly": 7, "fortnightly": 14}
_STEP_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12, "annually": 12}


def collections_until(next_date: date, frequency: str | None, until: date) -> list[date]:
    """The days a regular payment is due from its next date up to ``until`` (inclusive); one-off payments
    (no frequency) are due once."""
    if next_date > until:
        return []
    if frequency in _STEP_DAYS:
        step = _STEP_DAYS[frequency]
        return [next_date + timedelta(days=step * n) for n in range((until - next_date).days // step + 1)]
    if frequency in _STEP_MONTHS:
        days, n = [], 0
        while (due := _add_months(next_date, _STEP_MONTHS[frequency] * n)) <= until:
            days.append(due)
            n += 1
        return days
    return [next_date]


def day_words(target: Target) -> str:
    """ "New Year (1 Jan 2027)", or the day alone when the customer counted months ("in 6 months")."""
    return f"{target.words} ({format_day(target.day)})" if target.words else format_day(target.day)
