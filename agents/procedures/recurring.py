"""Recurring payments and income: read procedures, and cancelling a direct debit, standing order or
scheduled payment.

A cancellation is its own confirmed action on the mandate, order or payment the customer names (payee,
reference or amount; a numbered choice when several fit). It never becomes a dispute: disputing is about
a payment already taken, cancelling about the ones still to come. Income is read from the salary credits
already in the transactions.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from agents.ports import RecurringKind, RecurringPaymentView, TransactionQuery, TransactionView
from agents.procedures.context import Run
from agents.procedures.dates import day_of, format_day, next_monthly
from agents.procedures.money import format_money
from agents.procedures.projection import Target, collections_until, day_words, projection_target
from agents.procedures.queries import parse_period
from agents.procedures.render import render
from agents.procedures.results import ActionPlan, Answer
from agents.procedures.spending import currency_sums, spent_line
from agents.procedures.textparse import parse_amount, parse_ordinal
from agents.tools.views import clean_name

KINDS: tuple[RecurringKind, ...] = ("direct_debit", "standing_order", "scheduled_payment")
LABELS: dict[RecurringKind, str] = {
    "direct_debit": "direct debit",
    "standing_order": "standing order",
    "scheduled_payment": "scheduled payment",
}
CANCEL_TOOLS: dict[str, RecurringKind] = {f"cancel_{kind}": kind for kind in KINDS}
ID_ARGUMENTS: dict[RecurringKind, str] = {kind: f"{kind}_id" for kind in KINDS}
TARGETS = {tool: f"that {LABELS[kind]}" for tool, kind in CANCEL_TOOLS.items()}
ITEM_SLOT = "item"
MAX_CHOICES = 8
INCOME_DAYS = 100
LATE_AFTER_DAYS = 35
INCOME_SHOWN = 3

_KIND_WORDS: dict[RecurringKind, re.Pattern[str]] = {
    "direct_debit": re.compile(r"\b(direct[\s-]?debits?|dds?|mandates?)\b"),
    "standing_order": re.compile(r"\bstanding[\s-]?orders?\b"),
    "scheduled_payment": re.compile(r"\b(scheduled|future[\s-]?dated|one[\s-]?off)\b"),
}
# Words that say what the customer wants, not which payment: never taken for a payee's name.
_NOT_A_NAME = (
    frozenset(
        """
    a an the my your our me i i'm im it its this that these those one ones please can could would you will
    want wanted need like to for from of on in at by and or with out off up about any all
    cancel cancelling canceling cancellation cancle cancell canel stop stopping end ending terminate remove
    delete kill get rid pls plz bin ditch scrap axe quid odd ish roughly about around
    no longer don't dont do not want anymore any more
    direct debit debits dd dds mandate mandates standing order orders scheduled schedule future dated
    upcoming one-off oneoff set payment payments pay paying paid transfer transfers money regular
    recurring monthly weekly next week month today tomorrow soon due going out
    which what when how much show list see tell have got
    """.split()
    )
    | frozenset(  # "from the 3rd to the 10th dec": a month, not the reference "DEC RENT"
        m.lower() for m in (*calendar.month_name[1:], *calendar.month_abbr[1:], "sept")
    )
)


def item_facts(item: RecurringPaymentView) -> dict[str, Any]:
    """What a reply or a confirmation says about a direct debit, standing order or scheduled payment."""
    frequency = item.frequency or "one-off"
    return {
        "item_id": item.id,
        "kind": LABELS[item.kind],
        "payee": clean_name(item.payee_name),
        "amount": format_money(item.amount_minor, item.currency),
        "frequency": frequency,
        "next_date": format_day(day_of(item.next_date)),
        "reference": clean_name(item.reference),
    }


# The reference a payment goes with ("they'll ask for a reference number, is there one on it", "what's the ref
# on that"): the payee's reference, from the customer's direct debits and standing orders.
ASKS_REFERENCE = re.compile(
    r"\b(?:reference|ref)(?: (?:number|no|code))?\b|\bcustomer (?:number|no)\b", re.IGNORECASE
)


def item_line(item: RecurringPaymentView, *, reference: bool = False) -> str:
    """One regular payment in words; a direct debit's reference only when it says what the payment is for,
    or when the customer asks for it (``reference``)."""
    f = item_facts(item)
    if item.kind == "direct_debit":
        last = f"{f['amount']} {f['frequency']} (the latest collection)"
        said = _what_for(item) or (f" (reference {f['reference']})" if reference and f["reference"] else "")
        return f"{f['payee']}: {last}, next collection on {f['next_date']}{_state(item)}{said}"
    if item.kind == "standing_order":
        return (
            f"{f['amount']} {f['frequency']} to {f['payee']} (reference {f['reference']}), "
            f"next on {f['next_date']}{_state(item)}"
        )
    # "is the rent every month or a one-off?": a scheduled payment is made once.
    once = "(one-off, it won't repeat)"
    return f"{f['amount']} to {f['payee']} (reference {f['reference']}) on {f['next_date']} {once}"


# What a payment is for, when its reference says so and its payee's name does not ("NATIONWIDE BS MORTGAGE").
_WHAT_FOR = re.compile(
    r"\b(mortgage|loan|rent|insurance|council tax|pension|tv licen[cs]e|water|childcare|nursery|tuition)\b",
    re.IGNORECASE,
)


def _what_for(item: RecurringPaymentView) -> str:
    """ "; it is your mortgage (reference NATIONWIDE BS MORTGAGE 9266)": "I keep seeing Nationwide going out
    and don't know what it is" is answered by the reference the payee gave."""
    found = _WHAT_FOR.search(item.reference or "")
    if found is None or _WHAT_FOR.search(item.payee_name):
        return ""
    return f"; it is your {found.group(1).lower()} (reference {clean_name(item.reference)})"


def _state(item: RecurringPaymentView) -> str:
    """ "(still active)": whether it is still set up is often the question ("did it get cancelled?")."""
    return " (still active)" if item.status == "active" else f" ({item.status})"


