"""What a spending question asks for: an aggregate, "last N", a category, a period and a direction.

Deterministic like ``textparse`` (which it builds on): each piece is blanked out of the text once read, so
"since I got paid" is not read again as money received, nor "my last three payments" as a date.

Conventions (documented because customers are vague):
- Categories are the bank's own (``CATEGORIES``); everyday words map onto them ("takeaways", "food
  delivery" and "restaurants" are eating_out, "supermarket" is groceries, "petrol" is transport).
- "since I got paid", "since payday", "since my last salary" start just after the latest salary credit.
- "last weekend" is the most recent Saturday and Sunday before this week; "this weekend" is the one
  under way (or just gone, on a weekday).
- A question without a period covers the last ``DEFAULT_DAYS`` days, and says so.
- "spent", "paid", "payments" are money out (the default); "received", "came in", "income" money in.
- Approximate amounts ("about £40", "£40-odd") are ``textparse.parse_amount``'s tolerance.

No library does this better here: ``dateparser`` (not a dependency) reads single dates, not "since I got
paid" or "last weekend" relative to a fixed scenario day, and would add a heavy dependency for little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from agents.patterns import any_of
from agents.procedures.places import Place, parse_place, told_not_asked
from agents.procedures.textparse import (
    MONTH_PATTERN,
    WEEKEND_RE,
    AmountFilter,
    DateRange,
    dated_weekend,
    parse_amount,
    parse_date_range,
    parse_merchant,
    weekend,
)

Aggregate = Literal["total", "count", "max", "min", "list", "latest", "in_out"]
Direction = Literal["out", "in"]
DEFAULT_DAYS = 90

# Fuel in the customer's words: "petrol", "diesel", "when did I last fill up", "filled the car up", a fill-up.
FUEL_WORDS = ("fuel", "petrol", "diesel", r"fill(?:ed|ing)? (?:the (?:car|tank|van) )?up", r"fill-ups?")
# The seeded bank's categories, and what customers call them. Longer phrases are tried first.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "groceries": (
        "food shopping",
        "food shops?",
        "grocery shopping",
        "groceries",
        "grocery",
        "supermarkets?",
        "the big shop",
    ),
    "eating_out": (
        "eating out",
        "eat out",
        "ate out",
        "food deliver(?:y|ies)",
        "take[- ]?aways?",
        "take[- ]?outs?",
        "restaurants?",
        "dining out",
        "dining",
        "meals? out",
        "cafes?",
        "coffees?",
        "pubs?",
        "deliveries from just eat",
    ),
    "transport": (
        "public transport",
        "transport",
        "travel",
        "trains?",
        "train tickets?",
        "taxis?",
        "cabs?",
        *FUEL_WORDS,
        "buses",
        "bus fares?",
        # "and the bus before that?" (never the place: "at the bus stop")
        r"bus(?! (?:stop|station|shelter))",
        "commuting",
        "commute",
        # "what have I spent getting about this month, coach and taxis"
        "getting (?:about|around)",
        "coach(?:es)?",
        "coach (?:tickets?|fares?|trips?)",
    ),
    "shopping": ("online shopping", "shopping", "clothes", "clothing", "electronics"),
    "entertainment": (
        "entertainment",
        "cinema",
        "films?",
        "movies?",
        "streaming",
        "games",
        "gaming",
        "days? out",
        "going out",
    ),
    "bills": (
        "household bills",
        "utilities",
        "utility bills",
        "bills",
        "energy",
        "broadband",
        "council tax",
        "tv licen[cs]e",
        "gas and electric(?:ity)?",
        "electricity",
        "phone bills?",
        "insurance",
    ),
    "cash": (
        "cash withdrawals?",
        "cash machines?",
        "atms?",
        "cash ?points?",
        "hole in the wall",
        "cash",
        # Taking money out is withdrawing it, not a takeaway ("how much cash did I take out", "what I took
        # out in October"): said by the customer of themselves, and not of a loan or a policy.
        r"(?:i|we|i've|ive|we've|did i|did we|do i|do we|have i|to) (?:\w+ )?(?:take|took|taken|get|got|"
        r"draw|drew|drawn) (?:\w+ )?out"
        r"(?! (?:of|a|an|my|the|insurance|loans?|credit|mortgages?|policy|policies)\b)",
        "cash out",
        r"withdr(?:aw|ew|awn|awing|awals?)"
        r"(?! (?:from|out of) (?:my |the )?(?:savings?|saver|isa|easy saver))",
    ),
    "salary": (
        "salary",
        "salaries",
        "wages",
        "pay ?cheques?",
        "pay ?checks?",
        "earnings",
        "take[- ]?home(?: pay)?",
        # "my total pay from work", "what our pay came to": the salary, not a payment ("my pay day" is not)
        r"pay from (?:work|my (?:job|work|employer))",
        r"(?:my|our) (?:monthly |total )?pay(?! ?days?\b)",
    ),
    "transfers": ("bank transfers?", "transfers?", "money sent to people"),
    "interest": ("interest",),
}
CATEGORY_LABELS = {
    "groceries": "groceries",
    "eating_out": "eating out",
    "transport": "transport",
    "shopping": "shopping",
    "entertainment": "entertainment",
    "bills": "bills",
    "cash": "cash withdrawals",
    "salary": "salary",
    "transfers": "transfers",
    "interest": "interest",
}
# Money in by nature: asked about, they are what came in.
INCOME_CATEGORIES = frozenset({"salary", "interest"})
# Bills named by what they are for: the category plus the payees that bill it.
BILL_KINDS: dict[str, tuple[re.Pattern[str], str]] = {
    "mortgage": (re.compile(r"building society|mortgage|home loan", re.IGNORECASE), "your mortgage"),
    # "when did I last fill up", "petrol this month": the fuel stations' payments, not every train and taxi
    "fuel": (
        re.compile(
            r"\b(?:shell|bp|esso|texaco|jet|gulf|murco|applegreen|certas|harvest energy|petrol|fuel|"
            r"filling station|service station)\b",
            re.IGNORECASE,
        ),
        "fuel",
    ),
    # "the train in France", "my train on Thursday": the rail companies' payments (a train booked abroad is
    # often filed under shopping), not every bus and taxi
    "rail": (
        re.compile(
            r"\b(?:trainline|sncf|ouigo|eurostar|renfe|trenitalia|italo|deutsche bahn|db bahn|sbb|[oö]bb|"
            r"thalys|national rail|lner|avanti|gwr|great western|southeastern|southern railway|northern rail|"
            r"scotrail|thameslink|c2c|chiltern|crosscountry|cross country|transpennine|greater anglia|"
            r"merseyrail|elizabeth line|rail|railways?|trains?)\b",
            re.IGNORECASE,
        ),
        "trains",
    ),
    # "the taxi I took in October": the taxi firms' payments, not every train and bus of the month
    "taxi": (
        re.compile(
            r"\b(?:uber|bolt|addison lee|free ?now|gett|taxis?|cabs?|minicabs?|cars? service|private hire)\b",
            re.IGNORECASE,
        ),
        "taxis",
    ),
}
_FUEL_RE = re.compile(rf"\b(?:{'|'.join(FUEL_WORDS)})\b", re.IGNORECASE)
# A train journey in the customer's words ("the train", "train tickets", "rail fares"), not a training course.
TRAIN_RE = re.compile(
    r"\b(?:trains?|train (?:tickets?|fares?|journeys?|trips?|rides?)|rail (?:tickets?|fares?)|railcard)\b",
    re.IGNORECASE,
)
_TAXI_RE = re.compile(r"\b(?:taxis?|cabs?|minicabs?)\b", re.IGNORECASE)
# Kinds of getting about, named together ("the petrol, the taxi and the Underground"): all of transport.
_TRANSPORT_KINDS = (
    _FUEL_RE,
    _TAXI_RE,
    re.compile(r"\b(?:trains?|tube|underground|buse?s?|coach(?:es)?|tram|metro)\b", re.IGNORECASE),
)
_TRANSPORT_WHOLE_RE = re.compile(r"\b(?:getting (?:about|around)|transport)\b", re.IGNORECASE)
# "my mortgage payments"; not the mortgage being applied for ("the mortgage broker wants my salary", "for a
# mortgage application"), which names no payment.
_BILL_KIND_RE = re.compile(
    r"\b(?<!\ba\s)(?:my\s+|the\s+)?(?P<kind>mortgage)(?:\s+payments?)?\b"
    r"(?!\s+(?:broker|brokers|adviser|advisers|advisor|advisors|application|applications|offer|lender|lenders|"
    r"company|provider|agreement|in\s+principle|appointment|deal|quote|people|person)\b)",
    re.IGNORECASE,
)

_CATEGORY_RES = tuple(
    (category, re.compile(rf"\b(?:{phrase})\b", re.IGNORECASE))
    for category, phrases in CATEGORIES.items()
    for phrase in phrases
)
# Each category's phrases as one pattern, searched first: a category none of whose phrases is in the text
# (nearly all of them, for any one message) costs one search, not one per phrase.
_CATEGORY_ANY = {
    category: any_of(pattern for kind, pattern in _CATEGORY_RES if kind == category)
    for category in CATEGORIES
}

_ANCHOR_RE = re.compile(
    r"\b(?:since|after)\s+(?:i\s+(?:last\s+)?(?:got|was|get|received|had)\s+(?:my\s+)?(?:paid|salary|wages|pay)"
    r"|(?:my\s+|the\s+)?(?:last\s+|latest\s+|most\s+recent\s+)?(?:pay\s?day|salary|wages|pay\s?cheque"
    r"|pay\s?check|pay)(?:\s+(?:came|went|landed|arrived|was\s+paid|credit(?:ed)?|hit|dropped)(?:\s+in)?)?)",
    re.IGNORECASE,
)

# "between my October payday and my November one", "between paydays", "between my last two pay days": the
# money between two salary credits (both excluded). Months, when named, pick which two.
_PAY_WORD = r"(?:pay\s?days?|salar(?:y|ies)|wages|pay\s?cheques?|pay\s?checks?)"
_BETWEEN_PAYDAYS_RE = re.compile(
    r"\bbetween\s+(?:my\s+|the\s+)?(?:(?:last|latest|most\s+recent)\s+(?:two|2)\s+)?(?:"
    + MONTH_PATTERN.format(name="a")
    + r"(?:'s)?\s+)?"
    + _PAY_WORD
    + r"(?:\s+and\s+(?:my\s+|the\s+)?(?:"
    + MONTH_PATTERN.format(name="b")
    + r"(?:'s)?\s+)?(?:one|"
    + _PAY_WORD
    + r"))?\b",
    re.IGNORECASE,
)

# "how much have I put into the Easy Saver", "what have I moved over to savings since June": the transfers
# into a savings account from the customer's own accounts (money saved), not income.
PUT_INTO_SAVINGS_RE = re.compile(
    r"\b(?:put|putting|paid|moved|moving|transferred|transferring|saved|added|adding|deposited|stuck|"
    r"squirrell?ed(?:\s+away)?|popped|sent|paying)\s+(?:\w+\s+){0,2}?(?:in|into|in\s+to|over\s+to|to)\s+"
    r"(?:my\s+|the\s+|our\s+)?(?:easy\s+)?(?:saver|savings?(?:\s+account|\s+pot)?|isa|rainy\s+day\s+\w+)\b",
    re.IGNORECASE,
)
# "... and how much interest it paid on top", "plus the interest": the interest asked for beside it.
_INTEREST_TOO_RE = re.compile(r"\binterest\b", re.IGNORECASE)

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "a couple of": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}
_THINGS = (
    r"(?:card\s+)?(?:payments?|transactions?|purchases?|charges?|spends?|debits?|buys|things?\s+i\s+(?:bought|paid\s+for)"
    r"|outgoings?|deposits?|credits?)"
)
_LAST_N_RE = re.compile(
    r"\b(?:last|latest|most\s+recent|previous|past|recent)\s+(?P<n>\d{1,3}|"
    + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _NUMBER_WORDS), key=len, reverse=True))
    + rf")\s+(?:(?:of\s+)?(?:my\s+)?)?{_THINGS}\b"
    r"|\b(?P<single>(?:my|the)\s+(?:very\s+)?(?:last|latest|most\s+recent)\s+" + _THINGS + r")\b"
    # "my last shop at M&S", "the latest tesco order": one visit to a shop is one payment
    r"|\b(?P<visit>(?:my|the)\s+(?:very\s+)?(?:last|latest|most\s+recent)\s+(?:[a-z&'\-]+\s+)?"
    r"(?:shop|shopping\s+trip|order|visit|trip|top\s*up|bill)(?!s)\b)"
    # "show me the last five", "just the latest 3 please": the things are the ones being talked about
    r"|\b(?:the|my)\s+(?:last|latest|most\s+recent)\s+(?P<bare>\d{1,2}|"
    + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _NUMBER_WORDS), key=len, reverse=True))
    + r")(?:\s+(?:ones?|of\s+them))?(?:\s+(?:please|pls|thanks))?\W*$"
    # "my last three food shops": the number only, so the category after it is still read
    r"|\b(?:last|latest|most\s+recent)\s+(?P<lead>\d{1,2}|"
    + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _NUMBER_WORDS), key=len, reverse=True))
    + r")(?=\s+(?:[a-z]+\s+)?(?:shops|shopping\s+trips|orders|bills|top\s*ups)\b)",
    re.IGNORECASE,
)
MAX_LAST_N = 50

_COUNT_RE = re.compile(
    r"\bhow\s+many\b|\bhow\s+often\b|\bnumber\s+of\s+(?:times|payments|transactions|purchases)\b"
    r"|\bcount\b",
    re.IGNORECASE,
)
_MAX_RE = re.compile(
    r"\b(?:biggest|largest|highest|most\s+expensive|priciest|costliest|dearest|largest|(?<!on\s)top)\b"
    r"|\bmost\s+i(?:'ve|\s+have)?\s+(?:spent|paid)\b"
    # "which was the big one": the biggest of the payments asked about
    r"|\bthe\s+(?:big|large|huge|massive|expensive|pricey|dear)\s+(?:one|payment|shop|bill|spend|purchase)\b",
    re.IGNORECASE,
)
_MIN_RE = re.compile(r"\b(?:smallest|cheapest|lowest|least\s+expensive|tiniest)\b", re.IGNORECASE)
_TOTAL_RE = re.compile(
    r"\b(?:total|totals|in\s+all|altogether|all\s+together|all\s+told|sum|summed|add(?:ed)?\s+up|adds\s+up"
    # "what did we spend there": a couple's spending is asked with "we" as often as with "I"
    r"|tot\s+up|how\s+much|what\s+(?:did|have|do)\s+(?:i|we)\s+(?:spend|spent|pay|paid|receive|received|get|got)"
    r"|what\s+(?:i|we)(?:'ve|\s+have)?\s+(?:spent|paid|received)|what\s+have\s+(?:i|we)\s+spent|spending\s+on"
    # "what has that cost me", "what's the Apple thing set me back since September"
    r"|what\s+(?:did|have|has)\s+[\w\s'&.-]{1,40}?\s+cost"
    r"|what'?s\s+[\w\s'&.-]{1,40}?\s+(?:cost|set)\s+(?:me|us)\b(?:\s+back)?"
    r"|c[ao]me?\s+to|add(?:s|ed)?\s+up\s+to"
    # "what did ticketmaster take off me", "what has BT charged me", "what have they had off me"
    # "what did currys take on the credit card", "what did the garage charge to my card": the card it went on
    r"|what\s+(?:did|have|has)\s+[\w\s'&.-]{1,40}?\s+(?:take|taken|took|charge|charged|had|have|put)"
    r"\s+(?:(?:off|from|out\s+of|on|to)\s+)?(?:me|my|the|it)\b"
    # told, not asked: "could you tell me what the Shell garage charged me", "what Currys took off me"
    r"|what\s+(?:the\s+)?[\w'&.-]+(?:\s+[\w'&.-]+){0,3}?\s+(?:took|charged|(?:has|have)\s+(?:taken|charged))"
    r"\s+(?:(?:off|from|out\s+of|on|to)\s+)?(?:me|us|my|the)\b"
    r"|(?:what|how\s+much)\s+(?:money\s+)?(?:went|has\s+gone|have\s+gone|left|came|has\s+come)\s+(?:out|in)"
    r"|(?:my\s+)?(?:outgoings|money\s+out|money\s+in)|overall"
    # "what's my M&S spend been this month", "what's the Tesco spending so far"
    r"|what(?:s|'s|\s+is|\s+has|\s+was)\s+(?:my|the|our)\s+(?:[\w&'.-]+\s+){0,3}?(?:spend|spending|outgoings))\b",
    re.IGNORECASE,
)
_IN_RE = re.compile(
    r"\b(?:received|receive|receiving|came\s+in(?:to)?|come\s+in(?:to)?|coming\s+in(?:to)?|paid\s+in(?:to)?"
    r"|credited|credits|(?:gone|went|going|landed|arrived)\s+into\s+(?:my|our|the)\s+(?:\w+\s+)?account"
    r"|income|earned|earnt|earn|money\s+in|deposits?|(?:got|get|getting)\s+paid|been\s+paid|paid\s+me|sent\s+me"
    r"|pay\s+me|pays\s+me|paying\s+me|send\s+me|sends\s+me|refunded\s+me)\b",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"\b(?P<which>this|last)\s+year\b", re.IGNORECASE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SINCE_WEEKDAY_RE = re.compile(
    r"\b(?:since|from)\s+(?:last\s+)?(?P<day>" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE
)
_MONTH_NAMES = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# "the first half of November", "the last week of October", "the second fortnight of September".
_PART_OF_MONTH_RE = re.compile(
    r"\b(?:the\s+)?(?P<part>first|second|last|final)\s+(?P<unit>half|week|fortnight)\s+of\s+(?P<m>"
    + _MONTH_NAMES
    + r")\b(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# "from September to November", "between October and November": whole months, the first one included.
_MONTH_TO_MONTH_RE = re.compile(
    r"\b(?:from|between)\s+(?:(?:the\s+)?start\s+of\s+)?(?P<a>"
    + _MONTH_NAMES
    + r")\s+(?:to|and|until|till|-)\s+"
    r"(?:(?:the\s+)?end\s+of\s+)?(?P<b>" + _MONTH_NAMES + r")\b(?:\s+(?P<y>\d{4}))?(?!\s*\d)",
    re.IGNORECASE,
)
# "between the 1st and 15th of November", "1st-15th Nov": days of one month.
_DAYS_OF_MONTH_RE = re.compile(
    r"\b(?:(?:between|from)\s+)?(?:the\s+)?(?P<a>\d{1,2})(?:st|nd|rd|th)?\s*(?:and|to|until|till|-|–)\s*"
    r"(?:the\s+)?(?P<b>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>"
    + _MONTH_NAMES
    + r")\b(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# "the first two weeks of November", "the last 3 weeks of October".
_WEEKS_OF_MONTH_RE = re.compile(
    r"\b(?:the\s+)?(?P<part>first|last)\s+(?P<n>two|three|2|3)\s+weeks\s+of\s+(?P<m>" + _MONTH_NAMES + r")\b"
    r"(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# "early November" (1st-10th), "late October" / "the end of October" (21st to the end).
_EARLY_LATE_RE = re.compile(
    r"\b(?P<when>early|late|(?:the\s+)?end\s+of|(?:the\s+)?beginning\s+of|(?:the\s+)?start\s+of)\s+(?P<m>"
    + _MONTH_NAMES
    + r")\b(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# "the month before October": what a follow-up ("and the month before?") adds to the earlier question.
_MONTH_BEFORE_RE = re.compile(
    r"\b(?:the\s+)?(?:month|one)\s+before(?:\s+that)?\b|\bthe\s+previous\s+month\b", re.IGNORECASE
)
# A month named without "in" ("November takeaways", "what did October cost me"); not "may".
_BARE_MONTH_RE = re.compile(
    r"\b(?P<m>january|february|march|april|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)

_SINCE_MONTH_RE = re.compile(
    r"\b(?:since|from)\s+(?:(?:the\s+)?(?:start|beginning)\s+of\s+|(?P<end>(?:the\s+)?end\s+of\s+))?(?P<m>"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b(?:\s+(?P<y>\d{4}))?(?!\s*\d)",
    re.IGNORECASE,
)
_WHAT_IT_COSTS_RE = re.compile(
    r"\bhow\s+much\s+(?:is|are|'s)\s+(?:my|the|our)\b|\b(?:each|every|per|a)\s+month\b|\bmonthly\b",
    re.IGNORECASE,
)
_LAST_TIME_RE = re.compile(
    r"\b(?:last time|the last one|most recent(?:ly)?|latest)\b|\bwhen\s+(?:did|was)\s+i\s+last\b"
    r"|\bwhen\s+(?:did|was|were)\s+(?:the|my|your)\s+last\b"
    r"|\bwhen\s+did\s+(?:it|they|(?:my|the|your)\s+(?:[\w-]+\s+){1,2}?)\s*last\b",
    re.IGNORECASE,
)
_SUM_WORDS_RE = re.compile(
    r"\b(?:total|altogether|all\s+together|in\s+all|sum|add(?:ed)?\s+up|so\s+far|spent|spend)\b",
    re.IGNORECASE,
)
# "Purchases" are things bought: money sent to people (transfers) is not one.
_PURCHASE_RE = re.compile(r"\b(?:purchases?|bought|buys?|buying|shopping\s+trips?)\b", re.IGNORECASE)
# "what have I paid for on my card", "card spending": card payments only, not debits or transfers.
_ON_CARD_RE = re.compile(
    r"\b(?:on|with|using|by) (?:my |the |me |that |this |your )?"
    # "on the pound card", "on my euro card", "on that card": the card a currency's account has
    r"(?:(?:debit|credit|bank|pound|sterling|gbp|euro|eur|dollar|usd|visa|mastercard|main|usual|normal)\s+)?"
    r"card\b|\bcard (?:spend|spending|"
    r"payments?|purchases?|transactions?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Excluded:
    """Payments a total is asked without ("without the mortgage", "apart from cash", "minus Tesco"): a bill
    kind, a category or a merchant's name."""

    label: str
    bill_kind: str | None = None
    category: str | None = None
    merchant: str | None = None
    # "... the pub, the pictures. Not the Netflix.": a bare "not" leaves a shop out only when the customer
    # pays it (never "not sure"); the spending procedure checks.
    only_if_paid: bool = False


