"""The money that comes in (and goes out) regularly, composed from the customer's own data.

What ``agents.dialogue.regular_money.read_regular`` read from the message arrives as the run's params: which
way the money goes (``in``, ``out``), what is asked (``aspect``: the list, the monthly total, how often it
pays, whether it lands on the same day) and what it is about (``subject``: the salary, the interest, or all).

Money in is read from the credits of the last months: the salary (category ``salary``, by payer) and the
interest (category ``interest``, by account; how often it pays is what the bank's own description of the
credit says, "QUARTERLY INTEREST PAID", or else the gaps between the credits). Money out is the direct
debits and standing orders, with what they come to a month; one-off scheduled payments are set apart.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from agents.ports import AccountView, RecurringPaymentView, TransactionQuery, TransactionView
from agents.procedures.context import Run
from agents.procedures.dates import day_of, format_day
from agents.procedures.money import format_money
from agents.procedures.recurring import KINDS, LABELS, TIMES_A_YEAR, item_line
from agents.procedures.results import Answer
from agents.tools.views import clean_name

INCOME_DAYS = 400
SHOWN = 3
# The bank's own words for how often a credit is paid, in its description, and how they are said.
_FREQUENCY_WORDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\bmonthly\b", re.I), "monthly", "every month"),
    (re.compile(r"\bquarterly\b", re.I), "quarterly", "every three months"),
    (re.compile(r"\b(?:annual|annually|yearly)\b", re.I), "yearly", "once a year"),
    (re.compile(r"\bweekly\b", re.I), "weekly", "every week"),
)
# Gaps between credits (days) and the rhythm they make.
_GAPS: tuple[tuple[int, int, str, str], ...] = (
    (5, 9, "weekly", "every week"),
    (26, 35, "monthly", "every month"),
    (85, 97, "quarterly", "every three months"),
    (355, 375, "yearly", "once a year"),
)


def _account_words(account: AccountView | None) -> str:
    return f"{account.name} ending {account.number_last4}" if account else "your account"


def _day_words(t: TransactionView) -> str:
    day = day_of(t.booked_at)
    return f"{day:%A} {format_day(day)}"


def _rhythm(credits: list[TransactionView]) -> tuple[str, str] | None:
    """How often credits of one kind come (newest first): the bank's word for it, or the gaps between them."""
    for t in credits:
        for pattern, word, said in _FREQUENCY_WORDS:
            if pattern.search(t.description or ""):
                return word, said
    days = [day_of(t.booked_at) for t in credits]
    gaps = [(a - b).days for a, b in zip(days, days[1:], strict=False)]
    for low, high, word, said in _GAPS:
        if gaps and all(low <= g <= high for g in gaps):
            return word, said
    return None


async def _credits(run: Run, category: str) -> list[TransactionView]:
    since = (run.today - timedelta(days=INCOME_DAYS)).isoformat()
    found = await run.transactions(TransactionQuery(since=since, category=category, limit=50))
    kept = [t for t in found if t.amount_minor > 0 and t.status != "reversed"]
    return sorted(kept, key=lambda t: t.booked_at, reverse=True)


def _by(credits: list[TransactionView], key: str) -> dict[str, list[TransactionView]]:
    grouped: dict[str, list[TransactionView]] = {}
    for t in credits:
        grouped.setdefault(t.merchant if key == "payer" else t.account_id, []).append(t)
    return grouped


def _interest_lines(credits: list[TransactionView], accounts: dict[str, AccountView]) -> list[str]:
    lines = []
    for account_id, paid in _by(credits, "account").items():
        rhythm = _rhythm(paid)
        how = f"{rhythm[0]} ({rhythm[1]})" if rhythm else "(I can't tell how often from one payment)"
        latest = paid[0]
        lines.append(
            f"Interest on your {_account_words(accounts.get(account_id))}: paid {how}; the last interest "
            f"payment was {format_money(latest.amount_minor, latest.currency)} on {_day_words(latest)}"
        )
    return lines