def cancelled_facts(result: dict[str, Any]) -> dict[str, Any]:
    """Facts for the reply after a cancel tool ran (or replayed), from the tool's result."""
    return {
        "kind": LABELS.get(result.get("kind", "direct_debit"), "payment"),
        "payee": clean_name(str(result.get("payee_name", ""))),
        "amount": format_money(int(result.get("amount_minor", 0)), str(result.get("currency", "GBP"))),
        "next_date": format_day(day_of(str(result["next_date"]))) if result.get("next_date") else "",
        "reference": clean_name(str(result.get("reference", ""))),
    }


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9][a-z0-9'&-]*", text.lower()))


def named_words(text: str) -> set[str]:
    """The words that could name a payee or reference: what is left once the request words are gone."""
    # "my phone bill", "the mobile contract": a bill, where "phone" alone is not ("lost my phone")
    cleaned = _PHONE_BILL.sub(" phonebill ", text.lower())
    for pattern in _KIND_WORDS.values():
        cleaned = pattern.sub(" ", cleaned)
    return {w for w in _words(cleaned) if w not in _NOT_A_NAME and len(w) >= 2 and not w.isdigit()}


# "stop my Sky one, leave the TV Licence one alone", "cancel BT, not the gym": a payee named only to be
# kept. Without this both payees are named and the customer is asked to choose between them. A name may
# come bare ("don't touch Sky", "leave Sky alone", "cancel BT, not Sky"); after a plain "not" mid-sentence
# only with "the"/"my" ("I do not want to pay British Gas" keeps nothing).
_KEPT = re.compile(
    r"\b(?:leave|keep)\s+(?:(?:the|my|that|our)\s+)?(?P<kept>[^.,;!?]{1,40}?)\s+"
    r"(?:alone|as (?:it|they) (?:is|are)|be|going|on|active|running|where it is)\b|"
    r"\b(?:not|except|apart from|other than|(?:don'?t|do not) (?:touch|cancel|stop))\s+(?:for\s+)?"
    r"(?:the|my|that|our)\s+(?P<other>[^.,;!?]{1,40})|"
    r"(?:\b(?:except|apart from|other than|(?:don'?t|do not) (?:touch|cancel|stop))"
    r"|(?:^|[,;.!?]|\bbut)\s*not)\s+(?P<bare>[^.,;!?]{1,40})"
)


def kept_and_named(text: str) -> tuple[set[str], set[str]]:
    """The words of payees named only to be left alone, and the words that name the one meant."""
    lowered = text.lower()
    kept_spans = [m.group("kept") or m.group("other") or m.group("bare") for m in _KEPT.finditer(lowered)]
    named = named_words(_KEPT.sub(" ", lowered))
    kept = set().union(*(named_words(span) for span in kept_spans)) - named
    return kept, named


# What a bill is for, and the payees that bill it: "when does my gas come out" is the direct debit to Octopus
# Energy, "how much is my broadband" the one to Virgin Media. Phone and power are left out on purpose ("lost
# my phone", "power of attorney" are not bills).
_BILL_PAYEES: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        frozenset({"gas", "electric", "electricity", "energy", "heating", "utility", "utilities"}),
        re.compile(
            r"\b(?:british gas|octopus|edf|e\.?on|ovo|scottish power|sse|bulb|utilita|so energy|good energy|"
            r"outfox|npower)\b|\benergy\b|\belectric",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({"broadband", "internet", "wifi", "wi-fi", "fibre"}),
        re.compile(
            r"\b(?:bt|virgin media|sky|talktalk|plusnet|vodafone|hyperoptic|ee|now broadband|community fibre|"
            r"zen)\b|broadband|fibre",
            re.IGNORECASE,
        ),
    ),
    (
        frozenset({"phonebill"}),
        re.compile(
            r"\b(?:bt|ee|o2|vodafone|three|giffgaff|virgin (?:media|mobile)|sky|tesco mobile|lebara|smarty|"
            r"voxi|id mobile|talktalk|plusnet)\b|mobile",
            re.IGNORECASE,
        ),
    ),
    (frozenset({"landline"}), re.compile(r"\b(?:bt|virgin media|sky|talktalk|plusnet)\b", re.IGNORECASE)),
    (
        frozenset({"tv", "telly", "television"}),
        re.compile(r"\b(?:sky|virgin media|tv licen[cs]e|now tv|netflix|disney|britbox)\b", re.IGNORECASE),
    ),
    (
        frozenset({"water"}),
        re.compile(r"water|severn trent|united utilities|anglian|dwr cymru", re.IGNORECASE),
    ),
    (
        frozenset({"insurance", "insurer"}),
        re.compile(
            r"insurance|assurance|aviva|direct line|admiral|axa|churchill|hastings|legal (?:&|and) general|"
            r"vitality|bupa|\blv\b",
            re.IGNORECASE,
        ),
    ),
    (frozenset({"gym", "fitness"}), re.compile(r"gym|fitness|david lloyd|nuffield|virgin active", re.I)),
    (frozenset({"council"}), re.compile(r"council", re.IGNORECASE)),
)


_PHONE_BILL = re.compile(r"\b(?:mobile|phone|landline)\s+(?:bills?|contracts?|provider|company|line)\b")


def bill_words(payee: str) -> set[str]:
    """The words of what ``payee`` bills for ("Octopus Energy" -> gas, electric, energy...)."""
    return set().union(*(words for words, payees in _BILL_PAYEES if payees.search(payee)))


def matches_words(item: RecurringPaymentView, named: set[str]) -> bool:
    own = _words(f"{item.payee_name} {item.reference}") | bill_words(item.payee_name)
    if own & {"saver", "savings", "isa"}:
        # "the transfer to my savings" is the one to the Easy Saver
        own |= {"saver", "savings", "saving", "isa"}
    return any(w in own for w in named if len(w) >= 3 or w in {"bt", "ee"})


@dataclass(frozen=True)
class Upcoming:
    """A period ahead that a question about payments to come names ("next week", "in December")."""

    since: date
    until: date
    words: str

    def contains(self, iso_day: str) -> bool:
        return self.since <= day_of(iso_day) <= self.until


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_UPCOMING = re.compile(
    r"\b(?P<words>tomorrow|this week|next week|this month|rest of the month|next month|"
    r"(?:in )?the next (?P<days>\d{1,3}) days|before the end of the month|"
    r"in (?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"))\b",
    re.IGNORECASE,
)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "between now and the 5th of December", "before the 5th", "by the 10th", "between now and next saturday (the
# 5th)", "before friday": from today to a day ahead.
_UP_TO_DAY = re.compile(
    r"\b(?P<word>between now and|before|by|until|till|up to)\s+(?:"
    r"(?:(?:next|this|the|coming|this coming)\s+)?(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b"
    r"(?:\W{1,3}(?:the\s+)?(?P<wday>\d{1,2})(?:st|nd|rd|th)?\b)?|"
    r"(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s+(?:of\s+)?(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"))?\b)",
    re.IGNORECASE,
)
# "(the 5th, including that day)", "before the 5th inclusive": the day itself counted.
_DAY_INCLUDED = re.compile(r"\b(?:including (?:that|the) day|inclusive|included|that day included)\b", re.I)


