"""Deterministic cues for recurring payments, income and cancellations, which Banking77 has no intent for.

``recurring_intent`` names the procedure or returns None:

- ``cancel_direct_debit`` / ``cancel_standing_order`` / ``cancel_scheduled_payment``: a request to stop
  one (the triage model reads "cancel my direct debit" as a direct debit not recognised, i.e. a dispute,
  and "stop the scheduled payment" as a payment status question);
- ``recurring_payments``: a question about direct debits, standing orders or scheduled payments;
- ``income``: did the salary arrive, when was I last paid.

It stays out of the way of disputes and fraud ("a direct debit I don't recognise", "refund", "charged
twice"): those go to the dispute procedure as before. It is checked in ``route`` before the model's intent.

Customers often do not know whether a payment is a direct debit, a standing order or a scheduled payment
("stop paying Sky", "cancel the pocket money to Oliver"): ``cancel_by_payee`` reads the customer's own
active ones through the port and names the kind whose payee or reference the request mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from agents.dialogue.cues import normalise, requested_dispute, urgent_intent
from agents.dialogue.regular_money import without_salary_as_when
from agents.ports import BankingPort, RecurringPaymentView, TransactionQuery
from agents.procedures.money import format_money
from agents.procedures.queries import parse_period
from agents.procedures.recurring import (
    FROM_DAY_TO_DAY,
    PER_YEAR,
    asks_next_payment,
    asks_same_day,
    asks_total,
    card_paid_to_named,
    kinds_asked,
    matches_words,
    named_words,
    next_after_words,
)
from agents.procedures.spending import ASKS_NEXT
from agents.procedures.textparse import parse_ordinal
from agents.tools.views import clean_name

_CANCEL = re.compile(
    r"\b(?:can(?:c[ae]l+|cle|el)\w*|stop\w*|end(?! of\b)(?<!the end)|terminate|remove|delete|get rid of|"
    r"switch off|turn off|"
    # "bin the BT direct debit", "ditch the gym one": everyday words for cancelling
    r"bin(?= (?:the|my|that|this|it|off)\b)|ditch|scrap|axe|"
    # ("don't want to go overdrawn" is a worry, not a cancellation)
    r"(?:dont|do not) want(?! to (?:go|be|get|end up|run|risk|miss|fall|bounce)\b)|no longer (?:want|need)|"
    r"dont need|do not need)\b"
)
_DIRECT_DEBIT = re.compile(r"\b(?:direct ?debits?|dds?|mandates?)\b")
# "the monthly transfer to my savings" is what customers call a standing order.
_STANDING_ORDER = re.compile(
    r"\bstanding ?orders?\b|\b(?:monthly|weekly|regular|automatic|recurring) "
    r"(?:transfer|payment|top ?up|money|one)s? "
    r"(?:(?:across|over) )?(?:to|into|in to|for)\b|"
    # "how much goes into my savings automatically every month": money moved to savings on a schedule
    # ("the monthly money that goes across to my savings" too).
    r"\b(?:go|goes|going|gets? (?:put|moved|paid)|put|moved|paid|transferr?ed|sent) (?:(?:across|over) )?"
    r"(?:in)?to (?:my |the )?"
    r"(?:savings?|saver|isa|savings account)\b.{0,20}\b(?:automatic\w*|each (?:month|week)|"
    r"every (?:month|week)|monthly|weekly|regularly|a month|a week|per month)\b|"
    r"\b(?:automatic\w*|each (?:month|week)|every (?:month|week)|monthly|weekly|regularly)\b.{0,20}"
    r"\b(?:go|goes|going|put|moved|paid|transferr?ed|sent) (?:(?:across|over) )?(?:in)?to (?:my |the )?"
    r"(?:savings?|saver|isa)\b"
)
_SCHEDULED = re.compile(
    r"\b(?:scheduled|future dated|future|upcoming|one off|set up|due)\b.{0,30}\b(?:payments?|transfers?)\b|"
    r"\b(?:payments?|transfers?)\b.{0,40}\b(?:(?:scheduled|next week|tomorrow|next month|due on|going out on|"
    r"set up for)\b|on the \d)|\b(?:scheduled|future dated)\b|"
    # "is the 200 to trevor still set for the 8th", "the rent's booked in for friday": set to go on a day
    r"\b(?:set|booked|lined up|arranged)(?: up| in)? (?:for|on) (?:the )?(?:\d{1,2}(?:st|nd|rd|th)?\b|"
    r"tomorrow|next (?:week|month)|(?:this |next |on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday))"
)
# Money going out in a period ahead: what is set up to be paid, not what was spent.
_GOING_OUT_AHEAD = re.compile(
    r"\b(?:going out|go out|goes out|coming out|come out|comes out|due|leaving|be taken|get taken|to pay)\b"
    r".{0,40}\b(?:tomorrow|this week|next week|next month|rest of the month|next \d{1,3} days|"
    r"in (?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|"
    r"mar|apr|jun|jul|aug|sept?|oct|nov|dec)|"
    r"before (?:the end of the month|payday)|"
    # "between now and the 5th", "before the 5th of December", "by the 10th", "between now and next saturday"
    r"(?:between now and|before|by|until|till|up to) (?:(?:the )?\d{1,2}(?:st|nd|rd|th)?|"
    r"(?:(?:next|this|the|coming|this coming) )?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)))\b"
)
# Money to leave the account, said in the future: "will anything come out", "is anything due to go".
_OUT_AHEAD = re.compile(
    r"\b(?:will|going to|gonna|due to|is there|are there)\b.{0,30}\b(?:come out|go out|goes out|comes out|"
    r"coming out|going out|leave|be taken|get taken|be paid|due|go)\b"
)
# "When is my next mortgage payment due?": the next one of something set up to go out.
_NEXT_DUE = re.compile(
    r"\bnext (?:\w+ ){0,3}(?:payment|collection|instalment|bill|one|transfer|standing order|direct debit)\b"
    r".{0,40}\b(?:due|come out|comes out|"
    r"go out|goes out|taken|leave|leaves|collected)\b|\bwhen (?:is|does|will) (?:my|the) next\b|"
    # "when does it come out next" (after the payment was named): the next date of the one just shown
    r"\bwhen (?:is|does|will) (?:it|that|that one|this one) (?:next )?(?:come out|go out|due|be taken|get "
    r"taken|leave|be collected)\b|"
    # "when's British Gas next coming out": the payee between "when" and "next" (whatever follows, "is it the
    # same as last month" included, the next collection is what is asked)
    r"\bwhen\w*\b(?: (?!next\b)\w+){1,4} next (?:coming|come|comes|going|go|goes|due|"
    r"(?:being |get |be )?(?:taken|collected))\b"
)
_REGULAR = re.compile(
    r"\b(?:regular|recurring|repeating|monthly) (?:payments?|bills?|outgoings?|debits?)\b|"
    # "how much is my mortgage payment each month": what is set up to go out every month
    r"\b(?:mortgage|rent|payments?|bills?|subscriptions?)\b.{0,20}\b(?:each|every|a|per) (?:month|week)\b|"
    # "what comes out every month", "what goes out monthly", "my monthly outgoings"
    r"\b(?:comes? out|goes? out|going out|coming out|leaves?|leaving|gets? taken|taken out|paid out)\b.{0,25}"
    r"\b(?:(?:each|every|a|per) (?:month|week)|monthly|weekly|regularly)\b|"
    r"\b(?:monthly|regular|fixed) (?:outgoings|commitments|costs|bills)\b|\boutgoings\b"
)
# A dispute, fraud or a refund: not a cancellation, and not a question about what is set up.
_DISPUTE = re.compile(
    r"\b(?:dispute\w*|refund\w*|money back|chargeback|recogni[sz]e\w*|unrecogni[sz]ed|fraud\w*|"
    r"unauthori[sz]ed|didnt authori[sz]e|not authori[sz]ed|wasnt me|not me|charged twice|twice|double|"
    r"indemnity|scam\w*)\b"
)
# "cancel it or they'll get it twice", "so I don't end up paying double": paying twice as what the request
# prevents, in the future, not a payment taken twice (a dispute).
_TWICE_AHEAD = re.compile(
    r"\b(?:or|otherwise|else|so|because|cos|coz|as)\s+(?:(?:they|theyll|theyd|i|ill|id|we|well|wed|he|hell|"
    r"hed|she|shell|shed|it|itll|dont|do not|doesnt|does not|wont|will not|would|will|not|end up|get|be)\s+)"
    r"{1,4}(?:\w+\s+){0,3}?(?:twice|double)\b"
)
_INCOME = re.compile(
    r"\b(?:wages?|salary|salaries|pay ?cheque|paycheck|pay ?packet|payday|pay day)\b|"
    # "when was I last paid", "have I been paid" ("how much have I paid British Gas" is spending)
    r"\b(?:been|get|got|getting|was|were|be|am) (?:last )?paid\b|\blast paid\b|"
    r"\b(?:was|were) i (?:last )?paid\b|\b(?:have|has) i been paid\b|"
    r"\bmy (?:pay|income)\b.{0,30}\b(?:arrive\w*|come in|came in|gone in|go in|landed|here|in yet)\b|"
    # "how much was my last pay", "when did my latest take-home land": the last salary ("my last payment"
    # and "my last pay to British Gas" are other things)
    r"\b(?:my|the) (?:last|latest|most recent|previous|recent) (?:pay|income|take ?home(?: pay)?)\b"
    r"(?! (?:to|for|at|into|off)\b)|"
    # "what's my pay each month": the salary, not spending at a shop called "each"
    r"\bmy (?:monthly )?(?:pay|income|take ?home(?: pay)?)\b.{0,12}\b(?:each|every|a|per) (?:month|week)\b|"
    r"\b(?:pension|benefits?|universal credit) (?:payment )?"
    r"(?:arrive\w*|come in|came in|paid|gone in|land\w*)\b|"
    # "did the money from work go in", "hows my pension, has it come in"
    r"\b(?:money|pay|payment|wages?) from (?:work|my (?:job|work|employer|boss))\b|"
    # "is my pay from Mills Patel the same every month": the salary from a named employer
    r"\bmy (?:pay|wages?|salary) from\b(?! (?:my|the|a|an|this|that|your)\b)|"
    # "how much do I normally get", "how much do I get paid": what the salary usually is
    r"\bhow much (?:do|will) i (?:normally |usually |typically |generally )?get paid\b|"
    r"\bhow much do i (?:normally|usually|typically|generally) get\b"
    r"(?! (?:in|from|back|charged|off|for|on)\b)|"
    r"\b(?:pension|benefits?|universal credit|pip|child benefit)\b.{0,25}\b(?:come in|came in|gone in|go in|"
    r"went in|arrived?|landed|been paid)\b|"
    # "payslip says joyce-gibson paid me thursday, has it landed?", "work paid us on friday, is it in yet?":
    # the employer's payment, named by the payslip or the employer, and whether it has arrived
    # ("my mate paid me back, has it landed" is money from someone else, not the salary)
    r"\b(?:payslips?|pay slips?|payroll|employer|boss|work)\b(?! (?:mate|friend|colleague)).{0,60}"
    r"\b(?:paid|pay|paying|pays) (?:me|us)\b(?! back)"
)
# "How much have I earned this year?" is a total and "what have I spent since I got paid?" is spending (the
# money helper's procedure), not this one.
_INCOME_TOTAL = re.compile(
    r"\b(?:total|altogether|in all|sum|add up|how much (?:have|did) i (?:earn|get)|spen[dt]|spending|bought|"
    r"since (?:i (?:last )?(?:got|was|get) paid|payday|pay day|my (?:wages|salary|pay)))\b|"
    # "what have my wages come to since the start of september": an amount built up over a span, not the
    # latest payment ("has my pay come to my account" is its arrival)
    r"\b(?:come|came|comes|coming|add(?:s|ed)? up) to\b(?! (?:my|the|your|me)\b)|"
    r"\bsince (?:(?:the )?(?:start|beginning) of )?(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|last month)\b|"
    # "how much went out between my October payday and my November one": spending between two salaries
    r"\bbetween (?:my |the )?(?:\w+ ){0,3}(?:pay ?days?|salar(?:y|ies)|wages|pay ?cheques?)\b"
)


# "is that going every month or was it just a one off", "is the rent a one-off or recurring", "will the
# rent to trevor repeat": whether one of the customer's own payments is regular or made once.
_REPEATS = (
    r"(?:every|each|a|per) (?:month|week|year)|monthly|weekly|regular\w*|recurring|repeat\w*|standing order"
)
_ONCE = r"once|one[- ]?off|one[- ]?time|single|just the one|scheduled"
_HOW_OFTEN = re.compile(
    rf"\b(?:{_REPEATS})\b.{{0,50}}\bor\b.{{0,30}}\b(?:{_ONCE})\b"
    rf"|\b(?:{_ONCE})\b.{{0,40}}\bor\b.{{0,30}}\b(?:{_REPEATS})\b"
    r"|\b(?:will|does|is)\b.{0,40}\b(?:repeat|recur|happen again|go again|come out again)\b"
)
# "Did my Virgin Media direct debit get cancelled?", "is the gym one still active?": how one stands, asked;
# answered from the list, never turned into an offer to cancel it.
_STILL_ON = re.compile(
    r"^(?:(?:so|ok|okay|and|right|just to check|hi|hello|quick question)\s+)*"
    r"(?:did|has|have|was|were|is|are)\b(?!.{0,60}\b(?:can you|could you|please|pls)\b).{0,60}\b"
    r"(?:(?:get|got|been|gone|actually|really|already)\s+)*"
    r"(?:cancell?ed|canceled|stopped|ended|removed|still (?:on|active|live|running|going|set up|there|"
    r"in place|coming out|going out|being taken))\b"
)


def asks_still_on(text: str) -> bool:
    """How one of the customer's payments stands, asked in any sentence or clause of the message: "I think I
    cancelled something by accident. Is the £200 to Trevor still set up? Don't change anything"."""
    return any(_STILL_ON.search(normalise(part)) for part in re.split(r"[.?!;,:\n]+", text) if part.strip())