# "without the mortgage", "not counting cash", "if you take the mortgage out of that", "leave Tesco out".
_THING = (
    r"(?:(?:the|my|any|all(?:\s+the)?|all\s+my)\s+)?"
    r"(?!(?:in|on|at|of|from|for|to|with|by|over|since|during|last|this|out|off)\b)"
    r"(?P<{name}>[\w&'-]+(?:\s+[\w&'-]+){{0,2}}?)"
)
# Where the words of a thing left out end: "without the mortgage, ...", "not bills or the mortgage".
_EXCLUDED_END = (
    r"(?=\s*(?:[,.?!;)]|$|\b(?:and|or|nor|then|from|in|for|please|pls|too|as\s+well|this|last|over|since|"
    r"during)\b))"
)
_EXCLUDED_RE = re.compile(
    r"\b(?:without|excluding|exclude|except(?:\s+for)?|apart\s+from|other\s+than|not\s+counting|"
    r"not\s+including|minus|leaving\s+out|leave\s+out|take\s+away|taking\s+away|knock\s+off)\s+"
    + _THING.format(name="a")
    + _EXCLUDED_END
    # "if you take the mortgage out", "leave Tesco out of it" (not "we took the kids out"): asked of the total
    + r"|(?:^|[,.?!;:-]\s*|\b(?:you|we|i|u|and|now|then|just|please|pls|if)\s+)"
    r"(?:take|leave|knock|strip|cut)\s+"
    + _THING.format(name="b")
    + r"\s+(?:out|off|away)\b(?:\s+of\s+(?:that|it|this|them|those|the\s+(?:total|figure|sum)))?"
    r"|\bwith\s+" + _THING.format(name="c") + r"\s+(?:taken|left|knocked)\s+(?:out|off)\b"
    # "how much did I spend on my card? not bills or the mortgage, just the card": a bare "not" opening a
    # clause (a bill or a category only, checked in parse_excluded: "not sure" leaves nothing out)
    # ("just groceries not takeaways": "not" after what is kept, said with "just" or "only")
    r"|(?:^|[,.?!;:-]\s*|\b(?:just|only)\s+(?:the\s+)?[\w&'-]+(?:\s+[\w&'-]+)?\s+)(?:but\s+|and\s+)?"
    r"not\s+(?!(?:counting|including)\b)" + _THING.format(name="d") + _EXCLUDED_END,
    re.IGNORECASE,
)
# Another thing left out with the first: "excluding bills and the mortgage", "not bills or the mortgage".
_MORE_EXCLUDED_RE = re.compile(
    r"\s*,?\s*(?:or|and|nor|plus)\s+(?!(?:then|what|whats|how|when|where|which|who|is|was|are|were|can|could|"
    r"do|does|did|i|you|we|it|also|just)\b)" + _THING.format(name="e") + _EXCLUDED_END,
    re.IGNORECASE,
)
_NOT_EXCLUDED = frozenset({"that", "it", "this", "them", "those", "these", "me", "you", "us", "money"})
# "the cash machine stuff", "the takeaway bits": the category itself.
_FILLER = frozenset({"stuff", "things", "bits", "ones", "payments", "spending", "side", "lot"})


