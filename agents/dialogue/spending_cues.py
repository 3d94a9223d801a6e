"""Deterministic cues for questions Banking77's intents do not have: totals, counts, the biggest payment,
"my last N payments", spending since payday, and "can I afford ...".

``spending_intent`` names the procedure ("spending" or "affordability") or returns None; it is checked
in ``route`` before the triage model's intent, which would read these as a plain transaction list or a
balance question. It stays out of the way of disputes ("charged twice", "I don't recognise"), of money
worries ("I can't afford my rent" is a vulnerability cue, not a sum) and of questions about one pending
or scheduled payment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agents.procedures.places import parse_place
from agents.procedures.queries import (
    INCOME_CATEGORIES,
    PUT_INTO_SAVINGS_RE,
    parse_aggregate,
    parse_anchor,
    parse_category,
    parse_direction,
    parse_last_n,
)
from agents.procedures.slots import described_shops
from agents.procedures.textparse import parse_amount, parse_bare_amount
from agents.procedures.textparse import parse_merchant as parse_merchant_named

_AFFORD_RE = re.compile(
    r"\b(?:can|could|would)\s+i\s+(?:\w+\s+)?afford\b|\bafford\s+(?:it|that|this|a|an|the|to)?\s*"
    r"(?:£|€|\$|\d)|\benough\s+(?:money\s+)?(?:(?:in|on)\s+(?:my\s+\w+(?:\s+account)?|there|it|the\s+account)\s+)?"
    r"(?:to\s+(?:pay|cover|buy)|for)\b"
    r"|\bdo\s+i\s+have\s+enough\b|\bhave\s+i\s+got\s+enough\b|\bis\s+there\s+enough\b|\bwill\s+(?:£|€|\$)?\d[\d,.]*\s*(?:quid|pounds)?\s+"
    r"(?:go|clear)\s+through\b",
    re.IGNORECASE,
)
# "Is there enough money in my account?", "have I got enough in there, or have I run out?": enough for
# nothing named (no amount, no "to pay", no "for"), so whether there is money at all: the balance.
_ENOUGH_ALONE_RE = re.compile(
    r"\benough(?:\s+(?:money|funds|cash))?(?:\s+(?:in|on)\s+(?:my|the|there|it)(?:\s+\w+)?(?:\s+account)?)?"
    r"(?:\s+(?:left|at the moment|right now|now|still|atm))?\s*(?:[?.!,]|$|\s+(?:or|i thought|i think)\b)",
    re.IGNORECASE,
)
# Not a sum: a dispute, a worry, or a request about one payment.
_NOT_SPENDING_RE = re.compile(
    r"\b(?:twice|double|duplicate\w*|dispute\w*|refund\w*|recogni[sz]e|fraud\w*|not\s+me|wasn'?t\s+me"
    r"|scam\w*|stolen|cancel\w*|freeze|block|can'?t\s+afford|cannot\s+afford|struggl\w+|debt|owe|owing"
    r"|fees?|interest\s+rate|limits?|abroad|overseas|atm|cash\s+machine|cashpoint)\b"
    # "the most cash I can take out in a day" is a limit, "how much to take money out abroad" a fee
    r"|\b(?:most|max\w*)\b.{0,30}\b(?:can|could)\s+i\b|\b(?:can|could)\s+i\s+(?:take|get|draw)\s+out\b"
    r"|\bhow\s+much\s+(?:does|do|is|are|will|would|should)\b(?!\s+i\b)[^?.!]*\b(?:cost|charge)",
    re.IGNORECASE,
)
_MONEY_WORDS_RE = re.compile(
    r"\b(?:spen[dt]|spending|paid|pay|payments?|purchases?|bought|ordered|transactions?|charges?|cost|went\s+(?:on|out)"
    r"|go(?:ne)?\s+(?:on|out)|received|(?:came|come|coming)\s+in(?:to)?|income|earned|outgoings?|withdrawals?"
    r"|debits?|credits?"
    r"|salary|wages|takings|expenses?|expenditure|mortgage|bills?|charged|billed|debited|took|taken"
    # "how much has Netflix had off me"
    r"|had\s+(?:off|from|out\s+of)\s+(?:me|my)|off\s+me|put\s+on\s+(?:my|the)\s+(?:\w+\s+)?card"
    r"|set\s+(?:me|us)\s+back"
    # "the game my grandson buy on my card": bought on the card, said in the present (broken English)
    r"|buys?\s+(?:\w+\s+){0,3}?(?:on|with)\s+(?:my|the|her|his)\s+(?:\w+\s+)?card"
    # "had a sandwich at Pret on my card in September. What did it come to?": what it cost
    r"|(?:did|does|do)\s+(?:it|that|this|they|those|the\s+\w+)(?:\s+all)?\s+come\s+to)\b",
    re.IGNORECASE,
)
_LISTED_RE = re.compile(
    r"\b(?:payments|transactions|purchases|withdrawals|spending|spent|spend)\b", re.IGNORECASE
)
_HOW_TO_RE = re.compile(
    r"\b(?:can|could|may)\s+i\b|\bhow\s+(?:do|can|would|should)\s+i\b|\bhow\s+to\b|\bwhy\b|\bwhen\b",
    re.IGNORECASE,
)
_SUM_RE = re.compile(
    r"\b(?:total|altogether|all\s+together|all\s+told|in\s+all|sum|add(?:ed)?\s+up)\b"
    # "what have my wages come to since the start of september", "how much pay have I had since october":
    # an amount built up over a span ("has my pay come to my account" is its arrival)
    r"|\b(?:come|came|comes|coming)\s+to\b(?!\s+(?:my|the|your|me)\b)"
    r"|\bsince\s+(?:(?:the\s+)?(?:start|beginning)\s+of\s+)?(?:january|february|march|april|may|june|july|august"
    r"|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|last\s+month)\b",
    re.IGNORECASE,
)
# "would I still have at least 6k left after", "will I have £500 left": what remains after paying an amount.
# "if I take that out what will I have left", "what would that leave me with", "what would I be left with":
# the balance less an amount the customer names.
_LEFT_AFTER_RE = re.compile(
    r"\b(?:would|will|should|'d|'ll)\s+(?:i|we)\s+(?:still\s+)?have\b[^?.!]{0,40}\bleft\b"
    r"|\b(?:what|how\s+much)\s+(?:would|will|does|'d|'ll|is)\s+(?:that|it|this)\s+(?:going\s+to\s+)?leave\s+(?:me|us)\b"
    r"|\b(?:what|how\s+much)\s+(?:would|will|'d|'ll)\s+(?:i|we)\s+be\s+left\s+with\b",
    re.IGNORECASE,
)
# "how much will I have left once Monday's mortgage has gone out?", "what will my balance be after the rent
# goes?", "what's left after the gym comes out": the balance less one payment (named, or an amount).
_LEFT_ONCE_PAID_RE = re.compile(
    r"\b(?:how\s+much|what)\s+(?:money\s+)?(?:will|would|'ll|do|does|am|is|will\s+there|would\s+there)\s+"
    r"(?:i|we|there|it)?\s*(?:still\s+)?(?:have|be|got)?\s*(?:left|remaining|left\s+over|to\s+spare)\b"
    r".{0,60}?\b(?:after|once|when)\b"
    r"|\b(?:how\s+much|what)(?:'s|s|\s+is|\s+will\s+be|\s+would\s+be)\s+(?:\w+\s+)?(?:left|remaining|left\s+over)\b"
    r".{0,60}?\b(?:after|once|when)\b"
    r"|\bwhat(?:'ll|\s+will|\s+would)\s+(?:my|the)\s+(?:\w+\s+)?balance\s+be\b.{0,40}?\b(?:after|once|when)\b",
    re.IGNORECASE,
)
# "how much was I in spoons for", "how much were we at the Harvester for on Friday": the bill at a place.
_WAS_I_IN_FOR_RE = re.compile(
    r"\b(?:how\s+much|what)\s+(?:was|were|am|are|have\s+i\s+been|had)\s+(?:i|we)\s+(?:in|at|down)\s+"
    r"(?!(?:credit|debit|the\s+red|overdraft|my\s+overdraft)\b)[\w'&.-]+(?:\s+[\w'&.-]+){0,3}?\s+for\b",
    re.IGNORECASE,
)
_BALANCE_ONLY_RE = re.compile(
    r"\bhow\s+much\s+(?:money\s+)?(?:is|do\s+i\s+have|have\s+i\s+got|'s)\s+(?:left\s+)?(?:in|on)\b",
    re.IGNORECASE,
)


# The newest card purchase or transaction, asked for alone ("my last payment" may be a transfer's status).
_ONE_PURCHASE_RE = re.compile(
    r"\b(?:last|latest|most\s+recent|newest)\s+(?:\w+\s+)?(?:transaction|purchase|card\s+payment|"
    r"thing\s+i\s+(?:bought|paid\s+for|spent\s+\w+\s+on))\b",
    re.IGNORECASE,
)


# "will the sky and the tv licence go out ok next month or are they gonna bounce": whether payments to come
# are covered, asked as whether they will go out all right (the amounts are the regular payments named).
_WILL_BOUNCE_RE = re.compile(
    r"\b(?:will|would|gonna|going\s+to|is\s+(?:it|that)|are\s+(?:they|them|those))\b[^?.!]{0,80}?"
    r"\b(?:bounce|bounced|be\s+covered|(?:go|come|be\s+taken)\s+out\s+(?:ok|okay|alright|all\s+right|fine))\b",
    re.IGNORECASE,
)


# What the payments made somewhere came to ("what did I spend abroad", "what did the Paris trip cost me"), not
# what paying there costs ("how much is it to use my card abroad", "any fees for spending in France").
_SPENT_THERE_RE = re.compile(
    r"\b(?:spent|spend|spending|did\b.{0,40}\bcost|come to|came to|total|altogether|add(?:ed)? up)\b", re.I
)
_FEE_ASKED_RE = re.compile(
    r"\b(?:fees?|charges?|commission|exchange rate|rate|how much (?:is|does|will|would) it|can i|could i|"
    r"should i|will i|do i need|before i go|going to)\b",
    re.I,
)


def spending_intent(text: str) -> str | None:
    """ "affordability", "spending" or None for a customer message (already redacted)."""
    if _WHEN_LAST_RE.search(text) and parse_category(text)[0] is not None:
        return "spending"  # "when did I last use a cashpoint": the latest of that kind
    if _CASH_TAKEN_RE.search(text) and not _CASH_NOT_MINE_RE.search(text):
        return "spending"  # "what did I get out the cashpoint at the start of the month": my withdrawals
    if _SPENT_THERE_RE.search(text) and not _FEE_ASKED_RE.search(text) and parse_place(text)[0] is not None:
        return "spending"  # "what did I spend abroad", "how much did the Paris trip cost me"
    if _NOT_SPENDING_RE.search(text):
        return None
    if _WILL_BOUNCE_RE.search(text) and parse_amount(text)[0] is None:
        return "affordability"
    if _AFFORD_RE.search(text):
        if parse_amount(text)[0] is None and _ENOUGH_ALONE_RE.search(text):
            return None  # "is there enough money in my account? I thought I'd run out": the balance
        return "affordability"
    if _WAS_I_IN_FOR_RE.search(text):
        return "spending"  # "how much was I in Tesco for": what was spent there
    if _LEFT_AFTER_RE.search(text) and (parse_amount(text)[0] or parse_bare_amount(text)) is not None:
        return "affordability"  # (what is left can only be money: "for 2,800 cash" is £2,800)
    if _LEFT_ONCE_PAID_RE.search(text):
        return "affordability"  # the payment's amount is read from the customer's regular payments (route)
    if _BALANCE_ONLY_RE.search(text):
        return None
    anchor, rest = parse_anchor(text)
    if anchor is not None:
        return "spending"
    limit, rest = parse_last_n(rest)
    if limit is not None and (limit > 1 or _ONE_PURCHASE_RE.search(text)):
        # "what was my last transaction on the pound account": one purchase, however triage reads "pound"
        return "spending"
    category, rest = parse_category(rest)
    aggregate = parse_aggregate(rest)
    if aggregate == "in_out":
        return "spending"
    if aggregate is None:
        # "Show me my takeaway payments": a category's payments, which a plain transaction list can't filter.
        if category is not None and _LISTED_RE.search(text) and not _HOW_TO_RE.search(text):
            return "spending"
        return None
    # "How much did I get paid?" is the income procedure's, unless it asks for a sum over a period.
    if (category in _PAY_CATEGORIES or (category is None and parse_direction(rest) == "in")) and not (
        _SUM_RE.search(text)
    ):
        return None
    if _MONEY_WORDS_RE.search(text) or category is not None:
        return "spending"
    if PUT_INTO_SAVINGS_RE.search(text) and _SUM_RE.search(text):
        return "spending"  # "how much have I put in my savings since start of october": the transfers in
    return None


# Cash the customer took out, asked about ("what did I get out the cashpoint", "how much did I withdraw on
# Saturday", "what did the cash machine give me"): their withdrawals, not a limit, a fee or a fraud.
_CASH_TAKEN_RE = re.compile(
    r"\b(?:what|how\s+much(?:\s+cash|\s+money)?)\s+(?:did|have|had)\s+(?:i|we)\s+(?:\w+\s+)?"
    r"(?:(?:get|got|take|took|taken|draw|drew|drawn)(?:\s+out)?\b"
    r"(?=.*\b(?:cash\s*points?|cash\s+machines?|atms?|hole\s+in\s+the\s+wall|cash)\b)"
    r"|withdraw|withdrew|withdrawn)\b"
    r"|\bwhat\s+did\s+(?:the\s+)?(?:cash\s*point|cash\s+machine|atm|hole\s+in\s+the\s+wall)\s+give\s+(?:me|us)\b",
    re.IGNORECASE,
)
_CASH_NOT_MINE_RE = re.compile(
    r"\b(?:not\s+me|wasn'?t\s+me|didn'?t|never|recogni[sz]e|fraud\w*|stolen|scam\w*|dispute\w*|can\s+i|could\s+i|"
    r"limit|max\w*|fee|fees|charge[sd]?|abroad|overseas|short|wrong|kept|swallowed|savings?|saver|isa)\b",
    re.IGNORECASE,
)
_WHEN_LAST_RE = re.compile(
    r"\bwhen\s+(?:did|was)\s+i\s+last\s+(?:use|used|go|went|visit|get|got|take|took|pay|paid|withdraw)\b"
    # "when was the last interest paid", "when did my savings last get interest": the latest of a kind
    r"|\bwhen\s+(?:did|was|were)\s+(?:the|my|your)\s+(?:last|latest|most\s+recent)\b"
    r"|\bwhen\s+did\s+(?:it|they|(?:my|the|your)\s+(?:[\w-]+\s+){1,2}?)\s*last\s+(?:pay|get|give|earn|receive|"
    r"credit)\b",
    re.IGNORECASE,
)
# "how much did it actually pay me last time", "when does it pay out": the account's payouts, named by "it"
_IT_PAYS_RE = re.compile(
    r"\b(?:did|does|do|has|have|will|would)\s+(?:it|they|that|that\s+account|the\s+account|the\s+saver|"
    r"(?:my|the)\s+savings?(?:\s+account)?|(?:my|the)\s+easy\s+saver)\s+(?:\w+\s+)?(?:pay|paid|earn|earned|"
    r"give|gave|make|made|credit|credited|add|added)\b"
    r"|\bhow\s+much\s+(?:did|have|has)\s+(?:i|it)\s+(?:\w+\s+)?(?:earn|earned|make|made|get|got)\b",
    re.IGNORECASE,
)
_INTEREST_RE = re.compile(r"\binterest\b", re.IGNORECASE)


def interest_meant(text: str, previous: str) -> str | None:
    """The message with the interest it means, when "how much did it pay me last time" follows a question
    about an account's interest (its rate, or what it pays); None otherwise.

    Without the word the question reads as the account's whole history; with it, it is the interest credits
    of that account, whose latest one is what "last time" asks for.
    """
    if _INTEREST_RE.search(text) or parse_category(text)[0] is not None:
        return None
    if not _IT_PAYS_RE.search(text) or not _INTEREST_RE.search(previous):
        return None
    return f"{text} (interest)"


# The income procedure answers about pay; interest and other credits are sums and latest ones of a category.
_PAY_CATEGORIES = INCOME_CATEGORIES - {"interest"}


_REFERS_BACK_RE = re.compile(
    r"\b(?:it|that|this|that one|this one|them|the payment|the bill)\b", re.IGNORECASE
)
_MONEY_IN_LINE_RE = re.compile(r"[£€$]\d[\d,]*(?:\.\d{2})?")


def referred_amount(text: str, frame: Mapping[str, Any]) -> str | None:
    """The amount "is there enough to cover it" means: the one payment the last answer showed, or None.

    Only when the message names no amount of its own and the last answer listed exactly one line with an
    amount (a list of several would make "it" a guess), or the last answer checked one amount against the
    balance ("will there be enough for the mortgage on Monday?", then "and what will be left after it goes
    out?": the same payment).
    """
    if parse_amount(text)[0] is not None or not _REFERS_BACK_RE.search(text):
        return None
    amounts = [m.group(0) for line in frame.get("listed") or [] if (m := _MONEY_IN_LINE_RE.search(str(line)))]
    if not amounts and frame.get("procedure") == "affordability":
        amounts = _MONEY_IN_LINE_RE.findall(str(frame.get("text", "")))
    if len(amounts) > 1 and frame.get("procedure") == "recurring_payments":
        return regular_payments_total(frame)
    return amounts[0] if len(amounts) == 1 else None


# A regular payment the list shows as stopped is not coming out any more.
_ENDED_LINE_RE = re.compile(r"\((?:cancelled|ended|stopped|expired|finished|completed)\)\s*$", re.IGNORECASE)


def regular_payments_total(frame: Mapping[str, Any]) -> str | None:
    """The sum of the regular payments the last answer listed, written as money ("£1,496.65"), or None.

    "What's coming out in December?" then "will there be enough to cover it?": "it" is what was asked about,
    everything the list shows still going out, in one currency (None when the lines mix currencies).
    """
    total, symbols = 0, set()
    for line in frame.get("listed") or []:
        if _ENDED_LINE_RE.search(str(line)) or not (m := _MONEY_IN_LINE_RE.search(str(line))):
            continue
        symbols.add(m.group(0)[0])
        pounds, _, pence = m.group(0)[1:].replace(",", "").partition(".")
        total += int(pounds) * 100 + int(pence or 0)
    if len(symbols) != 1 or not total:
        return None
    return f"{symbols.pop()}{total // 100:,}.{total % 100:02d}"


# "what did he spend on there", "how much went on that site": the place, not named again.
_PLACE_REFERRED_RE = re.compile(
    r"\b(?:on|at|from|in|with)\s+(?:there|that\s+(?:one|site|website|web\s+site|shop|store|place|company|app))\b"
    r"|\b(?:spen[dt]|spending|paid|pay|bought|ordered|go|went|gone)\s+there\b",
    re.IGNORECASE,
)


def place_referred(text: str, previous: str) -> str | None:
    """The shop the customer's last message described ("...used my card on an American electronics
    website"), when this one asks about money spent "there" without naming a shop: its words, to read the
    question with. None otherwise."""
    if not _PLACE_REFERRED_RE.search(text) or described_shops(text) or not _MONEY_WORDS_RE.search(text):
        return None
    shops = described_shops(previous)
    return shops[-1] if len(set(shops)) == 1 else None


# Right after what an amount would leave: "and once sky and the tv licence go out in december?", "what about
# after the gym and netflix have come out", "and with the rent on top?": the same amount, and those too.
_ALSO_TAKEN_RE = re.compile(
    r"^\W*(?:(?:ok|okay|right|so)\W+)?(?:and|what\s+about|how\s+about|plus|then)\b"
    r"|\b(?:once|after|when)\b[^?.!]{0,60}\b(?:go(?:es)?|gone|going|come|comes|came|coming|taken|paid|leaves?)\b"
    r"|\b(?:as\s+well|too|on\s+top|also)\b",
    re.IGNORECASE,
)
ALSO_TAKEN_MAX_WORDS = 16


def takes_off_more(text: str, frame: Mapping[str, Any]) -> bool:
    """Whether the message, right after what an amount would leave, asks the same with more taken off (the
    regular payments or the amount it names)."""
    return (
        frame.get("procedure") == "affordability"
        and len(text.split()) <= ALSO_TAKEN_MAX_WORDS
        and bool(_ALSO_TAKEN_RE.search(text))
    )


# "how much has it cost me since September, then?" right after the payments to one shop were shown: "it" is
# that shop.
_SHOP_REFERRED_RE = re.compile(
    r"\b(?:it|they|them|that one|this one|that subscription|that thing|that lot)\b", re.IGNORECASE
)


def refers_to_shop_shown(text: str) -> bool:
    """Whether a money question points back ("it", "that one") instead of naming a shop or a category of its
    own; the shop it means is the one the last answer was about."""
    return (
        bool(_SHOP_REFERRED_RE.search(text))
        and parse_category(text)[0] is None
        and not described_shops(text)
        and parse_merchant_named(text) is None
    )


# Right after a total: "and with the cash i took out?", "and wiv the sky n tv licence on top?", "plus the
# bills?", "what if you add the takeaways?": that total, and what the message names added to it.
_ADDED_ON_LEAD_RE = re.compile(
    r"^\W*(?:(?:ok|okay|right|so|and|n|an|then|what about|how about|what if)\W+)*"
    r"(?:with|wiv|wi|plus|including|adding|"
    r"(?:if )?(?:you |i |we )?(?:add|include|count|throw in|put in))"
    r"\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_ADDED_ON_TAIL_RE = re.compile(
    r"^\W*(?:(?:ok|okay|right|so|and|n|an|then|what about|how about)\W+)+(?P<rest>.*?)\W+(?:added )?"
    r"(?:on top|as well|too|added on|added in|thrown in|included|in (?:it|that|there) too)\W*$",
    re.IGNORECASE,
)
_ADDED_ON_TRAIL_RE = re.compile(
    r"\W+(?:(?:added )?on top(?: of (?:that|it|them|those))?|as well|too|added(?: on| in)?|thrown in|"
    r"included|in (?:it|that|there)(?: too)?)\W*$",
    re.IGNORECASE,
)
ADDED_ON_MAX_WORDS = 14


def added_to_total(text: str) -> str | None:
    """What a message asks to add to the total just given ("and with the cash i took out?" -> "the cash i
    took out", "and wiv the sky n tv licence on top?" -> "the sky n tv licence"); None when it adds
    nothing."""
    if len(text.split()) > ADDED_ON_MAX_WORDS:
        return None
    found = _ADDED_ON_LEAD_RE.search(text) or _ADDED_ON_TAIL_RE.search(text)
    if found is None:
        return None
    rest = _ADDED_ON_TRAIL_RE.sub("", found["rest"]).strip(" ?!.,")
    if not set(re.findall(r"[a-z0-9&']+", rest.lower())) - _NOT_ADDED:
        return None  # "and with that?": nothing named to add
    return rest


_NOT_ADDED = frozenset("the that it them those this these my a an all of then please".split())