def _up_to_day(m: re.Match[str], today: date) -> Upcoming | None:
    if m.group("weekday") and not m.group("wday"):
        # "before friday": the next one after today ("by saturday" on a Saturday is a week on)
        ahead = (_WEEKDAYS.index(m.group("weekday").lower()) - today.weekday()) % 7 or 7
        named = today + timedelta(days=ahead)
        until = named
        if m.group("word").lower() == "before" and not _DAY_INCLUDED.search(m.string[m.end() :]):
            until -= timedelta(days=1)
        return Upcoming(today, until, f"{m.group('word').lower()} {named:%A} {format_day(named)}")
    day = int(m.group("day") or m.group("wday"))
    if m.group("month"):
        month = _MONTHS[m.group("month").lower()]
        year = today.year if month >= today.month else today.year + 1
    else:  # "the 5th" is the next 5th to come
        month, year = (today.month, today.year) if day > today.day else (today.month % 12 + 1, today.year)
        if month == 1 and today.month == 12:
            year += 1
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    until = date(year, month, day)
    # "before the 5th" leaves the 5th out (unless "including that day"); "between now and", "by", "until"
    # take it in.
    if m.group("word").lower() == "before" and not _DAY_INCLUDED.search(m.string[m.end() :]):
        until -= timedelta(days=1)
    if until < today:
        return None
    return Upcoming(today, until, f"{m.group('word').lower()} {format_day(date(year, month, day))}")


_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "from the 14th until the 20th of December", "between 14 and 20 Dec", "from the 28th to the 3rd of January":
# a stretch of days ahead (the first day's month is the second's unless it names its own).
FROM_DAY_TO_DAY = re.compile(
    r"\b(?:from|between)\s+(?:the\s+)?(?P<first>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?(?P<first_month>"
    + _MONTH_WORDS
    + r"))?\s+(?:until|till|til|to|and|-)\s+(?:the\s+)?(?P<last>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s+(?:of\s+)?(?P<month>" + _MONTH_WORDS + r"))?\b",
    re.IGNORECASE,
)


def _from_day_to_day(m: re.Match[str], today: date) -> Upcoming | None:
    first, last = int(m.group("first")), int(m.group("last"))
    month_word = m.group("month") or m.group("first_month")
    if month_word:
        month = _MONTHS[month_word.lower()]
        year = today.year if month >= today.month else today.year + 1
    else:  # "from the 14th to the 20th": the next such days to come
        month, year = (today.month, today.year) if last >= today.day else (today.month % 12 + 1, today.year)
        if month == 1 and today.month == 12:
            year += 1
    if not 1 <= last <= calendar.monthrange(year, month)[1]:
        return None
    until = date(year, month, last)
    start_month = _MONTHS[m.group("first_month").lower()] if m.group("first_month") else month
    start_year = year if start_month <= month else year - 1
    if first > last and not m.group("first_month"):
        start_month, start_year = (month - 1, year) if month > 1 else (12, year - 1)  # "the 28th to the 3rd"
    if not 1 <= first <= calendar.monthrange(start_year, start_month)[1]:
        return None
    since = date(start_year, start_month, first)
    if until < today or since > until:
        return None
    return Upcoming(max(since, today), until, "over those days")


def parse_upcoming(text: str, today: date) -> Upcoming | None:
    """The period ahead the text names, or None (past periods are the transaction procedures' business)."""
    if (both := FROM_DAY_TO_DAY.search(text)) is not None and (ahead := _from_day_to_day(both, today)):
        return ahead
    if (bound := _UP_TO_DAY.search(text)) is not None and (ahead := _up_to_day(bound, today)) is not None:
        return ahead
    m = _UPCOMING.search(text)
    if m is None:
        return None
    words = m.group("words").lower()
    monday = today - timedelta(days=today.weekday())
    last_of_month = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if words == "tomorrow":
        since = until = today + timedelta(days=1)
    elif words == "this week":
        since, until = today, monday + timedelta(days=6)
    elif words == "next week":
        since, until = monday + timedelta(days=7), monday + timedelta(days=13)
    elif words in ("this month", "rest of the month", "before the end of the month"):
        since, until = today, last_of_month
    elif words == "next month":
        since = last_of_month + timedelta(days=1)
        until = since.replace(day=calendar.monthrange(since.year, since.month)[1])
    elif m.group("days"):
        since, until = today, today + timedelta(days=int(m.group("days")))
    else:
        month = _MONTHS[m.group("month").lower()]
        words = f"in {calendar.month_name[month]}"
        year = today.year if month >= today.month else today.year + 1
        since = max(today, date(year, month, 1))
        until = date(year, month, calendar.monthrange(year, month)[1])
    return Upcoming(since, until, words)


def kinds_asked(text: str) -> tuple[RecurringKind, ...]:
    """Which of direct debits, standing orders and scheduled payments the text is about (all if none)."""
    lowered = text.lower()
    asked = tuple(kind for kind in KINDS if _KIND_WORDS[kind].search(lowered))
    return asked or KINDS


# --- read: what goes out regularly ----------------------------------------------------------------------


# "what's gone out by direct debit this month", "which direct debits have been taken so far": collections
# already made, read from the transactions (the mandates only say what is still to come).
_ALREADY_OUT = re.compile(
    r"\b(?:gone out|went out|came out|been taken|been collected|been paid|collected|paid out|taken so far|"
    r"left (?:my|the) account|so far|did (?:i|we) pay|have (?:i|we) paid|(?:i|we) paid|"
    r"did (?:they|it|that|those|these) (?:take|cost)|took)\b"
    r"|\b(?:'s|s|has|have)\s+(?:come|gone)\s+(?:out|off)\b",
    re.IGNORECASE,
)
_STILL_AHEAD = re.compile(
    r"\b(?:due|next|coming|upcoming|to come|will|going to|gonna|left to|still to|yet to|rest of|later|"
    r"tomorrow)\b",
    re.IGNORECASE,
)


