"""The screening step on raw customer text: redaction plus flags, as one value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.safety.flags import VULNERABILITY, detect_flags, vulnerability_kind
from agents.safety.redact import Finding, redact


@dataclass(frozen=True)
class ScreenResult:
    redacted: str
    findings: list[Finding]
    flags: frozenset[str]
    vulnerability: str | None


def screen(text: str) -> ScreenResult:
    """Redact PII and raise flags.

    Flags are computed on the raw text so that masking (for example a card number inside an injected
    instruction) cannot hide a cue; only `redacted` may be stored, logged or sent to a model.
    """
    redaction = redact(text)
    flags = detect_flags(text)
    kind = vulnerability_kind(text) if VULNERABILITY in flags else None
    return ScreenResult(
        redacted=redaction.redacted,
        findings=redaction.findings,
        flags=frozenset(flags),
        vulnerability=kind,
    )


def to_json(result: ScreenResult) -> dict[str, Any]:
    """The `bankdesk screen` line format: redacted text, findings with input offsets, sorted flags."""
    return {
        "redacted": result.redacted,
        "findings": [{"type": f.type, "start": f.start, "end": f.end} for f in result.findings],
        "flags": sorted(result.flags),
    }