def _excluded_thing(words: str) -> Excluded | None:
    label = " ".join(words.split())
    if label.lower() in _NOT_EXCLUDED or parse_amount(label)[0] is not None:
        return None
    if (m := _BILL_KIND_RE.search(label)) and m.group(0).strip().lower().startswith(
        ("mortgage", "my", "the")
    ):
        return Excluded(label=BILL_KINDS[m.group("kind").lower()][1], bill_kind=m.group("kind").lower())
    if _DIRECT_DEBITS_RE.fullmatch(label):
        # "apart from the direct debits": the bills they pay, not a shop called "direct debits"
        return Excluded(label="direct debits", category="bills")
    category, rest = parse_category(label)
    if category is not None and not set(rest.lower().split()) - _FILLER:
        return Excluded(label=CATEGORY_LABELS[category], category=category)
    return Excluded(label=label, merchant=label.lower())


_DIRECT_DEBITS_RE = re.compile(
    r"(?:direct\s+debits?|dds?|dd\s+payments|direct\s+debit\s+payments)", re.IGNORECASE
)


# "The pub, the pictures. Not the Netflix.": a bare "not" and "the" before a name, a sentence of its own.
_BARE_NOT_SHOP = re.compile(r"^[.?!;]\s*(?:but\s+|and\s+)?not\s+the\s+", re.IGNORECASE)