# "only what went on the card, not the direct debits", "everything apart from the standing orders": regular
# payments named only to be left out of a sum, which is not a question about them.
_KIND_LEFT_OUT = re.compile(
    r"\b(?:not|no|apart from|aside from|except(?: for)?|excluding|excl|without|leaving out|leave out|minus"
    r"|other than|besides|but not|never mind|ignore|ignoring|forget)\s+(?:the |my |any |those |all )?"
    r"(?:direct debits?|dds|standing orders?|scheduled payments?|regular payments?|bills?)\b"
)


def recurring_intent(text: str) -> str | None:
    """The procedure a message about recurring payments, cancellations or income asks for, or None."""
    words = _TWICE_AHEAD.sub(" ", _KIND_LEFT_OUT.sub(" ", normalise(text)))
    if not words or _DISPUTE.search(words):
        return None
    debit, order = _DIRECT_DEBIT.search(words), _STANDING_ORDER.search(words)
    scheduled = _SCHEDULED.search(words)
    if (debit or order or scheduled) and asks_still_on(text):
        return "recurring_payments"
    if _CANCEL.search(words):
        if debit and not order:
            return "cancel_direct_debit"
        if order and not debit:
            return "cancel_standing_order"
        if scheduled and not (debit or order):
            return "cancel_scheduled_payment"
    ahead = (
        _GOING_OUT_AHEAD.search(words)
        or _NEXT_DUE.search(words)
        or asks_next_payment(words)
        # "I'm away from the 14th until the 20th of December. Will anything come out while I'm away?"
        or (FROM_DAY_TO_DAY.search(words) and _OUT_AHEAD.search(words))
    ) and not _INCOME.search(words)
    if debit or order or _REGULAR.search(words) or ((scheduled or ahead) and not _CANCEL.search(words)):
        return "recurring_payments"
    if (
        _INCOME.search(without_salary_as_when(words))
        and not _INCOME_TOTAL.search(words)
        and not _INTEREST_ONLY.search(words)
    ):
        return "income"
    return None


