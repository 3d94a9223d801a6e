"""The screening step on raw customer text: redaction plus flags, as one value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.memo import KEPT_TEXTS, SHORT_TEXT_CHARS, TextMemo
from agents.safety.flags import VULNERABILITY, detect_flags, vulnerability_kind
from agents.safety.language import detect_language
from agents.safety.redact import Finding, redact


@dataclass(frozen=True)
class ScreenResult:
    redacted: str
    findings: list[Finding]
    flags: frozenset[str]
    vulnerability: str | None
    language: str | None = None
    """ISO 639-1 code of the customer's language ("en", "es", ...); None when too short to tell."""


# Screening is a pure function of the text: a short message screened once is answered from memory
# (agents.memo). Only a text in which redaction found nothing is kept, so no card number, account number,
# e-mail address or other finding is ever held here.
MEMORY = TextMemo[ScreenResult](max_chars=SHORT_TEXT_CHARS, max_texts=KEPT_TEXTS)


def screen(text: str) -> ScreenResult:
    """Redact PII and raise flags.

    Flags are computed on the raw text so that masking (for example a card number inside an injected
    instruction) cannot hide a cue; only `redacted` may be stored, logged or sent to a model.
    """
    known = MEMORY.get(text)
    if known is not None:
        return known
    result = _screen(text)
    if not result.findings:
        MEMORY.keep(text, result)
    return result


def _screen(text: str) -> ScreenResult:
    redaction = redact(text)
    flags = detect_flags(text)
    kind = vulnerability_kind(text) if VULNERABILITY in flags else None
    return ScreenResult(
        redacted=redaction.redacted,
        findings=redaction.findings,
        flags=frozenset(flags),
        vulnerability=kind,
        language=detect_language(text),
    )


def to_json(result: ScreenResult) -> dict[str, Any]:
    """The `bankdesk screen` line format: redacted text, findings (input offsets), sorted flags, language."""
    return {
        "redacted": result.redacted,
        "findings": [{"type": f.type, "start": f.start, "end": f.end} for f in result.findings],
        "flags": sorted(result.flags),
        "language": result.language,
    }
