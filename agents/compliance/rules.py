"""The compliance check every outbound draft passes before it is sent: pass, rewrite or block.

Pure and deterministic. A rewrite fixes the draft (masks numbers, hedges promises, adds the AI disclosure
or the ombudsman text); a block replaces it with a safe holding message and the graph hands off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.compliance.advice import (
    ADVICE_SOURCES,
    ADVICE_TOPIC_NAMES,
    INVESTMENT,
    LEGAL,
    TAX,
    find_advice,
)
from agents.compliance.disclosure import DEFAULT_DISCLOSURE, discloses_ai
from agents.compliance.leaks import find_leaks
from agents.compliance.promises import find_promises, remove_promises
from agents.compliance.text import normalise
from agents.safety.redact import mask_outbound

PAN_OR_ACCOUNT = "pan_or_account_number"
PROMISED_OUTCOME = "promised_outcome"
AI_DISCLOSURE = "ai_disclosure"
INTERNAL_LEAK = "internal_leak"
OMBUDSMAN = "ombudsman_text"
RULES = (PAN_OR_ACCOUNT, INVESTMENT, LEGAL, TAX, PROMISED_OUTCOME, AI_DISCLOSURE, INTERNAL_LEAK, OMBUDSMAN)

PASS, REWRITE, BLOCK = "pass", "rewrite", "block"
OMBUDSMAN_NAME = "Financial Ombudsman Service"

__all__ = [
    "DEFAULT_DISCLOSURE",
    "RULES",
    "ComplianceContext",
    "ComplianceFinding",
    "ComplianceResult",
    "check_draft",
]


@dataclass(frozen=True)
class ComplianceContext:
    first_reply: bool
    """First assistant reply of the conversation: the AI disclosure is required."""
    is_complaint_ack: bool
    """This reply acknowledges a complaint: it must carry the ombudsman text."""
    ombudsman_text: str
    """From the knowledge base: ``kb.section("complaints", "Ombudsman")``."""
    disclosure_text: str = DEFAULT_DISCLOSURE
    internal_markers: tuple[str, ...] = ()
    """Extra strings that must never reach a customer, e.g. the system prompt's first sentence."""
    own_accounts: tuple[str, ...] = ()
    """The signed-in customer's own account numbers (from the bank): a reply may give them in full."""


@dataclass(frozen=True)
class ComplianceFinding:
    rule: str
    action: str
    """"rewrite" or "block"."""
    detail: str
    """What was found; never an unmasked card or account number."""


@dataclass(frozen=True)
class ComplianceResult:
    outcome: str
    """"pass", "rewrite" or "block" (block > rewrite > pass)."""
    text: str
    """What to send: the draft, the rewritten draft, or for a block a safe holding message."""
    findings: list[ComplianceFinding]


_ADVICE_TOPICS = ADVICE_TOPIC_NAMES
_ADVICE_SOURCES = ADVICE_SOURCES
_LONG_DIGITS = re.compile(r"\d[\d \-]{3,}\d")


def check_draft(draft: str, context: ComplianceContext) -> ComplianceResult:
    """Check ``draft`` against every rule; the rules always run, whatever an LLM reviewer says."""
    findings: list[ComplianceFinding] = []
    text, masked = mask_outbound(draft, own_accounts=context.own_accounts)
    if masked:
        kinds = ", ".join(sorted({f.type for f in masked}))
        findings.append(
            _finding(PAN_OR_ACCOUNT, REWRITE, f"{len(masked)} number(s) masked to the last four ({kinds})")
        )
    for hit in find_advice(text):
        findings.append(_finding(hit.rule, BLOCK, f"{_ADVICE_TOPICS[hit.rule]} advice: {hit.phrase!r}"))
    leaks = find_leaks(text, context.internal_markers)
    if leaks:
        findings.append(_finding(INTERNAL_LEAK, BLOCK, "; ".join(leaks)))
    promises = find_promises(text)
    if promises:
        phrases = ", ".join(repr(hit.phrase) for hit in promises)
        findings.append(
            _finding(PROMISED_OUTCOME, REWRITE, f"promised outcome {phrases}; sentence replaced by a hedge")
        )
        text = remove_promises(text, promises)
    if context.first_reply and not discloses_ai(draft, context.disclosure_text):
        findings.append(
            _finding(AI_DISCLOSURE, REWRITE, "first reply did not say it comes from an AI assistant")
        )
    if context.is_complaint_ack and not _carries_ombudsman(draft, context.ombudsman_text):
        findings.append(
            _finding(OMBUDSMAN, REWRITE, f"complaint acknowledgement without the {OMBUDSMAN_NAME}")
        )

    blocked = [f.rule for f in findings if f.action == BLOCK]
    if blocked:
        return ComplianceResult(BLOCK, _dress(holding_message(blocked), findings, context), findings)
    if findings:
        return ComplianceResult(REWRITE, _dress(text, findings, context), findings)
    return ComplianceResult(PASS, draft, findings)


def holding_message(blocked_rules: Sequence[str]) -> str:
    """What the customer sees instead of a blocked draft while a person takes over."""
    advice = [rule for rule in _ADVICE_TOPICS if rule in blocked_rules]
    handover = "I'm passing your conversation to a member of our team, who can help with your account."
    if not advice:
        return f"I'm sorry, I can't help with that here. {handover}"
    topics = _join([_ADVICE_TOPICS[rule] for rule in advice])
    sources = _join([_ADVICE_SOURCES[rule] for rule in advice])
    return (
        f"I'm sorry, I can't give {topics} advice. {handover} "
        f"For {topics} advice, please speak to {sources}. "
        "MoneyHelper (www.moneyhelper.org.uk) offers free, impartial guidance."
    )


def _dress(text: str, findings: list[ComplianceFinding], context: ComplianceContext) -> str:
    rules = {f.rule for f in findings}
    if AI_DISCLOSURE in rules:
        text = f"{context.disclosure_text}\n\n{text}"
    if OMBUDSMAN in rules or (
        context.is_complaint_ack and not _carries_ombudsman(text, context.ombudsman_text)
    ):
        text = f"{text}\n\n{context.ombudsman_text}"
    if context.first_reply and not discloses_ai(text, context.disclosure_text):
        text = f"{context.disclosure_text}\n\n{text}"
    return text


def _carries_ombudsman(draft: str, ombudsman_text: str) -> bool:
    folded = normalise(draft)
    return normalise(OMBUDSMAN_NAME) in folded or (
        bool(ombudsman_text.strip()) and normalise(ombudsman_text) in folded
    )


def _finding(rule: str, action: str, detail: str) -> ComplianceFinding:
    # Details go to the audit log: belt and braces against a phrase that captured digits.
    safe, _ = mask_outbound(detail)
    return ComplianceFinding(rule, action, _LONG_DIGITS.sub("[number removed]", safe))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
