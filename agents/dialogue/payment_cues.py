"""Whether a message asks how one of the customer's own payments stands ("did the 630 I sent Hollie go
through?", "has the £555 to Diana left my account yet?", "did my 470 to joanne go?").

The question is read against the customer's payment records: it names the payee (a word of the payee's
name) or the exact amount of one of them, and asks whether it went, arrived, left or bounced. Such a
question is answered from the records (processing, pending with the day it is sent, failed, returned);
it is never turned into a card's status or an offer to act.
"""

from __future__ import annotations

import re

from agents.dialogue.cues import normalise, urgent_intent
from agents.ports import BankingPort, PaymentView

# Words of whether a payment went: "go through", "left my account", "arrived", "has it gone", "bounced".
_WENT = re.compile(
    r"\b(?:gone through|go through|went through|get through|got through|gone|go|went|left|leave|arrived?|"
    r"reached|received|got (?:it|there|the money)|landed|cleared|been sent|sent (?:yet|ok|okay|properly)|"
    r"bounced|failed|come back|came back|been paid|paid out|"
    # "did it actually come out of my account", "was it taken off my balance": whether the money left
    r"come out|came out|coming out|gone out|went out|taken (?:out|off|from)|been taken|debited|come off|"
    r"came off|"
    # "when will it actually land", "when does it get there": when it arrives
    r"land|lands|arrive|arrives|get there|gets there|reach (?:him|her|them)|clear|clears|go in|goes in|"
    # "so will hollie have it today?", "has he got the money yet": the payee has it
    r"(?:have|has|had|get|gets|got) (?:it|the money|the cash|that)(?! back))\b"
)
_ASKS = re.compile(
    r"\b(?:did|didnt|has|hasnt|have|havent|is|was|wasnt|whats happened|what happened|where is|wheres|"
    r"any sign|check|not received|never got|hasnt got|havent got|not got|says? (?:she|he|they) (?:hasnt|"
    r"havent|never|didnt)|when (?:will|does|should|is|would)|whens|what day|which day|what date|which date|"
    # "whats the date trevor gets it": the day asked for
    r"(?:whats|what is|what s) the (?:date|day))\b"
)
# A change asked for, a dispute or a payment not made by the customer: not a status question.
_NOT_STATUS = re.compile(
    r"\b(?:cancel\w*|stop|dispute|refund|recogni[sz]e|fraud\w*|scam\w*|send (?:it )?again|resend|"
    r"pay (?:it|them|her|him) again|make a payment|set up a)\b"
)
# "and trevor's money, what day did you say": the day of a payment asked again, with no word of going.
_WHEN_ASKED = re.compile(
    r"\b(?:what day|which day|what date|which date|when|(?:whats|what is) the (?:date|day))\b"
)
_MONEY = re.compile(r"\b(?:money|payment|transfer|cash|quid|pounds)\b|£")
_PAYEE_NOISE = frozenset(
    "the and for from with mrs miss ltd limited bank account payment money rent loan".split()
)
_AMOUNT = re.compile(r"(?<![\d.,])£?(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d{2}))?(?![\d.,])")
PAYMENTS_READ = 20


def _amounts(words: str) -> set[int]:
    """Whole amounts and amounts with pence the message names, in minor units."""
    found: set[int] = set()
    for m in _AMOUNT.finditer(words):
        pounds = int(m.group(1).replace(",", ""))
        found.add(pounds * 100 + int(m.group(2) or 0))
    return found


def _names(payment: PaymentView, words: set[str], amounts: set[int]) -> bool:
    payee = {w for w in re.findall(r"[a-z]+", payment.payee_name.lower()) if len(w) >= 3}
    return bool((payee - _PAYEE_NOISE) & words) or payment.amount_minor in amounts


def _named_payees(text: str, payments: list[PaymentView]) -> set[str]:
    """The payees of the payments the text names, by a word of the payee's name or by the amount."""
    # Amounts are read before normalising, so that "£555.00" keeps its pence and "1,200" its thousands.
    amounts = _amounts(re.sub(r"[^\d£.,\s]", " ", text.lower().replace("’", "'")))
    vocabulary = set(normalise(text).split())
    vocabulary |= {w[:-1] for w in vocabulary if w.endswith("s")}  # "trevor's money": Trevor
    return {p.payee_name for p in payments if _names(p, vocabulary, amounts)}


def _asks_how_it_went(words: str, text: str) -> bool:
    """A question whether money went through, left, arrived or bounced (``words``: ``text`` normalised)."""
    if _NOT_STATUS.search(words) or urgent_intent(text):
        return False
    return bool(_ASKS.search(words) or text.strip().endswith("?"))


async def asks_payment_status(text: str, banking: BankingPort) -> bool:
    """Whether the message asks whether one of the customer's own payments (named by payee or amount)
    went through, left, arrived or bounced."""
    words = normalise(text)
    went = _WENT.search(words) or (_WHEN_ASKED.search(words) and _MONEY.search(words))
    if not went or not _asks_how_it_went(words, text):
        return False
    return bool(_named_payees(text, await banking.list_payments(limit=PAYMENTS_READ)))


# What points back at a payment the customer spoke of just before: "was the money ever taken out my account",
# "did it come out of my account or not", "has that payment gone".
_POINTER = re.compile(
    r"\b(?:it|that|this|the money|that money|the payment|that payment|the transfer|that transfer|the cash)\b"
)


async def payment_referred_to(text: str, previous: str, banking: BankingPort) -> str | None:
    """The payee of the one payment of the customer's own that the message before named ("your lot let my
    holiday money to joanne fail... want a complaint raising"), when this message asks how "it" or "the
    money" stands and names no payment itself ("so was the money ever taken out my account or not")."""
    words = normalise(text)
    if not previous or not _POINTER.search(words) or not _WENT.search(words):
        return None
    if not _asks_how_it_went(words, text):
        return None
    # One read of the payments: a message naming a payment itself asks about that one (asks_payment_status).
    payments = await banking.list_payments(limit=PAYMENTS_READ)
    if _named_payees(text, payments):
        return None
    payees = _named_payees(previous, payments)
    return payees.pop() if len(payees) == 1 else None