def _salary_lines(credits: list[TransactionView], accounts: dict[str, AccountView]) -> list[str]:
    lines = []
    for payer, paid in _by(credits, "payer").items():
        rhythm = _rhythm(paid)
        shown = paid[:SHOWN]
        days = ", ".join(
            f"{format_money(t.amount_minor, t.currency)} on {_day_words(t)}" for t in reversed(shown)
        )
        lines.append(
            f"Salary from {clean_name(payer)}{' ' + rhythm[0] if rhythm else ''}, into your "
            f"{_account_words(accounts.get(paid[0].account_id))}: {days}"
        )
    return lines


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _same_day(salary: list[TransactionView], text: str) -> str:
    """Whether the salary came on the same day of the month each time (or on the day the customer names)."""
    shown = list(reversed(salary[:SHOWN]))
    days = [day_of(t.booked_at).day for t in shown]
    named = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)\b", text)
    asked = int(named.group(1)) if named and 1 <= int(named.group(1)) <= 31 else None
    listed = "; ".join(f"{format_money(t.amount_minor, t.currency)} on {_day_words(t)}" for t in shown)
    payer = clean_name(shown[-1].merchant)
    count = len(shown)
    last = f"your last {count} salary payments from {payer}"
    if asked is not None and all(d == asked for d in days):
        return f"Yes: {last} all arrived on the {_ordinal(asked)}: {listed}."
    if asked is not None:
        off = [t for t in shown if day_of(t.booked_at).day != asked]
        odd = ", ".join(_day_words(t) for t in off)
        return (
            f"Not always: of {last}, "
            f"{'the one' if len(off) == 1 else 'those'} on {odd} didn't arrive on the {_ordinal(asked)}. "
            f"The payments were {listed}."
        )
    if len(set(days)) == 1:
        return f"Yes: {last} all arrived on the {_ordinal(days[0])}: {listed}."
    return f"Not always on the same day: {last} were {listed}."


def _monthly_total(items: list[RecurringPaymentView]) -> tuple[dict[str, int], list[RecurringPaymentView]]:
    regular = [i for i in items if i.frequency in TIMES_A_YEAR]
    sums: dict[str, int] = {}
    for i in regular:
        sums[i.currency] = sums.get(i.currency, 0) + round(i.amount_minor * TIMES_A_YEAR[i.frequency] / 12)
    return sums, regular


def _money_list(sums: dict[str, int]) -> str:
    return " and ".join(format_money(v, c) for c, v in sorted(sums.items(), key=lambda kv: kv[0] != "GBP"))


async def _outgoing(run: Run) -> tuple[str, list[str]]:
    items = [i for kind in KINDS for i in await run.recurring(kind) if i.status == "active"]
    if not items:
        return "Going out regularly: no active direct debits or standing orders.", []
    lines = [f"- {LABELS[i.kind].capitalize()}: {item_line(i)}" for i in items]
    sums, regular = _monthly_total(items)
    one_off = len(items) - len(regular)
    said = f"Going out regularly by itself ({len(regular)} payments"
    said += f", {_money_list(sums)} a month in total)" if sums else ")"
    if one_off:
        said += f"; the one-off scheduled payment{'s' if one_off != 1 else ''} below won't repeat"
    return f"{said}:", lines


async def regular_money(run: Run, slots: dict[str, Any]) -> Answer:
    params = run.params
    aspect = str(params.get("aspect") or "list")
    subject = str(params.get("subject") or "")
    accounts = {a.id: a for a in await run.accounts()}
    if subject == "interest":
        interest = await _credits(run, "interest")
        if not interest:
            return run.answer("no_interest", {})
        lines = _interest_lines(interest, accounts)
        return run.answer(
            "interest",
            {
                "lines": "\n".join(f"- {line}" for line in lines),
                "transaction_ids": [t.id for t in interest],
                "figure_minor": interest[0].amount_minor,
                "figure_currency": interest[0].currency,
            },
        )
    salary = await _credits(run, "salary")
    if subject == "salary" and aspect == "same_day":
        if not salary:
            return run.answer("no_salary", {})
        return run.answer(
            "same_day", {"said": _same_day(salary, run.text), "transaction_ids": [t.id for t in salary]}
        )
    interest = await _credits(run, "interest")
    incoming = _salary_lines(salary, accounts) + _interest_lines(interest, accounts)
    parts = [
        "Coming in regularly:\n" + "\n".join(f"- {line}" for line in incoming)
        if incoming
        else "Coming in regularly: I can't see any salary or interest payments in the last months."
    ]
    if params.get("out"):
        head, lines = await _outgoing(run)
        parts.append("\n".join([head, *lines]))
    return run.answer(
        "ok",
        {
            "lines": "\n\n".join(parts),
            "transaction_ids": [t.id for t in [*salary, *interest]],
        },
    )