def collected_period(text: str, today: date) -> tuple[date, date] | None:
    """The days whose collections the text asks about when it asks what has already gone out (this month so
    far unless it names a past period), or None when it asks what is due."""
    if _STILL_AHEAD.search(text):
        return None
    period, _ = parse_period(text, today)
    # "how much were my direct debits in October" (asked in November): a month that is over can only be
    # asked about for what was collected in it, whatever the verb.
    over = period is not None and period.until is not None and period.until < today.replace(day=1)
    if not over and not _ALREADY_OUT.search(text):
        return None
    if period is not None and period.since is not None and period.since < today:
        return period.since, min(period.until or today, today)
    return today.replace(day=1), today


async def _collected(
    run: Run, items: list[RecurringPaymentView], what: str, since: date, until: date
) -> Answer:
    """The payments already taken under the customer's regular payments between two days, and their sum."""
    taken: dict[str, TransactionView] = {}
    for item in items:
        query = TransactionQuery(
            merchant=item.payee_name, since=since.isoformat(), until=until.isoformat(), limit=20
        )
        for t in await run.transactions(query):
            if (
                t.amount_minor < 0
                and t.status != "reversed"
                and t.account_id == item.account_id
                and t.merchant.lower() == item.payee_name.lower()
            ):
                taken.setdefault(t.id, t)
    days = f"{format_day(since)} and {format_day(until)}"
    if not taken:
        return run.answer("collected_none", {"what": what, "days": days})
    collected = sorted(taken.values(), key=lambda t: t.booked_at)
    sums = currency_sums(collected)
    lines = "\n".join(spent_line(t) for t in collected)
    return run.answer(
        "collected",
        {
            "what": what,
            "days": days,
            "total": _money_list(sums),
            "totals_minor": sums,
            "count": len(collected),
            "lines": lines,
            "transaction_ids": [t.id for t in collected],
        },
    )


# "what's the next thing to come out of my account", "what goes out next", "when's my next bill": the one
# payment due soonest (not a period: "next week" is one).
_NOT_NEXT_PERIOD = (
    r"(?! (?:week|month|year|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d))"
)
_ASKS_NEXT = re.compile(
    r"\bnext (?:(?:payments?|bills?|debits?|outgoings?|collections?)\b"
    r"|(?:direct[\s-]?debit|standing[\s-]?order|scheduled payment)s?\b)(?! after\b)"
    # "the next thing to come out of my account" (not "the next thing I need to do")
    r"|\bnext (?:thing|things|one|item|lot)\b.{0,20}\b(?:come|comes|coming|go|goes|going|leave|leaves|"
    r"leaving|due|taken|debited|collected)\b"
    r"|\b(?:what|whats|what's|which|what is|what will)\b.{0,25}\b(?:comes?|coming|goes?|going|due|leaves?|"
    r"leaving|taken|be taken|out)\b(?: out)?(?: (?:of |from )?(?:my|the) (?:\w+ )?account)? next\b"
    + _NOT_NEXT_PERIOD
    # "which payment is next to leave my account"
    + r"|\b(?:what|whats|what's|which|what is)\b.{0,25}\bnext to (?:come|go|leave|be taken)\b",
    re.IGNORECASE,
)
# "(the next one after 7 Dec 2026)": what a follow-up ("and after that?") adds to the request just answered.
_AFTER_DAY = re.compile(r"\bthe next one after (?P<day>\d{1,2} [A-Z][a-z]{2} \d{4})\b")
NEXT_HORIZON_DAYS = 400


def asks_next_payment(text: str) -> bool:
    """Whether the text asks which payment goes out next (the soonest one, not a list)."""
    return bool(_ASKS_NEXT.search(text) or _AFTER_DAY.search(text))


def next_after_words(day: date) -> str:
    """The words a follow-up ("and after that?") adds to ask for the payment due after ``day``."""
    return f"(the next one after {format_day(day)})"


def _after_day(text: str) -> date | None:
    days = [datetime.strptime(m.group("day"), "%d %b %Y").date() for m in _AFTER_DAY.finditer(text)]
    return max(days) if days else None


def _next_out(run: Run, items: list[RecurringPaymentView], what: str) -> Answer:
    """The regular payment(s) due soonest from today, or after the day a follow-up names ("and after that?"):
    each payment's dates stepped on by its frequency, so a monthly one comes round again."""
    after = _after_day(run.text)
    horizon = (after or run.today) + timedelta(days=NEXT_HORIZON_DAYS)
    due: list[tuple[date, RecurringPaymentView]] = []
    for item in items:
        if item.status != "active":
            continue
        days = collections_until(day_of(item.next_date), item.frequency, horizon)
        upcoming = [d for d in days if (d > after if after else d >= run.today)]
        if upcoming:
            due.append((upcoming[0], item))
    if not due:
        later = f" after {format_day(after)}" if after else ""
        return run.answer("next_none", {"what": what, "after": later})
    first = min(d for d, _ in due)
    soonest = [i for d, i in due if d == first]
    lines = "\n".join(
        f"- {format_day(first)}: {clean_name(i.payee_name)}, {format_money(i.amount_minor, i.currency)} "
        f"({LABELS[i.kind]}{'' if i.frequency else ', one-off'})"
        for i in soonest
    )
    return run.answer(
        "next_after" if after else "next",
        {
            "what": what,
            "day": f"{first:%A} {format_day(first)}",
            "lines": lines,
            "count": len(soonest),
            "item_ids": [i.id for i in soonest],
        },
    )