def parse_excluded(text: str) -> tuple[tuple[Excluded, ...], str]:
    """What a total is asked without ("not counting the mortgage", "take cash out of that"), and the rest."""
    found: list[Excluded] = []
    for m in list(_EXCLUDED_RE.finditer(text)):
        thing = _excluded_thing(m.group("a") or m.group("b") or m.group("c") or m.group("d"))
        if thing is None or (m.group("d") and thing.merchant is not None and not _BARE_NOT_SHOP.match(m[0])):
            continue
        if m.group("d") and thing.merchant is not None:
            thing = replace(thing, only_if_paid=True)
        found.append(thing)
        text = _blank(text, m)
        end = m.end()
        while (more := _MORE_EXCLUDED_RE.match(text, end)) and (other := _excluded_thing(more.group("e"))):
            if m.group("d") and other.merchant is not None:
                break
            found.append(other)
            text = _blank(text, more)
            end = more.end()
    return tuple(found), text


@dataclass(frozen=True)
class SpendingQuery:
    aggregate: Aggregate
    direction: Direction
    limit: int | None = None  # "my last three payments"
    category: str | None = None
    dates: DateRange | None = None
    anchor: str | None = None  # "salary": since the latest salary credit; "paydays": between two of them
    pay_months: tuple[str | None, str | None] = (None, None)  # "between my October payday and my November"
    put_in: bool = False  # "how much have I put into the saver": transfers in from the customer's accounts
    interest_too: bool = False  # "... and how much interest it paid on top"
    amount: AmountFilter | None = None
    merchant: str | None = None
    purchases_only: bool = False  # "biggest purchase": transfers to people are not purchases
    card_only: bool = False  # "on my card": what was paid with a card
    bill_kind: str | None = None  # "mortgage": the bills whose payee is a building society or lender
    excluded: tuple[Excluded, ...] = ()  # "without the mortgage", "take the cash out of that"
    also: tuple[str, ...] = ()  # "going out, the pub and the pictures": more categories, added up with it
    place: Place | None = None  # "in France", "abroad": where the payments were made


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def parse_anchor(text: str) -> tuple[str | None, str]:
    """ "salary" when the period starts at an event ("since I got paid", "since payday"); "paydays" when it
    lies between two salary credits ("between my October payday and my November one")."""
    if m := _BETWEEN_PAYDAYS_RE.search(text):
        return "paydays", _blank(text, m)
    if m := _ANCHOR_RE.search(text):
        return "salary", _blank(text, m)
    return None, text