# "has the interest on my savings been paid", "has it been paid? (interest)": the interest credits of an
# account, asked about in the words of being paid; never the salary (unless the salary is named too).
_INTEREST_ONLY = re.compile(
    r"^(?!.*\b(?:wages?|salary|salaries|pay ?cheque|paycheck|pay ?packet|payday|pay day|pension|benefits?|"
    r"employer|work)\b).*\binterest\b"
)


# Things a customer cancels that are not a payment to someone: cards, accounts, disputes, a complaint.
_OTHER_THINGS = re.compile(
    r"\b(?:card|cards|account|accounts|overdraft|dispute|complaint|transfer i (?:just )?made|order from|"
    r"subscription to (?:the )?app)\b"
)


async def own_recurring(banking: BankingPort) -> list[RecurringPaymentView]:
    """The customer's direct debits, standing orders and scheduled payments, in that order."""
    return [
        *await banking.list_direct_debits(),
        *await banking.list_standing_orders(),
        *await banking.list_scheduled_payments(),
    ]


async def cancel_by_payee(text: str, banking: BankingPort) -> str | None:
    """The cancel procedure for a request that names a payee or reference but not the kind of payment:
    the kind of the customer's one active direct debit, standing order or scheduled payment it names."""
    words = _TWICE_AHEAD.sub(" ", normalise(text))
    if not _CANCEL.search(words) or _DISPUTE.search(words) or _OTHER_THINGS.search(words):
        return None
    if requested_dispute(text):
        return None  # "I cancelled Sky in October but they still took money... I want it back": a dispute
    named = named_words(text)
    if not named:
        return None
    found: list[RecurringPaymentView] = await own_recurring(banking)
    kinds = {item.kind for item in found if matches_words(item, named)}
    return f"cancel_{kinds.pop()}" if len(kinds) == 1 else None