async def recurring_payments(run: Run, slots: dict[str, Any]) -> Answer:
    kinds = kinds_asked(run.text)
    found = {kind: await run.recurring(kind) for kind in kinds}
    named = named_words(run.text)
    if (collected := collected_period(run.text, run.today)) is not None and not any(
        matches_words(i, named) for items in found.values() for i in items
    ):
        # One payment named ("has the rent gone out yet") is answered with that payment and its date below.
        items = [i for items in found.values() for i in items]
        what = " or ".join(LABELS[k] for k in kinds) if len(kinds) < len(KINDS) else "your regular payments"
        return await _collected(run, items, what, *collected)
    what = " and ".join(f"{LABELS[k]}s" for k in kinds) if len(kinds) < len(KINDS) else "regular payments"
    period = parse_upcoming(run.text, run.today)
    if period is not None and any(
        matches_words(i, named) and not period.contains(i.next_date)
        for items in found.values()
        for i in items
    ):
        # "Is the Nationwide direct debit still active? Need to be sure before the 27th": the date is the
        # customer's deadline, not a filter that would hide the very payment they name.
        period = None
    if period is not None:
        found = {kind: [i for i in items if period.contains(i.next_date)] for kind, items in found.items()}
        what += f" due {period.words} ({format_day(period.since)} to {format_day(period.until)})"
    everything = [item for items in found.values() for item in items]
    picked = [item for item in everything if matches_words(item, named)]
    since = card_total_since(run.text, run.today)
    if (
        not picked
        and named
        and (may_be_paid_by_card(run.text) or since is not None)
        and (by_card := await _paid_by_card(run, named))
    ):
        if since is not None:
            # "and what has it come to since September?" about a payment made by card each month: the card
            # payments to it from that day on, added up.
            return await _card_since(run, by_card[0].merchant, since)
        # "my Netflix comes off the card, how much is it and what day": no mandate, but the card payments
        # to it say what it costs and when it usually goes ("and over a twelvemonth?": twelve of them).
        yearly = run.params.get("per") == "year" or (period is None and bool(PER_YEAR.search(run.text)))
        return _card_regular(run, by_card, yearly=yearly)
    if len(picked) == 1 and (target := projection_target(run.text, run.today)) is not None:
        # "how much will it have put by come New Year?": what the one payment named will have paid by then.
        return await _projection(run, picked[0], target)
    if not picked and period is None and everything and asks_next_payment(run.text):
        # "what's the next thing to come out of my account?": the soonest one, not the whole list.
        return _next_out(run, everything, what)
    # "what's the reference on my Octopus direct debit": the reference the payee gave, with the payment
    reference = bool(ASKS_REFERENCE.search(run.text))
    yearly = run.params.get("per") == "year" or (period is None and bool(PER_YEAR.search(run.text)))
    if (asks_total(run.text) or yearly) and everything and (len(picked) != 1):
        return _total(run, picked or everything, what, period, yearly=yearly)
    if picked and len(picked) <= SAME_DAY_MAX and asks_same_day(run.text):
        # "does sky come out the same day every month?": the days it was actually collected, compared.
        return await _same_day(run, picked, what)
    if yearly and len(picked) == 1 and picked[0].frequency in TIMES_A_YEAR:
        # "whats sky costing me over a year?": the one payment named, times the payments it makes in a year.
        return _named_yearly(run, picked[0], what)
    if picked:
        return run.answer(
            "named",
            {
                "what": what,
                "lines": "\n".join(
                    f"- Your {LABELS[i.kind]}: {item_line(i, reference=reference)}" for i in picked
                ),
                "item_ids": [i.id for i in picked],
            },
        )
    if not everything:
        return run.answer("none", {"what": what})
    sections = []
    for kind in kinds:
        if found[kind]:
            lines = "\n".join(f"- {item_line(i, reference=reference)}" for i in found[kind])
            sections.append(f"{LABELS[kind].capitalize()}s:\n{lines}")
        elif len(kinds) > 1:
            sections.append(f"{LABELS[kind].capitalize()}s: none")
    return run.answer(
        "ok",
        {
            "what": what,
            "count": len(everything),
            "lines": "\n".join(sections),
            "item_ids": [i.id for i in everything],
        },
    )


async def _projection(run: Run, item: RecurringPaymentView, target: Target) -> Answer:
    """What one regular payment has paid so far (its payments in the transactions), what it will still pay
    up to the day named (its next date stepped on by its frequency), and the two together."""
    query = TransactionQuery(merchant=item.payee_name, until=run.today.isoformat(), limit=100)
    paid = sorted(
        (
            t
            for t in await run.transactions(query)
            if t.amount_minor < 0
            and t.status != "reversed"
            and t.account_id == item.account_id
            and t.merchant.lower() == item.payee_name.lower()
        ),
        key=lambda t: t.booked_at,
    )
    active = item.status == "active"
    due = collections_until(day_of(item.next_date), item.frequency, target.day) if active else []
    paid_minor = sum(-t.amount_minor for t in paid)
    due_minor = item.amount_minor * len(due)
    if paid:
        since = format_day(day_of(paid[0].booked_at))
        plural = "s" if len(paid) != 1 else ""
        so_far = f"{format_money(paid_minor, item.currency)} over {len(paid)} payment{plural} (since {since})"
    else:
        so_far = "nothing yet"
    if due:
        plural = "s" if len(due) != 1 else ""
        days = ", ".join(format_day(d) for d in due)
        to_come = f"{format_money(due_minor, item.currency)} over {len(due)} more payment{plural} ({days})"
    else:
        to_come = "no more payments"
    return run.answer(
        "projection",
        {
            "line": f"Your {LABELS[item.kind]}: {item_line(item)}",
            "by": day_words(target),
            "so_far": so_far,
            "to_come": to_come,
            "total": format_money(paid_minor + due_minor, item.currency),
            "totals_minor": {item.currency: paid_minor + due_minor},
            "item_ids": [item.id],
            "transaction_ids": [t.id for t in paid],
        },
    )


# "How much do my direct debits come to each month", "what's the total of those": a sum, not the list.
_TOTAL_WORDS = re.compile(
    r"\b(?:total|totals|altogether|all together|in all|all told|sum|add(?:s|ed)? up|tot (?:it|them|that) up|"
    r"come to|comes to|coming to|combined|how much (?:do|does|are|is|will) .{0,40}\b(?:each|every|a|per) "
    r"(?:month|week|year)|(?:more|less) than .{0,15}\b(?:a|per|each|every) month)\b",
    re.IGNORECASE,
)
# How many payments of each frequency a year makes (weeks: 52 a year); a month is a twelfth of that.
TIMES_A_YEAR: dict[str | None, int] = {
    "weekly": 52,
    "fortnightly": 26,
    "monthly": 12,
    "quarterly": 4,
    "yearly": 1,
    "annually": 1,
}
_PER_MONTH: dict[str | None, tuple[int, int]] = {f: (n, 12) for f, n in TIMES_A_YEAR.items()}
# "what would that be for the whole year", "how much a year", "annually": over a year, not a month ("this
# year", "last year" are periods).
PER_YEAR = re.compile(
    r"\b(?:(?:a|per|each|every|one) year|"
    r"(?:over|in|for|across) (?:a |one |the )?(?:whole |full |entire )?year|"
    r"(?:the )?(?:whole|full|entire) year|yearly|annually|annual|per annum|(?:twelve|12) ?months?)\b",
    re.IGNORECASE,
)