def parse_last_n(text: str) -> tuple[int | None, str]:
    """N of "my last three payments" (digits or words; "my last payment" is 1), capped at MAX_LAST_N."""
    if m := _LAST_N_RE.search(text):
        if m.group("single"):
            return 1, _blank(text, m)
        if m.group("visit"):
            return 1, text  # the shop may be named inside it ("my last tesco shop"): left for the search
        raw = " ".join((m.group("n") or m.group("bare") or m.group("lead")).lower().split())
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        if m.group("bare") and n < 2:
            return None, text  # "the last one" picks from a list; it does not ask for one payment
        return max(1, min(n, MAX_LAST_N)), _blank(text, m)
    return None, text


# "everything that went out, bills and all", "including bills", "everything, bills, mortgage, cash, the lot":
# a category named as part of everything, not a filter. Items of a list may stand between ("everything,
# bills, mortgage, card, cash").
_LIST_ITEM = r"[\w&'-]+(?:\s+[\w&'-]+)?\s*(?:,|\band\b|&|\+|/)"
_INCLUDED_BEFORE = re.compile(
    rf"\b(?:everything|including|incl|inc|plus)\W+(?:{_LIST_ITEM}\s*)*(?:(?:the|my|our|any)\s+)?$",
    re.IGNORECASE,
)
_INCLUDED_AFTER = re.compile(
    # "bills n all", "groceries 'n' all": "and" as it is said
    rf"\s*(?:,|\band\b|&|\+|/)?\s*(?:{_LIST_ITEM}\s*)*(?:(?:and|n|an|'n'?) all|included|and everything|"
    r"as well|the (?:whole )?lot|everything|all of (?:it|them|that)|the works|etc|and so on)\b",
    re.IGNORECASE,
)


