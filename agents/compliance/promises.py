"""Promised outcomes ("your refund is guaranteed"): the bank cannot promise what a merchant, a card scheme
or an investigation will decide, so such sentences are taken out and a hedge is added instead."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.compliance.text import Span, clauses, normalise, sentences

HEDGE = "We can't promise the outcome, but we'll do our best and keep you updated."

# Certainty words only promise something when they are about what the customer gets back.
_OUTCOME = re.compile(
    r"\b(?:refund\w*|money|reimburs\w*|compensat\w*|dispute|chargeback|claim|complaint|case|outcome|result|"
    r"win|won|credit\w*|approved|succe\w*|back|recover\w*|favou?r|paid|returned|amount)\b"
)
_CERTAIN = re.compile(
    r"\b(?:definitely|certainly|surely|undoubtedly|absolutely)\b|\bfor sure\b|\bwithout (?:a|any) doubt\b"
    r"|\bno doubt\b|\bguaranteed\b|\b(?:i|we) (?:\w+ )?guarantee\b|\bguarantee (?:you|that)\b"
    r"|\b(?:i|we) promise\b|\bpromise (?:you|that)\b|\brest assured\b"
    r"|\b(?:i|we) (?:can )?assure you\b"
    r"|\btrust me\b|\b(?:zero|no) chance\b"
    r"|\b(?:i'm|i am|we're|we are) (?:\w+ )?(?:certain|sure|confident|positive)\b"
)
_ALWAYS = tuple(
    re.compile(p)
    for p in (
        r"\b100 ?(?:%|percent|per cent) (?:sure|certain|guaranteed|confident)\b",
        r"\b(?:no way|not possible|impossible) (?:that )?(?:you|we)(?:'ll| will| can| could) lose\b",
        r"\byou can't lose\b|\bcan't fail\b|\bbound to (?:succeed|win|be approved)\b",
        r"\b(?:we|you)(?:'ll| will| are going to|'re going to) win (?:the |this |your )?"
        r"(?:dispute|case|chargeback|claim)\b",
        r"\byour (?:dispute|claim|chargeback|complaint|refund)(?: request)? (?:will|is going to) (?:\w+ )?"
        r"(?:succeed|be (?:successful|approved|upheld|accepted)|go (?:in )?your way)\b",
        r"\bsure thing\b|\bconsider it done\b|\bdone deal\b|\bin the bag\b|\bevery penny\b"
        r"|\bno choice but to (?:refund|pay)\b",
        r"\b(?:will|'ll) (?:be )?(?:resolved|decided|settled|go|end) in your favou?r\b"
        r"|\b(?:will|'ll) have to (?:refund|pay|reimburse)\b",
    )
)
_HEDGED = re.compile(
    r"\b(?:can't|cannot|can not|unable to|not able to|won't|will not|don't|do not|never|no|not)\b"
    r"(?: \w+){0,2}? (?:guarantee|assure|promise|be sure|be certain|say for (?:sure|certain)|predict)\b"
    r"|\bnot (?:be )?guaranteed\b|\bno guarantee\b"
)


@dataclass(frozen=True)
class PromiseHit:
    sentence: Span
    phrase: str


def _promise_in(clause: str) -> str | None:
    if _HEDGED.search(clause):
        return None
    for pattern in _ALWAYS:
        match = pattern.search(clause)
        if match:
            return match.group()
    certain = _CERTAIN.search(clause)
    if certain and _OUTCOME.search(clause):
        return certain.group()
    return None


def find_promises(draft: str) -> list[PromiseHit]:
    hits: list[PromiseHit] = []
    for sentence in sentences(draft):
        for clause in clauses(normalise(sentence.text)):
            phrase = _promise_in(clause)
            if phrase is not None:
                hits.append(PromiseHit(sentence, phrase))
                break
    return hits


def remove_promises(draft: str, hits: list[PromiseHit]) -> str:
    """The draft without the promising sentences, followed by the hedge."""
    kept: list[str] = []
    cursor = 0
    for hit in hits:
        kept.append(draft[cursor : hit.sentence.start])
        cursor = hit.sentence.end
    kept.append(draft[cursor:])
    body = re.sub(r"[ \t]+\n", "\n", re.sub(r"[ \t]{2,}", " ", "".join(kept)))
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return f"{body} {HEDGE}" if body else HEDGE
