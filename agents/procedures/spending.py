"""Totals, counts, the biggest or smallest payment, "my last N payments", and "can I afford it".

Sums are integer minor units per currency, never floats. What is counted (documented, and said in the
reply where it matters):
- reversed transactions never count; pending ones do, and the reply says how many were pending, except in a
  category's total, count or biggest/smallest (what has gone through: the pending ones are named beside it);
- money moved between the customer's own accounts ("Northbank Easy Saver" on the current account) is not
  spending, unless the customer asks about transfers;
- a question without a period covers the last ``DEFAULT_DAYS`` days;
- "since I got paid" starts just after the latest salary credit, whose date and payer the reply names.

Affordability is a plain comparison of the amount with the current account's balance (which already
has pending payments taken off): "Yes" or "Not from your current account alone", with the figures, and
never a recommendation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from agents.ports import AccountView, TransactionQuery, TransactionView
from agents.procedures.context import Run
from agents.procedures.dates import day_of, format_day, next_monthly
from agents.procedures.money import format_money
from agents.procedures.queries import (
    BILL_KINDS,
    CATEGORY_LABELS,
    DEFAULT_DAYS,
    Excluded,
    SpendingQuery,
    category_after_name,
    parse_category,
    parse_spending,
)
from agents.procedures.results import Answer
from agents.procedures.slots import (
    account_label,
    described_merchant_in,
    everyday_word_merchant,
    has_merchant,
    known_merchant_in,
    merchant_named_in_part,
    nicknamed_merchant_in,
    own_merchant_for,
    shops_named_together,
    statement_merchant,
)
from agents.procedures.textparse import (
    MONTH_NUMBERS,
    AmountFilter,
    DateRange,
    parse_amount,
    parse_bare_amount,
)
from agents.tools.views import clean_name

PAGE = 50  # the port's largest page
MAX_PAGES = 10  # 500 transactions: far more than a customer asks about in chat
LINES_SHOWN = 10
SALARY_LOOKBACK_DAYS = 62


# --- reading everything in a period, page by page ------------------------------------------------------


async def fetch_all(
    run: Run, query: TransactionQuery, *, page: int = PAGE
) -> tuple[list[TransactionView], bool]:
    """Every transaction the query matches (newest first) and whether the list is complete.

    The port returns at most ``PAGE`` rows, newest first; the next page ends on the oldest day seen
    (inclusive), and rows already seen are skipped. A single day with more than a page of rows, or more
    than ``MAX_PAGES`` pages, ends the reading early: the reply then says the figure is partial.
    """
    seen: dict[str, TransactionView] = {}
    page_query = replace(query, limit=page)
    for _ in range(MAX_PAGES):
        rows = await run.transactions(page_query)
        new = [t for t in rows if t.id not in seen]
        seen.update((t.id, t) for t in new)
        if len(rows) < page:
            return _newest_first(seen.values()), True
        if not new:
            return _newest_first(seen.values()), False
        oldest = min(day_of(t.booked_at) for t in rows)
        page_query = replace(page_query, until=oldest.isoformat())
    return _newest_first(seen.values()), False


def _newest_first(rows: Iterable[TransactionView]) -> list[TransactionView]:
    # The port's order: newest first, then by id.
    return sorted(rows, key=lambda t: (-_moment(t.booked_at).timestamp(), t.id))


def _moment(iso: str) -> datetime:
    if len(iso) == 10:
        return datetime.fromisoformat(iso + "T00:00:00+00:00")
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.now().astimezone().tzinfo)


# --- what counts -----------------------------------------------------------------------------------------


def _own_account_names(accounts: list[AccountView]) -> frozenset[str]:
    """How the bank names the customer's own accounts on the other side of a transfer."""
    return frozenset(f"northbank {a.name}".lower() for a in accounts)


def _left_out(t: TransactionView, q: SpendingQuery) -> bool:
    """Whether the payment is one the total is asked without ("not counting the mortgage")."""
    for e in q.excluded:
        if e.bill_kind is not None and BILL_KINDS[e.bill_kind][0].search(t.merchant):
            return True
        if e.category is not None and t.category == e.category:
            return True
        if e.merchant is not None and names_shop(e.merchant, t.merchant):
            return True
    return False


def names_shop(words: str, merchant: str) -> bool:
    """Whether the words a customer leaves out name the shop, loosely: the shop's name within them ("the ikea
    bunk bed" names IKEA) or them within the shop's name ("odeon" names Odeon Cinemas), as whole words."""
    said, shop = " ".join(words.lower().split()), " ".join(merchant.lower().split())
    if not said or not shop:
        return False
    return bool(re.search(rf"(?<![\w&'-]){re.escape(said)}(?![\w&'-])", shop)) or bool(
        re.search(rf"(?<![\w&'-]){re.escape(shop)}(?![\w&'-])", said)
    )


def _asked_itself(e: Excluded, q: SpendingQuery, merchant: str | None) -> bool:
    """Whether a thing to leave out is the very thing the total is about (its shop or its category)."""
    if e.category is not None and e.category in (q.category, *q.also):
        return True
    if e.merchant is None or not merchant:
        return False
    left, asked = e.merchant.lower(), merchant.lower()
    return left in asked or asked in left


_NOT_BOUGHT = frozenset({"transfers", "bills", "cash"})