def named_as_included(text: str, start: int, end: int) -> bool:
    """Whether the words from ``start`` to ``end`` name a part of everything asked about ("bills and all",
    "everything, bills, mortgage, cash, the lot"), not a filter."""
    return bool(_INCLUDED_AFTER.match(text[end:]) or _INCLUDED_BEFORE.search(text[:start]))


def parse_category(text: str) -> tuple[str | None, str]:
    """The bank's category the text names ("takeaways" -> "eating_out"), and the rest of the text."""
    best: tuple[int, str, re.Match[str]] | None = None
    named = {category for category, any_phrase in _CATEGORY_ANY.items() if any_phrase.search(text)}
    for category, pattern in _CATEGORY_RES:
        if category not in named or not (m := pattern.search(text)):
            continue
        if named_as_included(text, m.start(), m.end()):
            continue  # "bills and all": part of everything, not a filter
        # The longest phrase wins ("food shopping" is groceries, not shopping).
        if best is None or len(m.group(0)) > best[0]:
            best = (len(m.group(0)), category, m)
    if best is None:
        return None, text
    return best[1], _blank(text, best[2])


def category_after_name(text: str, name: str, category: str) -> bool:
    """The category's word comes straight after a shop's name ("the SNCF train, november", "my Tesco food
    shop"): it says what was bought there, not a category to total instead of the shop."""
    named = re.search(rf"\b{re.escape(name)}(?:'s)?\s+", text, re.IGNORECASE)
    if named is None:
        return False
    return any(
        kind == category
        and (found := pattern.search(text, named.end())) is not None
        and found.start() == named.end()
        for kind, pattern in _CATEGORY_RES
    )


# "am I up or down on the month", "are we ahead or behind this month", "was I better or worse off in
# October", "did I end the month in the black or the red", "have I spent more than came in", "did more come in
# than go out": money in set against money out over a period. Either way round, and only with "or" or "than"
# ("is the euro account in the red" is a balance, "the limit going up" no sum at all).
NET_POSITION_PATTERN = (
    r"|\b(?:am|are|was|were|did|will|would|have|has|do|does)\s+(?:i|we)\s+(?:\w+\s+){0,3}?"
    r"(?:(?:up|down)\s+or\s+(?:up|down)|(?:ahead|behind)\s+or\s+(?:ahead|behind)"
    r"|(?:better|worse)\s+or\s+(?:better|worse)(?:\s+off)?"
    r"|in\s+(?:the\s+)?(?:black|green|red|plus|minus)\s+or\s+(?:in\s+)?(?:the\s+)?(?:black|green|red|plus|minus)"
    r"|(?:make|made|gain|gained)\s+or\s+(?:lose|lost)\s+(?:money|cash)?)\b"
    r"|\b(?:more|less)\s+(?:money\s+)?(?:has\s+|have\s+)?(?:come|came|coming|gone|went|going|go)\s+(?:in|out)\s+than\s+"
    r"(?:has\s+|have\s+)?(?:come|came|coming|gone|went|going|go)\s+(?:in|out)\b"
    r"|\bspen[dt]\s+more\s+than\s+(?:i|we)(?:'ve|\s+have|\s+had)?\s+(?:earned|earn|made|make|got|get|received|had\s+in)\b"
    r"|\bspen[dt]\s+more\s+than\s+(?:has\s+|have\s+)?(?:came|come)\s+in\b"
    # without the question's subject: "better or worse off then, overall?", "up or down on the month?"
    r"|\b(?:better|worse)\s+or\s+(?:better|worse)\s+off\b"
    r"|\b(?:up|down|ahead|behind)\s+or\s+(?:up|down|ahead|behind)\s+(?:on|for|over|in)\s+(?:the|this|last|that)\s+"
    r"(?:month|week|year)\b"
)


# "money in vs out last month", "what came in and what went out", "my incomings and outgoings": both sums.
IN_VS_OUT_RE = re.compile(
    r"\b(?:money\s+|what\s+)?(?:came|come|comes|coming|went|go|goes|gone|going|money)\s+in\b.{0,25}?"
    r"\b(?:vs\.?|versus|v|and|against|compared\s+(?:to|with))\s+(?:(?:the\s+)?(?:total|sum)\s+(?:of\s+)?)?"
    r"(?:what\s+|money\s+|how\s+much\s+(?:money\s+)?)?"
    r"(?:went|go(?:es|ne)?|going|came|come|money)?\s*out\b"
    r"|\bins\s+and\s+outs\b|\bincomings?\s+(?:and|vs\.?|versus)\s+outgoings?\b"
    # (and where the customer stands over a period, which is the same two sums set against each other)
    r"|\bin\s+(?:vs\.?|versus)\s+out\b" + NET_POSITION_PATTERN,
    re.IGNORECASE,
)


def parse_aggregate(text: str) -> Aggregate | None:
    """What to compute: both sums, a count, the biggest or smallest, or a total (None: just list)."""
    if IN_VS_OUT_RE.search(text):
        return "in_out"
    if _COUNT_RE.search(text):
        return "count"
    if _MAX_RE.search(text):
        return "max"
    if _MIN_RE.search(text):
        return "min"
    if _TOTAL_RE.search(text):
        return "total"
    return None


# "work are paying me back for the train", "they'll reimburse me for the hotel": someone else repays a
# purchase, which is the payment out asked about.
_REPAID_FOR_RE = re.compile(
    r"\b(?:pay|pays|paying|paid|refund(?:s|ing|ed)?|reimburs(?:e|es|ing|ed)|claim(?:s|ing|ed)?)\s+(?:me|us)"
    r"\s+(?:back\s+)?(?:for|on)\b",
    re.IGNORECASE,
)


def parse_direction(text: str) -> Direction:
    """Money in or out, as the question says it: of several clauses, the last that says a way decides ("got
    paid on the 22nd, whats gone out since my wages" asks what went out)."""
    for clause in reversed(_CLAUSE_RE.split(text)):
        cleaned = _REPAID_FOR_RE.sub(" ", clause)
        if _IN_RE.search(cleaned):
            return "in"
        if _OUT_RE.search(cleaned):
            return "out"
    return "out"


_CLAUSE_RE = re.compile(r"[,.;!?]+\s")


# Money going out, in words: "whats gone out", "what went out", "what I spent", "my outgoings".
_OUT_RE = re.compile(
    r"\b(?:(?:gone|went|going|come|came|coming|paid)\s+out|spen[dt]|spending|outgoings?)\b", re.IGNORECASE
)


