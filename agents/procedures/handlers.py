"""What each tool-backed step computes from the bank's data, keyed by the procedure's tool.

Read-only handlers return an ``Answer``; action builders return the tool arguments, the facts for the
confirmation prompt and a one-line summary of the action. Everything a reply says comes from here:
formatted money, dates, masked last fours, cleaned merchant names, never a raw description.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from agents.ports import AccountView, CardView, PaymentView, TransactionQuery, TransactionView
from agents.procedures.context import ALSO, Run
from agents.procedures.dates import add_working_days, day_of, format_day
from agents.procedures.details import account_details
from agents.procedures.kbfacts import delivery_terms
from agents.procedures.money import format_money
from agents.procedures.places import Place, parse_place
from agents.procedures.queries import BILL_KINDS, TRAIN_RE, parse_last_n
from agents.procedures.recurring import cancel_recurring, income, recurring_payments
from agents.procedures.regular import regular_money
from agents.procedures.results import ActionPlan, Answer
from agents.procedures.slots import (
    SEARCH_LIMIT,
    Filters,
    account_label,
    card_facts,
    card_names,
    everyday_word_merchant,
    has_merchant,
    known_merchant_in,
    own_merchant_for,
    parse_filters,
    transaction_facts,
)
from agents.procedures.spending import affordability, spending
from agents.procedures.status import card_status, dispute_status
from agents.procedures.textparse import (
    DEFAULT_DISPUTE_REASON,
    DateRange,
    parse_amount,
    parse_date_range,
    parse_dispute_reason,
    parse_report_kind,
)
from agents.tools.views import clean_name

RECENT_LIMIT = 10
# One latest payment asked for: "what was my last payment", "the most recent transaction", "my last purchase",
# "the last thing I bought", "the last thing that went out" (not "my last 3 payments", not "last payments").
_ONE_LATEST = re.compile(
    r"(?:\b(?:my|the)\s+|^\W*)(?:very\s+)?(?:last|latest|most\s+recent)\s+(?P<card>card\s+)?"
    r"(?P<thing>transaction|payment|purchase|charge|debit|spend|thing\s+(?:(?:that|which)\s+)?(?:i\s+)?"
    r"(?:bought|paid(?:\s+for)?|went\s+out|came\s+out|left|spent|got))(?!s)\b",
    re.IGNORECASE,
)
# "how much did octopus take last time", "what did they charge most recently": a shop's one latest payment.
_LAST_TIME = re.compile(
    r"\b(?:(?:the )?last time|most recently|the latest one)\b(?! (?:i|we) (?:was|were|went))", re.IGNORECASE
)
_ON_THE_CARD = re.compile(r"\bon (?:it|my card|the card|that card|this card|my debit card)\b", re.IGNORECASE)
PAYMENT_LIMIT = 20
PAYMENTS_SHOWN = 5
KB_MIN_SCORE = 0.05

ReadHandler = Callable[[Run, dict[str, Any]], Awaitable[Answer]]


ActionBuilder = Callable[[Run, dict[str, Any]], Awaitable[ActionPlan]]


# --- parameters collected before the slots (so the first message's words are not lost) ----------------


def collect_params(run: Run) -> None:
    if run.spec.tool == "report_card" and (kind := parse_report_kind(run.text)):
        run.params["kind"] = kind
    if run.spec.tool == "open_dispute":
        # the story told just before the request says why too ("it never came" ... "get me that money back")
        story = run.params.get("story")
        told = f"{story}. {run.text}" if isinstance(story, str) and story else run.text
        if reason := parse_dispute_reason(run.text) or parse_dispute_reason(told):
            run.params["reason"] = reason


# --- balances ------------------------------------------------------------------------------------------


def _balance(account: AccountView) -> tuple[str, str]:
    if account.kind == "credit" and account.balance_minor < 0:
        return format_money(-account.balance_minor, account.currency), " owed"
    if account.balance_minor < 0:
        # "is the euro account in the red, and by how much": overdrawn, said in words as well as the sign
        overdrawn = format_money(-account.balance_minor, account.currency)
        return format_money(account.balance_minor, account.currency), f", so it is overdrawn by {overdrawn}"
    return format_money(account.balance_minor, account.currency), ""


async def check_balance(run: Run, slots: dict[str, Any]) -> Answer:
    chosen: AccountView | None = slots.get("account")
    excluded = set(run.params.get("exclude") or [])  # "and the other one?"
    accounts = [chosen] if chosen else [a for a in await run.accounts() if a.id not in excluded]
    if not accounts:
        return run.answer("none")
    if len(accounts) == 1:
        account = accounts[0]
        balance, owed = _balance(account)
        return run.answer(
            "ok",
            {
                "account_id": account.id,
                "account_name": account.name,
                "last4": account.number_last4,
                "balance": balance,
                "owed": owed,
            },
        )
    lines = []
    for account in accounts:
        balance, owed = _balance(account)
        lines.append(f"- {account_label(account)}: {balance}{owed}")
    if _ALL_TOGETHER.search(run.text):
        return _balances_together(run, accounts, lines)
    return run.answer("list", {"lines": "\n".join(lines), "count": len(accounts)})


# "how much do I have altogether", "the current account and the savings added together", "in total across
# my accounts": the accounts' money summed, not only listed.
_ALL_TOGETHER = re.compile(
    r"\b(?:altogether|all together|in total|total|totals|combined|add(?:ed)? (?:together|up)|"
    r"add(?:ed)? (?:them|it|those|the two|both) (?:together|up)|put together|between (?:them|the two|both)|"
    r"in all|all in|sum)\b",
    re.IGNORECASE,
)


def _balances_together(run: Run, accounts: list[AccountView], lines: list[str]) -> Answer:
    """What the customer's own money comes to across the accounts listed, one sum a currency; what is owed
    on a credit card is no money held, so it is said apart rather than taken off."""
    held: dict[str, int] = {}
    owed: list[str] = []
    for account in accounts:
        if account.kind == "credit":
            if account.balance_minor < 0:
                owed.append(
                    f"{format_money(-account.balance_minor, account.currency)} owed on your credit card"
                )
            continue
        held[account.currency] = held.get(account.currency, 0) + account.balance_minor
    total = " and ".join(
        format_money(v, c) for c, v in sorted(held.items(), key=lambda kv: kv[0] != "GBP")
    ) or format_money(0, "GBP")
    counted = sum(1 for a in accounts if a.kind != "credit")
    note = f", not counting the {' and '.join(owed)}" if owed else ""
    return run.answer(
        "list_total",
        {
            "lines": "\n".join(lines),
            "count": counted,
            "total": total,
            "note": note,
            "totals_minor": held,
        },
    )


# --- transactions --------------------------------------------------------------------------------------


def _transaction_line(t: TransactionView) -> str:
    amount = format_money(t.amount_minor, t.currency)
    if t.original_amount_minor is not None and t.original_currency:
        amount += f" ({format_money(t.original_amount_minor, t.original_currency)})"
    status = "" if t.status == "posted" else f" ({t.status})"
    return f"- {format_day(day_of(t.booked_at))}: {clean_name(t.merchant)}, {amount}{status}"


def direction_of(t: TransactionView) -> str:
    """Which way one transaction moved money, in words: out of the account (not a refund) or into it."""
    amount = format_money(abs(t.amount_minor), t.currency)
    name = clean_name(t.merchant)
    day = format_day(day_of(t.booked_at))
    if t.amount_minor < 0:
        said = f"That was a payment out of your account, not a refund: {amount} to {name} on {day}."
    else:
        said = f"That was money into your account: {amount} from {name} on {day}."
    if t.status == "pending":
        said += " It is still pending."
    elif t.status == "reversed":
        said += " It was later reversed, so the money went back."
    return said


_LIVE_FIRST = {"active": 0, "frozen": 1}
# The card a payment was made on may have been stopped since: said, so the customer is not surprised.
_SINCE = {
    "lost": "; that card has since been reported lost",
    "stolen": "; that card has since been reported stolen",
    "cancelled": "; that card has since been cancelled",
}


async def paid_with(run: Run, t: TransactionView) -> tuple[str, list[str]]:
    """Which of the customer's cards paid for one transaction, in words (and that card's id): the card the
    payment was made on, even when that card has since been reported lost or cancelled (failing that, the card
    of the account it came out of, the live one first), or that it was not a card payment."""
    amount = format_money(abs(t.amount_minor), t.currency)
    said = f"{amount} to {clean_name(t.merchant)} on {format_day(day_of(t.booked_at))}"
    account = next((a for a in await run.accounts() if a.id == t.account_id), None)
    where = f"your {account_label(account)}" if account else "your account"
    cards = sorted(
        (c for c in await run.cards() if c.account_id == t.account_id),
        key=lambda c: _LIVE_FIRST.get(c.status, len(_LIVE_FIRST)),
    )
    if not t.by_card or not cards:
        return f"That was not a card payment: {said} went straight out of {where}.", []
    card = next((c for c in cards if t.card_id is not None and c.id == t.card_id), cards[0])
    since = _SINCE.get(card.status, "")
    return f"That was on your {card.brand} card ending {card.last4} ({where}{since}): {said}.", [card.id]


def day_paid(t: TransactionView) -> str:
    """The day of one transaction, in words, with the day of the week."""
    day = day_of(t.booked_at)
    amount = format_money(abs(t.amount_minor), t.currency)
    return f"That was on {day:%A} {format_day(day)}: {amount}, {clean_name(t.merchant)}."


# Who runs a cash machine, as a withdrawal's statement line names it. Only these fixed names are ever said:
# the rest of the line is third-party text.
_ATM_OPERATORS: tuple[tuple[str, str], ...] = (
    ("POST OFFICE", "the Post Office"),
    ("HSBC", "HSBC"),
    ("NOTEMACHINE", "Notemachine"),
    ("LNK", "LINK"),
    ("LINK", "LINK"),
    ("BARCLAYS", "Barclays"),
    ("LLOYDS", "Lloyds"),
    ("NATWEST", "NatWest"),
    ("SANTANDER", "Santander"),
    ("HALIFAX", "Halifax"),
    ("NATIONWIDE", "Nationwide"),
    ("CARDTRONICS", "Cardtronics"),
    ("EURONET", "Euronet"),
)


def machine_used(t: TransactionView) -> str:
    """Which cash machine a withdrawal came out of, in words: who runs it, when the statement names one of
    the operators known here (never the line's own text)."""
    day = day_of(t.booked_at)
    amount = format_money(abs(t.amount_minor), t.currency)
    when = f"{day:%A} {format_day(day)}"
    if t.category != "cash":
        return f"That was not a cash withdrawal: {amount} to {clean_name(t.merchant)} on {when}."
    line = f" {' '.join(re.findall(r'[A-Z0-9]+', t.description.upper()))} "
    operator = next((name for key, name in _ATM_OPERATORS if f" {key} " in line), None)
    if operator is None:
        return f"That was {amount} taken out on {when}; the statement doesn't say whose cash machine it was."
    return (
        f"That was {amount} taken out on {when} at a cash machine run by {operator}. The statement names who "
        "runs the machine, not exactly where it stands."
    )


async def recent_transactions(run: Run, slots: dict[str, Any]) -> Answer:
    account: AccountView | None = slots.get("account")
    place, without_place = parse_place(run.text)
    if place is not None and not run.params.get("until") and not await known_merchant_in(run, run.text):
        # "payments in Italy", "anything abroad this month": the payments made there (a shop of the
        # customer's own, named too, is searched as usual; a sum over a place is the spending procedure's)
        return await _made_in(run, account, place, without_place)
    filters, rest = parse_filters(run.text, run)
    if filters.merchant is None:
        merchant = await known_merchant_in(run, rest) or await everyday_word_merchant(run, rest)
        if merchant:
            filters = Filters(filters.dates, filters.amount, merchant)
    kind = None
    if filters.merchant is not None and not await has_merchant(run, filters.merchant):
        # "the game on steam ... while the kids are in the bath", "the train in France": words read as a shop
        # the customer never paid. A shop of theirs the text names otherwise is the one meant; a kind of
        # spending with known companies (the trains) is searched by those; otherwise the words stand (and a
        # search for them says there is nothing there).
        own = await own_merchant_for(run, filters.merchant, run.text)
        if own is not None or TRAIN_RE.search(run.text):
            kind = None if own is not None else "rail"
            filters = Filters(filters.dates, filters.amount, own)
    if until := run.params.get("until"):
        # "any older ones?": the transactions before the oldest one shown last time.
        before = date.fromisoformat(until) - timedelta(days=1)
        since = filters.dates.since if filters.dates else None
        if since is not None and since > before:
            # "what did I pay at Morrisons on the 14th of October?" then "and the one before that?": the day
            # the last question pinned is not a bound on what came before it (kept, the range would end
            # before it starts and find nothing).
            since = None
        filters = Filters(DateRange(since, before), filters.amount, filters.merchant)
    # "and the one before?": one payment, the one just before the one shown.
    # "what did my last shop at M&S come to?": one payment, when a shop was named
    asked_one = filters.merchant is not None and (
        parse_last_n(run.text)[0] == 1 or bool(_LAST_TIME.search(run.text))
    )
    # "what was my last payment?", "the last thing that went out": the one latest, money out when a payment
    # (not any transaction) is asked for
    latest = None if filters.merchant is not None or run.params.get("limit") else _ONE_LATEST.search(run.text)
    limit = max(1, min(int(run.params.get("limit") or (1 if asked_one else RECENT_LIMIT)), RECENT_LIMIT))
    if kind is not None:
        rows = await filters.search(run, account_id=account.id if account else None, limit=SEARCH_LIMIT)
        found = [t for t in rows if BILL_KINDS[kind][0].search(t.merchant)][:limit]
    else:
        found = await filters.search(run, account_id=account.id if account else None, limit=limit)
    if latest is not None:
        money_out = not latest.group("thing").lower().startswith("transaction")
        on_card = bool(latest.group("card") or _ON_THE_CARD.search(run.text))
        found = [t for t in found if (t.amount_minor < 0 or not money_out) and (t.by_card or not on_card)][
            :1
        ] or found
    if (
        not found
        and filters.merchant
        and (known := await known_merchant_in(run, run.text))
        and known != filters.merchant
        and known in filters.merchant
    ):
        # "my last shop at M&S food hall": the words after the shop's name ("food hall") are not part of
        # the name on the statement; the customer's merchant it starts with is the one meant.
        filters = Filters(filters.dates, filters.amount, known)
        found = await filters.search(run, account_id=account.id if account else None, limit=limit)
    described = filters.describe(account.currency if account else "GBP")
    if account is not None:
        described += f" on your {account_label(account)}"
    facts: dict[str, Any] = {"filters": described, **{f"filter_{k}": v for k, v in filters.to_json().items()}}
    if not found:
        return run.answer("none", facts)
    count = len(found)
    if (about := run.params.get("about")) in ("card", "day", "machine") and count == 1:
        # "which card did I use for that?", "what day was that?", "which machine was it?" about the payment
        # just shown.
        if about == "card":
            said, card_ids = await paid_with(run, found[0])
        else:
            said, card_ids = (day_paid(found[0]) if about == "day" else machine_used(found[0])), []
        return run.answer(
            "about",
            {
                **facts,
                "about": said,
                "lines": _transaction_line(found[0]),  # not said again: what a follow-up can point back at
                "transaction_ids": [found[0].id],
                "card_ids": card_ids,
            },
        )
    if run.params.get("direction") and count == 1:
        # "was that a refund or did it come out of my account?" about the payment just shown.
        return run.answer(
            "direction",
            {
                **facts,
                "direction": direction_of(found[0]),
                "lines": _transaction_line(found[0]),
                "transaction_ids": [found[0].id],
            },
        )
    return _listed(run, facts, found)


async def _made_in(run: Run, account: AccountView | None, place: Place, rest: str) -> Answer:
    """The latest payments made in a place (or abroad), newest first; ``rest`` is the message without the
    place's words."""
    filters, _rest = parse_filters(rest, run)
    filters = Filters(filters.dates, filters.amount, None)
    rows = await filters.search(run, account_id=account.id if account else None, limit=SEARCH_LIMIT)
    found = [t for t in rows if t.status != "reversed" and place.holds(t)][:RECENT_LIMIT]
    described = filters.describe(account.currency if account else "GBP")
    described = f"{described} {place.label}"
    if account is not None:
        described += f" on your {account_label(account)}"
    facts: dict[str, Any] = {"filters": described, **{f"filter_{k}": v for k, v in filters.to_json().items()}}
    if not found:
        return run.answer("none", facts)
    return _listed(run, facts, found)


def _listed(run: Run, facts: dict[str, Any], found: list[TransactionView]) -> Answer:
    """The transactions found, newest first, as the list answer says them."""
    count = len(found)
    return run.answer(
        "ok",
        {
            **facts,
            "count": count,
            "count_text": "most recent transaction" if count == 1 else f"{count} most recent transactions",
            "are_is": "is" if count == 1 else "are",
            "lines": "\n".join(_transaction_line(t) for t in found),
            "transaction_ids": [t.id for t in found],
            "oldest": day_of(found[-1].booked_at).isoformat(),
        },
    )


# --- card arrival --------------------------------------------------------------------------------------


def _ordered_day(card: CardView) -> str | None:
    return card.replacement_ordered_at or card.dispatched_at


async def card_arrival(run: Run, slots: dict[str, Any]) -> Answer:
    cards = await run.cards()
    chosen: CardView | None = slots.get("card")
    if not cards:
        return run.answer("no_cards")
    if chosen is not None and chosen.delivered_at is not None:
        return run.answer(
            "delivered", {**card_facts(chosen), "delivered": format_day(day_of(chosen.delivered_at))}
        )
    if chosen is None:
        travelling = [
            c
            for c in cards
            if c.delivered_at is None and c.status in ("active", "frozen") and _ordered_day(c)
        ]
        if not travelling:
            delivered = [c for c in cards if c.delivered_at]
            if not delivered:
                return run.answer("no_cards")
            latest = max(delivered, key=lambda c: day_of(c.delivered_at or ""))
            return run.answer(
                "none", {**card_facts(latest), "delivered": format_day(day_of(latest.delivered_at or ""))}
            )
        chosen = max(travelling, key=lambda c: day_of(_ordered_day(c) or ""))
    terms = delivery_terms(run.kb)
    ordered = day_of(_ordered_day(chosen) or run.today.isoformat())
    dispatched = day_of(chosen.dispatched_at) if chosen.dispatched_at else ordered
    expected_by = add_working_days(ordered, terms.max_days)
    late_by = add_working_days(ordered, terms.late_after_days)
    facts = {
        **card_facts(chosen),
        "ordered": format_day(ordered),
        "dispatched": format_day(dispatched),
        "min_days": terms.min_days,
        "max_days": terms.max_days,
        "late_days": terms.late_after_days,
        "expected_by": format_day(expected_by),
        "late_by": format_day(late_by),
        "kb_slug": "card-delivery",
    }
    if run.today <= expected_by:
        return run.answer("ok", facts)
    if run.today <= late_by:
        return run.answer("overdue", facts)
    return run.answer("late", facts)


# --- payments ------------------------------------------------------------------------------------------

_PAYEE_STOPWORDS = frozenset(
    "the and for from with will can may bill bills rent pay paid payment payments sent send money transfer "
    "transfers when where what why how has have hasn't did didn't not arrived arrive yet still my your "
    "friend mum dad account bank status today yesterday week month "
    # "have I sent money to anybody": nobody in particular, so every payment
    "anybody anyone somebody someone everybody everyone anywhere people".split()
)
_PAYEE_RE = re.compile(r"\bto\s+(?P<name>[A-Za-z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")
# "how long is it meant to take", "when is it supposed to show": "to" before a verb names nobody paid.
_AFTER_TO_VERBS = frozenset(
    "take takes show appear clear land reach go come get be do know check see find happen process "
    "arrive reflect update go through".split()
)


def _status_text(p: PaymentView, returned_on: str | None = None) -> str:
    expected = format_day(day_of(p.expected_at)) if p.expected_at else None
    if p.status == "completed":
        return f"completed{f', arrived on {expected}' if expected else ''}"
    if p.status == "pending":
        return f"pending: not sent yet, scheduled{f' to be sent on {expected}' if expected else ''}"
    if p.status == "processing":
        by = f" and expected by {expected}" if expected else ""
        return f"processing: not arrived yet, it is held for a security check{by}"
    if p.status == "failed":
        return "failed, so the money was not sent"
    if p.status == "returned":
        back = f", credited back on {returned_on}" if returned_on else ""
        return f"returned to your account by the recipient's bank{back}"
    return p.status


def _payment_line(p: PaymentView, returned_on: str | None = None) -> str:
    amount = format_money(p.amount_minor, p.currency)
    made = format_day(day_of(p.created_at))
    payee, reference = clean_name(p.payee_name), clean_name(p.reference)
    return f"- {amount} to {payee} (reference {reference}), made on {made}: {_status_text(p, returned_on)}."


async def _returned_on(run: Run, p: PaymentView) -> str | None:
    """The day the money of a returned payment came back: the first credit of the same amount from the
    payee into the same account on or after the payment ("when did it come back?")."""
    found = await run.banking.find_transactions(
        TransactionQuery(
            account_id=p.account_id,
            since=day_of(p.created_at).isoformat(),
            min_amount_minor=p.amount_minor,
            max_amount_minor=p.amount_minor,
            limit=20,
        )
    )
    payee = p.payee_name.lower()
    credits = [t for t in found if t.amount_minor > 0 and payee in f"{t.merchant} {t.description}".lower()]
    return format_day(day_of(min(credits, key=lambda t: t.booked_at).booked_at)) if credits else None


def _names_payee(words: set[str], payee: str) -> bool:
    return any(len(w) >= 3 and w not in _PAYEE_STOPWORDS and w in words for w in payee.lower().split())


async def payment_status(run: Run, slots: dict[str, Any]) -> Answer:
    payments = await run.payments(PAYMENT_LIMIT)
    if not payments:
        return run.answer("no_payments")
    _dates, rest = parse_date_range(run.text, run.today)
    amount, _rest = parse_amount(rest)
    words = set(re.findall(r"[a-z][a-z'-]+", run.text.lower()))
    named = [p for p in payments if _names_payee(words, p.payee_name)]
    matching = payments
    described = ""
    if named:
        matching = named
    elif m := _PAYEE_RE.search(run.text):
        first = m.group("name").split()[0].lower()
        if first not in _PAYEE_STOPWORDS and first not in _AFTER_TO_VERBS and len(first) >= 3:
            matching = []
            described = f" to {m.group('name').title()}"
    if amount is not None:
        matching = [p for p in matching if amount.contains(p.amount_minor)]
        described += f" {amount.describe()}"
    if not matching:
        return run.answer("none", {"filters": described})
    shown = matching[:PAYMENTS_SHOWN] if matching is payments else matching
    return run.answer(
        "ok",
        {
            "filters": described,
            "count": len(shown),
            "count_text": "payment" if len(shown) == 1 else f"{len(shown)} most recent payments",
            "lines": "\n".join(
                [
                    _payment_line(p, await _returned_on(run, p) if p.status == "returned" else None)
                    for p in shown
                ]
            ),
            "payment_ids": [p.id for p in shown],
            "statuses": [p.status for p in shown],
        },
    )


# --- knowledge base ------------------------------------------------------------------------------------


async def kb_answer(run: Run, slots: dict[str, Any]) -> Answer:
    slugs = run.spec.kb_slugs
    passages = [p for p in run.kb.search(run.text, k=20) if p.slug in slugs and p.score >= KB_MIN_SCORE]
    if not passages:
        topics = [s.heading.lower() for slug in slugs for s in run.kb.article(slug).sections]
        return run.answer("none", {"topics": ", ".join(topics)})
    best = passages[0]
    return run.answer(
        "ok",
        {
            "title": best.title,
            "heading": best.heading,
            "text": best.text,
            "kb_slug": best.slug,
            "score": round(best.score, 3),
        },
    )


# --- actions -------------------------------------------------------------------------------------------


async def card_action(run: Run, slots: dict[str, Any]) -> ActionPlan:
    card: CardView = slots["card"]
    verb = {"freeze_card": "freeze", "unfreeze_card": "unfreeze"}[run.spec.tool or ""]
    # Further cards the same yes covers ("both my cards were in it"): looked up again, never trusted.
    wanted = [str(i) for i in run.state.get(ALSO) or []]
    also = [c for c in await run.cards() if c.id in wanted and c.id != card.id and c.status == card.status]
    if also and "confirm_together" in run.spec.replies:
        every = [card, *also]
        named = [f"your {c.brand} card ending {c.last4}" for c in every]
        cards = ", ".join(named[:-1]) + f" and {named[-1]}"
        return ActionPlan(
            # The last fours, for the reply of a turn cut short: told from the one record of the action's key.
            args={"card_id": card.id, ALSO: [c.id for c in also], "last4s": [c.last4 for c in every]},
            facts={
                **card_facts(card),
                "cards": cards,
                "which": "both your cards" if len(every) == 2 else f"all {len(every)} of your cards",
            },
            summary=f"{verb} {cards}",
            confirm="confirm_together",
        )
    return ActionPlan(
        args={"card_id": card.id},
        facts=card_facts(card),
        summary=f"{verb} your {card.brand} card ending {card.last4}",
        names=card_names(card, await run.accounts()),
    )


async def report_card(run: Run, slots: dict[str, Any]) -> ActionPlan:
    card: CardView = slots["card"]
    kind = run.params.get("kind")
    if kind not in ("lost", "stolen"):
        raise run.ask(run.spec.replies["ask_kind"], slot="kind")
    return ActionPlan(
        args={"card_id": card.id, "kind": kind},
        facts={**card_facts(card), "kind": kind},
        summary=f"report your {card.brand} card ending {card.last4} as {kind}",
        names=card_names(card, await run.accounts()),
    )


async def open_dispute(run: Run, slots: dict[str, Any]) -> ActionPlan:
    transaction: TransactionView = slots["transaction"]
    facts = transaction_facts(transaction)
    disputes = await run.disputes()
    if any(d.transaction_id == transaction.id and d.status in ("open", "investigating") for d in disputes):
        raise run.stop("already", facts)
    reason = str(run.params.get("reason") or DEFAULT_DISPUTE_REASON)
    repeated = run.params.get("duplicate_of")
    duplicate_note = ""
    if isinstance(repeated, dict) and repeated.get("transaction_id") != transaction.id:
        earlier = f"{repeated.get('amount')} payment on {repeated.get('date')}"
        duplicate_note = f" (the repeat of the same {earlier})"
    return ActionPlan(
        args={"transaction_id": transaction.id, "reason": reason},
        facts={**facts, "reason": reason, "duplicate_note": duplicate_note},
        summary=(
            f"open a dispute about the {facts['amount']} payment to {facts['merchant']} on {facts['date']}"
        ),
    )


READ_HANDLERS: dict[str | None, ReadHandler] = {
    "list_accounts": check_balance,
    "search_transactions": recent_transactions,
    "list_cards": card_arrival,
    "list_payments": payment_status,
    "list_direct_debits": recurring_payments,
    None: kb_answer,
}
# Read procedures that share a tool with another (several read the cards or the transactions) are keyed by
# the procedure's own name, which the engine looks up first.
PROCEDURE_HANDLERS: dict[str, ReadHandler] = {
    "card_status": card_status,
    "dispute_status": dispute_status,
    "spending": spending,
    "affordability": affordability,
    "income": income,
    "regular_money": regular_money,
    "account_details": account_details,
}
ACTION_BUILDERS: dict[str, ActionBuilder] = {
    "freeze_card": card_action,
    "unfreeze_card": card_action,
    "report_card": report_card,
    "open_dispute": open_dispute,
    "cancel_direct_debit": cancel_recurring,
    "cancel_standing_order": cancel_recurring,
    "cancel_scheduled_payment": cancel_recurring,
}