# "When does Sky come out", "when's the rent to Greenway going", "how much is my BT bill": when or how
# much one of the customer's own recurring payments goes out, asked by its payee or reference. Questions
# about what already went out (a total, "did", "since", "gone up") are the transaction procedures'.
_WHEN_OR_HOW_MUCH = re.compile(
    r"\b(?:when|whens|what day|what date|which day|how much|due|next|bill|come out|go out|goes out|comes out|"
    r"going out|coming out|taking|take|be taken|"
    # "and the mortgage, does that always go the same day?": the day it is collected, asked as a habit
    r"same (?:day|date)|(?:always|usually|normally) (?:go|goes|come|comes|leave|leaves|gets? taken))\b"
    # "is the tv licence 14 or 41 quid a month?", "is sky £38 monthly": its regular amount, checked
    r"|\b(?:a|per|each|every) (?:month|week|year)\b|\b(?:monthly|weekly|yearly|annually)\b"
    r"|\b\d+(?:\.\d{1,2})? or (?:£|\$|€)?\d+(?:\.\d{1,2})?\b"
)
_ALREADY_WENT = re.compile(
    # "the 35 quid I sent Trevor yesterday": a payment the customer made, not the one set up for later
    r"\b(?:i|we|ive|weve) (?:just |already )?(?:sent|paid|transferred|moved)\b|"
    # "what date was the sky again": an answer asked to be said again, not a payment that went
    r"\b(?:was|were)\b(?!.{0,40}\bagain\b)|"
    r"\b(?:did|went|had|has|have|since|total|altogether|in all|spent|spend|spending|so far|gone|"
    r"last (?:\w+ )?(?:weeks?|months?|year)|ago|this month|last month|in (?:january|february|march|april|may|"
    r"june|july|august|september|october|november|december))\b"
)
# Words that name the bank's own products, not a payee: "when will my new card arrive" is not the direct
# debit to Northbank Credit Card.
_GENERIC_PAYEE_WORDS = frozenset(
    "card cards credit debit account accounts northbank easy saver savings new".split()
)
# "my monthly transfer into savings": savings named as where a regular payment goes, not as an account.
_INTO_SAVINGS = re.compile(
    r"\b(?:(?:transfer|payment|standing order|top ?up|money)s? (?:in)?to (?:my |the )?(?:savings|saver)|"
    # "whether my savings money went across": the money that goes to savings each month
    r"(?:my|the) (?:monthly )?savings (?:money|transfer|payment|standing order|top ?up))\b"
)
# A follow-up that names one of the payments just listed ("which of those is the rent").
FOLLOW_UP_WORDS = 10


# "since September", "since the start of the month": a total asked from a day on.
_SINCE = re.compile(r"\bsince\b")
FOLLOW_UP_MAX_WORDS = 14


# "is it every month?", "is that monthly", "does it go each month", "are they regular": whether a payment
# repeats, asked of one the message names.
_REPEATS_ASKED = re.compile(
    r"\b(?:is|was|does|do|are|will|has) (?:it|that|this|they|these|those)\b.{0,25}"
    r"\b(?:(?:every|each|a|per) (?:month|week)|monthly|weekly|regular\w*|recurring)\b"
)


async def names_card_regular(text: str, banking: BankingPort) -> bool:
    """Whether the message names a shop the customer has paid by card more than once lately (no mandate)."""
    named = named_words(text) - _GENERIC_PAYEE_WORDS
    if not named:
        return False
    return bool(card_paid_to_named(await banking.find_transactions(TransactionQuery(limit=100)), named))


async def names_recurring(text: str, banking: BankingPort) -> bool:
    """Whether the message names one of the customer's own direct debits, standing orders or scheduled
    payments by its payee or reference ("has the rent gone out yet" with a scheduled "DEC RENT")."""
    named = named_words(text) - _GENERIC_PAYEE_WORDS
    if not named:
        return False
    found: list[RecurringPaymentView] = await own_recurring(banking)
    return any(matches_words(item, named) for item in found)


async def recurring_by_payee(text: str, frame: Mapping[str, Any], banking: BankingPort) -> bool:
    """Whether the message asks when or how much one of the customer's own direct debits, standing orders
    or scheduled payments goes out, naming its payee or reference (or picks one right after a list of
    them)."""
    words = normalise(text)
    if not words or _DISPUTE.search(words) or _CANCEL.search(words) or urgent_intent(text):
        return False
    continues = frame.get("procedure") == "recurring_payments" and len(words.split()) <= FOLLOW_UP_WORDS
    # "what my Virgin Media comes to over the whole year": what it costs, asked by the year
    asks = _WHEN_OR_HOW_MUCH.search(words) or PER_YEAR.search(words)
    if _ALREADY_WENT.search(words) or not (continues or asks):
        return False
    named = named_words(text) - _GENERIC_PAYEE_WORDS
    if not named:
        return False
    found: list[RecurringPaymentView] = await own_recurring(banking)
    return any(matches_words(item, named) for item in found)