# "it comes off the card", "is the apple music thing a direct debit?", "not a dd I think": a payment the
# customer thinks may not be a mandate at all, looked for among the card payments too.
_CARD_ASKED = re.compile(
    r"\bcard\b|\b(?:is|was|are)\s+(?:it|that|they|(?:(?:the|my)\s+)?(?:[\w&'-]+\s+){1,3}?)(?:a|an)\s+"
    r"(?:direct[\s-]?debit|dd|standing[\s-]?order)\b|\b(?:not|isn'?t|is not|rather than)\s+(?:a\s+|an\s+)?"
    r"(?:direct[\s-]?debit|dd|standing[\s-]?order)\b",
    re.IGNORECASE,
)


# "does it come out every month, and how much is it?" about a shop the customer names: a payment that may
# repeat, which the card payments answer as well as the mandates.
_REPEATS_ASKED = re.compile(
    r"\b(?:every|each|a|per)\s+(?:month|week|year)\b|\bmonthly\b|\bweekly\b|\bregular(?:ly)?\b|\brecurring\b"
    r"|\bsubscription\b",
    re.IGNORECASE,
)


def may_be_paid_by_card(text: str) -> bool:
    """Whether the customer says or wonders that a payment they name is not a mandate ("it comes off the
    card", "is Spotify a direct debit?") or asks whether it repeats ("does APPLE.COM come out every
    month?"): only then are the card payments read as well."""
    # (not what the mandates come to, "how much do my direct debits come to each month": a sum of them)
    return bool(_CARD_ASKED.search(text) or (_REPEATS_ASKED.search(text) and not asks_total(text)))


CARD_REGULAR_DAYS = 100
CARD_REGULAR_MIN = 2


async def _paid_by_card(run: Run, named: set[str], at_least: int = CARD_REGULAR_MIN) -> list[TransactionView]:
    """The card payments of the last few months to the one merchant the words name (its name, or its
    first word), newest first, when there are at least ``at_least`` of them; [] otherwise."""
    since = (run.today - timedelta(days=CARD_REGULAR_DAYS)).isoformat()
    rows = await run.transactions(TransactionQuery(since=since, limit=100))
    return card_paid_to_named(rows, named, at_least)


def card_paid_to_named(
    rows: list[TransactionView], named: set[str], at_least: int = CARD_REGULAR_MIN
) -> list[TransactionView]:
    """Of ``rows``, the card payments to the one merchant the words name (its name, or its first word),
    newest first, when there are at least ``at_least`` of them; [] otherwise."""
    paid = [t for t in rows if t.by_card and t.amount_minor < 0 and t.status != "reversed"]
    merchants = {
        t.merchant
        for t in paid
        if t.merchant.lower() in named or (t.merchant.lower().split() or [""])[0] in named
    }
    if len(merchants) > 1:
        # "a little payment to Apple ... or was it just the once?": a shop named whole ("Apple") before one
        # whose first word is only a common word of the message ("Just Eat"), then one paid again and again.
        merchants = {m for m in merchants if m.lower() in named} or merchants
    if len(merchants) > 1:
        merchants = {m for m in merchants if sum(t.merchant == m for t in paid) >= at_least}
    if len(merchants) != 1:
        return []
    merchant = merchants.pop()
    found = sorted((t for t in paid if t.merchant == merchant), key=lambda t: t.booked_at, reverse=True)
    return found if len(found) >= at_least else []


async def _not_a_mandate(run: Run, kind: RecurringKind, named: set[str]) -> None:
    """ "cancel the netflix direct debit" when there is none and Netflix is taken from a card: nothing to
    cancel here, and the customer is told it is a card payment and how it is stopped (raises the stop)."""
    if named and (by_card := await _paid_by_card(run, named, at_least=1)):
        raise run.stop("by_card", {"kind": LABELS[kind], **await _card_payment_facts(run, by_card[0])})


