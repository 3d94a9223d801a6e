"""Questions about how things stand ("is my card still active?", "any news on my dispute?"), answered from
the tools. A question is never turned into an offer to change anything: these procedures only read."""

from __future__ import annotations

import calendar
import re
from typing import Any

from agents.ports import CardView
from agents.procedures.context import Run
from agents.procedures.dates import day_of, format_day
from agents.procedures.money import format_money
from agents.procedures.results import Answer
from agents.procedures.slots import parse_currency
from agents.procedures.textparse import parse_card_brand, parse_last4
from agents.tools.views import clean_name

_CARD_STATUS_TEXT = {
    "active": "active: it works for payments and cash withdrawals",
    "frozen": "frozen: card payments and cash withdrawals are blocked until you unfreeze it",
    "lost": "cancelled because it was reported lost",
    "stolen": "cancelled because it was reported stolen",
    "cancelled": "cancelled",
}
_DISPUTE_STATUS_TEXT = {
    "open": "open: we have received it and will look into it",
    "investigating": "being investigated",
    "resolved": "resolved",
    "rejected": "closed without a refund",
    "closed": "closed",
}


# "is the old one definitely dead?": after talk of cards, "one" is the card.
_OLD_CARD = re.compile(
    r"\b(?:old|previous|lost|stolen|cancelled|canceled|missing)\s+(?:\w+\s+)?(?:card|one)\b"
    r"|\bcard\b.{0,30}\b(?:i|we) (?:had |have )?(?:lost|reported|cancelled|canceled)\b"
    r"|\bthe one (?:i|we) (?:lost|reported)\b",
    re.IGNORECASE,
)


# "when does my card run out?": the expiry is given with the card's state.
_EXPIRY_ASKED = re.compile(
    r"\b(?:expir\w*|exp date|run out|runs out|running out|out of date|"
    r"valid (?:until|till|to|for|in|by|through)|good (?:until|till|for)|end date|"
    r"still (?:be )?(?:valid|good)|lasts? (?:until|till|through|past|beyond))\b",
    re.IGNORECASE,
)


def _expiry(card: CardView) -> str:
    month, _, year = card.expiry.partition("/")
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12):
        return card.expiry
    return f"{calendar.month_name[int(month)]} 20{year[-2:]} ({card.expiry})"


def _card_line(card: CardView, *, expiry: bool = False) -> str:
    line = f"your {card.brand} card ending {card.last4} is {_CARD_STATUS_TEXT.get(card.status, card.status)}"
    if expiry and card.status in ("active", "frozen"):
        line += f"; it expires at the end of {_expiry(card)}"
    return line


async def _named_cards(run: Run, cards: list[CardView]) -> list[CardView]:
    last4, rest = parse_last4(run.text)
    if last4:
        return [c for c in cards if c.last4 == last4]
    brand = parse_card_brand(rest)
    if brand:
        return [c for c in cards if c.brand == brand]
    words = rest.lower()
    # "is the debit one ok? the credit one got declined": of two cards named, the one asked about first
    said = {k: words.find(w) for k, w in (("credit", "credit"), ("current", "debit")) if w in words}
    kind = min(said, key=lambda k: said[k]) if said else None
    if kind:
        kinds = {a.id: a.kind for a in await run.accounts()}
        return [c for c in cards if kinds.get(c.account_id) == kind]
    if currency := parse_currency(rest):
        # "the card that goes with the euro one": the card of the account in that currency, when one has it
        currencies = {a.id: a.currency for a in await run.accounts()}
        return [c for c in cards if currencies.get(c.account_id) == currency] or cards
    return cards


# "what are the last four numbers of my euro card", "what does the credit card end in": which card is which,
# so each card is told with the account it spends from.
_ENDING_ASKED = re.compile(r"\b(?:last|final) (?:4|four)\b|\bend (?:in|with)\b", re.IGNORECASE)


# "what cards do i have with you", "list all my cards", "how many cards have I got": the cards themselves are
# asked for, the lost and cancelled ones too (each with its status), not whether the one in use works.
_ALL_CARDS_ASKED = re.compile(
    r"\b(?:what|which|how many|list|all|every|each of)\b(?: (?:of )?(?:the|my|our))?(?: \w+)? cards\b"
    r"|\bcards? (?:do|have) (?:i|we) (?:have|got)\b"
    r"|\b(?:one|either|both) of (?:my|the|our) cards\b.{0,60}\bwhich (?:one|card)\b",
    re.IGNORECASE,
)


