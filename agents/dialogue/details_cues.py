"""A request for the customer's OWN sort code and account number ("new job wants my bank details for
payroll, whats my sort code", "the account number for my savings please", "sorry and the sort code was?").

Those come from the customer's own accounts (the account_details procedure), never from the help centre's
page on the details needed for a payment abroad. Someone else's details ("my sister's account number"), a
caller or a message asking for them (a scam) and a change of details are screened before or left out here.
"""

from __future__ import annotations

import re

from agents.dialogue.cues import normalise

_DETAIL = (
    r"(?:sort ?codes?|account (?:number|no|num|numbers)s?|acc(?:ount)? nos?|a c (?:number|no)|"
    r"bank(?:ing)? details|account details|bank account details|payment details|"
    r"(?:bank|banking|account) info(?:rmation)?)"
)
# "my sort code", "my current account number", "our bank details", "the sort code for my savings", or a
# detail asked without an owner ("what's the sort code?") in the customer's own chat.
_OWN = re.compile(
    rf"\b(?:my|our|me)\s+(?:[\w-]+\s+){{0,3}}?{_DETAIL}\b"
    rf"|\b{_DETAIL}\s+(?:for|of|on|to)\s+(?:my|our)\b"
    rf"|\b(?:the|what|whats|which|whats the|what is the|what are the)\s+{_DETAIL}\b"
    rf"|^(?:and |so |sorry |ok |also )*(?:the )?{_DETAIL}\b"
    # "the details for both the euro account and the pound account", "details of my savings account"
    r"|\bdetails?\s+(?:for|of|on)\s+(?:both|each|all)?\s*(?:of\s+)?(?:(?:the|my|our)\s+)?(?:[\w-]+\s+){0,2}?"
    r"accounts?\b"
)
# Someone else's: "his sort code", "trevor's account number", "the payee's details", "their bank details".
_RELATIVE = (
    r"(?:son|daughter|wife|husband|partner|mum|mom|mother|dad|father|brother|sister|friend|mate|landlord|"
    r"builder)"
)
_BETWEEN = r"(?:(?:new|old|full|bank|current|savings|business|joint|uk|own)\s+){0,2}"
_SOMEONE_ELSES = re.compile(
    rf"\b(?:his|her|their|your|payees?|recipients?|beneficiar\w*|landlords?|builders?|sellers?|"
    rf"the person|someone|somebody|the other|my {_RELATIVE}s?)\s+{_BETWEEN}{_DETAIL}\b"
    rf"|\b{_DETAIL}\s+(?:of\s+(?:him|her|them|someone|somebody|the person|the payee|a friend|my {_RELATIVE})|"
    rf"for\s+(?:him|her|them|someone|somebody|the person|the payee))\b"
)
# "trevor's account number", "the landlord's sort code" (read before the apostrophes are dropped).
_POSSESSIVE = re.compile(
    r"\b(?!(?:what|that|it|there|here|who|where|he|she|let|how|when|today|one)'s\b)[a-z]+'s\s+"
    rf"{_BETWEEN}{_DETAIL}\b"
)
# A change, a worry about details given away, or details for a payment abroad (the help centre's IBAN page).
_NOT_ASKED = re.compile(
    r"\b(?:change\w*|update\w*|amend\w*|edit\w*|correct\w*|wrong|new bank|switch\w*|"
    r"gave|given|give (?:him|her|them|out)|shared|share|told (?:him|her|them)|"
    # "the app said the name doesn't match the account details": the payee check, the help centre's answer
    r"match\w*|mismatch\w*|confirmation of payee|"
    # "someone has my sort code, what do I do": a worry about details out in the world, not a request
    r"(?:someone|somebody|they|he|she|scammers?|fraudsters?|caller) (?:has|have|had|got|knows?|took|used)|"
    r"scam\w*|fraud\w*|iban|swift|bic|abroad|overseas|international\w*|from (?:australia|america|the us|"
    r"the states|spain|france|europe|canada|india|outside))\b"
)
# It is asked: a question, or a need ("for payroll", "my landlord needs", "can I have").
_ASKED = re.compile(
    r"\b(?:what|whats|which|where|tell|give me|send me|remind|need|needs|want|wants|asked|asking|"
    r"can i (?:have|get)|could i (?:have|get)|can you|could you|please|pls|for (?:payroll|my (?:new )?"
    r"(?:job|employer|work|landlord|wages|salary|pension|benefits))|was|again|form|forms|payroll|employer|"
    r"landlord|letting agent|hr|paid into|pay (?:me|it) (?:in|into))\b"
    # "1. my sort code and account number": the request written as the thing wanted
    rf"|^(?:and |also |plus |then )?(?:my|our|the) {_DETAIL}\b"
)


# "the sort code is 20-00-00": details the customer gives (redacted at the door), not a request for theirs.
_GIVEN = re.compile(r"\d{2}[-. ]?\d{2}[-. ]?\d{2}|\[[^\]]*removed\]")


def own_details_request(text: str) -> bool:
    """Whether the message asks for the customer's own sort code, account number or bank details."""
    words = normalise(text)
    if not _OWN.search(words) or _SOMEONE_ELSES.search(words) or _NOT_ASKED.search(words):
        return False
    if _POSSESSIVE.search(text.lower().replace("’", "'")) or _GIVEN.search(text):
        return False
    return bool(_ASKED.search(words) or "?" in text)


# "what are the last four numbers of my euro card", "what does my credit card end in", "the card that goes
# with the euro one - its last 4?": which of the customer's cards is which, by the digits it ends in (the
# only part of a card number ever shown).
_CARD_ENDING = re.compile(
    r"\b(?:last|final|end|ending) (?:4|four)(?: (?:digits?|numbers?|nos?))?\b.{0,40}\bcards?\b"
    r"|\bcards?\b.{0,60}\b(?:last|final) (?:4|four)\b"
    r"|\b(?:what|which) (?:does|do|did) (?:my|the|our) (?:[\w-]+ ){0,2}cards? end (?:in|with)\b"
    # "and the euro card - what does it end in?"
    r"|\bcards?\b.{0,40}\b(?:what|which) (?:does|do|did) (?:it|that|that one|this one|they) end (?:in|with)\b"
)
_CARD_ENDING_ASKED = re.compile(
    r"\b(?:what|whats|which|tell me|remind me|give me|need|can i have|could i have)\b"
)
# Digits given, or a card lost, stolen or to be changed: not a question about which card is which.
_CARD_ENDING_NOT_ASKED = re.compile(
    r"\d{4}|\b(?:freeze|frozen|block|blocked|cancel|lost|stolen|nicked|missing|unfreeze|report|scam\w*|"
    r"fraud\w*|someone|somebody|gave|given|told|typed|entered|"
    # "was that on the visa or the credit card? need the last four": which card a payment was made with
    r"was (?:that|it|this)|were (?:they|those)|did i (?:use|pay)|paid (?:with|on|by)|used)\b"
)


def asks_card_ending(text: str) -> bool:
    """Whether the message asks which digits one of the customer's own cards ends in."""
    words = normalise(text)
    return bool(
        _CARD_ENDING.search(words)
        and (_CARD_ENDING_ASKED.search(words) or "?" in text)
        and not _CARD_ENDING_NOT_ASKED.search(words)
    )