def _counts(t: TransactionView, q: SpendingQuery, own: frozenset[str]) -> bool:
    if t.status == "reversed":
        return False
    if (t.amount_minor < 0) != (q.direction == "out"):
        return False
    if q.bill_kind is not None and not BILL_KINDS[q.bill_kind][0].search(t.merchant):
        return False
    if q.card_only and not t.by_card:
        return False
    if q.place is not None and not q.place.holds(t):
        return False
    if q.category is not None:
        return t.category == q.category or t.category in q.also
    # "the biggest thing i bought": a transfer to a person, a bill collected by direct debit (the mortgage) or
    # cash taken out is not something bought.
    if q.purchases_only and t.category in _NOT_BOUGHT:
        return False
    # Moving money between one's own accounts is neither spending nor income.
    return t.merchant.lower() not in own


def spent_line(t: TransactionView) -> str:
    """One payment as an answer lists it: "- 2 Nov 2026: BT, £43.65" (its status when not posted)."""
    status = "" if t.status == "posted" else f" ({t.status})"
    amount = format_money(abs(t.amount_minor), t.currency)
    return f"- {format_day(day_of(t.booked_at))}: {clean_name(t.merchant)}, {amount}{status}"


# "has it gone up?", "(has the amount changed?)" added by the recurring cues: the trend is the answer.
_ASKS_CHANGE = re.compile(
    r"\b(?:gone up|went up|gone down|went down|increased?|decreased?|risen|changed?|the same|same amount|"
    r"vary|varies)\b"
)


# Days between payments that make them monthly: a calendar month is 28 to 31 days, give or take a weekend.
MONTHLY_GAP_DAYS = (25, 35)


def _how_often(shown: list[TransactionView]) -> str:
    """For payments to one payee (newest first), " It goes out once a month." when each came about a month
    after the one before ("do they take it monthly now, or every quarter?"); "" otherwise."""
    days = sorted(day_of(t.booked_at) for t in shown)
    gaps = [(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)]
    if not gaps or not all(MONTHLY_GAP_DAYS[0] <= g <= MONTHLY_GAP_DAYS[1] for g in gaps):
        return ""
    return " It goes out once a month, about a month apart each time."


def _trend(shown: list[TransactionView]) -> str:
    """For several payments to one payee (newest first): whether the amount stayed the same, so "has it gone
    up?" and "is it the same every month?" get their answer, not only the list."""
    payees = {t.merchant.lower() for t in shown}
    if len(shown) < 2 or len(payees) != 1 or len({t.currency for t in shown}) != 1:
        return ""
    newest, oldest = shown[0], shown[-1]
    if len({abs(t.amount_minor) for t in shown}) == 1:
        amount = format_money(abs(newest.amount_minor), newest.currency)
        return (
            f"\nAll {len(shown)} were the same amount, {amount}: it hasn't changed in that time."
            f"{_how_often(shown)}"
        )
    before = format_money(abs(oldest.amount_minor), oldest.currency)
    now = format_money(abs(newest.amount_minor), newest.currency)
    direction = "gone up" if abs(newest.amount_minor) > abs(oldest.amount_minor) else "gone down"
    if abs(newest.amount_minor) == abs(oldest.amount_minor):
        return f"\nThe amount has varied; the latest, {now}, is the same as the oldest shown."
    return (
        f"\nThe amount has {direction}: {before} on {format_day(day_of(oldest.booked_at))}, "
        f"{now} on {format_day(day_of(newest.booked_at))}."
    )


# "...and when does the next one come out?", "when's the next payment due": asked with the latest payments
# to one payee, when the next would come going by them.
ASKS_NEXT = re.compile(
    r"\b(?:when|what day|what date|which day|whens)\b.{0,40}\bnext\b(?! (?:week|month|year)\b)"
    r"|\bnext (?:one|payment|bill|collection|lot)\b.{0,30}\b(?:due|out|taken|leave|go|come|be)\b"
)


def _next_note(shown: list[TransactionView], today: date) -> str:
    """For payments to one payee about a month apart (newest first): when the next would be expected."""
    if len({t.merchant.lower() for t in shown}) != 1:
        return ""
    expected = next_monthly([day_of(t.booked_at) for t in shown], today)
    if expected is None:
        return ""
    return f"\nGoing by these, the next would be expected around {format_day(expected)}."


def currency_sums(rows: list[TransactionView]) -> dict[str, int]:
    """The rows' amounts added up per currency, as positive minor units."""
    sums: dict[str, int] = {}
    for t in rows:
        sums[t.currency] = sums.get(t.currency, 0) + abs(t.amount_minor)
    return sums


def _money_list(sums: dict[str, int]) -> str:
    # GBP first, then other currencies alphabetically: never added together.
    order = sorted(sums, key=lambda c: (c != "GBP", c))
    return " and ".join(format_money(sums[c], c) for c in order)


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    if word.endswith(" in"):  # "payment in" -> "payments in"
        return f"{n} {word[:-3]}s in"
    return f"{n} {word}s"


