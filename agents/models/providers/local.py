"""The offline provider: no network, dispatches each task to a handler the graph registers."""

from __future__ import annotations

import asyncio
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agents.models.errors import ProviderFailure
from agents.models.providers.base import CallOptions, ChunkStream, ProviderResult
from agents.models.recording import Outcome
from agents.models.types import ModelRequest, TextDelta, ToolCall

_TOKEN = re.compile(r"\w+|[^\w\s]")
_STREAM_PIECE = re.compile(r"\S+\s*|\s+")


@lru_cache(maxsize=512)
def count_tokens(text: str) -> int:
    """Words and punctuation marks: within about a third of what BPE tokenizers count for English,
    close enough for budgets and dashboards, and free of a tokenizer dependency. Kept per text: every call
    counts the same system prompts again."""
    return len(_TOKEN.findall(text))


@dataclass
class LocalResult:
    text: str = ""
    data: dict[str, Any] | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    input_tokens: int | None = None
    """Leave None to have the provider count (see count_tokens)."""
    output_tokens: int | None = None


LocalHandler = Callable[[ModelRequest], Awaitable[LocalResult] | LocalResult]


class LocalProvider:
    def __init__(self, handlers: Mapping[str, LocalHandler], simulated_latency_ms: float = 0) -> None:
        if simulated_latency_ms < 0:
            raise ValueError("simulated_latency_ms cannot be negative")
        self._handlers = dict(handlers)
        self._latency_s = simulated_latency_ms / 1000

    @property
    def tasks(self) -> list[str]:
        return sorted(self._handlers)

    async def complete(self, request: ModelRequest, options: CallOptions) -> ProviderResult:
        handler = self._handlers.get(request.task)
        if handler is None:
            raise ProviderFailure(
                Outcome.ERROR,
                f"local provider has no handler for task {request.task!r} (has: {', '.join(self.tasks)})",
            )
        if self._latency_s:
            await asyncio.sleep(self._latency_s)
        try:
            outcome = handler(request)
            result = await outcome if inspect.isawaitable(outcome) else outcome
        except Exception as exc:  # a handler bug must fall back like any provider error, not crash the turn
            detail = f"local handler for {request.task!r} failed: {exc!r}"
            raise ProviderFailure(Outcome.ERROR, detail) from exc
        if not isinstance(result, LocalResult):
            raise ProviderFailure(
                Outcome.ERROR, f"local handler for {request.task!r} returned {type(result).__name__}"
            )
        return ProviderResult(
            text=result.text,
            data=result.data,
            tool_calls=list(result.tool_calls),
            input_tokens=result.input_tokens if result.input_tokens is not None else _input_tokens(request),
            output_tokens=(
                result.output_tokens if result.output_tokens is not None else _output_tokens(result)
            ),
            model=options.model,
        )

    async def stream(self, request: ModelRequest, options: CallOptions) -> ChunkStream:
        result = await self.complete(request, options)
        for piece in _STREAM_PIECE.findall(result.text):
            yield TextDelta(piece)
        yield result

    async def aclose(self) -> None:
        return None


def _input_tokens(request: ModelRequest) -> int:
    if request.messages:
        return sum(count_tokens(m.content) for m in request.messages)
    return count_tokens(" ".join(_strings(request.inputs)))


def _output_tokens(result: LocalResult) -> int:
    parts = [result.text]
    if result.data is not None:
        parts.append(json.dumps(result.data))
    parts += [json.dumps(call.arguments) for call in result.tool_calls]
    return count_tokens(" ".join(parts))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []
