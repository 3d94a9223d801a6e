"""Internal material in a draft: the system prompt, instructions, staff notes or raw tool output."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.compliance.text import normalise

_LEAK_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"\bsystem[ _-]?(?:prompt|message)\b",
        r"\bmy (?:\w+ )?(?:instructions|guidelines|rules|directives|prompt|programming)\b",
        r"\bas an ai (?:language )?model\b",
        r"\bi(?: was|'ve been| have been| am|'m) (?:\w+ )?(?:instructed|programmed|prompted|configured|told) "
        r"(?:to|not to)\b",
        r"\binternal (?:note|notes|memo|comment|use only)\b|\bstaff (?:note|notes|only)\b",
        r"\bnote to (?:agent|self|staff)\b|\b(?:agent|developer|dev|engineer|ops|admin|system) notes?\b",
        r"^\s*internal\s*:|\bmy (?:\w+ )?(?:configuration|config|training|system settings)\b",
        r"\b(?:tools?|functions?) (?:i|we) (?:can )?(?:call|use|invoke|have access to)\b|\bavailable tools\b",
        r"\b(?:guidelines|instructions|rules|prompt) (?:i was|i've been|i have been|i am|i'm) "
        r"(?:given|told|provided)\b",
        r"\bescalate (?:if|when|once)\b",
        r"\[\s*(?:tool|function|call)\s*:|\b[a-z]{2,}_[a-z_]{2,}\b",
        r"\bdo not (?:share|disclose|reveal|tell)\b.{0,30}?\bcustomer\b",
        r"\b(?:begin|end) system\b|<<\s*/?sys\s*>>|\[/?inst\]|<\|im_(?:start|end)\|>|\[system\]|</?system>",
        r"^#+\s*(?:system|instructions)\b|\b(?:developer|hidden) (?:message|prompt|instructions)\b",
        r"\byou are (?:bankdesk|an? (?:helpful |friendly )?(?:bank(?:ing)? |customer[- ]support |support )?"
        r"(?:assistant|agent|bot))\b",
        r"\b(?:fraud|risk|sentiment|churn) score\b",
        # Raw tool calls or results: a JSON object or Python dict literal, or a tool protocol word.
        r"\{\s*[\"']\w[\w .-]{0,40}[\"']\s*:",
        r"\b(?:tool_calls?|function_call|tool_use|tool (?:result|output|response))\b",
    )
)


def find_leaks(draft: str, internal_markers: Iterable[str] = ()) -> list[str]:
    """A description of each leak found; a marker is named by its position, never quoted."""
    found: list[str] = []
    for pattern in _LEAK_PATTERNS:
        match = pattern.search(draft)
        if match:
            found.append(f"internal wording {match.group().strip()!r}")
    folded = normalise(draft)
    for number, marker in enumerate(internal_markers, start=1):
        needle = normalise(marker)
        if needle and needle in folded:
            found.append(f"internal marker #{number}")
    return found
