"""Port views as JSON-ready dicts for tool results and audit logs.

Only last fours of card and account numbers ever appear (the views carry nothing more). Third-party
free text is kept out: a transaction's raw ``description`` is never returned (it is where injected
instructions hide); merchant and payee names are trimmed, stripped of control characters, and any long
digit run in them is masked to its last four.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from agents.ports import (
    AccountView,
    ActionResult,
    CardView,
    DisputeView,
    PaymentView,
    RecurringPaymentView,
    TransactionView,
)
from agents.procedures.money import format_money

MAX_NAME_CHARS = 48
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){5,}")


def mask_digits(text: str) -> str:
    """Any run of six or more digits becomes "****" + its last four."""
    return _LONG_DIGITS.sub(lambda m: "****" + re.sub(r"\D", "", m.group())[-4:], text)


def clean_name(text: str) -> str:
    """A third-party name fit to show: printable, one line, short, no long numbers."""
    printable = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    single = " ".join(printable.split())
    if len(single) > MAX_NAME_CHARS:
        single = single[: MAX_NAME_CHARS - 1].rstrip() + "…"
    return mask_digits(single)


def account_dict(a: AccountView) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "name": clean_name(a.name),
        "currency": a.currency,
        "balance_minor": a.balance_minor,
        "balance": format_money(a.balance_minor, a.currency),
        "number_last4": a.number_last4,
    }


def card_dict(c: CardView) -> dict[str, Any]:
    return {
        "id": c.id,
        "account_id": c.account_id,
        "brand": c.brand,
        "last4": c.last4,
        "status": c.status,
        "expiry": c.expiry,
        "dispatched_at": c.dispatched_at,
        "delivered_at": c.delivered_at,
        "replacement_ordered_at": c.replacement_ordered_at,
    }


def transaction_dict(t: TransactionView) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": t.id,
        "account_id": t.account_id,
        "booked_at": t.booked_at,
        "merchant": clean_name(t.merchant),
        "amount_minor": t.amount_minor,
        "amount": format_money(t.amount_minor, t.currency),
        "currency": t.currency,
        "category": t.category,
        "status": t.status,
    }
    if t.original_amount_minor is not None and t.original_currency:
        result["original_amount_minor"] = t.original_amount_minor
        result["original_currency"] = t.original_currency
        result["original_amount"] = format_money(t.original_amount_minor, t.original_currency)
    return result


def payment_dict(p: PaymentView) -> dict[str, Any]:
    return {
        "id": p.id,
        "account_id": p.account_id,
        "payee_name": clean_name(p.payee_name),
        "payee_account_last4": p.payee_account_last4,
        "amount_minor": p.amount_minor,
        "amount": format_money(p.amount_minor, p.currency),
        "currency": p.currency,
        "reference": clean_name(p.reference),
        "scheme": p.scheme,
        "status": p.status,
        "created_at": p.created_at,
        "expected_at": p.expected_at,
    }


def dispute_dict(d: DisputeView) -> dict[str, Any]:
    return {
        "id": d.id,
        "transaction_id": d.transaction_id,
        "reason": clean_name(d.reason),
        "status": d.status,
        "created_at": d.created_at,
    }


def recurring_dict(r: RecurringPaymentView) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "account_id": r.account_id,
        "payee_name": clean_name(r.payee_name),
        "amount_minor": r.amount_minor,
        "amount": format_money(r.amount_minor, r.currency),
        "currency": r.currency,
        "frequency": r.frequency,
        "next_date": r.next_date,
        "reference": clean_name(r.reference),
        "status": r.status,
    }


_THIRD_PARTY_TEXT = frozenset({"merchant", "payee_name", "reference"})


def action_dict(r: ActionResult) -> dict[str, Any]:
    outcome = {
        k: clean_name(v) if k in _THIRD_PARTY_TEXT and isinstance(v, str) else v for k, v in r.outcome.items()
    }
    return {"ok": True, "action": r.action, "target_id": r.target_id, "replayed": r.replayed, **outcome}
