"""What the gateway needs from a provider: one completion, or a stream of deltas ending in a result."""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents.models.types import ModelRequest, TextDelta, ToolCall


@dataclass(frozen=True)
class CallOptions:
    model: str
    timeout_s: float
    send_temperature: bool = True
    reasoning_effort: str | None = None


@dataclass(frozen=True)
class ProviderResult:
    text: str
    input_tokens: int
    output_tokens: int
    model: str
    data: dict[str, Any] | None = None
    """Already-structured output (Anthropic forced tool, local handlers); else parsed from text."""
    tool_calls: list[ToolCall] = field(default_factory=list)
    note: str | None = None
    """How the answer was obtained when that is worth recording on a successful call (e.g. structured
    output through JSON mode because the server rejected a JSON schema); the gateway stores it as the
    call's detail."""


ProviderChunk = TextDelta | ProviderResult
ChunkStream = AsyncGenerator[ProviderChunk, None]


class Provider(Protocol):
    """Raises agents.models.errors.ProviderFailure for every failure the gateway should act on."""

    async def complete(self, request: ModelRequest, options: CallOptions) -> ProviderResult: ...

    def stream(self, request: ModelRequest, options: CallOptions) -> ChunkStream:
        """Text deltas, then exactly one ProviderResult with the whole text and the usage."""
        ...

    async def aclose(self) -> None: ...


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Retry-After as seconds: `retry-after-ms`, `retry-after` in seconds, or an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unparseable: behave as if the server gave no hint
    return max(parsed.timestamp() - time.time(), 0.0)