# "has it gone up at all", "is that more than usual": how the payment just shown has changed over time.
_CHANGED = re.compile(
    r"\b(?:gone up|go up|went up|gone down|go down|went down|increase\w*|decrease\w*|changed?|risen|rise|"
    r"more than (?:before|usual|last time)|always (?:the same|been)|same every)\b"
)
# The stronger cues of a changed amount: "change" alone is too often "change the date".
_AMOUNT_CHANGED = re.compile(
    r"\b(?:gone up|go up|went up|goes up|gone down|go down|went down|increased?|decreased?|risen|"
    r"more than (?:before|usual|last time)|(?:the )?same (?:every|each) (?:month|time|week)|"
    r"always (?:the same|been)|vary|varies|different (?:amount|each|every)|same amount|"
    r"put (?:it|the price|their prices?) up)\b"
)
HISTORY_PAYMENTS = 6


async def _history_of_shown(frame: Mapping[str, Any], banking: BankingPort) -> str | None:
    """The words for the spending procedure that list the recent payments to the one recurring payment the
    last answer was about, or None when it was about several or none."""
    named = named_words(str(frame.get("text", ""))) - _GENERIC_PAYEE_WORDS
    found: list[RecurringPaymentView] = await own_recurring(banking)
    payees = {item.payee_name for item in found if matches_words(item, named)}
    if len(payees) != 1:
        return None
    # "has my octopus gone up? and when does the next one come out?": the next date is asked too
    also = " (when is the next one due?)" if ASKS_NEXT.search(normalise(str(frame.get("text", "")))) else ""
    return f"my last {HISTORY_PAYMENTS} payments at {payees.pop()} (has the amount changed?){also}"


async def named_recurring(text: str, banking: BankingPort) -> list[RecurringPaymentView]:
    """The customer's active regular payments the message names ("once sky and the tv licence go out"), one
    per payee, in the order they are listed."""
    named = named_words(text) - _GENERIC_PAYEE_WORDS
    if not named:
        return []
    found: dict[str, RecurringPaymentView] = {}
    for item in await own_recurring(banking):
        if item.status == "active" and matches_words(item, named):
            found.setdefault(item.payee_name, item)
    return list(found.values())


async def named_recurring_amount(text: str, banking: BankingPort) -> str | None:
    """The amount of the regular payments the message names ("enough for the mortgage on Monday"), with their
    payees ("will the sky and the tv licence go out ok": the two added up), or None when it names none, or
    payments in different currencies."""
    found = await named_recurring(text, banking)
    if not found or len({item.currency for item in found}) != 1:
        return None
    if len(found) == 1:
        item = found[0]
        return f"{format_money(item.amount_minor, item.currency)} to {clean_name(item.payee_name)}"
    total = sum(item.amount_minor for item in found)
    parts = " and ".join(clean_name(item.payee_name) for item in found)
    return f"{format_money(total, found[0].currency)} for {parts} together"


_NEXT_ONE = re.compile(r"\b(?:next one|next|the one before|one before|before that)\b")
_PRONOUN = re.compile(r"\b(?:it|that|that one|this one)\b")
_THE_NEXT_ONE = re.compile(r"\b(?:the )?next (?:one|payment|collection)\b")
_DAY = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b")


# "and after that?", "then what?", "what's the one after?", "and the next one?": the payment after the one
# just shown as due next.
_AFTER_THAT = re.compile(r"\bafter\b|\bthen what\b|\bwhat else\b|\bnext one\b|^(?:and|ok and|so) then\b")
AFTER_THAT_MAX_WORDS = 8
# "what's going out after that one", "anything else due after it": any payment, not the one shown again.
_WHAT_GOES = re.compile(r"\b(?:what|whats|which|anything|else)\b")


def _after_the_next(words: str, frame: Mapping[str, Any]) -> str | None:
    """The request just answered with the words that ask for the payment due after the one it showed, when
    the message asks what comes after it ("and after that?"); None otherwise."""
    if frame.get("procedure") != "recurring_payments" or len(words.split()) > AFTER_THAT_MAX_WORDS:
        return None
    old = str(frame.get("text", ""))
    if not _AFTER_THAT.search(words) or _CANCEL.search(words):
        return None
    listed = [str(line) for line in frame.get("listed") or []]
    days = [datetime.strptime(m.group(0), "%d %b %Y").date() for line in listed if (m := _DAY.search(line))]
    if not days:
        return None
    if asks_next_payment(old):
        return f"{old} {next_after_words(max(days))}"
    if len(listed) == 1 and _WHAT_GOES.search(words):
        # "when does British Gas next go out", then "and what's going out after that one": whatever goes out
        # next after that payment's date, not that payment again.
        return f"what goes out next {next_after_words(days[0])}"
    return None