async def _card_payment_facts(run: Run, t: TransactionView) -> dict[str, Any]:
    """A card payment, and the card it was taken from (the live card of its account first)."""
    cards = sorted(
        (c for c in await run.cards() if c.account_id == t.account_id),
        key=lambda c: {"active": 0, "frozen": 1}.get(c.status, 2),
    )
    card = f"your {cards[0].brand} card ending {cards[0].last4}" if cards else "your card"
    return {
        "merchant": clean_name(t.merchant),
        "amount": format_money(-t.amount_minor, t.currency),
        "date": format_day(day_of(t.booked_at)),
        "card": card,
        "transaction_ids": [t.id],
    }


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _card_regular(run: Run, paid: list[TransactionView], *, yearly: bool = False) -> Answer:
    """What a payment made by card again and again costs and the day of the month it usually goes; with
    ``yearly``, what it comes to over a year: twelve payments of the latest amount (it goes once a month)."""
    latest = paid[0]
    days = sorted(day_of(t.booked_at).day for t in paid)
    usual = days[len(days) // 2]
    if yearly:
        year = -latest.amount_minor * TIMES_A_YEAR["monthly"]
        same = len({t.amount_minor for t in paid}) == 1
        return run.answer(
            "by_card_yearly",
            {
                "merchant": clean_name(latest.merchant),
                "amount": format_money(-latest.amount_minor, latest.currency),
                "date": format_day(day_of(latest.booked_at)),
                "same": f", the same as each of the last {len(paid)}" if same and len(paid) > 1 else "",
                "usual_day": _ordinal(usual),
                "total": format_money(year, latest.currency),
                "totals_minor": {latest.currency: year},
                "lines": "\n".join(spent_line(t) for t in paid),
                "transaction_ids": [t.id for t in paid],
            },
        )
    return run.answer(
        "by_card",
        {
            "merchant": clean_name(latest.merchant),
            "amount": format_money(-latest.amount_minor, latest.currency),
            "date": format_day(day_of(latest.booked_at)),
            "usual_day": _ordinal(usual),
            "count": len(paid),
            "lines": "\n".join(spent_line(t) for t in paid),
            "transaction_ids": [t.id for t in paid],
        },
    )


def card_total_since(text: str, today: date) -> date | None:
    """The day a total is asked from ("what has it come to since September", "since the 1st, all told"),
    when the message asks a total from a day already past; None otherwise."""
    if not asks_total(text):
        return None
    period, _ = parse_period(text, today)
    if period is None or period.since is None or period.since >= today:
        return None
    if period.until is not None and period.until < today:
        return None  # "in October": a month over, not a total so far
    return period.since


async def _card_since(run: Run, merchant: str, since: date) -> Answer:
    """What the card payments to one merchant paid again and again have come to from ``since`` to today."""
    query = TransactionQuery(
        merchant=merchant, since=since.isoformat(), until=run.today.isoformat(), limit=100
    )
    paid = sorted(
        (
            t
            for t in await run.transactions(query)
            if t.by_card and t.amount_minor < 0 and t.status != "reversed" and t.merchant == merchant
        ),
        key=lambda t: t.booked_at,
    )
    days = f"{format_day(since)} and {format_day(run.today)}"
    if not paid:
        return run.answer("by_card_since_none", {"merchant": clean_name(merchant), "days": days})
    sums = currency_sums(paid)
    return run.answer(
        "by_card_since",
        {
            "merchant": clean_name(merchant),
            "days": days,
            "total": _money_list(sums),
            "totals_minor": sums,
            "count": len(paid),
            "lines": "\n".join(spent_line(t) for t in paid),
            "transaction_ids": [t.id for t in paid],
        },
    )


def asks_total(text: str) -> bool:
    return bool(_TOTAL_WORDS.search(text))


def _total(
    run: Run, items: list[RecurringPaymentView], what: str, period: Upcoming | None, *, yearly: bool = False
) -> Answer:
    """The sum of the regular payments asked about: what falls due in the period named, or (with no period)
    what the direct debits and standing orders come to in a month (or ``yearly``, in a year), one-off
    scheduled payments set apart."""
    lines = "\n".join(f"- {LABELS[i.kind].capitalize()}: {item_line(i)}" for i in items)
    if period is not None:
        sums: dict[str, int] = {}
        for i in items:
            sums[i.currency] = sums.get(i.currency, 0) + i.amount_minor
        return run.answer(
            "total_period",
            {
                "what": what,
                "total": _money_list(sums),
                "count": len(items),
                "lines": lines,
                "item_ids": [i.id for i in items],
            },
        )
    regular = [i for i in items if i.frequency in _PER_MONTH]
    one_off = [i for i in items if i.frequency not in _PER_MONTH]
    monthly: dict[str, int] = {}
    for i in regular:
        times, per = _PER_MONTH[i.frequency]
        monthly[i.currency] = monthly.get(i.currency, 0) + round(i.amount_minor * times / per)
    note = ""
    if any(i.frequency != "monthly" for i in regular):
        note = " (weekly, quarterly and yearly payments counted at their monthly rate)"
    if one_off:
        once: dict[str, int] = {}
        for i in one_off:
            once[i.currency] = once.get(i.currency, 0) + i.amount_minor
        plural = "s" if len(one_off) != 1 else ""
        once_total = _money_list(once)
        note += f". On top of that, {len(one_off)} one-off scheduled payment{plural} of {once_total} in all"
    facts: dict[str, Any] = {
        "what": what,
        "total": _money_list(monthly) if monthly else format_money(0, "GBP"),
        "count": len(regular),
        "note": note,
        "lines": lines,
        "item_ids": [i.id for i in items],
    }
    if yearly:
        # Each payment times the payments it makes in a year (not the monthly total times twelve, which
        # rounds weekly ones twice).
        year: dict[str, int] = {}
        for i in regular:
            year[i.currency] = year.get(i.currency, 0) + i.amount_minor * TIMES_A_YEAR[i.frequency]
        note = note.replace("counted at their monthly rate", "counted as often as they are paid in a year")
        facts.update(
            monthly=facts["total"],
            total=_money_list(year) if year else format_money(0, "GBP"),
            totals_minor=year,
            note=note,
        )
        return run.answer("total_yearly", facts)
    return run.answer("total_monthly", facts)


# "does it come out the same day every month", "always on the 8th?", "same date each time": whether a
# regular payment goes on one day of the month, asked as a habit.
_SAME_DAY_ASKED = re.compile(
    r"\bsame (?:day|date)\b|"
    r"\b(?:always|usually|normally|every time|each time)\b.{0,40}\bon the \d{1,2}(?:st|nd|rd|th)?\b|"
    r"\bwhat (?:day|date) (?:does|do|will) (?:it|they|\w+) (?:usually|normally|always)\b",
    re.IGNORECASE,
)
SAME_DAY_MAX = 3
SAME_DAY_LOOKBACK_DAYS = 100


def asks_same_day(text: str) -> bool:
    """Whether the text asks if a regular payment goes on the same day of the month each time."""
    return bool(_SAME_DAY_ASKED.search(text))


async def _same_day(run: Run, items: list[RecurringPaymentView], what: str) -> Answer:
    """The days each payment named actually went out over the last few months (its payments by that payee),
    whether that was the same day of the month each time, and the next one due."""
    since = (run.today - timedelta(days=SAME_DAY_LOOKBACK_DAYS)).isoformat()
    rows = await run.transactions(TransactionQuery(since=since, limit=200))
    lines: list[str] = []
    ids: list[str] = []
    for item in items:
        payee = item.payee_name.lower()
        went = sorted(
            (
                t
                for t in rows
                if t.amount_minor < 0 and t.status != "reversed" and t.merchant.lower() == payee
            ),
            key=lambda t: t.booked_at,
        )
        name = clean_name(item.payee_name)
        next_day = format_day(day_of(item.next_date))
        if not went:
            lines.append(f"- {name}: nothing has gone out to it recently; the next one is due on {next_day}.")
            continue
        days = [day_of(t.booked_at) for t in went]
        listed = ", ".join(
            f"{format_money(-t.amount_minor, t.currency)} on {format_day(d)}"
            for t, d in zip(went, days, strict=True)
        )
        if len({d.day for d in days}) == 1:
            verdict = f"the same day each time, the {_ordinal(days[0].day)}"
        else:
            spread = sorted({d.day for d in days})
            verdict = (
                f"not always the same day: between the {_ordinal(spread[0])} and the {_ordinal(spread[-1])}"
            )
        lines.append(f"- {name}: {verdict} ({listed}); the next one is due on {next_day}.")
        ids.extend(t.id for t in went)
    return run.answer(
        "same_day",
        {"what": what, "lines": "\n".join(lines), "item_ids": [i.id for i in items], "transaction_ids": ids},
    )


def _named_yearly(run: Run, item: RecurringPaymentView, what: str) -> Answer:
    times = TIMES_A_YEAR[item.frequency]
    year = item.amount_minor * times
    return run.answer(
        "named_yearly",
        {
            "what": what,
            "lines": f"- Your {LABELS[item.kind]}: {item_line(item)}",
            "total": format_money(year, item.currency),
            "times": times,
            "each": format_money(item.amount_minor, item.currency),
            "totals_minor": {item.currency: year},
            "item_ids": [item.id],
        },
    )


def _money_list(sums: dict[str, int]) -> str:
    return " and ".join(format_money(v, c) for c, v in sorted(sums.items(), key=lambda kv: kv[0] != "GBP"))


# --- read: money coming in --------------------------------------------------------------------------------


def _credit_line(t: TransactionView) -> str:
    pending = " (pending)" if t.status == "pending" else ""
    amount = format_money(t.amount_minor, t.currency)
    return f"{amount} from {clean_name(t.merchant)} on {format_day(day_of(t.booked_at))}{pending}"


def _next_expected(salary: list[TransactionView], today: date) -> str:
    """When the next salary would come if it keeps to the monthly rhythm of the last ones ("" otherwise)."""
    expected = next_monthly([day_of(t.booked_at) for t in salary[:INCOME_SHOWN]], today)
    if expected is None:
        return ""
    return f" Going by the last ones, the next would be expected around {format_day(expected)}."


async def income(run: Run, slots: dict[str, Any]) -> Answer:
    since = (run.today - timedelta(days=INCOME_DAYS)).isoformat()
    salary = [
        t
        for t in await run.transactions(TransactionQuery(since=since, category="salary", limit=20))
        if t.amount_minor > 0 and t.status != "reversed"
    ]
    if before := run.params.get("until"):
        # "and the month before?", "the one before that?": the salary payments before the one just shown.
        salary = [t for t in salary if day_of(t.booked_at) < date.fromisoformat(before)]
        if not salary:
            return run.answer("none_before", {"before": format_day(date.fromisoformat(before))})
    if not salary:
        credits = [
            t
            for t in await run.transactions(TransactionQuery(since=since, limit=50))
            if t.amount_minor > 0 and t.status != "reversed" and not t.merchant.startswith("Northbank")
        ]
        lines = "\n".join(f"- {_credit_line(t)}" for t in credits[:INCOME_SHOWN])
        return run.answer("none", {"lines": lines or "- none", "count": len(credits)})
    latest = salary[0]
    accounts = {a.id: a for a in await run.accounts()}
    account = accounts.get(latest.account_id)
    facts = {
        "amount": format_money(latest.amount_minor, latest.currency),
        "payer": clean_name(latest.merchant),
        "date": format_day(day_of(latest.booked_at)),
        "account": f"{account.name} ending {account.number_last4}" if account else "your account",
        "pending_note": " It is still pending." if latest.status == "pending" else "",
        "earlier": "; ".join(_credit_line(t) for t in salary[1:INCOME_SHOWN]) or "none in the last 3 months",
        "transaction_ids": [t.id for t in salary],
        "next_note": _next_expected(salary, run.today),
        # The one amount this answer is about ("how much is that altogether?"), its day ("the one before").
        "figure_minor": latest.amount_minor,
        "figure_currency": latest.currency,
        "oldest": day_of(latest.booked_at).isoformat(),
    }
    if before:
        return run.answer("before", facts)
    if (run.today - day_of(latest.booked_at)).days > LATE_AFTER_DAYS:
        return run.answer("late", facts)
    return run.answer("ok", facts)


# --- actions: cancel ---------------------------------------------------------------------------------------


def _choose(run: Run, kind: RecurringKind, pool: list[RecurringPaymentView], intro: str) -> Exception:
    shown = pool[:MAX_CHOICES]
    lines = "\n".join(f"{n}. {item_line(i)}" for n, i in enumerate(shown, start=1))
    question = render(run.spec.replies["choose"], {"intro": intro, "kind": LABELS[kind], "lines": lines})
    return run.ask(question, slot=ITEM_SLOT, candidates=[i.id for i in shown])


async def _resolve_item(run: Run, kind: RecurringKind) -> RecurringPaymentView:
    items = await run.recurring(kind)
    if known := run.state.get(ITEM_SLOT):
        carried = next((i for i in items if i.id == known), None)
        if carried is None:
            raise run.stop("not_found", {"target": f"that {LABELS[kind]}"})
        return carried
    if not items:
        await _not_a_mandate(run, kind, named_words(run.text))
        raise run.stop("none")
    pool = items
    if run.awaiting(ITEM_SLOT) and run.candidates():
        ids = run.candidates()
        listed = sorted((i for i in items if i.id in ids), key=lambda i: ids.index(i.id))
        ordinal = parse_ordinal(run.text)
        if ordinal is not None:
            position = len(listed) if ordinal == -1 else ordinal
            if 1 <= position <= len(listed):
                run.resolved(ITEM_SLOT, listed[position - 1].id)
                return listed[position - 1]
        pool = listed or items
    kept, named = kept_and_named(run.text)
    if kept:
        pool = [i for i in pool if not matches_words(i, kept) or matches_words(i, named)] or pool
    intro = ""
    picked = [i for i in pool if matches_words(i, named)]
    amount, _rest = parse_amount(run.text)
    if amount is not None:
        by_amount = [i for i in (picked or pool) if amount.contains(i.amount_minor)]
        picked = by_amount or picked
    if (period := parse_upcoming(run.text, run.today)) is not None:
        in_period = [i for i in (picked or pool) if period.contains(i.next_date)]
        picked = in_period or picked
    if not picked:
        await _not_a_mandate(run, kind, named)
    if picked:
        pool = picked
    elif named:
        intro = f'I couldn\'t find a {LABELS[kind]} matching "{" ".join(sorted(named))}". '
    if len(pool) == 1 and not intro:
        run.resolved(ITEM_SLOT, pool[0].id)
        return pool[0]
    raise _choose(run, kind, pool, intro)


async def cancel_recurring(run: Run, slots: dict[str, Any]) -> ActionPlan:
    kind = CANCEL_TOOLS[run.spec.tool or ""]
    item = await _resolve_item(run, kind)
    facts = item_facts(item)
    return ActionPlan(
        args={ID_ARGUMENTS[kind]: item.id},
        facts=facts,
        summary=f"cancel your {facts['kind']} to {facts['payee']} ({facts['amount']})",
    )
