"""Actions the customer says NOT to take ("don't cancel it", "no need to freeze anything", "I don't want
another one set up"): the words of the action are taken out before the message is read for requests, so a
negated action never becomes an offer to act. What the message asks besides ("is it still coming out next
week?") is answered as usual.

Only the negator and the verb go, as a bare "not": the object stays ("please don't cancel my BT direct debit,
when is it next due" still names the BT direct debit; "stop British Gas, don't cancel Sky" still keeps Sky).
"""

from __future__ import annotations

import re

# Actions a customer could ask for and tell us not to take, in their base form.
_VERBS = (
    r"cancel|stop|end|terminate|remove|delete|close|freeze|unfreeze|block|unblock|lock|unlock|report|dispute|"
    r"refund|touch|change|alter|set (?:up|it up|them up|one up|another(?: one)? up)|setup|send|resend|"
    r"move|transfer|make|do|raise|open|action|kill|scrap|bin|ditch|axe|get rid of|switch (?:it )?off|"
    r"turn (?:it )?off|mess (?:with|about with|around with)"
)
_ING = (
    r"cancell?ing|stopping|ending|terminating|removing|deleting|closing|freezing|blocking|locking|reporting|"
    r"disputing|touching|changing|setting (?:up|it up|another(?: one)? up)|sending|resending|moving|"
    r"transferring|making|doing|raising|opening|killing|scrapping"
)
_PARTICIPLES = (
    r"cancell?ed|stopped|ended|terminated|removed|deleted|closed|frozen|blocked|locked|reported|disputed|"
    r"touched|changed|set up|sent|resent|moved|transferred|made|raised|opened|killed|scrapped"
)
_DONT = r"(?:don['’`]?t|do not|dnt|never)"
_NEGATED = re.compile(
    r"\b(?:"
    # "DON'T cancel it", "please do not freeze anything", "don't go cancelling it", "never touch it"
    rf"{_DONT}\s+(?:you\s+)?(?:(?:go|go and|dare|even)\s+)?(?:{_VERBS}|{_ING})"
    # "do NOT pay it again", "don't pay her twice": a payment not to repeat (never "I don't want to pay for
    # it", which asks for a cancellation: only paying the same again is negated)
    r"|" + _DONT + r"\s+(?:you\s+)?(?:re-?)?pay\s+(?:it|them|her|him|that|this|the money)\s+(?:again|twice)"
    # "not to cancel", "no need to freeze", "I'm not asking you to block it", "not looking to stop it"
    r"|(?:not|no need|there['’`]?s no need|don['’`]?t need you|do not need you|not asking(?: you)?|"
    r"not wanting(?: you)?|not trying|not looking|not planning|not here|no point(?: in trying)?)\s+"
    rf"to\s+(?:{_VERBS})"
    # "I don't want you to cancel it", "I don't want to stop it" (never "I don't want to pay for it any
    # more", which asks for a cancellation: paying is not in the list)
    rf"|{_DONT}\s+want\s+(?:you\s+)?to\s+(?:{_VERBS})"
    # "I don't want it cancelled", "don't want another one set up", "do not want the card frozen"
    rf"|{_DONT}\s+want\s+(?P<object>it|them|this|that|(?:the|my|a|an|another|any)(?:\s+[\w'-]+){{0,2}}?|"
    rf"another|another one|a new one|a second one|anything)\s+(?:to be\s+|being\s+)?(?:{_PARTICIPLES})"
    # "I don't want it going twice", "don't want the money to go over again": a worry of paying the same
    # again, no duplicate to dispute
    rf"|{_DONT}\s+want\s+(?:it|them|that|this|the money|the payment|the transfer)\s+(?:to\s+)?"
    r"(?:go|going|leave|leaving|be paid|being paid|be sent|being sent|be taken|being taken)"
    r"(?:\s+(?:out|over|across))?\s+(?:again|twice)"
    # "it mustn't be cancelled", "it shouldn't be stopped", "without cancelling it", "rather than stopping it"
    r"|(?:mustn['’`]?t|must not|shouldn['’`]?t|should not|can['’`]?t|cannot|can not|not)\s+be\s+"
    rf"(?:{_PARTICIPLES})"
    rf"|(?:without|instead of|rather than|not)\s+(?:{_ING})"
    # "I want to check, not cancel", "check it, not stop it"
    r"|,?\s*not\s+(?:cancel|stop|freeze|block|dispute|report|end)\b(?!\s+(?:it|the|my|that|this|them)\s+"
    r"(?:yet|already))"
    r")\b",
    re.IGNORECASE,
)


def without_negated_actions(text: str) -> str:
    """``text`` with each action the customer says not to take reduced to "not" and its object ("don't cancel
    the Sky one" -> "not the Sky one", which names Sky only to leave it alone)."""
    if not _NEGATED.search(text):
        return text
    kept = _NEGATED.sub(lambda m: f" not {m.group('object') or ''} ", text)
    return re.sub(r"[ \t]{2,}", " ", kept).strip()


# The words of each kind of action, to tell which one a negation is about.
_ACTION_WORDS = {
    "cancel": re.compile(
        r"\b(?:cancel\w*|stop\w*|end|ended|ending|terminat\w*|kill\w*|scrap\w*|bin|ditch|axe|"
        r"get rid)\b",
        re.IGNORECASE,
    ),
    "freeze": re.compile(r"\b(?:freez\w*|frozen|block\w*|lock\w*|stop\w*)\b", re.IGNORECASE),
    "unfreeze": re.compile(r"\b(?:unfreez\w*|unfrozen|unblock\w*|unlock\w*)\b", re.IGNORECASE),
    "report": re.compile(r"\b(?:report\w*|cancel\w*|block\w*)\b", re.IGNORECASE),
    "dispute": re.compile(r"\b(?:disput\w*|refund\w*|chargeback|rais\w*|claim\w*)\b", re.IGNORECASE),
}


_CLAUSE_END = re.compile(r"[,.;:!?\n]|\s(?:and|but|just|only|so|then)\s", re.IGNORECASE)


def said_not_to(action: str, text: str) -> bool:
    """Whether the message says not to take ``action`` (cancel, freeze, unfreeze, report, dispute) and asks
    for it nowhere else ("is it still coming out? don't cancel it", never "don't freeze it, cancel it")."""
    words = _ACTION_WORDS[action]
    # Each negated action with the rest of its clause ("no need to raise a dispute, just show me"): its object
    # may name the action too.
    clauses = [
        text[m.start() : m.end()] + _CLAUSE_END.split(text[m.end() :], maxsplit=1)[0]
        for m in _NEGATED.finditer(text)
    ]
    rest = text
    for clause in clauses:
        rest = rest.replace(clause, " ")
    return bool(words.search(" ".join(clauses))) and not words.search(rest)