async def recurring_request(
    text: str, frame: Mapping[str, Any], banking: BankingPort
) -> tuple[str, str] | None:
    """The recurring procedure a message asks for and the words it runs on, or None (or the spending
    procedure, for how a payment just shown has changed).

    Besides ``recurring_intent`` and ``cancel_by_payee``: "cancel the second one" right after a list of
    recurring payments (the dialogue frame's ``listed`` lines) cancels the one listed there.
    """
    if (
        frame.get("procedure") == "income"
        and _NEXT_ONE.search(normalise(text))
        # "when Sky next comes out" right after the salary: the regular payment it names, not the salary
        and not await names_recurring(text, banking)
    ):
        # "when's the next one due" right after the salary was shown: the next salary, not every bill.
        return "income", f"{text} (my salary)"
    words = normalise(text)
    if (
        frame.get("procedure") == "income"
        and (_AMOUNT_CHANGED.search(words) or _CHANGED.search(words))
        and not _CANCEL.search(words)
        and not await names_recurring(text, banking)
    ):
        # "and is it always the same amount?" right after the salary was shown: the salary's amounts over
        # the last months, not a payment to dispute.
        return "income", f"{text} (my salary)"
    if (after := _after_the_next(words, frame)) is not None:
        # "and after that?" right after the next payment to go out: the one due after it.
        return "recurring_payments", after
    if _AMOUNT_CHANGED.search(words) and not _CANCEL.search(words):
        # "has my octopus direct debit gone up?", "is the mortgage the same every month": the payments to
        # the one it names, over time (before the list of mandates, which only shows the latest amount).
        if history := await _history_of_shown({"text": text}, banking):
            return "spending", history
    if (
        frame.get("procedure") == "recurring_payments"
        and len(words.split()) <= FOLLOW_UP_MAX_WORDS
        and asks_total(words)
        and _SINCE.search(words)
        and not _CANCEL.search(words)
        and not await names_recurring(text, banking)
        # (after a mandate, the route adds up what went to its payee: "paid on it since August in total")
        and await names_card_regular(str(frame.get("text", "")), banking)
    ):
        # "and what has it come to since September?" right after a shop paid by card each month was shown:
        # its card payments since that day, added up, not every mandate's total.
        return "recurring_payments", f"{text} {PER_YEAR.sub(' ', str(frame.get('text', '')))}".strip()
    if intent := recurring_intent(text):
        if (
            intent == "recurring_payments"
            and frame.get("procedure") == "recurring_payments"
            and (
                _PRONOUN.search(normalise(text))
                # "and whens the next one due out" right after one payment was shown: that payment's next
                or (len(frame.get("listed") or []) == 1 and _THE_NEXT_ONE.search(normalise(text)))
            )
        ):
            # "when does it come out next" right after the mortgage was shown: the same payment (not again
            # over a year, when that was what the last question asked), unless the message names its own
            # ("and the monthly one into my saver, what does that add up to").
            if (own := named_words(text)) and any(
                matches_words(i, own) for i in await own_recurring(banking)
            ):
                return intent, text
            old = str(frame.get("text", ""))
            if not PER_YEAR.search(text):
                old = PER_YEAR.sub(" ", old)
            return intent, f"{text} {old}".strip()
        return intent, text
    if _REPEATS_ASKED.search(words) and not _CANCEL.search(words) and await names_card_regular(text, banking):
        # "I see Apple taking money from my card. Is it every month?": a shop paid by card again and again.
        return "recurring_payments", text
    if _HOW_OFTEN.search(normalise(text)) and await names_recurring(text, banking):
        return "recurring_payments", text  # "is the rent to trevor every month or a one-off?": what it is
    if asks_still_on(text) and await names_recurring(text, banking):
        return "recurring_payments", text  # "did the Netflix get cancelled?": how it stands
    if kind := await cancel_by_payee(text, banking):
        return kind, text
    if frame.get("procedure") == "recurring_payments" and _CHANGED.search(normalise(text)):
        # "has it gone up?" right after one payment was shown: its last few payments, from the transactions.
        if history := await _history_of_shown(frame, banking):
            return "spending", history
    if _CHANGED.search(normalise(text)) and not _CANCEL.search(normalise(text)):
        # "has sky gone up?? they take more every month": the payments to the one it names, over time.
        if history := await _history_of_shown({"text": text}, banking):
            return "spending", history
    if await recurring_by_payee(text, frame, banking):
        if (
            frame.get("procedure") == "recurring_payments"
            and asks_same_day(str(frame.get("text", "")))
            and not _WHEN_OR_HOW_MUCH.search(words)
        ):
            # "n the telly licence, same deal?" right after whether Sky goes on the same day each month: the
            # same question about the payment it names now.
            return "recurring_payments", f"{text} (does it go out on the same day every month?)"
        return "recurring_payments", text
    listed = [str(line) for line in frame.get("listed") or []]
    if frame.get("procedure") != "recurring_payments" or not listed or not _CANCEL.search(normalise(text)):
        return None
    ordinal = parse_ordinal(text)
    if ordinal is None and len(listed) == 1 and _PRONOUN.search(normalise(text)):
        ordinal = 1  # "cancel that one" right after one payment was shown
    if ordinal is None or not (ordinal == -1 or 1 <= ordinal <= len(listed)):
        return None
    # The listed line names payee, amount and reference; its dates could name another ("4 Dec", "DEC RENT").
    picked = _DAY.sub(" ", listed[ordinal if ordinal == -1 else ordinal - 1])
    merged = f"{text} {picked}"
    # The kind is the one the line or the request that listed it names ("Your standing order: ...").
    for words in (picked, str(frame.get("text", ""))):
        if len(kinds := kinds_asked(words)) == 1:
            return f"cancel_{kinds[0]}", merged
    if kind := await cancel_by_payee(merged, banking):
        return kind, merged
    return None


# "has BT taken their money this month or not", "has the mortgage gone out yet?": did this month's
# collection of one of the customer's own recurring payments happen.
_GONE_OUT = re.compile(
    # "whether my savings money went across this month", "tell me if it's gone": asked indirectly too
    r"\b(?:has|have|did|is|was|whether|if its|if it has)\b.{0,40}\b(?:gone out|come out|went out|came out|"
    r"went across|gone across|go across|been taken|"
    r"taken (?:their|the|its|my)? ?(?:money|payment|cash)?|took (?:their|the|its|my)? ?(?:money|payment)|"
    r"been paid|been collected|collected|left (?:my|the) account|gone through|go through|went through|"
    r"go out|come off|gone off|last (?:paid|taken|take|took|collected|charged|debited)|"
    # "has it gone or not", "has the pocket money gone yet": gone, with no word of where or how
    r"gone(?! (?:up|down|missing|wrong|astray|in|into|to|for|from|over|under|on|off|out|through|back)\b))\b"
    # "has oliver had his pocket money", "did trevor get the rent": the payee has had it (not "have I got")
    r"|\b(?:has|have|did|hasnt|havent|didnt)\b (?!i |we |you )(?:\w+ ){1,3}?"
    r"(?:had|got|get|received|receive)\b"
)