def direction_said(text: str) -> Direction | None:
    """The way the money moved that the text says in words ("whats gone out", "what came in"), or None."""
    if _IN_RE.search(text):
        return "in"
    return "out" if _OUT_RE.search(text) else None


def without_direction(text: str) -> str:
    """The text without its words of money coming in or going out (for a follow-up that says the other)."""
    return " ".join(_OUT_RE.sub(" ", _IN_RE.sub(" ", text)).split())


def _month_of(m: re.Match[str], today: date) -> DateRange | None:
    year = f" {m.group('y')}" if m.group("y") else ""
    return parse_date_range(f"in {m.group('m')}{year}", today)[0]


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _part_of_month(m: re.Match[str], today: date) -> DateRange | None:
    year = f" {m.group('y')}" if m.group("y") else ""
    month, _ = parse_date_range(f"in {m.group('m')}{year}", today)
    if month is None or month.since is None:
        return None
    first = month.since
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    days = {"half": 15, "week": 7, "fortnight": 14}[m.group("unit").lower()]
    if m.group("part").lower() == "first":
        span = DateRange(first, first + timedelta(days=days - 1))
    elif m.group("unit").lower() == "half":  # the second half: from the 16th to the month's end
        span = DateRange(first + timedelta(days=days), last)
    elif m.group("part").lower() == "second":
        span = DateRange(first + timedelta(days=days), first + timedelta(days=2 * days - 1))
    else:  # the last week or fortnight
        span = DateRange(last - timedelta(days=days - 1), last)
    if span.since is not None and span.since > today:
        return None
    return DateRange(span.since, min(span.until or today, today))


# "over Sept, Oct and Nov", "in September and October": the whole months, first to last.
_MONTH_LIST_RE = re.compile(
    # the months between may be run together too: "sept oct and nov", "sept+oct+nov"
    r"\b(?P<a>" + _MONTH_NAMES + r")(?:\s*[,+/]?\s*\b(?:" + _MONTH_NAMES + r"))*?"
    # "and" before the last one, or none at all ("september october november")
    r"(?:\s*(?:,\s*)?(?:and\s+|&\s*|\+\s*)|\s*[,/]?\s+)"
    r"(?P<b>" + _MONTH_NAMES + r")\b"
    # the last of the months listed
    r"(?!(?:\s*(?:,\s*)?(?:and\s+|&\s*|\+\s*)|\s*[,/]?\s+)(?:" + _MONTH_NAMES + r")\b)"
    r"(?:\s+(?P<y>\d{4}))?(?!\s*\d)",
    re.IGNORECASE,
)


def _months_span(first_name: str, last_name: str, year: str | None, today: date) -> DateRange | None:
    """From the first day of one month to the last of another (the first taken in the year before when it
    comes later in the calendar: "November to January")."""
    first, _ = parse_date_range(f"in {first_name}", today)
    last, _ = parse_date_range(f"in {last_name}{' ' + year if year else ''}", today)
    if not (first and last and first.since and last.since and last.until):
        return None
    since = first.since if first.since <= last.since else first.since.replace(year=first.since.year - 1)
    return DateRange(since, last.until)


def parse_period(text: str, today: date) -> tuple[DateRange | None, str]:
    """textparse's dates, plus weekends, weekdays, "this year" and months named without a preposition."""
    if dated := dated_weekend(text, today):
        return dated[0], _blank(text, dated[1])
    if m := WEEKEND_RE.search(text):  # before a month named beside it ("the last weekend of October" aside)
        return weekend(m, today), _blank(text, m)
    if (m := _MONTH_LIST_RE.search(text)) and (span := _months_span(m["a"], m["b"], m["y"], today)):
        return span, _blank(text, m)
    if m := _MONTH_TO_MONTH_RE.search(text):
        first, _ = parse_date_range(f"in {m.group('a')}", today)
        last, _ = parse_date_range(f"in {m.group('b')}{' ' + m.group('y') if m.group('y') else ''}", today)
        if first and last and first.since and last.since and last.until:
            since = (
                first.since if first.since <= last.since else first.since.replace(year=first.since.year - 1)
            )
            return DateRange(since, last.until), _blank(text, m)
    # "since the start of September" before "the start of September" (its first ten days) is read alone.
    if m := _SINCE_MONTH_RE.search(text):
        year = f" {m.group('y')}" if m.group("y") else ""
        month, _ = parse_date_range(f"in {m.group('m')}{year}", today)
        if month is not None and month.since is not None and m.group("end"):
            # "since the end of August": from its last day on (a payment made "at the end of August" counts)
            return DateRange(_month_end(month.since), None), _blank(text, m)
        if month is not None:
            return DateRange(month.since, None), _blank(text, m)
    if m := _DAYS_OF_MONTH_RE.search(text):
        month = _month_of(m, today)
        if month is not None and month.since is not None:
            lo, hi = sorted((int(m.group("a")), int(m.group("b"))))
            if 1 <= lo and hi <= _month_end(month.since).day:
                since = month.since.replace(day=lo)
                return DateRange(since, min(month.since.replace(day=hi), today)), _blank(text, m)
    if m := _WEEKS_OF_MONTH_RE.search(text):
        month = _month_of(m, today)
        if month is not None and month.since is not None:
            days = 7 * {"two": 2, "three": 3}.get(m.group("n").lower(), 0) or 7 * int(m.group("n"))
            end = _month_end(month.since)
            if m.group("part").lower() == "first":
                span = DateRange(month.since, month.since + timedelta(days=days - 1))
            else:
                span = DateRange(end - timedelta(days=days - 1), end)
            return DateRange(span.since, min(span.until or today, today)), _blank(text, m)
    if m := _EARLY_LATE_RE.search(text):
        month = _month_of(m, today)
        if month is not None and month.since is not None:
            end = _month_end(month.since)
            if m.group("when").lower().split()[-2:] in (["late"], ["end", "of"]):
                span = DateRange(month.since.replace(day=21), end)
            else:
                span = DateRange(month.since, month.since.replace(day=10))
            if span.since is not None and span.since <= today:
                return DateRange(span.since, min(span.until or today, today)), _blank(text, m)
    if m := _PART_OF_MONTH_RE.search(text):
        part = _part_of_month(m, today)
        if part is not None:
            return part, _blank(text, m)
    if m := _MONTH_BEFORE_RE.search(text):
        rest = _blank(text, m)
        named, rest = parse_period(rest, today)
        if named is not None and named.since is not None and named.since.day == 1:
            end = named.since - timedelta(days=1)
            return DateRange(end.replace(day=1), end), rest
    dates, rest = parse_date_range(text, today)
    if dates is not None:
        return dates, rest
    if m := _SINCE_WEEKDAY_RE.search(text):
        back = (today.weekday() - _WEEKDAYS.index(m.group("day").lower())) % 7 or 7
        return DateRange(today - timedelta(days=back), None), _blank(text, m)
    if m := _YEAR_RE.search(text):
        which = today.year if m.group("which").lower() == "this" else today.year - 1
        return DateRange(date(which, 1, 1), min(date(which, 12, 31), today)), _blank(text, m)
    if m := _BARE_MONTH_RE.search(text):
        # Reuse textparse's month arithmetic by asking it about "in <month>".
        year = f" {m.group('y')}" if m.group("y") else ""
        found, _ = parse_date_range(f"in {m.group('m')}{year}", today)
        if found is not None:
            return found, _blank(text, m)
    return None, text