async def card_status(run: Run, slots: dict[str, Any]) -> Answer:
    cards = await run.cards()
    if not cards:
        return run.answer("none")
    excluded = set(run.params.get("exclude") or [])
    named = await _named_cards(run, [c for c in cards if c.id not in excluded] if excluded else cards)
    if not named:
        return run.answer("not_found", {"target": "that card"})
    # Cancelled cards only matter when named; the cards in use answer "is my card active?".
    in_use = [c for c in named if c.status in ("active", "frozen")]
    shown = in_use or named
    if _ALL_CARDS_ASKED.search(run.text):
        # "what cards do I have": every one, in use first
        shown = in_use + [c for c in named if c not in in_use]
    elif _OLD_CARD.search(run.text) and (old := [c for c in named if c not in in_use]):
        # "found my old card down the sofa, is it definitely stopped?": the card they lost, then the new one.
        shown = old + in_use
    asked_expiry = bool(_EXPIRY_ASKED.search(run.text))
    lines = [_card_line(c, expiry=asked_expiry) for c in shown]
    if _ENDING_ASKED.search(run.text):
        names = {a.id: clean_name(a.name) for a in await run.accounts()}
        lines = [
            f"{line} (it is the card for your {names[c.account_id]})" if c.account_id in names else line
            for line, c in zip(lines, shown, strict=True)
        ]
    if len(lines) == 1:
        text = lines[0][0].upper() + lines[0][1:] + "."
    else:
        text = "\n".join(f"- {line[0].upper()}{line[1:]}" for line in lines)
    if _DECLINED.search(run.text) and (
        short := await _overdrawn_behind(run, [c for c in shown if c in in_use])
    ):
        # "my card was declined, is it blocked?": the card works, but the account it spends from is
        # overdrawn, which is why a payment can be declined.
        text += "\n\n" + short
    return run.answer(
        "ok",
        {"lines": text, "card_ids": [c.id for c in shown], "statuses": {c.last4: c.status for c in shown}},
    )


# A payment that would not go through, in the words that say so plainly (the support cues tag a card question
# with them); card_status also hears the looser ones ("bounced", "didn't work").
DECLINE_WORDS = r"declin\w*|refused|rejected|wouldn'?t (?:go through|work|take)"
_DECLINED = re.compile(
    rf"\b(?:{DECLINE_WORDS}|bounced|didn'?t (?:go through|work)|did not (?:go through|work)|"
    r"won'?t (?:go through|work)|not going through|stopped working)\b",
    re.IGNORECASE,
)


async def _overdrawn_behind(run: Run, cards: list[CardView]) -> str:
    """The accounts behind ``cards`` that are overdrawn, said plainly; "" when none is."""
    accounts = {a.id: a for a in await run.accounts()}
    said: list[str] = []
    for card in cards:
        account = accounts.get(card.account_id)
        if account is not None and account.balance_minor < 0:
            balance = format_money(account.balance_minor, account.currency)
            said.append(
                f"Your card ending {card.last4} spends from your {account.name} ending "
                f"{account.number_last4}, which is overdrawn at {balance}: that is likely why a payment was "
                "declined. Paying money in will let the card work again."
            )
    return " ".join(said)


async def dispute_status(run: Run, slots: dict[str, Any]) -> Answer:
    disputes = await run.disputes()
    if not disputes:
        return run.answer("none")
    lines = []
    for dispute in disputes:
        txn = await run.banking.get_transaction(dispute.transaction_id)
        what = (
            f"the {format_money(abs(txn.amount_minor), txn.currency)} payment to {clean_name(txn.merchant)}"
            if txn is not None
            else "a payment"
        )
        opened = format_day(day_of(dispute.created_at))
        status = _DISPUTE_STATUS_TEXT.get(dispute.status, dispute.status)
        lines.append(f"- Your dispute about {what}, opened on {opened}, is {status}.")
    return run.answer("ok", {"lines": "\n".join(lines), "count": len(disputes)})