# "when did it last go out", "the latest one", "the most recent collection": the last payment, not a period
# ("last month" is one).
_LAST_ONE = re.compile(
    r"\b(?:last|latest|most recent|previous)\b(?! (?:month|week|year|weekend|night|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|\d+ (?:days|weeks|months)))"
)
_ASKS_NEXT = re.compile(r"\bnext\b|\bwhen(?:s| (?:does|do|will|is))\b")


def _named_period(text: str, today: date) -> tuple[str, str, str] | None:
    """The words, first and last ISO day of a past period the message names ("in October", "last month"),
    or None (this month is the default)."""
    period, rest = parse_period(text, today)
    if period is None or period.since is None or period.since >= today.replace(day=1):
        return None
    start = next((i for i, (a, b) in enumerate(zip(text, rest, strict=False)) if a != b), None)
    if start is None or len(rest) != len(text):
        return None
    end = len(text) - next(i for i, (a, b) in enumerate(zip(text[::-1], rest[::-1], strict=False)) if a != b)
    until = period.until or today
    return text[start:end].strip(), period.since.isoformat(), until.isoformat()


async def gone_out_request(text: str, today: date, banking: BankingPort) -> tuple[str, str] | None:
    """For "has <payee> gone out this month": the spending procedure over this month's payments to it when
    there is one, else the recurring payment itself (its next date says when it will), or None."""
    asked = await gone_out_requests(text, today, banking)
    return asked[0] if len(asked) == 1 else None


# Several payees asked about together: "did my sky and tv licence come out", "has the gym, netflix or the
# council tax gone yet".
_JOINED = re.compile(r"\b(?:and|or|plus|both)\b|,|&")
MAX_PAYEES_ASKED = 3


async def gone_out_requests(
    text: str, today: date, banking: BankingPort, frame: Mapping[str, Any] | None = None
) -> list[tuple[str, str]]:
    """For "has <payee> gone out this month", one request per payee named (in the order named, at most
    three, and more than one only when the names are joined by "and", "or" or a comma): each the spending
    procedure over this month's payments to it when there is one, else the recurring payment itself (its
    next date says when it will). "When did it last go across?" right after one regular payment was shown
    (the dialogue ``frame``) asks about that one. Empty when no payee of the customer's own is named."""
    words = normalise(text)
    if not words or not _GONE_OUT.search(words) or _DISPUTE.search(words) or _CANCEL.search(words):
        return []
    if _ASKS_NEXT.search(words):
        return []  # "how much is sky and when does it next go out": the next collection, not this month's
    if asks_same_day(words):
        return []  # "is BT always taken on the same date": the days it goes, not whether this month's went
    named = named_words(text) - _GENERIC_PAYEE_WORDS
    if _INTO_SAVINGS.search(words):
        named.add("savings")  # "did my monthly transfer into savings go through": the one to the saver
    if (
        _PRONOUN.search(words)
        and (shown := await _shown_payment(frame or {}, banking))
        and not any(matches_words(item, named) for item in await own_recurring(banking))
    ):
        return [await _gone_out_to(text, today, banking, shown[0].payee_name, shown)]
    if not named:
        return []
    found = [
        item
        for item in [*await banking.list_direct_debits(), *await banking.list_standing_orders()]
        if matches_words(item, named)
    ]
    payees = sorted({item.payee_name for item in found}, key=lambda p: _first_named_at(p, found, words))
    if len(payees) != 1 and not (1 < len(payees) <= MAX_PAYEES_ASKED and _JOINED.search(words)):
        return []
    return [
        await _gone_out_to(text, today, banking, payee, [i for i in found if i.payee_name == payee])
        for payee in payees
    ]


async def _shown_payment(frame: Mapping[str, Any], banking: BankingPort) -> list[RecurringPaymentView]:
    """The customer's regular payments to the one payee the last answer showed alone (one line listed by
    the recurring procedure), or empty."""
    listed = [str(line).lower() for line in frame.get("listed") or []]
    if frame.get("procedure") != "recurring_payments" or len(listed) != 1:
        return []
    found = [i for i in await own_recurring(banking) if i.payee_name.lower() in listed[0]]
    if not found:
        return []
    # "Northbank Easy Saver" also holds a payee called "Northbank": the longest name is the one shown
    payee = max((i.payee_name for i in found), key=len)
    return [i for i in found if i.payee_name == payee]


def _first_named_at(payee: str, found: list[RecurringPaymentView], words: str) -> int:
    """Where the message first names any of the payee's words (the order the customer asked in)."""
    own: set[str] = set()
    for item in found:
        if item.payee_name == payee:
            own |= set(normalise(f"{item.payee_name} {item.reference}").split())
    places = [m.start() for w in own if len(w) >= 2 for m in [re.search(rf"\b{re.escape(w)}\b", words)] if m]
    return min(places, default=len(words))


async def _gone_out_to(
    text: str, today: date, banking: BankingPort, payee: str, found: list[RecurringPaymentView]
) -> tuple[str, str]:
    """This month's (or the named period's) payments to one payee, or the regular payment itself."""
    words, until = "this month", None
    since: str | None = today.replace(day=1).isoformat()
    if past := _named_period(text, today):
        # "did the savings transfer go through in October": that month's payment, not this month's.
        words, since, until = past
    elif _LAST_ONE.search(normalise(text)):
        # "when did my mortgage last go out": the latest payment to it, whenever it was (not this month's,
        # and not the next collection).
        words, since = "", None
    query = TransactionQuery(merchant=payee, since=since, until=until, limit=5)
    paid = [
        t for t in await banking.find_transactions(query) if t.amount_minor < 0 and t.status != "reversed"
    ]
    if paid:
        asked = f"my payments at {payee} {words}" if since else f"my last payment at {payee}"
        if any(item.kind == "standing_order" for item in found):
            # "Northbank Easy Saver" would read as the account to search: the account it is paid from is.
            last4 = {a.id: a.number_last4 for a in await banking.list_accounts()}.get(found[0].account_id)
            if last4:
                asked = f"{asked} from my account ending {last4}"
            # A transfer to one's own savings is not spending (totals leave those out): the payment itself.
            return "recent_transactions", asked
        return "spending", asked
    return "recurring_payments", f"my payments to {payee}"


