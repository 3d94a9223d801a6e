"""One reader for questions about the money that comes in or goes out regularly, in any wording.

Customers ask about their regular money in many ways: "what comes into my account regularly", "what goes
out by itself every month", "does my saver pay interest every month or what", "do my wages always land on
the 25th", "so what's that a month all in" (right after the list), "which of those do I have" (right after
the difference between a standing order and a direct debit). Rather than one cue per sentence, the message
is read along four independent lines, and the answer is composed from them:

- which way the money goes: in (salary, interest, what lands in the account) or out (direct debits,
  standing orders, bills, what leaves the account), or both;
- that it is regular: every month, by itself, automatically, how often, always on the same day;
- what it is about: the salary, the interest, or everything of that direction;
- what is asked of it: the list, what it comes to a month, how often it pays, whether it lands on the same
  day.

``read_regular`` returns a ``RegularAsk`` or None. Nothing here reads the bank's data: the procedures do
(``agents.procedures.regular`` for money in, ``recurring_payments`` for money out).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from agents.dialogue.cues import normalise
from agents.procedures.textparse import parse_date_range

Aspect = Literal["list", "total", "how_often", "same_day"]
Subject = Literal["salary", "interest", ""]


@dataclass(frozen=True)
class RegularAsk:
    money_in: bool
    money_out: bool
    aspect: Aspect
    subject: Subject = ""
    follow_up: bool = False  # read with the message or answer before ("which of those", "that a month")

    @property
    def general_out(self) -> bool:
        """Only what goes out regularly, asked of its own (not a follow-up): the recurring payments' question,
        which their own cues read first."""
        return self.money_out and not self.money_in and not self.follow_up

    def as_params(self) -> dict[str, Any]:
        return {"in": self.money_in, "out": self.money_out, "aspect": self.aspect, "subject": self.subject}


# That it happens again and again, or by itself.
_REGULAR = re.compile(
    r"\b(?:regular(?:ly)?|recurring|repeat(?:s|ing)?|by (?:it ?self|themselves|themself)|"
    r"on (?:its|their) own|automatic(?:ally)?|"
    r"(?:every|each|a|per) (?:month|week|quarter|year|fortnight|few months)|"
    r"monthly|weekly|quarterly|yearly|annually|how often|how regularly|"
    r"always|usually|normally)\b"
)
# Money coming in: the words of arriving, and the kinds of income.
_IN = re.compile(
    r"\binto (?:my|the|our) (?:\w+ ){0,2}account\b|"
    r"\b(?:comes? in(?:to)?|coming? in(?:to)?|came in(?:to)?|goes in(?:to)?|go in(?:to)?|going in(?:to)?|"
    r"gets? paid in(?:to)?|paid in(?:to)?|lands?|landing|landed|credited|"
    r"income|incoming|earnings?|earn|money in|receive|received|receiving|get paid|"
    r"pays? (?:me|us|out|any|interest)|paying (?:me|us|interest))\b"
)
_OUT = re.compile(
    r"\b(?:comes? out|coming out|came out|goes? out|going out|went out|leaves?|leaving|gets? taken|"
    r"taken out|paid out|outgoings?|direct debits?|dds|standing orders?|bills?|subscriptions?|"
    r"out of my (?:\w+ )?account)\b"
)
_SALARY = re.compile(r"\b(?:wages?|salary|salaries|pay ?cheques?|pay ?packets?|pay ?day|my pay|take ?home)\b")
_INTEREST = re.compile(r"\binterest\b")
# The salary named only as a point in time the question is set against ("trying to line my bills up with
# payday", "before my wages go in"): what is asked about is the other payment, not the salary.
_SALARY_AS_WHEN = re.compile(
    r"\b(?:with|before|after|around|until|till|til|near|to|by)(?: when)? (?:my |the |our )?"
    r"(?:pay ?day|wages?|salary|pay)\b(?: (?:goes|go|comes|come|lands?) in)?"
)
# What the regular money comes to: a total a month.
_TOTAL = re.compile(
    r"\b(?:total|totals|altogether|all together|all in|in all|sum|add(?:s|ed)? up|come to|comes to|"
    r"coming to|combined|how much (?:is|are) (?:that|those|they|them|it)(?: all)?)\b"
)
_A_MONTH = re.compile(r"\b(?:(?:a|per|each|every) month|monthly)\b")
# How often it pays, or whether it pays every month.
_HOW_OFTEN = re.compile(
    r"\bhow often\b|\bhow regularly\b|\b(?:every|each|a|per) (?:month|week|quarter|year)\b.{0,20}\bor\b|"
    r"\b(?:monthly|weekly|quarterly|yearly|annually)\b.{0,20}\bor\b|"
    r"\b(?:does|do|is|will)\b.{0,40}\b(?:every|each) (?:month|week|quarter|year)\b|"
    r"\bwhen (?:does|do|will) (?:it|they|my \w+(?: \w+)?) (?:pay|get paid|come|land)\b"
)
# Whether it has been paid this time: "has it been paid?", "has the interest come in yet", "did it land".
_PAID_YET = re.compile(
    r"\b(?:has|have|did|is|was)\b(?: \w+){0,6}? (?:been paid|been credited|paid|credited|come in|"
    r"came in|come|arrived|landed|gone in|went in)\b(?! (?:on|for|by) (?:my|the) card)"
    r"|\b(?:paid|come in|credited|arrived|landed) yet\b"
)
# Whether it comes on the same day each time.
_SAME_DAY = re.compile(
    r"\b(?:always|usually|normally|every time|each time)\b.{0,40}\b(?:on the \d{1,2}(?:st|nd|rd|th)?|"
    r"(?:same|that) (?:day|date)|on (?:a|the same) \w+day)\b|"
    r"\bsame (?:day|date)\b|\bwhat (?:day|date) (?:do|does|will)\b.{0,30}\b(?:usually|normally|always)\b"
)
# "which ones of those do I have", "have I got any of them", "which of these are mine": the customer's own
# of the things just explained.
_WHICH_MINE = re.compile(
    r"\b(?:which|what)(?: ones?)? (?:of (?:those|these|them|each|either|the two)|(?:ones )?(?:do|have) i)\b"
    r".{0,30}\b(?:have|got|mine|set up|pay)\b|"
    r"\b(?:do|have) i (?:have|got) (?:any|either|one|some)(?: of (?:those|these|them|each))?\b|"
    r"\bwhich (?:ones? )?are mine\b"
)
_KINDS_NAMED = re.compile(
    r"\b(?:direct ?debits?|dds|standing ?orders?|scheduled payments?|regular payments?)\b"
)
# Not about what is set up: a dispute, fraud or a cancellation is another procedure's.
_NOT_THIS = re.compile(
    r"\b(?:dispute\w*|refund\w*|fraud\w*|scam\w*|recogni[sz]e\w*|unauthori[sz]ed|wasnt me|not me|"
    r"charged twice|cancel\w*|stop(?:ped)?|rate|rates|aer|gross)\b"
)
FOLLOW_UP_WORDS = 10


def without_salary_as_when(words: str) -> str:
    """The normalised words without the salary named only as the time the question is set against ("line my
    bills up with payday", "goes out before my wages go in"), so it is not read as the thing asked about."""
    return _SALARY_AS_WHEN.sub(" ", words)


_REGULAR_PROCEDURES = frozenset({"recurring_payments", "regular_money"})


def read_regular(
    text: str, *, previous: str = "", frame: Mapping[str, Any] | None = None
) -> RegularAsk | None:
    """What the message asks about the customer's regular money, or None when it asks something else.

    ``previous`` is the customer's message before this one and ``frame`` what the last answer was about:
    "which of those do I have" and "what's that a month all in" are read with them.
    """
    words = normalise(text)
    if not words or _NOT_THIS.search(words):
        return None
    frame = frame or {}
    short = len(words.split()) <= FOLLOW_UP_WORDS
    if _WHICH_MINE.search(words) and (_KINDS_NAMED.search(normalise(previous)) or _KINDS_NAMED.search(words)):
        return RegularAsk(money_in=False, money_out=True, aspect="list", follow_up=True)
    about = without_salary_as_when(words)
    subject: Subject = "interest" if _INTEREST.search(words) else "salary" if _SALARY.search(about) else ""
    regular = bool(_REGULAR.search(words))
    if subject == "interest" and (_HOW_OFTEN.search(words) or regular or _PAID_YET.search(words)):
        # "does my easy saver pay interest every month or what": how often it pays, and the last payment.
        return RegularAsk(money_in=True, money_out=False, aspect="how_often", subject="interest")
    if subject == "salary" and _SAME_DAY.search(words):
        # "do my wages always land on the 25th": the days they came, compared.
        return RegularAsk(money_in=True, money_out=False, aspect="same_day", subject="salary")
    money_in, money_out = bool(_IN.search(about)), bool(_OUT.search(words))
    total = bool(_TOTAL.search(words))
    if (
        short
        and total
        and not money_in
        and not subject
        and str(frame.get("procedure", "")) in _REGULAR_PROCEDURES
        and (_A_MONTH.search(words) or _TOTAL.search(words))
    ):
        # "so what's that a month all in" right after the regular payments were listed: their monthly total.
        return RegularAsk(money_in=False, money_out=True, aspect="total", follow_up=True)
    if not regular or subject or not (money_in or money_out):
        return None
    if total and money_in and not money_out and parse_date_range(words, date.today())[0] is not None:
        # "proof of regular income: whats come in from my job over the last 3 months, total please": the sum
        # of what came in over that period (the income's own answer), not the list of regular payments.
        return None
    # "what comes into my account regularly (and what goes out by itself)", "what leaves automatically"
    return RegularAsk(money_in=money_in, money_out=money_out, aspect="total" if total else "list")
