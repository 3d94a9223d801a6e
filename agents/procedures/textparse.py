"""Deterministic extraction of what a customer message says about dates, amounts, merchants and cards.

Parsers work on the (already redacted) customer text and never on tool results. Each parser that
consumes part of the text returns the remaining text with its match blanked out, so a date such as
"between 1 and 5 November" is never read again as an amount, nor "ending 4321" as £4,321.

Conventions (documented because customers are vague):
- "last week" is the previous Monday-to-Sunday week; "this week" runs from Monday to today;
  "last N days" (and "past week" = 7 days) ends today and includes it.
- A day or month without a year is the most recent one not after today, unless the sentence is about money
  still to go out ("going out in December", "due on the 3rd of January"): then it is the coming one.
- "over £50" and "under £20" are strict (£50.01 and up, £19.99 and down); "at least" / "at most" are not.
- An amount with pence ("£45.99", "45.99", "£45.00") is exact. A whole-pound amount ("£265", "265 quid")
  is how people say an amount whose pence they dropped or rounded: it matches within 99p either way
  (£264.01-£265.99), and reads back as said ("of £265").
- An approximate amount ("about £40", "around 40 quid", "roughly", "approx", "~£40", "£40ish") matches
  within a tolerance of 10 % or £5, whichever is larger (£35-£45 for "about £40", £540-£660 for "about
  £600"): small slips of memory are a few pounds, big ones a tenth. "£40-odd" / "forty-odd" reads as the
  customer does, from the number up to the next round figure (£40.00-£49.99; "£600-odd" £600-£699.99).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, timedelta

from agents.procedures.dates import format_day
from agents.procedures.duplicates import NOT_A_CHARGE_RE
from agents.procedures.money import format_money

# Month names by their first three letters, and the pattern that finds one (its group named by the caller).
MONTH_NUMBERS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
MONTH_PATTERN = (
    r"(?P<{name}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"


def _date_pattern(tag: str) -> str:
    """One date in any of the forms customers type; group names are suffixed with ``tag``."""
    return (
        rf"(?:(?P<iso_{tag}>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"|(?P<d1_{tag}>\d{{1,2}}){_ORD}\s+(?:of\s+)?{MONTH_PATTERN.format(name='m1_' + tag)}"
        rf"(?:,?\s+(?P<y1_{tag}>\d{{4}}))?"
        rf"|{MONTH_PATTERN.format(name='m2_' + tag)}\s+(?P<d2_{tag}>\d{{1,2}}){_ORD}"
        rf"(?:,?\s+(?P<y2_{tag}>\d{{4}}))?"
        rf"|(?P<d3_{tag}>\d{{1,2}})/(?P<m3_{tag}>\d{{1,2}})(?:/(?P<y3_{tag}>\d{{2,4}}))?)"
    )


_A, _B = _date_pattern("a"), _date_pattern("b")
# "between the 15th sept and the 20th oct", "from Monday 2 November through Friday 6 November"
_LEAD = r"(?:the\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+(?:the\s+)?)?"
_RANGE_RE = re.compile(
    rf"\b(?:between|from)\s+{_LEAD}{_A}\s+(?:and|to|until|till|through|thru|-)\s+{_LEAD}{_B}\b"
)
# "between 1 and 5 November", "from Monday 16th to Sunday 22nd November": the first day borrows the second's
# month.
_SHARED_MONTH_RE = re.compile(
    rf"\b(?:between|from)\s+{_LEAD}(?P<da>\d{{1,2}}){_ORD}\s+(?:and|to|until|till|through|thru|-)\s+{_LEAD}"
    rf"(?P<db>\d{{1,2}}){_ORD}\s+(?:of\s+)?{MONTH_PATTERN.format(name='mb')}(?:\s+(?P<yb>\d{{4}}))?\b"
)
_SINCE_RE = re.compile(rf"\b(?P<word>since|after|from|before|until|till|on)\s+(?:the\s+)?{_A}\b")
_BARE_DAY_RE = re.compile(rf"\b{_A}\b")
_MONTH_RE = re.compile(
    rf"\b(?:in|during|for|from|of|over)\s+(?:the\s+month\s+of\s+)?{MONTH_PATTERN.format(name='m')}"
    r"(?:\s+(?P<y>\d{4}))?\b"
)
_SINCE_MONTH_RE = re.compile(
    rf"\b(?:since|from)\s+(?:the\s+(?:start|beginning)\s+of\s+)?{MONTH_PATTERN.format(name='m')}\b(?!\s+\d)"
)
# A full month name standing alone ("december spending", "last october"); "may" and "march" are too often
# other words to be read bare.
_BARE_MONTH_RE = re.compile(
    r"\b(?P<last>last\s+|this\s+past\s+)?(?P<m>january|february|april|june|july|august|september|october|"
    r"november|december)(?:\s+(?P<y>\d{4}))?\b(?!\s+\d)"
)
# "end of October", "early November", "mid-September", "the start of last month": a part of a month.
_PART_OF_MONTH_RE = re.compile(
    r"(?<!since )(?<!from )(?<!since the )(?<!from the )"
    r"\b(?:(?:the\s+|towards\s+the\s+|at\s+the\s+)?(?P<part>start|beginning|middle|end|"
    r"back\s+end|tail\s+end)\s+of|(?P<adj>early|mid|late)[\s-])\s*(?:the\s+month\s+of\s+)?"
    rf"(?:{MONTH_PATTERN.format(name='m')}(?:\s+(?P<y>\d{{4}}))?|(?P<rel>last|this)\s+month)\b(?!\s+\d)"
)
# The days of each part: a little overlap, as people put a day near the line either side of it.
_PART_DAYS = {"start": (1, 11), "middle": (9, 21), "end": (19, 31)}
_PART_WORDS = {"beginning": "start", "early": "start", "mid": "middle", "late": "end", "back end": "end"}
_LAST_N_RE = re.compile(
    r"\b(?:last|past|previous)\s+(?P<n>\d{1,3}|a|one|two|three|four|five|six|a\s+couple\s+of|couple\s+of|"
    r"a\s+few|few|several)\s+(?P<unit>day|week|month)s?\b"
)
_WORD_NUMBERS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 5,
}
_DAY_BEFORE_YESTERDAY_RE = re.compile(r"\b(?:the\s+)?day\s+before\s+yesterday\b")
_THIS_YEAR_RE = re.compile(
    r"\b(?:this\s+year|so\s+far\s+this\s+year|since\s+(?:the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+year|"
    r"january\s+1st|new\s+year))\b"
)
_START_OF_MONTH_RE = re.compile(r"\bsince\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+month\b")
WEEKEND_RE = re.compile(
    r"\b(?P<since>(?:since|from|after)\s+)?(?:(?P<last>last|past|previous)\s+|this\s+)?"
    r"(?:over\s+|at\s+|on\s+)?(?:the\s+)?weekend\b",
    re.IGNORECASE,
)
_WEEKS_AGO_RE = re.compile(r"\b(?P<n>\d|a|one|two|three|four)\s+(?P<unit>week|day)s?\s+ago\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = re.compile(
    r"\b(?P<word>on|last|this\s+past|since|before)?\s*(?P<day>" + "|".join(_WEEKDAYS) + r")s?\b"
)
# "on the 13th", "since the 1st", "between the 10th and the 20th": a day of a month the sentence leaves out.
_DAY_ONLY = (
    r"(?:the\s+)?(?P<{name}>\d{{1,2}})(?:st|nd|rd|th)\b"
    r"(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
)
_DAY_ONLY_RANGE_RE = re.compile(
    r"\b(?:between|from)\s+"
    + _DAY_ONLY.format(name="a")
    + r"\s+(?:and|to|until|till|-)\s+"
    + _DAY_ONLY.format(name="b")
)
_DAY_ONLY_RE = re.compile(
    r"\b(?P<word>on|since|from|after|before|until|till)?\s*" + _DAY_ONLY.format(name="a")
)
_RELATIVE_RE = re.compile(
    r"\b(?P<what>today|yesterday|this\s+week|last\s+week|past\s+week|this\s+month|last\s+month"
    r"|past\s+month|last\s+fortnight|past\s+fortnight)\b"
)


@dataclass(frozen=True)
class DateRange:
    since: date | None
    until: date | None

    def describe(self) -> str:
        if self.since and self.until:
            if self.since == self.until:
                return f"on {format_day(self.since)}"
            return f"between {format_day(self.since)} and {format_day(self.until)}"
        if self.since:
            return f"since {format_day(self.since)}"
        if self.until:
            return f"up to {format_day(self.until)}"
        return ""

    def contains(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class AmountFilter:
    min_minor: int | None
    max_minor: int | None
    wording: str | None = None  # how the customer put it, e.g. "over" for a strict minimum
    around_minor: int | None = None  # the figure an approximate amount was said as ("about £40")
    # A currency other than pounds the figure was said in ("80 euro ish", "$500"); None for pounds or none.
    currency: str | None = None

    @property
    def foreign(self) -> bool:
        """Said in a currency other than pounds: compared with what the payment was in, not its pounds."""
        return self.currency is not None

    def in_currency(self, currency: str | None) -> AmountFilter:
        return replace(self, currency=None if currency == "GBP" else currency)

    def fits(
        self, amount_minor: int, currency: str, original_minor: int | None, original: str | None
    ) -> bool:
        """Whether a payment matches: a figure said in a foreign currency is compared with the payment in
        that currency (the account's, or the one a card payment was made in abroad); any other figure with
        the amount the account was charged."""
        if not self.foreign:
            return self.contains(amount_minor)
        if currency == self.currency:
            return self.contains(amount_minor)
        return original == self.currency and original_minor is not None and self.contains(original_minor)

    def describe(self, currency: str = "GBP") -> str:
        currency = self.currency or currency
        lo, hi = self.min_minor, self.max_minor
        if self.wording == "about" and self.around_minor is not None:
            return f"of about {format_money(self.around_minor, currency)}"
        if self.wording == "whole" and self.around_minor is not None:
            return f"of {format_money(self.around_minor, currency)}"
        if self.wording == "odd" and self.around_minor is not None:
            return f"of {format_money(self.around_minor, currency)}-odd"
        if self.wording == "over" and lo is not None:
            return f"over {format_money(lo - 1, currency)}"
        if self.wording == "under" and hi is not None:
            return f"under {format_money(hi + 1, currency)}"
        if lo is not None and hi is not None:
            if lo == hi:
                return f"of {format_money(lo, currency)}"
            return f"between {format_money(lo, currency)} and {format_money(hi, currency)}"
        if lo is not None:
            return f"of {format_money(lo, currency)} or more"
        if hi is not None:
            return f"of {format_money(hi, currency)} or less"
        return ""

    def contains(self, amount_minor: int) -> bool:
        value = abs(amount_minor)
        return (self.min_minor is None or value >= self.min_minor) and (
            self.max_minor is None or value <= self.max_minor
        )


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def _most_recent(day: int, month: int, year: int | None, today: date) -> date | None:
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        if candidate > today:
            candidate = date(today.year - 1, month, day)
        return candidate
    except ValueError:
        return None


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    value = int(raw)
    return value + 2000 if value < 100 else value


def _date_from(match: re.Match[str], tag: str, today: date) -> date | None:
    groups = match.groupdict()
    if groups.get(f"iso_{tag}"):
        try:
            return date.fromisoformat(groups[f"iso_{tag}"])
        except ValueError:
            return None
    if groups.get(f"d1_{tag}"):
        month = MONTH_NUMBERS[groups[f"m1_{tag}"][:3]]
        return _most_recent(int(groups[f"d1_{tag}"]), month, _year(groups.get(f"y1_{tag}")), today)
    if groups.get(f"d2_{tag}"):
        month = MONTH_NUMBERS[groups[f"m2_{tag}"][:3]]
        return _most_recent(int(groups[f"d2_{tag}"]), month, _year(groups.get(f"y2_{tag}")), today)
    if groups.get(f"d3_{tag}"):
        month = int(groups[f"m3_{tag}"])
        if not 1 <= month <= 12:
            return None
        return _most_recent(int(groups[f"d3_{tag}"]), month, _year(groups.get(f"y3_{tag}")), today)
    return None


# A sentence about money still to go out ("going out in December", "what's due in January"): a month named
# without a year is the coming one, not the one a year ago.
_FUTURE_RE = re.compile(
    r"\b(?:going out|go out|goes out|coming out|comes out|come out|going to|gonna|will|\w+'ll|due|"
    r"scheduled|upcoming|coming up|next|leaving|leave|be taken|get taken|set up to|planned|expected|"
    r"expecting)\b",
    re.IGNORECASE,
)
# ... and one plainly about the past ("what did I spend in December") keeps the most recent past month.
_PAST_RE = re.compile(
    r"\b(?:did|was|were|went|spent|paid|had|bought|happened|took|taken out|came out|gone|last)\b",
    re.IGNORECASE,
)


def _month_range(month: int, year: int | None, today: date, *, ahead: bool = False) -> DateRange:
    """A named month: the most recent one not after today, or (``ahead``) the coming one."""
    if year is None and ahead and month != today.month:
        year = today.year if month > today.month else today.year + 1
        return DateRange(date(year, month, 1), date(year, month, monthrange(year, month)[1]))
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    last = date(year, month, monthrange(year, month)[1])
    return DateRange(date(year, month, 1), min(last, today) if last > today >= date(year, month, 1) else last)


def _relative(what: str, today: date) -> DateRange:
    what = " ".join(what.split())
    monday = today - timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    ranges = {
        "today": DateRange(today, today),
        "yesterday": DateRange(today - timedelta(days=1), today - timedelta(days=1)),
        "this week": DateRange(monday, today),
        "last week": DateRange(monday - timedelta(days=7), monday - timedelta(days=1)),
        "past week": DateRange(today - timedelta(days=6), today),
        "this month": DateRange(first_of_month, today),
        "past month": DateRange(today - timedelta(days=29), today),
        "last fortnight": DateRange(today - timedelta(days=13), today),
        "past fortnight": DateRange(today - timedelta(days=13), today),
    }
    if what == "last month":
        end = first_of_month - timedelta(days=1)
        return DateRange(end.replace(day=1), end)
    return ranges[what]


_DAY_SHIFT_RE = re.compile(r"\bthe (?:next )?day (after|before)(?: (?:that|it|then))?\b")


# "the weekend of the 31st Oct", "weekend of 1/11", "the 14th Nov weekend": the weekend a date falls in.
_DATED_WEEKEND_RE = re.compile(
    rf"\bweekend\s+of\s+(?:the\s+)?{_A}"
    # "... / 1st Nov", "... and the 1st": its other day, said too
    rf"(?:\s*(?:/|-|&|and|or)\s*(?:the\s+)?\d{{1,2}}{_ORD}(?:\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)?)?"
    rf"|\b(?:the\s+)?{_B}\s+weekend\b"
)


_SHARED_MONTH_WEEKEND_RE = re.compile(
    rf"\bweekend\s+of\s+(?:the\s+)?(?P<dw>\d{{1,2}}){_ORD}\s*(?:/|-|&|and)\s*(?:the\s+)?\d{{1,2}}{_ORD}\s+"
    rf"(?:of\s+)?{MONTH_PATTERN.format(name='mw')}\b"
)


def dated_weekend(text: str, today: date) -> tuple[DateRange, re.Match[str]] | None:
    """The Saturday and Sunday of the weekend a date names ("the weekend of the 31st Oct / 1st Nov": a
    Saturday, or a Sunday, or a weekday of the week before it), with the match; None when none is named."""
    lowered = text.lower()
    if shared := _SHARED_MONTH_WEEKEND_RE.search(lowered):
        # "the weekend of the 17th / 18th of october": the first day borrows the second's month
        day = _most_recent(int(shared["dw"]), MONTH_NUMBERS[shared["mw"][:3]], None, today)
        return None if day is None else (_weekend_of(day, today), shared)
    m = _DATED_WEEKEND_RE.search(lowered)
    day = None if m is None else _date_from(m, "a" if m.group(0).startswith("weekend") else "b", today)
    if m is None or day is None:
        return None
    return _weekend_of(day, today), m


def _weekend_of(day: date, today: date) -> DateRange:
    if day.weekday() < 5:
        saturday = day + timedelta(days=5 - day.weekday())
    else:
        saturday = day - timedelta(days=day.weekday() - 5)
    return DateRange(saturday, min(saturday + timedelta(days=1), today))


def weekend(m: re.Match[str], today: date) -> DateRange:
    """The weekend a ``WEEKEND_RE`` match names: the latest one (today included), the one before on a weekend
    when "last"; "since last weekend" runs from its Saturday until today."""
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    if m.group("last") and today.weekday() >= 5:
        saturday -= timedelta(days=7)  # "last weekend" on a weekend is the one before
    if m.group("since"):
        return DateRange(saturday, None)
    return DateRange(saturday, min(saturday + timedelta(days=1), today))


def parse_date_range(text: str, today: date) -> tuple[DateRange | None, str]:
    """The date range the text asks about (or None) and the text with it blanked out."""
    found, rest = _date_range(text, today)
    if (
        found is not None
        and found.since is not None
        and found.since == found.until
        and (shift := _DAY_SHIFT_RE.search(rest.lower()))
    ):
        # "lost it on the 18th ... a payment the day after that": the 19th.
        day = found.since + timedelta(days=1 if shift.group(1) == "after" else -1)
        return DateRange(day, day), _blank(rest, shift)
    return found, rest


def _date_range(text: str, today: date) -> tuple[DateRange | None, str]:
    lowered = text.lower()
    if m := _SHARED_MONTH_RE.search(lowered):
        month = MONTH_NUMBERS[m.group("mb")[:3]]
        year = _year(m.group("yb"))
        end = _most_recent(int(m.group("db")), month, year, today)
        start = None if end is None else _safe_date(end.year, month, int(m.group("da")))
        if start and end:
            return DateRange(min(start, end), max(start, end)), _blank(text, m)
    if m := _RANGE_RE.search(lowered):
        start, end = _date_from(m, "a", today), _date_from(m, "b", today)
        if start and end:
            return DateRange(min(start, end), max(start, end)), _blank(text, m)
    if m := _SINCE_RE.search(lowered):
        day = _date_from(m, "a", today)
        if day is not None and m.group("word") == "on" and not m.group("y1_a") and not m.group("y2_a"):
            day = _day_ahead(day, today, lowered)
        if day is not None:
            word = m.group("word")
            found = {
                "since": DateRange(day, None),
                "from": DateRange(day, None),
                "after": DateRange(day + timedelta(days=1), None),
                "before": DateRange(None, day - timedelta(days=1)),
                "until": DateRange(None, day),
                "till": DateRange(None, day),
                "on": DateRange(day, day),
            }[word]
            return found, _blank(text, m)
    if m := _LAST_N_RE.search(lowered):
        raw = " ".join(m.group("n").split())
        n = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw]
        days = {"day": n, "week": 7 * n, "month": 30 * n}[m.group("unit")]
        return DateRange(today - timedelta(days=max(days, 1) - 1), today), _blank(text, m)
    if m := _DAY_BEFORE_YESTERDAY_RE.search(lowered):
        day = today - timedelta(days=2)
        return DateRange(day, day), _blank(text, m)
    if m := _START_OF_MONTH_RE.search(lowered):
        return DateRange(today.replace(day=1), None), _blank(text, m)
    if m := _THIS_YEAR_RE.search(lowered):
        return DateRange(date(today.year, 1, 1), today), _blank(text, m)
    if (m := _BARE_DAY_RE.search(lowered)) and (m.group("d1_a") or m.group("d2_a")):
        # "the 3rd of December", "1st december": a day, not the month it is in.
        day = _date_from(m, "a", today)
        if day is not None and not m.group("y1_a") and not m.group("y2_a"):
            day = _day_ahead(day, today, lowered)
        if day is not None:
            return DateRange(day, day), _blank(text, m)
    if loose := _loose_day(lowered, today):
        (first, last) = loose[1]
        return loose[0], text[:first] + " " * (last - first) + text[last:]
    if m := _PART_OF_MONTH_RE.search(lowered):
        return _part_of_month(m, lowered, today), _blank(text, m)
    if m := _RELATIVE_RE.search(lowered):
        return _relative(m.group("what"), today), _blank(text, m)
    if m := _MONTH_RE.search(lowered):
        month = MONTH_NUMBERS[m.group("m")[:3]]
        return _month_range(month, _year(m.group("y")), today, ahead=_about_ahead(lowered, month, today)), (
            _blank(text, m)
        )
    if m := _SINCE_MONTH_RE.search(lowered):
        # "since October": from the first of the most recent October to today.
        start = _month_range(MONTH_NUMBERS[m.group("m")[:3]], None, today).since
        return DateRange(start, None), _blank(text, m)
    if m := _BARE_MONTH_RE.search(lowered):
        # "December spending", "what went out last december": a month name with no preposition.
        month = MONTH_NUMBERS[m.group("m")[:3]]
        ahead = not m.group("last") and _about_ahead(lowered, month, today)
        return _month_range(month, _year(m.group("y")), today, ahead=ahead), _blank(text, m)
    if m := _BARE_DAY_RE.search(lowered):
        day = _date_from(m, "a", today)
        if day is not None and not m.group("y1_a") and not m.group("y2_a") and not m.group("iso_a"):
            day = _day_ahead(day, today, lowered)
        if day is not None:
            return DateRange(day, day), _blank(text, m)
    return None, text


def _part_of_month(m: re.Match[str], lowered: str, today: date) -> DateRange:
    """The days of "the end of October", "early November", "the start of last month" (never after today)."""
    if m.group("rel"):
        # "the start of this month" as well as "the start of last month"
        whole = _relative(f"{m.group('rel')} month", today)
    else:
        month = MONTH_NUMBERS[m.group("m")[:3]]
        whole = _month_range(month, _year(m.group("y")), today, ahead=_about_ahead(lowered, month, today))
    if whole.since is None or whole.until is None:
        return whole
    said = " ".join((m.group("part") or m.group("adj")).split())
    first, last = _PART_DAYS[_PART_WORDS.get(said, said)]
    month_end = monthrange(whole.since.year, whole.since.month)[1]
    start = whole.since.replace(day=first)
    end = whole.since.replace(day=min(last, month_end))
    return DateRange(start, max(start, min(end, whole.until)))


def _recent_day_of_month(day: int, today: date, lowered: str) -> date | None:
    """The most recent ``day`` of a month not after today (the coming one in a sentence about the future)."""
    year, month = today.year, today.month
    if _FUTURE_RE.search(lowered) and not _PAST_RE.search(lowered):
        # "the payment going out on the 3rd": the next 3rd to come.
        for _ in range(3):
            found = _safe_date(year, month, day)
            if found is not None and found >= today:
                return found
            month, year = (month + 1, year) if month < 12 else (1, year + 1)
        return None
    for _ in range(3):
        found = _safe_date(year, month, day)
        if found is not None and found <= today:
            return _day_ahead(found, today, lowered) if found < today else found
        month, year = (month - 1, year) if month > 1 else (12, year - 1)
    return None


def _loose_day(lowered: str, today: date) -> tuple[DateRange, tuple[int, int]] | None:
    """Weekends, weekdays, "two weeks ago" and days of the month named without a month."""
    if m := _DAY_ONLY_RANGE_RE.search(lowered):
        a = _recent_day_of_month(int(m.group("a")), today, lowered)
        b = _recent_day_of_month(int(m.group("b")), today, lowered)
        if a and b:
            return DateRange(min(a, b), max(a, b)), m.span()
    if m := _DAY_ONLY_RE.search(lowered):
        day = _recent_day_of_month(int(m.group("a")), today, lowered)
        if day is not None:
            word = m.group("word") or "on"
            found = {
                "on": DateRange(day, day),
                "since": DateRange(day, None),
                "from": DateRange(day, None),
                "after": DateRange(day + timedelta(days=1), None),
                "before": DateRange(None, day - timedelta(days=1)),
                "until": DateRange(None, day),
                "till": DateRange(None, day),
            }[word]
            return found, m.span()
    if m := WEEKEND_RE.search(lowered):
        return weekend(m, today), m.span()
    if m := _WEEKS_AGO_RE.search(lowered):
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw]
        if m.group("unit") == "day":
            day = today - timedelta(days=n)
            return DateRange(day, day), m.span()
        monday = today - timedelta(days=today.weekday()) - timedelta(days=7 * n)
        return DateRange(monday, monday + timedelta(days=6)), m.span()
    if m := _WEEKDAY_RE.search(lowered):
        back = (today.weekday() - _WEEKDAYS.index(m.group("day"))) % 7 or 7
        day = today - timedelta(days=back)
        word = " ".join((m.group("word") or "on").split())
        if word == "since":
            return DateRange(day, None), m.span()
        if word == "before":
            return DateRange(None, day - timedelta(days=1)), m.span()
        return DateRange(day, day), m.span()
    return None


def _day_ahead(day: date, today: date, lowered: str) -> date:
    """A day named without a year in a sentence about money still to go out is the coming one."""
    if day < today and _FUTURE_RE.search(lowered) and not _PAST_RE.search(lowered):
        return _safe_date(day.year + 1, day.month, day.day) or day
    return day


def _about_ahead(lowered: str, month: int, today: date) -> bool:
    """Whether a month named without a year means the coming one: the sentence is about money still to go
    out (otherwise it is the most recent such month not after today)."""
    if month == today.month:
        return False
    return bool(_FUTURE_RE.search(lowered)) and not _PAST_RE.search(lowered)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- cards and accounts named in the text -----------------------------------------------------------

_LAST4_RE = re.compile(
    r"(?:\bending(?:\s+(?:in|with))?|\bends\s+(?:in|with)|\blast\s+(?:four|4)(?:\s+digits)?(?:\s+(?:are|is|of))?"
    r"|\bcard(?:\s+number)?|\baccount(?:\s+number)?|\bno\.?|[*x•.]{1,4})\s*:?\s*(?P<last4>\d{4})(?!\d)",
    re.IGNORECASE,
)
_EIGHT_DIGITS_RE = re.compile(r"(?<!\d)(?P<number>\d{8})(?!\d)")
_BARE_LAST4_RE = re.compile(r"^\W*(?P<last4>\d{4})\W*$")


def parse_last4(text: str, *, bare_allowed: bool = False) -> tuple[str | None, str]:
    """Last four digits named in the text ("ending 4321", "account 12345678" -> "5678").

    ``bare_allowed`` accepts a message that is only four digits (the answer to "which card?").
    """
    if m := _LAST4_RE.search(text):
        return m.group("last4"), _blank(text, m)
    if m := _EIGHT_DIGITS_RE.search(text):
        return m.group("number")[-4:], _blank(text, m)
    if bare_allowed and (m := _BARE_LAST4_RE.search(text)):
        return m.group("last4"), _blank(text, m)
    return None, text


# Words that only point at a card or account ("it was the one ending 2547", "i meant my card ending 0363").
_POINTING_WORDS = frozenset(
    """
    it its was is i im mean meant the one my card account that this sorry no oh ok okay yeah yes its
    ending ends in with number last digits four on of actually just
    """.split()
)


def names_only_last4(text: str) -> bool:
    """Whether the message does nothing but name a card or account by its last four digits: an answer
    that narrows the last request, however many words it takes to say so."""
    last4, rest = parse_last4(text)
    if last4 is None:
        return False
    return all(word in _POINTING_WORDS for word in re.findall(r"[a-z]+", rest.lower().replace("'", "")))


_ACCOUNT_KINDS = (
    ("savings", re.compile(r"\b(?:savings?|saver|easy\s+saver)\b", re.IGNORECASE)),
    ("credit", re.compile(r"\bcredit(?:\s+card)?\b", re.IGNORECASE)),
    (
        "current",
        re.compile(r"\b(?:current(?!\s+balance)|debit(?:\s+card)?|main\s+account|everyday)\b", re.IGNORECASE),
    ),
)


def parse_account_kind(text: str) -> str | None:
    """ "savings", "credit" or "current" when the text names the kind of account (or its card)."""
    for kind, pattern in _ACCOUNT_KINDS:
        if pattern.search(text):
            return kind
    return None


_DIRECT_DEBIT_RE = re.compile(r"\bdirect\s+debits?\b", re.IGNORECASE)


def parse_account_kinds(text: str) -> set[str]:
    """Every kind of account the text names ("my current account and the savings one" -> both); a direct
    debit names no debit card."""
    text = _DIRECT_DEBIT_RE.sub(" ", text)
    return {kind for kind, pattern in _ACCOUNT_KINDS if pattern.search(text)}


_BRANDS = (
    ("Visa", re.compile(r"\bvisa\b", re.IGNORECASE)),
    ("Mastercard", re.compile(r"\bmaster\s?card\b", re.IGNORECASE)),
)


def parse_card_brand(text: str) -> str | None:
    for brand, pattern in _BRANDS:
        if pattern.search(text):
            return brand
    return None


_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
}
_ORDINAL_RE = re.compile(
    r"\b(?:(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
    r"|(?P<num>\d{1,2})(?:st|nd|rd|th)"
    r"|(?:number|no\.?|option|#)\s*(?P<tagged>\d{1,2})"
    r"|(?P<last>last)\s+(?:one|on\s+the\s+list))\b",
    re.IGNORECASE,
)
_BARE_ORDINAL_RE = re.compile(r"^\W*(?:#\s*)?(?P<n>\d{1,2})\W*$")


def parse_ordinal(text: str) -> int | None:
    """The position picked from a numbered list: 1-based, or -1 for "the last one"."""
    if m := _BARE_ORDINAL_RE.search(text):
        return int(m.group("n"))
    if m := _ORDINAL_RE.search(text):
        if m.group("word"):
            return _ORDINAL_WORDS[m.group("word").lower()]
        if m.group("last"):
            return -1
        return int(m.group("num") or m.group("tagged"))
    return None


# --- amounts ---------------------------------------------------------------------------------------

_MONEY = (
    r"(?P<cur{t}>£|€|\$|gbp\s?|eur\s?|usd\s?)?(?P<units{t}>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<pence{t}>\d{{1,2}}))?"
    r"(?P<word{t}>\s*(?:pounds?|quid|euros?|dollars?|gbp|eur|usd)\b)?"
)


def _money(tag: str) -> str:
    return _MONEY.replace("{t}", tag).replace("{{", "{").replace("}}", "}")


_BETWEEN_RE = re.compile(rf"\bbetween\s+{_money('a')}\s+(?:and|to|-)\s+{_money('b')}", re.IGNORECASE)
_COMPARE_RE = re.compile(
    r"\b(?P<op>over|above|more\s+than|greater\s+than|bigger\s+than|higher\s+than|exceeding|at\s+least"
    r"|under|below|less\s+than|smaller\s+than|lower\s+than|at\s+most|up\s+to|no\s+more\s+than)\s+"
    + _money("a"),
    re.IGNORECASE,
)
_EXACT_RE = re.compile(r"(?<![\w.,])" + _money("a") + r"(?!\w|,\d)", re.IGNORECASE)
_MIN_OPS = {"over", "above", "more than", "greater than", "bigger than", "higher than", "exceeding"}
_INCLUSIVE_MIN_OPS = {"at least"}
_INCLUSIVE_MAX_OPS = {"at most", "up to", "no more than"}


def _minor(match: re.Match[str], tag: str) -> int:
    units = int(match.group(f"units{tag}").replace(",", ""))
    pence = match.group(f"pence{tag}") or "0"
    return units * 100 + int(pence.ljust(2, "0"))


_CURRENCY_MARKS = (
    ("GBP", ("£", "gbp", "pound", "quid", "sterling")),
    ("EUR", ("€", "eur")),
    ("USD", ("$", "usd", "dollar")),
)


def _currency(match: re.Match[str], tag: str) -> str | None:
    """The currency a figure was said in, by its sign or its word ("€80", "80 euro", "500 dollars")."""
    said = f"{match.group(f'cur{tag}') or ''} {match.group(f'word{tag}') or ''}".lower()
    return next((code for code, marks in _CURRENCY_MARKS if any(mark in said for mark in marks)), None)


def _is_marked(match: re.Match[str], tag: str) -> bool:
    """A currency sign, a currency word or pence: it is money, not a count or a day."""
    return bool(match.group(f"cur{tag}") or match.group(f"word{tag}") or match.group(f"pence{tag}"))


# An approximate amount is money even without a sign ("about 40", "40ish"): the hedge says it is a figure.
_ABOUT_RE = re.compile(
    r"(?:\b(?:about|around|round\s+about|roughly|approx(?:imately|\.)?|circa|nearly|almost|something\s+like"
    r"|in\s+the\s+region\s+of|close\s+to|give\s+or\s+take|ca\.)\s+|~\s*)" + _money("a") + r"(?!\w|,\d)"
    r"|(?<![\w.,])" + _money("b") + r"\s*(?:-\s*|\s)?(?P<ish>ish\b|or\s+so\b|or\s+thereabouts\b)",
    re.IGNORECASE,
)
_ODD_RE = re.compile(r"(?<![\w.,])" + _money("a") + r"\s*-?\s*(?:odd|something)\b", re.IGNORECASE)
_WORD_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
_WORD_ODD_RE = re.compile(
    r"\b(?:(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)|(?:a|one)\s+(?P<hundred>hundred))"
    r"\s*-?\s*odd(?:\s+(?:pounds?|quid))?\b",
    re.IGNORECASE,
)
_UNIT_AFTER_RE = re.compile(r"\s*(?:[a-z%:/]|-[a-z])", re.IGNORECASE)
APPROX_SHARE = 0.10  # "about £600" is £540-£660
APPROX_MIN_MINOR = 500  # ... and never narrower than ±£5 ("about £12" is £7-£17)


def approximate(value_minor: int) -> AmountFilter:
    """ "About ``value``": within 10 % or £5 of it, whichever is wider."""
    margin = max(round(value_minor * APPROX_SHARE), APPROX_MIN_MINOR)
    return AmountFilter(max(value_minor - margin, 0), value_minor + margin, "about", value_minor)


WHOLE_POUND_SLACK_MINOR = 99  # "£265" is £264.01-£265.99


# A figure said without a currency sign or word ("buying his car off him for 2,800", "if I take 900 out"):
# money only where the question can only be about money (what would be left); a year, a day of the month, a
# count of days or a time is never one.
_BARE_FIGURE_RE = re.compile(
    r"(?<![\w.,£€$/:-])(?P<units>\d{1,3}(?:,\d{3})+|\d{2,7})(?:\.(?P<pence>\d{2}))?"
    r"(?![\w%/:]|[.,]\d|\s*(?:st|nd|rd|th|days?|weeks?|months?|years?|times?|mins?|minutes?|hours?|hrs?|am|pm"
    r"|percent|per\s+cent|payments?|transactions?|miles?|km|people)\b)",
    re.IGNORECASE,
)
_YEAR_FIGURE = re.compile(r"(?:19|20)\d\d")


def parse_bare_amount(text: str) -> AmountFilter | None:
    """The first figure of the text said without a currency ("for 2,800 cash": £2,800), as an exact amount;
    None when it names none (or only a year). For questions about money only: parse_amount comes first."""
    for m in _BARE_FIGURE_RE.finditer(spell_amounts(text)):
        units = m.group("units")
        if _YEAR_FIGURE.fullmatch(units):
            continue
        value = int(units.replace(",", "")) * 100 + int(m.group("pence") or 0)
        return AmountFilter(value, value)
    return None


def whole_pounds(value_minor: int) -> AmountFilter:
    """ "£265" said without pence: the pence were dropped ("£265.31") or rounded ("£264.80")."""
    slack = WHOLE_POUND_SLACK_MINOR
    return AmountFilter(max(value_minor - slack, 0), value_minor + slack, "whole", value_minor)


def odd(value_minor: int) -> AmountFilter:
    """ "``value``-odd": from the figure up to (not including) the next round one at its scale.

    The scale is the figure's last non-zero digit: "40-odd" is £40-£49.99, "160-odd" £160-£169.99,
    "600-odd" £600-£699.99.
    """
    units = value_minor // 100
    step = 1
    while units and units % (step * 10) == 0:
        step *= 10
    return AmountFilter(value_minor, value_minor + step * 100 - 1, "odd", value_minor)


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_SPELLED = (
    r"(?:(?P<hundreds>a|one|two|three|four|five|six|seven|eight|nine)\s+hundred(?:\s+and)?\s*)?"
    r"(?:(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?P<unit>one|two|three|four|five|six|"
    r"seven|eight|nine))?|(?P<teen>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen|five|six|seven|eight|nine))?"
)
# A spelled-out amount is money when a hedge comes before it or a money word after it ("about thirty
# quid", "roughly a hundred", "fifty-ish"); slang names its own figure ("a tenner", "a couple of grand").
_SPELLED_MONEY_RE = re.compile(
    r"(?P<hedge>\b(?:about|around|roughly|approx(?:imately)?|nearly|almost|close\s+to|something\s+like|"
    r"give\s+or\s+take)\s+)?\b"
    + _SPELLED
    + r"(?P<after>\s*(?:pounds?|quid|-?\s*ish\b|or\s+so\b|-?\s*odd\b))?",
    re.IGNORECASE,
)
_SLANG_RE = re.compile(
    r"\b(?:a|one)\s+(?P<slang>fiver|tenner|score|ton|grand|monkey)\b|\b(?P<n>\d+|a\s+couple\s+of|two|three|"
    r"four|five)\s+grand\b|(?<![\w.,£$€])£?(?P<k>\d{1,3})k\b",
    re.IGNORECASE,
)
_SLANG = {"fiver": 5, "tenner": 10, "score": 20, "ton": 100, "grand": 1000, "monkey": 500}


def _spelled_value(m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    value = 0
    if groups["hundreds"]:
        value += 100 * (
            1 if groups["hundreds"].lower() in ("a", "one") else _UNITS.index(groups["hundreds"].lower())
        )
    if groups["tens"]:
        value += _WORD_TENS[groups["tens"].lower()]
        if groups["unit"]:
            value += _UNITS.index(groups["unit"].lower())
    elif groups["teen"]:
        value += _UNITS.index(groups["teen"].lower())
    return value or None


def spell_amounts(text: str) -> str:
    """Spelled-out and slang amounts written as figures ("about thirty quid" -> "about 30 quid", "a tenner"
    -> "£10"), so the amount parsers read them; a number word that is not money is left alone."""

    def slang(m: re.Match[str]) -> str:
        if m.group("slang"):
            return f"£{_SLANG[m.group('slang').lower()]}"
        if m.group("k"):
            return f"£{int(m.group('k')) * 1000}"  # "a 5k deposit", "£10k"
        raw = m.group("n").lower()
        count = int(raw) if raw.isdigit() else {"two": 2, "three": 3, "four": 4, "five": 5}.get(raw, 2)
        return f"£{count * 1000}"

    def spelled(m: re.Match[str]) -> str:
        if not (m.group("hedge") or m.group("after")) or not m.group(0).strip():
            return m.group(0)
        value = _spelled_value(m)
        if value is None:
            return m.group(0)
        after = m.group("after") or ""
        return f"{m.group('hedge') or ''}{value}{after}"

    return _SPELLED_MONEY_RE.sub(spelled, _SLANG_RE.sub(slang, text))


def _approximate_amount(text: str) -> tuple[AmountFilter | None, str]:
    if m := _ODD_RE.search(text):
        return odd(_minor(m, "a")).in_currency(_currency(m, "a")), _blank(text, m)
    if m := _WORD_ODD_RE.search(text):
        value = 100 if m.group("hundred") else _WORD_TENS[m.group("tens").lower()]
        return odd(value * 100), _blank(text, m)
    for m in _ABOUT_RE.finditer(text):
        tag = "a" if m.group("unitsa") else "b"
        # "about 3 weeks ago", "around 5pm": a bare number followed by a word is not money.
        if tag == "a" and not _is_marked(m, "a") and _UNIT_AFTER_RE.match(text, m.end()):
            continue
        return approximate(_minor(m, tag)).in_currency(_currency(m, tag)), _blank(text, m)
    return None, text


# "they offered me a 5 quid voucher", "a £10 gift card as a goodwill gesture": what a shop offered instead of
# the money back is no amount the customer paid, so it filters nothing.
_OFFERED_RE = re.compile(
    r"(?<![\w.,])" + _money("a") + r"\s+(?:(?:gift|e-?gift|store|shop|amazon)\s+)?(?:vouchers?|gift\s*cards?|"
    r"coupons?|credit\s+notes?|store\s+credit|e-?vouchers?|goodwill(?:\s+(?:gesture|payment))?|"
    r"compensation|discount\s+codes?|promo\s+codes?)\b",
    re.IGNORECASE,
)


def without_offered_amounts(text: str) -> str:
    """The text with the amounts of vouchers, gift cards and goodwill gestures blanked out."""
    return _OFFERED_RE.sub(lambda m: " " * len(m.group(0)), text)


def parse_amount(text: str) -> tuple[AmountFilter | None, str]:
    """An amount filter ("over £50", "under 20", "between £10 and £30", "£45.99", "about £40", "£40-odd")
    and the rest of the text; the filter keeps the currency the figure was said in ("80 euro ish"). A
    voucher's or gift card's amount is none ("offered me a £5 voucher")."""
    text = without_offered_amounts(spell_amounts(text))
    if m := _BETWEEN_RE.search(text):
        lo, hi = _minor(m, "a"), _minor(m, "b")
        said = _currency(m, "a") or _currency(m, "b")
        return AmountFilter(min(lo, hi), max(lo, hi)).in_currency(said), _blank(text, m)
    if m := _COMPARE_RE.search(text):
        op = " ".join(m.group("op").lower().split())
        value = _minor(m, "a")
        said = _currency(m, "a")
        if op in _MIN_OPS:
            return AmountFilter(value + 1, None, "over").in_currency(said), _blank(text, m)
        if op in _INCLUSIVE_MIN_OPS:
            return AmountFilter(value, None).in_currency(said), _blank(text, m)
        if op in _INCLUSIVE_MAX_OPS:
            return AmountFilter(None, value).in_currency(said), _blank(text, m)
        return AmountFilter(None, max(value - 1, 0), "under").in_currency(said), _blank(text, m)
    found, rest = _approximate_amount(text)
    if found is not None:
        return found, rest
    for m in _EXACT_RE.finditer(text):
        if _is_marked(m, "a"):
            value = _minor(m, "a")
            said = _currency(m, "a")
            if m.group("pencea") is None:
                return whole_pounds(value).in_currency(said), _blank(text, m)
            return AmountFilter(value, value).in_currency(said), _blank(text, m)
    return None, text


# --- merchants -------------------------------------------------------------------------------------

_MERCHANT_RE = re.compile(
    # ("help with the childcare costs" names what the help is for, never a shop)
    r"\b(?:at|from|(?<!\bhelp\s)with|in|(?:paid|pay|paying)(?:\s+to)?)\s+(?:the\s+)?(?P<name>[A-Za-z0-9&][\w&'+.\-]*(?:\s+[A-Za-z&][\w&'+.\-]*){0,3})",
    re.IGNORECASE,
)
NOT_MERCHANT_WORDS = frozenset(
    """
    a an the my our your me i it this that these those them all any some last past previous next recent
    today yesterday week weeks month months day days year years time once morning evening night
    account accounts card cards savings saver current credit debit main everyday balance statement
    transaction transactions payment payments purchase purchases spending spend spent charge charges
    visa mastercard over under above below between than least most up and or of for on since before after
    until till ago please thanks thank you total amount pounds pound quid euros euro dollars
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec shop shops store stores online uk abroad app
    which who what when where why how i'm is was were be been are am did didn't do don't does have has had
    not no yes can could would should will there here so but because as if just only also too very
    really again still yet already that across altogether overall together vs versus to into in at from
    with by via onto off out back cash money bills bill rent extra interest them him her us end start
    beginning middle actually really even ever go gone went going come came
    sometime sometimes around about roughly approximately lately recently earlier later maybe probably
    summer winter spring autumn christmas easter holidays holiday weekend weekends afternoon
    atm atms cashpoint cashpoints machine machines wall
    """.split()
)
# Places a journey goes from or to, or an occasion ("the taxi home from the station", "a cab from the
# airport", "at the wedding"): no shop when said alone ("Home Bargains" is a shop).
_PLACE_WORDS = frozenset(
    """
    station stations airport airports hospital home work office school college uni university
    party wedding funeral town city centre center
    """.split()
)
# "is the euro account in the red": overdrawn, not a shop called Red.
_IN_THE_RED = re.compile(r"\bin\s+the\s+(?:red|black)\b", re.IGNORECASE)
# "In English: what did the cinema cost?", "sorry, in plain english": the language the customer writes in, not
# a shop called English.
_IN_A_LANGUAGE = re.compile(
    r"\b(?:in|into)\s+(?:plain\s+|simple\s+|proper\s+|good\s+)?(?:english|welsh|swedish|polish|spanish|french|"
    r"german|italian|portuguese|romanian|urdu|punjabi|arabic|dutch|danish|norwegian|finnish|turkish|greek|"
    r"russian|ukrainian|chinese|mandarin|cantonese|hindi|bengali|gujarati|somali|lithuanian|latvian|"
    r"bulgarian|hungarian|czech|slovak|irish|gaelic)\b(?!\s+(?:heritage|shop|store|market|deli|bakery|"
    r"restaurant|cafe|kitchen|garden|national|rose|oak))",
    re.IGNORECASE,
)


def parse_merchant(text: str) -> str | None:
    """A merchant named after "at", "from", "to", "in" ... ("at Tesco" -> "tesco"), lower-cased.

    Run it on the text left after dates and amounts were blanked out, so "from 1 November" and
    "over £50" never look like a merchant.
    """
    text = _IN_A_LANGUAGE.sub(" ", _IN_THE_RED.sub(" ", text))
    start = 0
    while m := _MERCHANT_RE.search(text, start):
        # A match that names no shop is searched again from its name: "paid for a breakfast at the
        # Wetherspoons" reads "for" (no shop) after "paid", then "at the Wetherspoons" inside those words.
        start = m.start("name")
        words: list[str] = []
        for word in m.group("name").split():
            bare = word.strip(".'-").lower()
            if bare in NOT_MERCHANT_WORDS or bare.isdigit() or not bare:
                break
            words.append(word.rstrip(".,"))
        if len(words) == 1 and words[0].lower() in _PLACE_WORDS:
            continue
        if words:
            return " ".join(words).lower()
    return None


# --- lost or stolen, dispute reasons ---------------------------------------------------------------

_STOLEN_RE = re.compile(
    r"\b(?:stolen|stole|steal|theft|thief|robbed|mugged|pickpocket\w*|snatch\w*|nicked|pinched|grabbed|"
    r"burgl\w*|(?:ran|run|made|walked) off with|(?:someone|somebody|he|she|they)(?:'?s| has| had| have)? "
    r"(?:just )?(?:took|taken|grabbed) my)\b",
    re.I,
)
_LOST_RE = re.compile(r"\b(?:lost|lose|losing|misplaced|can'?t\s+find|cannot\s+find|dropped|missing)\b", re.I)


def parse_report_kind(text: str) -> str | None:
    """ "stolen" wins over "lost": "I lost my bag, I think it was stolen" is a theft."""
    if _STOLEN_RE.search(text):
        return "stolen"
    if _LOST_RE.search(text):
        return "lost"
    return None


_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b(?:twice|double|duplicate\w*|two\s+times)\b", re.I),
        "Charged twice for the same purchase",
    ),
    (
        # a cash machine that kept the money ("the machine gave me nothing", "the notes never came out")
        re.compile(
            r"\b(?:atm|cash\s?machine|cash\s?point|machine|hole\s+in\s+the\s+wall)\b.{0,80}\b(?:gave\s+(?:me\s+)?"
            r"(?:nothing|no\s+(?:cash|money|notes))|(?:didn'?t|did\s+not|never|wouldn'?t)\s+(?:give|dispense|pay\s+out)"
            r"|(?:cash|money|notes)\s+(?:never|didn'?t|did\s+not)\s+(?:came|come)\s+out)\b",
            re.I,
        ),
        "Cash not given by the cash machine",
    ),
    (
        re.compile(
            r"\b(?:never\s+(?:arrived|came|received|got|showed|turned\s+up)|not\s+(?:arrived|received)|didn'?t\s+"
            r"(?:arrive|receive|get|show|turn\s+up)|did\s+not\s+(?:arrive|receive|get|show|turn\s+up)|no\s+goods"
            r"|no[\s-]show|(?:didn'?t|did\s+not|never|doesn'?t|does\s+not)\s+(?:even\s+)?exist)\b",
            re.I,
        ),
        "Goods or services not received",
    ),
    (
        # the customer's own cancelling ("I cancelled Sky", "after we'd cancelled", "my subscription"), never
        # the shop's ("the show got cancelled", "they cancelled the flight")
        re.compile(
            r"\b(?:(?:i|we)(?:'?d|'?ve|\s+had|\s+have|\s+already)?\s+(?:cancel+ed|left|ended|closed)|unsubscribed"
            r"|subscriptions?|memberships?)\b",
            re.I,
        ),
        "Cancelled subscription still being charged",
    ),
    (re.compile(r"\brefund\w*\b", re.I), "Refund promised by the merchant but never arrived"),
    (
        re.compile(r"\b(?:wrong\s+amount|overcharged|charged\s+(?:too\s+much|more))\b", re.I),
        "Wrong amount charged",
    ),
    (
        re.compile(
            r"\b(?:recogni[sz]e|recogni[sz]ed|unknown|fraud\w*|not\s+me|wasn'?t\s+me|unauthori[sz]ed"
            r"|didn'?t\s+(?:make|authori[sz]e))\b",
            re.I,
        ),
        "I do not recognise this payment",
    ),
)
DEFAULT_DISPUTE_REASON = "Disputed by the customer in chat"


def parse_dispute_reason(text: str) -> str | None:
    """One of a fixed set of reasons, so nothing the customer (or anyone) typed is stored as the reason."""
    text = NOT_A_CHARGE_RE.sub(" ", text)  # "they'd sold the seat twice": not a second charge
    for pattern, reason in _REASONS:
        if pattern.search(text):
            return reason
    return None