# "how much is the next repayment coming out", "when's my credit card payment due": the customer's own
# regular payment that repays a card, loan or mortgage (customers name what it repays, not the payee).
_REPAYMENT = re.compile(
    r"\brepayments?\b|\b(?:credit ?card|card|loan|mortgage) (?:payment|bill|direct debit|dd|instalment)s?\b|"
    r"\b(?:payment|bill|instalment)s? (?:on|off|to|for) (?:my|the) (?:credit ?card|loan|mortgage)\b|"
    # "the one that pays the credit card", "the direct debit which clears my loan": named by what it repays
    r"\b(?:one|payment|thing|dd|direct debit|standing order)s? (?:that|which|what) (?:pays?|repays?|clears?|"
    r"covers?|goes to|goes on)(?: off)? (?:my|the) (?:credit ?card|card|loan|mortgage)\b|"
    # "whats my mortgage", "how much is the mortgage": the mortgage alone is its regular payment
    r"\b(?:whats|what is|how much is|how much s) (?:my|the) mortgage\b"
    r"(?! (?:statement|rate|balance|term|deal))"
)
_AHEAD_ASKED = re.compile(
    r"\b(?:next|due|coming out|come out|comes out|going out|go out|goes out|be taken|get taken|"
    r"how much (?:is|will)|when (?:is|does|will)|whens|each month|every month|a month|monthly|"
    # "how much n when": both asked of it at once
    r"how much (?:and|n) when|when (?:and|n) how much|"
    # "can you tell me what my mortgage payment is", "whats my mortgage": the payment as it stands now
    r"(?:whats|what is) (?:my|the) (?!last|latest|recent|previous|first)(?:[a-z]+ ){0,2}"
    r"(?:payment|repayment|mortgage|bill|instalment)|"
    r"what (?:my|the) [a-z ]{0,30}(?:payment|repayment|mortgage)s? (?:is|are)|"
    r"tell me (?:my|the))\b"
)
_REPAID = {
    "card": re.compile(r"\b(?:credit ?card|card)\b"),
    "loan": re.compile(r"\b(?:loan|finance)\b"),
    "mortgage": re.compile(r"\bmortgage\b"),
}


async def repayment_request(text: str, banking: BankingPort) -> str | None:
    """The words for the recurring procedure when the message asks how much or when the next repayment of a
    card, loan or mortgage goes out and the customer has exactly one regular payment that repays it, or
    None."""
    words = normalise(text)
    if not words or not _REPAYMENT.search(words) or not _AHEAD_ASKED.search(words):
        return None
    if _DISPUTE.search(words) or _CANCEL.search(words) or urgent_intent(text):
        return None
    if _AMOUNT_CHANGED.search(words) or _CHANGED.search(words):
        return None  # "is the mortgage payment the same each month": its history, not the next one
    asked = [kind for kind, pattern in _REPAID.items() if pattern.search(words)]
    kinds = asked or list(_REPAID)
    items = [*await banking.list_direct_debits(), *await banking.list_standing_orders()]
    payees = {
        item.payee_name
        for item in items
        if item.status == "active"
        and any(_REPAID[kind].search(normalise(f"{item.payee_name} {item.reference}")) for kind in kinds)
    }
    if len(payees) != 1:
        return None
    payee = payees.pop()
    # The payee's own words, without those it shares with another payment ("Northbank" of the Easy Saver).
    others = set().union(*(named_words(i.payee_name) for i in items if i.payee_name != payee))
    words_of_payee = [w for w in normalise(payee).split() if w in named_words(payee) - others]
    return f"my payments to {' '.join(words_of_payee) or payee}"


# "So when exactly does December's go?", "when will next month's come out?", "and when's the next one due":
# when a regular payment goes, the payment itself left unsaid (the customer's message before named it).
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
    r"apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_WHEN_UNNAMED_GOES = re.compile(
    r"\bwhen(?:s|\s+(?:exactly\s+)?(?:does|do|will|is|would|should))\b(?:\s+exactly)?\s+"
    rf"(?:(?:this|next|the next)\s+months|{_MONTHS}s|the next one|the next|the one in {_MONTHS}|it|that|this|"
    r"that one|this one)\b"
    r"(?:\s+(?:one|payment|actually|exactly|then))?\s+"
    r"(?:go|goes|going|come|comes|coming|leave|leaves|due|be due|be taken|get taken|be paid|get paid|"
    r"be collected|get collected|hit|land|come off)\b"
)


async def due_date_referred_to(text: str, previous: str, banking: BankingPort) -> str | None:
    """The words for the recurring procedure when the message asks when a regular payment goes without
    naming it ("So when exactly does December's go?") and the customer's message before named exactly one
    of their own ("...told me my mortgage goes on the 28th. It went yesterday, the 27th"); None otherwise."""
    if not previous or not _WHEN_UNNAMED_GOES.search(normalise(text)) or await names_recurring(text, banking):
        return None
    named = named_words(previous) - _GENERIC_PAYEE_WORDS
    if not named:
        return None
    found = [item for item in await own_recurring(banking) if matches_words(item, named)]
    if len(found) != 1:
        return None
    return f"{text} (when does my {found[0].payee_name} go out)"