def _period_text(dates: DateRange | None, today: date) -> str:
    if dates is None:
        return ""
    since, until = dates.since, dates.until
    if since and until and since.day == 1 and since.year == until.year and since.month == until.month:
        month_end = (since.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if until == month_end:
            return f" in {since:%B %Y}"
        if until == today:
            return f" in {since:%B %Y} so far"
    if since and until and until == today and since != until:
        return f" since {format_day(since)}"
    return f" {dates.describe()}"


def _shop_shown(merchant: str | None, counted: list[TransactionView]) -> str | None:
    """The shop as the answer names it: the name on its payments when every payment found is that one shop's
    and the words typed are only part of it ("just eat" read as "eat" is Just Eat, never "EAT")."""
    names = {clean_name(t.merchant) for t in counted}
    if merchant is None or len(names) != 1:
        return merchant
    (name,) = names
    typed = " ".join(merchant.lower().split())
    whole = f" {' '.join(name.lower().split())} "
    return name if f" {typed} " in whole and typed != whole.strip() else merchant


def _what_text(q: SpendingQuery, merchant: str | None) -> str:
    parts = []
    if q.bill_kind:
        parts.append(f"on {BILL_KINDS[q.bill_kind][1]}")
    elif q.category:
        label = " and ".join(CATEGORY_LABELS.get(c, c.replace("_", " ")) for c in (q.category, *q.also))
        parts.append(f"from {label}" if q.direction == "in" else f"on {label}")
    if merchant:
        shown = merchant
        if merchant.islower():  # as typed: "bt" is BT, "netflix" is Netflix
            shown = merchant.upper() if len(merchant) <= 3 else merchant.title()
        parts.append(f"from {shown}" if q.direction == "in" else f"at {shown}")
    if q.place is not None:
        parts.append(q.place.label)
    if q.amount:
        parts.append(q.amount.describe())
    if q.excluded:
        parts.append("not counting " + " and ".join(e.label for e in q.excluded))
    return "".join(f" {p}" for p in parts)


def _filter_facts(
    q: SpendingQuery,
    dates: DateRange | None,
    merchant: str | None,
    account: AccountView | None,
) -> dict[str, Any]:
    """The filters used, under the agreed keys, so a follow-up ("and in October?") can reuse them."""
    return {
        "aggregate": q.aggregate,
        "direction": q.direction,
        "category": q.category,
        "date_from": dates.since.isoformat() if dates and dates.since else None,
        "date_to": dates.until.isoformat() if dates and dates.until else None,
        "amount_min": q.amount.min_minor if q.amount else None,
        "amount_max": q.amount.max_minor if q.amount else None,
        "merchant": merchant,
        "limit": q.limit,
        "account_id": account.id if account else None,
        "anchor": q.anchor,
    }


async def _salary_credits(run: Run, account: AccountView | None, days: int) -> list[TransactionView]:
    """The salary credits of the last ``days`` days (reversed ones left out), newest first."""
    since = run.today - timedelta(days=days)
    rows, _complete = await fetch_all(
        run,
        TransactionQuery(
            account_id=account.id if account else None, since=since.isoformat(), until=run.today.isoformat()
        ),
    )
    return [t for t in rows if t.category == "salary" and t.amount_minor > 0 and t.status != "reversed"]


async def _latest_salary(run: Run, account: AccountView | None) -> TransactionView | None:
    salaries = await _salary_credits(run, account, SALARY_LOOKBACK_DAYS)
    return salaries[0] if salaries else None


PAYDAYS_LOOKBACK_DAYS = 400
_LAST_MONTH_RE = re.compile(r"\blast\s+month\b|\bprevious\s+month\b", re.IGNORECASE)


def _month_number(name: str | None) -> int | None:
    return MONTH_NUMBERS.get(name[:3].lower()) if name else None


async def _salaries_between(
    run: Run, account: AccountView | None, months: tuple[str | None, str | None]
) -> tuple[TransactionView, TransactionView] | None:
    """The two salary credits a "between paydays" question means, oldest first, or None.

    Months named pick them ("my October payday and my November one": the latest October credit and the
    first one after it); "last month" picks the pair that starts then; otherwise the latest two credits.
    """
    salaries = await _salary_credits(run, account, PAYDAYS_LOOKBACK_DAYS)
    oldest_first = sorted(salaries, key=lambda t: _moment(t.booked_at))
    pairs = list(zip(oldest_first, oldest_first[1:], strict=False))
    first, second = (_month_number(m) for m in months)
    if first is None and second is None and _LAST_MONTH_RE.search(run.text):
        first = (run.today.replace(day=1) - timedelta(days=1)).month
    for a, b in reversed(pairs):  # the latest pair that fits
        if first is not None and day_of(a.booked_at).month != first:
            continue
        if second is not None and day_of(b.booked_at).month != second:
            continue
        return a, b
    return None


# --- the spending procedure ----------------------------------------------------------------------------


# "what did i spend between the 10th and the 21st? i remember a big ikea trip in there somewhere": a remark
# after the question, about what the customer expects to see in the answer, does not narrow it to that shop.
_REMARK_AFTER_QUESTION = re.compile(
    r"\?\s+(?=(?:i (?:remember|think|know|reckon|believe|guess)|there (?:was|were|should be|might be)|"
    r"it (?:was|had|should)|we (?:had|went|did))\b)",
    re.IGNORECASE,
)


async def spending(run: Run, slots: dict[str, Any]) -> Answer:
    if figures := run.params.get("figures"):
        # "how much is that altogether?" after two answers in a row (Trainline, then Uber): their sum.
        sums: dict[str, int] = {}
        for _label, minor, currency in figures:
            sums[currency] = sums.get(currency, 0) + int(minor)
        parts = [f"{label} {format_money(int(minor), currency)}" for label, minor, currency in figures]
        if (ways := run.params.get("ways")) and len(sums) == 1:
            # "his half of both": the amounts added up, then each person's part (a penny over rounds up)
            ((currency, minor),) = sums.items()
            return run.answer(
                "share_of_figures",
                {
                    "total": format_money(minor, currency),
                    "parts": " and ".join(parts) if len(parts) > 1 else parts[0],
                    "ways": {2: "two", 3: "three", 4: "four"}.get(int(ways), str(ways)),
                    "share": format_money(-(-minor // int(ways)), currency),
                },
            )
        return run.answer(
            "sum_of_figures",
            {"total": _money_list(sums), "totals_minor": sums, "parts": " and ".join(parts)},
        )
    if difference := run.params.get("difference"):
        # "how much did I save by going to Aldi instead?" after two amounts: the larger less the smaller.
        (first_label, first, first_cur), (second_label, second, second_cur) = difference
        if first_cur == second_cur:
            both = f"{first_label} {format_money(int(first), first_cur)} and {second_label} " + format_money(
                int(second), second_cur
            )
            return run.answer(
                "difference_of_figures",
                {"difference": format_money(abs(int(first) - int(second)), first_cur), "parts": both},
            )
    if taken := run.params.get("left_of_wages"):
        return await _left_of_wages(run, taken)
    if yearly := run.params.get("yearly"):
        # "what's that over a year then" after one regular payment: its amount times the payments in a year.
        label, minor, currency, times = yearly
        return run.answer(
            "yearly_figure",
            {
                "total": format_money(int(minor) * int(times), currency),
                "each": format_money(int(minor), currency),
                "times": int(times),
                "label": label,
            },
        )
    if remark := _REMARK_AFTER_QUESTION.search(run.text):
        run = replace(run, text=run.text[: remark.start() + 1])
    if together := await _shops_together(run, slots):
        return together
    account: AccountView | None = slots.get("account")
    q, rest = parse_spending(run.text, run.today)
    merchant = q.merchant
    if (merchant is None or not await has_merchant(run, merchant)) and (
        described := await described_merchant_in(run, run.text)
    ):
        # "off some electronics website": the shop whose name has that word, not the category it suggests
        # (nor "website" read as a shop's name).
        merchant, q = described, replace(q, category=None)
    elif merchant is None and q.category is None:
        merchant = (
            await known_merchant_in(run, rest)
            or await everyday_word_merchant(run, rest)
            or await nicknamed_merchant_in(run, rest)
        )
    elif (
        merchant is None
        and q.category is not None
        and (part := await merchant_named_in_part(run, run.text))
        and (in_name := parse_category(part[1]))[0] == q.category
        and in_name[1].strip()
    ):
        # "those Elite Electronics payments in total": the category's word is one word of the shop's name as
        # said, so the shop is asked about, all of its payments (never the category's total). A name that
        # is no more than the category's word ("sky and the tv licence") keeps the category.
        merchant, q = part[0], replace(q, category=None)
    elif (
        merchant is None
        and q.category is not None
        and (named := await known_merchant_in(run, run.text))
        and (
            re.search(rf"\b(?:spen[dt]|spending|paid|pay|paying)\s+on\s+{re.escape(named)}\b", run.text, re.I)
            or category_after_name(run.text, named, q.category)
        )
    ):
        # "spent on trainline this month? always on a train", "the SNCF train, november. how much?": the shop
        # the spending is on beats a category word said in passing or naming what was bought there (but "on
        # entertainment, netflix and gigs" stays the category).
        merchant, q = named, replace(q, category=None)
    elif (
        q.category is not None
        and (named := merchant or await known_merchant_in(run, run.text))
        and await has_merchant(run, named)
        and not await run.transactions(TransactionQuery(merchant=named, category=q.category, limit=1))
    ):
        # "there is a restaurant, Trattoria Da Mario. What did that come to?", then "and the Carrefour?": the
        # category word describes the shop the customer names, whose payments the bank files under another
        # category; the shop is asked about (a shop that is of the category, "on entertainment, netflix and
        # gigs", keeps the category).
        merchant, q = named, replace(q, category=None)
    if any(e.only_if_paid for e in q.excluded):
        # "Not the Netflix.": a shop left out by a bare "not" only when the customer pays it ("not sure")
        kept = [
            e
            for e in q.excluded
            if not e.only_if_paid or (e.merchant and await has_merchant(run, e.merchant))
        ]
        q = replace(q, excluded=tuple(kept))
    if q.excluded and (merchant or q.category):
        # "And the Netflix over the same time?" after a total "not the Netflix": what is asked about is not
        # left out of itself.
        q = replace(q, excluded=tuple(e for e in q.excluded if not _asked_itself(e, q, merchant)))
    if q.put_in and q.aggregate == "total":
        return await _put_into_savings(run, q, account)
    if merchant is not None:
        merchant = await statement_merchant(run, merchant)  # "spoons" is the Wetherspoon on the statement
        if not await has_merchant(run, merchant):
            # "while I'm sat in the car: what did the odeon cost", "the train in France": words read as a
            # shop that the customer never paid. A shop of theirs the text names otherwise is the one meant;
            # with none, the words are no filter when the kind of spending is said (and stand otherwise, so
            # the answer says nothing was paid there).
            if theirs := await own_merchant_for(run, merchant, run.text):
                merchant, q = theirs, replace(q, category=None)
            elif q.category or q.bill_kind:
                merchant = None
    accounts = await run.accounts()
    own = _own_account_names(accounts)

    salary: TransactionView | None = None
    next_salary: TransactionView | None = None
    dates = q.dates
    defaulted = False
    if q.anchor == "paydays":
        pair = await _salaries_between(run, account, q.pay_months)
        if pair is None:
            return run.answer("no_paydays", _filter_facts(q, None, merchant, account))
        salary, next_salary = pair
        dates = DateRange(day_of(salary.booked_at), day_of(next_salary.booked_at))
    elif q.anchor == "salary":
        salary = await _latest_salary(run, account)
        if salary is None:
            return run.answer("no_salary", _filter_facts(q, None, merchant, account))
        dates = DateRange(day_of(salary.booked_at), run.today)
    elif dates is None and q.aggregate != "list":
        dates = DateRange(run.today - timedelta(days=DEFAULT_DAYS - 1), run.today)
        defaulted = True

    query = TransactionQuery(
        account_id=account.id if account else None,
        since=dates.since.isoformat() if dates and dates.since else None,
        until=dates.until.isoformat() if dates and dates.until else None,
        merchant=merchant,
        category=None if q.also else q.category,  # several categories: each row is checked in _counts
        min_amount_minor=q.amount.min_minor if q.amount else None,
        max_amount_minor=q.amount.max_minor if q.amount else None,
    )
    rows, complete = await fetch_all(run, query)
    counted = [t for t in rows if _counts(t, q, own)]
    left_out = [t for t in counted if _left_out(t, q)]
    counted = [t for t in counted if not _left_out(t, q)]
    waiting: list[TransactionView] = []
    if q.category is not None and q.aggregate in ("total", "count", "max", "min"):
        # What a category came to is what has gone through: a pending payment may still change or drop, so
        # it is named beside the total, not in it (and "which was the biggest" picks from the same rows).
        waiting = [t for t in counted if t.status == "pending"]
        counted = [t for t in counted if t.status != "pending"]
    if salary is not None:
        paid_at = _moment(salary.booked_at)
        counted = [t for t in counted if _moment(t.booked_at) > paid_at]
    if next_salary is not None:
        next_paid_at = _moment(next_salary.booked_at)
        counted = [t for t in counted if _moment(t.booked_at) < next_paid_at]

    period = _period_text(dates, run.today) if q.aggregate != "list" or q.dates else ""
    if defaulted and dates is not None and dates.since is not None:
        period = f" in the last {DEFAULT_DAYS} days (since {format_day(dates.since)})"
    if salary is not None and next_salary is not None:
        period = (
            f" between your salary of {format_money(salary.amount_minor, salary.currency)} on "
            f"{format_day(day_of(salary.booked_at))} and the next one on "
            f"{format_day(day_of(next_salary.booked_at))} (neither salary counted)"
        )
    elif salary is not None:
        period = (
            f" since your salary of {format_money(salary.amount_minor, salary.currency)} from "
            f"{clean_name(salary.merchant)} arrived on {format_day(day_of(salary.booked_at))}"
        )
    if account is not None:
        period += f" on your {account_label(account)}"
    what = _what_text(q, _shop_shown(merchant, counted))
    noun = "payment" if q.direction == "out" else "payment in"
    facts: dict[str, Any] = {
        **_filter_facts(q, dates, merchant, account),
        "what": what,
        "period": period,
        "kind": "payments" if q.direction == "out" else "payments in",
        "left_out": _left_out_note(q, left_out),
        "partial": (
            ""
            if complete
            else f"\n(There were too many transactions to read them all: this covers the most recent "
            f"{len(rows)}.)"
        ),
    }
    if salary is not None:
        facts.update(salary_date=day_of(salary.booked_at).isoformat(), salary_transaction_id=salary.id)
    if not counted and q.aggregate != "in_out":
        return run.answer("none", facts)

    if q.aggregate == "in_out":
        return _in_and_out(run, q, rows, own, facts)

    if q.aggregate == "latest":
        latest: dict[str, TransactionView] = {}
        for t in counted:  # newest first: the first row of each payee is its latest payment
            latest.setdefault(t.merchant.lower(), t)
        shown = list(latest.values())
        facts.update(
            count=len(shown),
            lines="\n".join(spent_line(t) for t in shown),
            transaction_ids=[t.id for t in shown],
            each=" to each payee" if len(shown) > 1 else "",
            are_is="is" if len(shown) == 1 else "are",
            payment_text="payment" if len(shown) == 1 else "payments",
            days=DEFAULT_DAYS,
        )
        return run.answer("latest", facts)

    if q.aggregate == "list":
        shown = counted[: q.limit or LINES_SHOWN]
        facts.update(
            count=len(shown),
            count_text=_plural(len(shown), noun) if len(shown) > 1 else noun,
            are_is="is" if len(shown) == 1 else "are",
            lines="\n".join(spent_line(t) for t in shown),
            transaction_ids=[t.id for t in shown],
            short=(
                ""
                if q.limit is None or len(shown) >= q.limit
                else f" (there {'is' if len(shown) == 1 else 'are'} only {len(shown)})"
            ),
            trend=(_trend(shown) if _ASKS_CHANGE.search(run.text.lower()) else "")
            + (_next_note(shown, run.today) if ASKS_NEXT.search(run.text.lower()) else ""),
        )
        return run.answer("last_n", facts)

    if q.aggregate in ("max", "min"):
        pick = max if q.aggregate == "max" else min
        # Ties go to the most recent (rows are newest first and max/min keep the first).
        chosen = pick(counted, key=lambda t: abs(t.amount_minor))
        facts.update(
            amount=format_money(abs(chosen.amount_minor), chosen.currency),
            amount_minor=abs(chosen.amount_minor),
            merchant_name=clean_name(chosen.merchant),
            date=format_day(day_of(chosen.booked_at)),
            status_note="" if chosen.status == "posted" else f" ({chosen.status})",
            superlative="biggest" if q.aggregate == "max" else "smallest",
            noun="purchase" if q.purchases_only else ("card payment" if q.card_only else noun),
            to_from="to" if q.direction == "out" else "from",
            transaction_ids=[chosen.id],
            count=len(counted),
            # not said again: the payment a follow-up points back at ("where was that", "what day was it")
            lines=spent_line(chosen),
        )
        return run.answer("extreme", facts)

    sums = currency_sums(counted)
    if (asked := _asked_currency(run.text)) and (said := _sum_in(counted, asked)) is not None:
        # "what did that lot come to in dollars": paid abroad in dollars, added up in dollars; what the
        # account was charged is said beside it.
        charged = _money_list(sums)
        sums = {asked: said}
        if charged != _money_list(sums):
            facts["charged_note"] = f" ({charged} charged to your account)"
    pending = [t for t in counted if t.status == "pending"]
    pending_note = ""
    if pending:
        pending_note = (
            f" This includes {_plural(len(pending), 'pending payment')} of "
            f"{_money_list(currency_sums(pending))}."
        )
    if waiting:
        pending_note += (
            f" Not counted yet: {_plural(len(waiting), 'pending payment')} still going through ("
            + "; ".join(spent_line(t)[2:].removesuffix(" (pending)") for t in waiting)
            + ")."
        )
    more = len(counted) - LINES_SHOWN
    facts.update(
        total=_money_list(sums) + str(facts.pop("charged_note", "")),
        totals_minor=sums,
        count=len(counted),
        count_text=_plural(len(counted), noun),
        verb="spent" if q.direction == "out" else "received",
        pending_note=pending_note,
        pending_count=len(pending),
        lines="\n".join(spent_line(t) for t in counted[:LINES_SHOWN])
        + (f"\n... and {more} more" if more > 0 else ""),
        transaction_ids=[t.id for t in counted],
    )
    facts["with_before"] = _with_before(run.params.get("plus"), sums)
    if q.aggregate == "count":
        return run.answer("count", facts)
    return run.answer("ok", facts)


_SHOP_NOTE = re.compile(r"\s*\((?:payments at|at) [^)]*\)")


async def _shops_together(run: Run, slots: dict[str, Any]) -> Answer | None:
    """ "how much have sky n british gas took off me since september": each shop's total over the period, then
    the two added up; None when the message names fewer than two of the customer's shops side by side."""
    shops = await shops_named_together(run, run.text)
    if not shops:
        return None
    joined = r"\W+(?:(?:and|n|&|plus)\W+)?(?:(?:at|on|to|from|the)\s+)?".join(re.escape(s) for s in shops)
    span = re.search(joined, run.text, re.IGNORECASE)
    if span is None:
        return None
    # (the router's "(payments at trainline)" note names one shop of the several: each is asked alone)
    text = _SHOP_NOTE.sub(" ", f"{run.text[: span.start()]}\0{run.text[span.end() :]}")
    answers = [
        # each shop asked on its own, with its own copy of what the run has resolved (not the last shop's)
        await spending(replace(run, text=text.replace("\0", shop), state=dict(run.state)), dict(slots))
        for shop in shops
    ]
    sums: dict[str, int] = {}
    for answer in answers:
        for currency, minor in (answer.facts.get("totals_minor") or {}).items():
            sums[currency] = sums.get(currency, 0) + int(minor)
    drafts = "\n\n".join(a.draft for a in answers)
    if len(sums) != 1 or any(a.outcome not in ("ok", "none") for a in answers):
        return Answer(drafts, "list", {"procedure": run.spec.name, "outcome": "list"}, list(run.calls))
    names = " and ".join(
        str(a.facts.get("what") or "").strip().removeprefix("at ").strip() or s.title()
        for a, s in zip(answers, shops, strict=True)
    )
    facts = {
        "procedure": run.spec.name,
        "outcome": "ok",
        "what": f"at {names}",
        "total": _money_list(sums),
        "totals_minor": sums,
        "lines": "\n".join(str(a.facts.get("lines") or "") for a in answers).strip(),
    }
    draft = f"{drafts}\n\nAltogether that is {_money_list(sums)} at {names}."
    return Answer(draft, "ok", facts, list(run.calls))


async def _left_of_wages(run: Run, taken: list[Any]) -> Answer:
    """ "whats left of my wages after them": the latest salary less the amount just given."""
    label, minor, currency = taken
    paid = await _latest_salary(run, None)
    if paid is None or paid.currency != currency:
        return run.answer("no_wages")
    return run.answer(
        "left_of_wages",
        {
            "salary": format_money(paid.amount_minor, paid.currency),
            "payer": clean_name(paid.merchant),
            "date": format_day(day_of(paid.booked_at)),
            "taken": format_money(int(minor), currency),
            "label": f" ({label})" if label and label != "that" else "",
            "left": format_money(paid.amount_minor - int(minor), currency),
        },
    )


def _with_before(before: Any, sums: dict[str, int]) -> str:
    """The total just given added to this one, for "and with the cash on top?" (" With the £59.25 before,
    that is £159.25 altogether."); empty when there is none or the currencies differ."""
    if not before or len(sums) != 1:
        return ""
    _label, minor, currency = before
    if currency not in sums:
        return ""
    return (
        f" With the {format_money(int(minor), currency)} before, that is "
        f"{format_money(sums[currency] + int(minor), currency)} altogether."
    )


def _left_out_note(q: SpendingQuery, left_out: list[TransactionView]) -> str:
    """What the total leaves out as asked (" Left out: your mortgage, £946.00 over 1 payment."), or that
    nothing matched what was to be left out."""
    if not q.excluded:
        return ""
    if not left_out:
        labels = " or ".join(e.label for e in q.excluded)
        return f" There were no payments for {labels} in that time to leave out."
    noun = "payment" if q.direction == "out" else "payment in"
    return f" That leaves out {_money_list(currency_sums(left_out))} over {_plural(len(left_out), noun)}."


_ASKED_CURRENCY = re.compile(
    r"\b(?:in|into) (?:(?P<usd>(?:us |american )?dollars?|usd)|(?P<eur>euros?|eur))\b"
    r"(?! (?:account|acc|card))",
    re.IGNORECASE,
)


def _asked_currency(text: str) -> str | None:
    """The currency a total is asked in ("what did they come to in dollars"), or None."""
    found = _ASKED_CURRENCY.search(text)
    if found is None:
        return None
    return "USD" if found.group("usd") else "EUR"


def _sum_in(rows: list[TransactionView], currency: str) -> int | None:
    """The rows added up in ``currency`` (each in its account's currency or the one it was paid in abroad),
    as positive minor units; None when a row was in neither."""
    total = 0
    for t in rows:
        if t.currency == currency:
            total += abs(t.amount_minor)
        elif t.original_currency == currency and t.original_amount_minor is not None:
            total += abs(t.original_amount_minor)
        else:
            return None
    return total


def _in_and_out(
    run: Run,
    q: SpendingQuery,
    rows: list[TransactionView],
    own: frozenset[str],
    facts: dict[str, Any],
) -> Answer:
    """Money in beside money out over one period ("money in vs out last month"), each summed by currency;
    transfers between the customer's own accounts are neither."""
    came_in = [t for t in rows if _counts(t, replace(q, direction="in"), own)]
    went_out = [t for t in rows if _counts(t, replace(q, direction="out"), own)]
    sums_in, sums_out = currency_sums(came_in), currency_sums(went_out)
    net = ""
    if set(sums_in) | set(sums_out) == {"GBP"} or (not sums_in and not sums_out):
        difference = sums_in.get("GBP", 0) - sums_out.get("GBP", 0)
        more = "in than out" if difference >= 0 else "out than in"
        net = f" That is {format_money(abs(difference), 'GBP')} more {more}."
    facts.update(
        aggregate="in_out",
        money_in=_money_list(sums_in) or format_money(0, "GBP"),
        money_out=_money_list(sums_out) or format_money(0, "GBP"),
        totals_in_minor=sums_in,
        totals_out_minor=sums_out,
        in_count=_plural(len(came_in), "payment"),
        out_count=_plural(len(went_out), "payment"),
        net=net,
        transaction_ids=[t.id for t in [*came_in, *went_out]],
    )
    return run.answer("in_out", facts)


async def _put_into_savings(run: Run, q: SpendingQuery, account: AccountView | None) -> Answer:
    """What the customer moved into a savings account from their own accounts over a period ("how much have
    I put in the Easy Saver since September"), and the interest it paid over the same period when asked.

    The savings account is the one named, or the customer's only savings account; without a period it is the
    last ``DEFAULT_DAYS`` days.
    """
    accounts = await run.accounts()
    if account is None or account.kind != "savings":
        savers = [a for a in accounts if a.kind == "savings"]
        if len(savers) != 1:
            return run.answer(
                "none",
                {
                    **_filter_facts(q, q.dates, None, account),
                    "kind": "payments in",
                    "what": " into a savings account",
                    "period": "",
                },
            )
        account = savers[0]
    dates = q.dates or DateRange(run.today - timedelta(days=DEFAULT_DAYS - 1), run.today)
    own = _own_account_names(accounts)
    rows, complete = await fetch_all(
        run,
        TransactionQuery(
            account_id=account.id,
            since=dates.since.isoformat() if dates.since else None,
            until=dates.until.isoformat() if dates.until else None,
        ),
    )
    live = [t for t in rows if t.status != "reversed" and t.amount_minor > 0]
    put_in = [t for t in live if t.merchant.lower() in own]
    interest = [t for t in live if t.category == "interest" and t not in put_in]
    period = _period_text(dates, run.today)
    label = account_label(account)
    sums = currency_sums(put_in)
    if put_in:
        text = (
            f"You put {_money_list(sums)} into your {label}{period}, over {_plural(len(put_in), 'transfer')} "
            f"from your own accounts:\n" + "\n".join(spent_line(t) for t in put_in[:LINES_SHOWN])
        )
    else:
        text = f"I couldn't find any transfers into your {label}{period}."
    if q.interest_too or interest:
        if interest:
            text += (
                f"\nOn top of that it paid {_money_list(currency_sums(interest))} in interest "
                f"({_plural(len(interest), 'payment')}):\n"
                + "\n".join(spent_line(t) for t in interest[:LINES_SHOWN])
            )
            both = currency_sums([*put_in, *interest])
            if q.interest_too and put_in and len(both) == 1:
                # "does that count the interest? if not chuck that on too": the two added up
                text += f"\nWith the interest, that is {_money_list(both)} in all."
        else:
            text += f"\nIt hasn't paid any interest{period}."
    if not complete:
        text += (
            f"\n(There were too many transactions to read them all: this covers the most recent {len(rows)}.)"
        )
    facts = {
        **_filter_facts(q, dates, None, account),
        "text": text,
        "total": _money_list(sums) or format_money(0, "GBP"),
        "totals_minor": sums,
        "interest_minor": currency_sums(interest),
        "transaction_ids": [t.id for t in [*put_in, *interest]],
    }
    return run.answer("put_in", facts)


# --- affordability -------------------------------------------------------------------------------------


def _currency_of(text: str) -> str:
    lowered = text.lower()
    if "€" in text or "euro" in lowered or "eur" in lowered.split():
        return "EUR"
    if "$" in text or "dollar" in lowered or "usd" in lowered.split():
        return "USD"
    return "GBP"


async def _pending_out(run: Run, account: AccountView) -> int:
    since = run.today - timedelta(days=30)
    rows, _ = await fetch_all(run, TransactionQuery(account_id=account.id, since=since.isoformat()))
    return sum(-t.amount_minor for t in rows if t.status == "pending" and t.amount_minor < 0)


# "would I still have at least 6k left", "leave me with over £500": an amount that must remain afterwards.
_LEFT_AFTER = re.compile(r"\b(?:left|leave me|remaining|to spare)\b", re.IGNORECASE)


_PRICE_LIKE_A_YEAR = re.compile(
    r"\b(?:a|an|the|for|about|around|roughly|costs?|costing|of|spend|spending|pay|paying)\s+"
    r"(?P<units>(?:19|20)\d\d)\b(?!\s*(?:-|/)\s*\d)"
)


def _priced_like_a_year(text: str) -> AmountFilter | None:
    """ "could i afford a 2000 holiday": a figure that could be a year, said as a price (after "a", "for",
    "costs"), in a question about affording something."""
    if (m := _PRICE_LIKE_A_YEAR.search(text.lower())) is None:
        return None
    value = int(m.group("units")) * 100
    return AmountFilter(value, value)


async def affordability(run: Run, slots: dict[str, Any]) -> Answer:
    amount_filter, rest = parse_amount(run.text)
    if amount_filter is None:
        # "buying his car for 2,800 cash, what will I have left", "can i afford a 400 tv": what is left, or
        # what is afforded, can only be money; "a 2000 holiday" is a price, not a year
        amount_filter = parse_bare_amount(run.text) or _priced_like_a_year(run.text)
    if amount_filter is None:
        raise run.ask(run.spec.replies["ask_amount"], slot="amount")
    floor: int | None = None
    if amount_filter.min_minor and not amount_filter.around_minor and _LEFT_AFTER.search(run.text):
        # "give him 2 grand: would I still have at least 6k left?": the 6k is what must be left, the 2 grand
        # what is spent.
        spent, _ = parse_amount(rest)
        if spent is not None and (spent.around_minor or spent.min_minor or spent.max_minor):
            floor, amount_filter = amount_filter.min_minor, spent
    amount = amount_filter.around_minor or amount_filter.min_minor or amount_filter.max_minor or 0
    currency = _currency_of(run.text)
    said = format_money(amount, currency)
    if also := [item for item in run.params.get("also") or [] if item[2] == currency]:
        # "and once sky and the tv licence go out?" after what the car would leave: those taken off too.
        parts = [said, *(f"{label} {format_money(int(minor), cur)}".strip() for label, minor, cur in also)]
        amount += sum(int(minor) for _label, minor, _cur in also)
        said = f"{format_money(amount, currency)} ({', '.join(parts[:-1])} and {parts[-1]})"
    accounts = await run.accounts()
    chosen: AccountView | None = slots.get("account")
    currents = [chosen] if chosen else [a for a in accounts if a.kind == "current" and a.currency == currency]
    base: dict[str, Any] = {
        "amount": said,
        "amount_minor": amount,
        "aggregate": "affordability",
        "amount_min": amount_filter.min_minor,
        "amount_max": amount_filter.max_minor,
    }
    if not currents:
        return run.answer("no_account", {**base, "currency": currency, "account_id": None})
    account = max(currents, key=lambda a: a.balance_minor)
    balance = account.balance_minor
    pending = await _pending_out(run, account)
    facts: dict[str, Any] = {
        **base,
        "account_id": account.id,
        "account": account_label(account),
        "balance": format_money(balance, account.currency),
        "balance_minor": balance,
        "pending_note": (
            f" Pending payments of {format_money(pending, account.currency)} are already taken off it."
            if pending
            else " There are no pending payments waiting to come off it."
        ),
    }
    if floor is not None:
        facts["left"] = format_money(balance - amount, account.currency)
        facts["floor"] = format_money(floor, account.currency)
        return run.answer("keeps_floor" if balance - amount >= floor else "below_floor", facts)
    if amount <= balance:
        facts["left"] = format_money(balance - amount, account.currency)
        return run.answer("ok", facts)
    others = [
        a for a in accounts if a.id != account.id and a.currency == account.currency and a.kind == "savings"
    ]
    facts["short_by"] = format_money(amount - max(balance, 0), account.currency)
    facts["others"] = "".join(
        f" Your {account_label(a)} holds {format_money(a.balance_minor, a.currency)}." for a in others
    )
    return run.answer("short", facts)
