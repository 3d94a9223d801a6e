"""One record per model call attempt, for cost accounting, the audit trail and provider health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    OK = "ok"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"
    CIRCUIT_OPEN = "circuit_open"
    ERROR = "error"


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    conversation_id: str | None
    node: str
    tier: str
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    latency_ms: float
    outcome: Outcome
    variant: str | None
    created_at: datetime
    """Timezone-aware UTC start of the attempt."""
    detail: str | None = None
    """Why a failed attempt failed (exception summary); on success None, or a note on how the answer was
    obtained (e.g. structured output through JSON mode, the server having rejected a JSON schema)."""
    escalation: str | None = None
    """The escalation rule (agents.models.escalation) that moved this call up a tier; None for a step's
    starting tier."""


class CallRecorder(Protocol):
    async def record(self, record: CallRecord) -> None: ...


class InMemoryRecorder:
    """Keeps records in a list: for tests, benchmarks and the command line (the app stores them in its DB)."""

    def __init__(self) -> None:
        self.records: list[CallRecord] = []

    async def record(self, record: CallRecord) -> None:
        self.records.append(record)

    def outcomes(self) -> list[tuple[str, Outcome]]:
        return [(r.provider, r.outcome) for r in self.records]
