"""Duplicate charges: the same amount to the same merchant twice within a few days.

"They took £40-odd twice for the same order" names neither transaction exactly; what identifies the one to
dispute is that it repeats an earlier one. The later of a pair is the duplicate (the first is the purchase
the customer meant to make); with three identical charges, the second and third are both duplicates of
the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from agents.ports import TransactionView

DUPLICATE_WINDOW = timedelta(days=3)
_DUPLICATE_CUE_RE = re.compile(
    r"\b(?:twice|double[- ]?(?:charged|charge|billed|debited|taken|payment)s?|charged\s+double"
    r"|duplicate[ds]?|duplicated|two\s+times|same\s+(?:payment|charge|order|thing)\s+(?:again|twice)"
    r"|(?:charged|billed|debited|taken|took)\s+(?:me\s+)?(?:it\s+)?(?:again|two\s+times)"
    r"|double\s+(?:dip\w*|taken)"
    # "did Sky charge me double", "they've billed us double"
    r"|(?:charg\w*|bill\w*|debit\w*|took|tak\w*)\s+(?:me\s+|us\s+|him\s+|her\s+)?(?:it\s+)?double)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Duplicate:
    original: TransactionView
    repeat: TransactionView


# Something the merchant did twice that is no charge: "they'd sold the seat twice", "double-booked the room",
# "booked us in twice"; and the customer chasing them twice ("I have written to them twice", "rang twice").
NOT_A_CHARGE_RE = re.compile(
    r"\b(?:sold|booked|let|rented|allocated|assigned|gave|given|promised|reserved|issued)\s+(?:\w+\s+){0,3}?"
    r"twice\b|\b(?:double|over)[- ]?book\w*\b"
    r"|\b(?:written|wrote|write|rang|rung|ring|phoned|phone|called|call|emailed|email|e-mailed|messaged|"
    r"message|texted|chased|chase|contacted|contact|complained|asked|tried|visited|been back|"
    r"gone back|went back)"
    r"\s+(?:\w+\s+){0,4}?twice\b",
    re.IGNORECASE,
)


def mentions_duplicate(text: str) -> bool:
    """ "charged twice", "double charge", "took it twice", "duplicate payment" ... (never "they sold my seat
    twice": the merchant's mistake, one payment)."""
    return bool(_DUPLICATE_CUE_RE.search(NOT_A_CHARGE_RE.sub(" ", text)))


# "was I charged twice by Wagamama", "have they taken it twice", "did Netflix charge me double": a question,
# asked by the word order even without a question mark (not "I was charged twice", which tells it).
_ASKED_RE = re.compile(
    r"^\W*(?:(?:hi|hiya|hello|hey|um+|erm+|so|ok|okay|right|quick question|just wondering)\W+)*"
    r"(?:was|were|have|has|did|do|does|am|is|are|could|can)\s+"
    r"(?:i|we|they|you|it|he|she|my|me|the|this|that|there|\w+\s+(?:charg\w*|tak\w*|took|bill\w*))\b",
    re.IGNORECASE,
)


def asks_if_repeated(text: str) -> bool:
    """Whether a message about a double charge asks if it happened ("?" or a question's word order) rather
    than telling it."""
    return "?" in text or bool(_ASKED_RE.search(text))


def _moment(t: TransactionView) -> datetime:
    moment = datetime.fromisoformat(t.booked_at if len(t.booked_at) > 10 else t.booked_at + "T00:00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def find_duplicates(rows: list[TransactionView]) -> list[Duplicate]:
    """Each money-out charge that repeats an earlier one (same merchant, currency and amount, within
    ``DUPLICATE_WINDOW``), newest repeat first. Reversed charges are neither originals nor repeats."""
    charges = sorted(
        (t for t in rows if t.amount_minor < 0 and t.status != "reversed"), key=lambda t: (_moment(t), t.id)
    )
    found: list[Duplicate] = []
    for i, later in enumerate(charges):
        for earlier in charges[:i]:
            if (
                earlier.merchant.lower() == later.merchant.lower()
                and earlier.amount_minor == later.amount_minor
                and earlier.currency == later.currency
                and _moment(later) - _moment(earlier) <= DUPLICATE_WINDOW
            ):
                found.append(Duplicate(original=earlier, repeat=later))
                break
    return sorted(found, key=lambda d: (_moment(d.repeat), d.repeat.id), reverse=True)