# Food in general, neither the food shopping nor the eating out alone ("food shopping" is read before this).
_FOOD_RE = re.compile(
    r"\b(?:food(?:\s+(?:and|&|n)\s+drinks?)?|grub|scran)\b(?!\s+(?:banks?|bills?|halls?|courts?|markets?|shops?|stores?|places?|orders?|boxe?s?))",
    re.I,
)


def parse_spending(text: str, today: date) -> tuple[SpendingQuery, str]:
    """Everything a spending question says, and what is left (for a merchant named without "at")."""
    anchor, rest = parse_anchor(text)
    pay_months: tuple[str | None, str | None] = (None, None)
    if anchor == "paydays" and (m := _BETWEEN_PAYDAYS_RE.search(text)):
        pay_months = (m.group("a"), m.group("b"))
    put_in = bool(PUT_INTO_SAVINGS_RE.search(text))
    place, rest = parse_place(rest)
    limit, rest = parse_last_n(rest)
    dates, rest = (None, rest) if anchor else parse_period(rest, today)
    if place is not None and dates is not None and told_not_asked(text):
        place = None  # the days of the trip say what is asked: everything paid on them
    amount, rest = parse_amount(rest)
    excluded, rest = parse_excluded(rest)
    bill_kind = None
    if (m := _BILL_KIND_RE.search(rest)) and not named_as_included(rest, m.start(), m.end()):
        bill_kind, rest = m.group("kind").lower(), _blank(rest, m)
    elif _TRANSPORT_WHOLE_RE.search(rest) or sum(bool(k.search(rest)) for k in _TRANSPORT_KINDS) > 1:
        pass  # "getting about: the petrol, the taxi and the tube": the whole of transport, read as a category
    elif (m := _FUEL_RE.search(rest)) and not named_as_included(rest, m.start(), m.end()):
        bill_kind, rest = "fuel", _blank(rest, m)
    elif (m := TRAIN_RE.search(rest)) and not named_as_included(rest, m.start(), m.end()):
        bill_kind, rest = "rail", _blank(rest, m)
    elif (m := _TAXI_RE.search(rest)) and not named_as_included(rest, m.start(), m.end()):
        bill_kind, rest = "taxi", _blank(rest, m)
    category, rest = parse_category(rest)
    if category is not None and any(e.category == category for e in excluded):
        # "only restaurants not takeaways": both are eating out, which cannot be asked without itself
        excluded = tuple(e for e in excluded if e.category != category)
    if bill_kind == "rail" and category is not None:
        # "trains and taxis", "travel, trains mostly": the wider kind of spending said covers the trains
        bill_kind = None
    also: list[str] = []
    while (
        category is not None
        and category not in INCOME_CATEGORIES
        and bill_kind is None
        and (more := parse_category(rest))[0] is not None
        and more[0] not in INCOME_CATEGORIES
    ):
        # "going out since September? the pub, the pictures": every kind of spending named, added up
        if more[0] != category and more[0] not in also:
            also.append(more[0])
        rest = more[1]
    if category is None and bill_kind is None and (m := _FOOD_RE.search(rest)):
        # "how much did i spend on food last month": the food shopping and the eating out, added up
        category, also, rest = "groceries", ["eating_out"], _blank(rest, m)
    if category in INCOME_CATEGORIES:
        bill_kind = None  # "my salary over three months for the mortgage": money in, not a bill
    if bill_kind in ("fuel", "rail", "taxi"):
        # the fuel stations', rail companies' or taxi firms' names say it, whatever the bank's category
        category = None
    elif bill_kind is not None:
        category = "bills"
    aggregate = parse_aggregate(rest)
    if m := IN_VS_OUT_RE.search(rest):
        rest = _blank(rest, m)  # "in vs out" names no shop
        if category is not None:
            # "how much of that was bills" after money in vs out: the bills' own sum.
            aggregate = parse_aggregate(rest)
    direction: Direction = "in" if category in INCOME_CATEGORIES else parse_direction(rest)
    merchant = parse_merchant(rest)
    if aggregate is None:
        aggregate = "list" if limit is not None else "total"
    if (
        aggregate == "total"
        and dates is None
        and anchor is None
        and limit is None
        and _WHAT_IT_COSTS_RE.search(text)
        and not _SUM_WORDS_RE.search(text)
    ):
        # "How much is my mortgage?": what one payment is, the latest to each payee, not a sum over months.
        aggregate = "latest"
    if aggregate == "total" and dates is None and limit is None and _LAST_TIME_RE.search(text):
        # "how much interest did my savings pay last time?": the latest one, not a sum.
        aggregate = "latest"
    return (
        SpendingQuery(
            aggregate=aggregate,
            direction=direction,
            limit=limit,
            category=category,
            dates=dates,
            anchor=anchor,
            pay_months=pay_months,
            put_in=put_in,
            interest_too=put_in and bool(_INTEREST_TOO_RE.search(text)),
            amount=amount,
            merchant=merchant,
            purchases_only=bool(_PURCHASE_RE.search(text)),
            card_only=bool(_ON_CARD_RE.search(text)),
            bill_kind=bill_kind,
            excluded=excluded,
            also=tuple(also),
            place=place,
        ),
        rest,
    )
