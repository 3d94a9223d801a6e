"""Requests the assistant cannot serve from the customer's data or its own tools, read so they get an honest
answer instead of the nearest procedure.

"send me a statement" is not a dispute of an "extra charge on my statement"; "i want to move 100 quid into my
savings" is not a transfer's status (nor the help centre's words on scams); "whats my overdraft limit" is not
the balance. The assistant cannot produce a statement, cannot move money and holds no overdraft limit in the
records it reads: it says so, and quotes what the help centre does hold (agents.nodes.answers.beyond_chat).
"""

from __future__ import annotations

import re
from enum import StrEnum


class BeyondChat(StrEnum):
    """What a request asks for that the chat cannot give."""

    STATEMENT = "statement"
    MOVE_MONEY = "move_money"
    OVERDRAFT_LIMIT = "overdraft_limit"


# A statement wanted: the word as the thing asked for ("send me a statement", "can i get my october
# statement", "how do i download statements"), not the place a payment was seen ("an odd charge on my
# statement") nor another company's statement ("my mortgage statement", "my credit card statement" is ours
# but "on my statement" there is still a place).
_WANT_STATEMENT = re.compile(
    r"\b(?:send|email|e-mail|post|get|give|need|want|download|print|request|order|find|see|view|access|"
    r"have|copy|copies)\b"
    r"(?:\s+(?:me|us|a|an|my|the|of|some|all|old|latest|last|monthly|annual|yearly|paper|bank|recent|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\w*|this|months?'?s?|years?'?s?|"
    r"(?:current|savings?|account|credit card)'?s?|copy|copies))*"
    r"\s+statements?\b",
    re.IGNORECASE,
)
_STATEMENT_PLACE = re.compile(
    r"\b(?:on|in|from|off) (?:my|the|your|a|this|last|that) (?:\w+ ){0,2}statements?\b|"
    r"\b(?:mortgage|pension|tax|energy|utility|phone) statements?\b|\bstatement of\b|\bstatements? says?\b",
    re.IGNORECASE,
)

# Money to be moved now, by the assistant or by the customer: "i want to move 100 quid into my savings",
# "can you put 50 in my easy saver", "transfer £200 to my savings please", "send 40 pounds to my brother".
# The verb in its plain form (a transfer already made, "i moved", "i sent", is a status question), followed by
# an amount or money, then where it goes.
_REQUEST_LEAD = (
    r"(?:\b(?:i(?:'d| would)? (?:want|like|need|wanna|want to|need to|would like) to|i(?:'m| am) (?:trying|"
    r"looking|wanting|hoping) to|i(?:'ll| will) need to|can (?:you|u|i|we)|could (?:you|u|i|we)|would you|"
    r"will you|please|pls|plz|let me|help me|i wanna|i need|i want|i'd like|id like)\b\s+(?:to\s+)?"
    r"(?:just\s+|quickly\s+|please\s+)?(?:move|transfer|send|put|pay|shift|stick|chuck|pop|top up|sweep)|"
    # Bare, only the verbs whose past differs: "put some cash in at the post office" is news of a deposit.
    r"^\W*(?:please\s+|pls\s+|just\s+|ok\s+|so\s+)?(?:move|transfer|send|shift))"
)
_MONEY = (
    r"(?:[£€$]\s?\d[\d,.]*k?|\d[\d,.]*k?\s?(?:quid|pounds?|gbp|euros?|eur|k|grand|bucks|squid)?|"
    r"(?:some|a bit of|a little|the|my|more|extra|spare|all (?:of )?(?:my|the)|half (?:of )?(?:my|the))?\s*"
    r"(?:money|cash|funds|savings|wages|salary|pay|dosh|bonus)|some|a bit|a few quid|a tenner|a fiver|"
    r"a grand|a couple of (?:hundred|grand|quid)|fifty|twenty|forty|a hundred|hundred|"
    r"one hundred|two hundred|"
    r"five hundred)"
)
_MOVE_MONEY = re.compile(
    rf"{_REQUEST_LEAD}\s+(?:over\s+)?{_MONEY}\s*(?:over\s+|across\s+|back\s+)?"
    r"(?:(?:out\s+)?(?:from|of)\s+(?:my\s+|the\s+)?[\w' ]{1,30}?\s+)?"
    r"(?:in|into|to|onto|on to|across to|over to|towards)\s+(?!(?:it|that|this|there|them)\b)\w+",
    re.IGNORECASE,
)
# Not a transfer asked for: how much may be sent (the limits), paying for something by card, a scam's script.
_NOT_A_TRANSFER = re.compile(
    r"\b(?:how much can|how much am i allowed|limit|safe account|asked me to|told me to|wants? me to|"
    r"the caller|on the phone|by card|with my card|contactless|abroad|overseas|international|"
    r"direct debit|standing order|details|bank in|post office|counter|notes|cheque|deposit\w*|paid in|"
    r"crypto\w*|bitcoin|wallet|invest\w*|not showing|isn'?t showing|hasn'?t (?:arrived|come|shown|gone)|"
    r"still (?:not|isn'?t|hasn'?t))\b",
    re.IGNORECASE,
)

# The overdraft's limit asked about: "whats my overdraft limit", "have i got an overdraft", "how much
# overdraft can i have", "do i have an overdraft on my account". What it costs is the help centre's own
# question.
_OVERDRAFT_LIMIT = re.compile(
    r"\boverdraft (?:limit|facility|allowance|amount)\b|"
    r"\b(?:have i|do i|i have|got|is there|is mine|has my account)\b[^.?!]{0,30}\b(?:an? )?(?:arranged )?"
    r"overdraft\b|"
    r"\bhow (?:much|big|large) (?:is )?(?:my |an |the )?(?:arranged )?overdraft\b|"
    r"\b(?:what'?s|whats|what is|tell me) (?:my|the) (?:arranged )?overdraft\b|"
    r"\bhow (?:far|much) (?:can|could) i (?:go )?(?:into|overdrawn|in) (?:my |the )?"
    r"(?:overdraft|red|minus)\b",
    re.IGNORECASE,
)
_OVERDRAFT_COST = re.compile(r"\b(?:fees?|charges?|interest|rate|cost|apply|applying|increase|raise)\b", re.I)


def beyond_chat(text: str) -> BeyondChat | None:
    """What the message asks for that the assistant can neither look up nor do, or None.

    >>> beyond_chat("send me a statement")
    <BeyondChat.STATEMENT: 'statement'>
    >>> beyond_chat("there's a charge on my statement i don't know") is None
    True
    >>> beyond_chat("i want to move 100 quid into my savings")
    <BeyondChat.MOVE_MONEY: 'move_money'>
    >>> beyond_chat("ok move 200 from savings to current")
    <BeyondChat.MOVE_MONEY: 'move_money'>
    >>> beyond_chat("how much have i moved into my savings since september") is None
    True
    """
    said = " ".join(text.replace("\u2019", "'").split())
    if _WANT_STATEMENT.search(said) and not _STATEMENT_PLACE.search(said):
        return BeyondChat.STATEMENT
    if _MOVE_MONEY.search(said) and not _NOT_A_TRANSFER.search(said):
        return BeyondChat.MOVE_MONEY
    if _OVERDRAFT_LIMIT.search(said) and not _OVERDRAFT_COST.search(said):
        return BeyondChat.OVERDRAFT_LIMIT
    return None
