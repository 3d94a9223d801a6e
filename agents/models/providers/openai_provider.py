"""OpenAI Chat Completions through the official SDK; also any OpenAI-compatible server (vLLM, Ollama,
llama.cpp) via base_url."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from agents.models.errors import ProviderFailure
from agents.models.providers.base import CallOptions, ChunkStream, ProviderResult
from agents.models.providers.sdk_errors import (
    connection_failure,
    failure_from_status,
    mid_stream_failure,
    timeout_failure,
    truncated_stream,
)
from agents.models.recording import Outcome
from agents.models.types import ChatMessage, ModelRequest, TextDelta, ToolCall


class OpenAIProvider:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        max_tokens_field: Literal["max_completion_tokens", "max_tokens"] = "max_completion_tokens",
        http_transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx2.AsyncClient(transport=http_transport) if http_transport else None
        # The gateway owns retries and fallback; SDK retries would hide failures and blow deadlines.
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, max_retries=0, http_client=self._http
        )
        self._max_tokens_field = max_tokens_field

    async def complete(self, request: ModelRequest, options: CallOptions) -> ProviderResult:
        try:
            completion: ChatCompletion = await self._client.chat.completions.create(
                **self._params(request, options), timeout=options.timeout_s
            )
        except openai.APIError as exc:
            raise _failure(exc) from exc
        if not completion.choices:
            raise ProviderFailure(Outcome.MALFORMED, "completion without choices")
        message = completion.choices[0].message
        usage = completion.usage
        input_tokens, output_tokens = (usage.prompt_tokens, usage.completion_tokens) if usage else (0, 0)
        calls = [
            _PendingCall(id=c.id, name=c.function.name, arguments=c.function.arguments)
            for c in message.tool_calls or []
            if c.type == "function"
        ]
        return ProviderResult(
            text=message.content or "",
            tool_calls=_parse_calls(calls, input_tokens, output_tokens),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            model=completion.model,
        )

    async def stream(self, request: ModelRequest, options: CallOptions) -> ChunkStream:
        text: list[str] = []
        calls: dict[int, _PendingCall] = {}
        input_tokens = output_tokens = 0
        model = options.model
        finished = False
        try:
            chunks = await self._client.chat.completions.create(
                **self._params(request, options),
                stream=True,
                stream_options={"include_usage": True},
                timeout=options.timeout_s,
            )
            async with chunks:
                async for chunk in chunks:
                    model = chunk.model or model
                    if chunk.usage is not None:  # the last chunk, with empty choices
                        input_tokens = chunk.usage.prompt_tokens
                        output_tokens = chunk.usage.completion_tokens
                    finished = finished or any(c.finish_reason for c in chunk.choices)
                    delta_text = _absorb(chunk, calls)
                    if delta_text:
                        text.append(delta_text)
                        yield TextDelta(delta_text)
        except openai.APIError as exc:
            raise _failure(exc) from exc
        except Exception as exc:
            raise (mid_stream_failure(exc) or exc) from exc
        if not finished:
            raise truncated_stream()
        yield ProviderResult(
            text="".join(text),
            tool_calls=_parse_calls(list(calls.values()), input_tokens, output_tokens),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            model=model,
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, request: ModelRequest, options: CallOptions) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": options.model,
            "messages": [_message(m) for m in request.messages],
            self._max_tokens_field: request.max_output_tokens,
        }
        if options.send_temperature:
            params["temperature"] = request.temperature
        if options.reasoning_effort:
            params["reasoning_effort"] = options.reasoning_effort
        if request.response_schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.task,
                    "schema": request.response_schema,
                    # Strict mode demands additionalProperties: false and every property required;
                    # only claim it when the schema is written that way.
                    "strict": request.response_schema.get("additionalProperties") is False,
                },
            }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
            params["tool_choice"] = _tool_choice(request.tool_choice)
        return params


@dataclass
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: str = ""


def _absorb(chunk: ChatCompletionChunk, calls: dict[int, _PendingCall]) -> str:
    """Fold one chunk's tool-call fragments into `calls`; return its text delta."""
    if not chunk.choices:
        return ""
    delta = chunk.choices[0].delta
    for fragment in delta.tool_calls or []:
        pending = calls.setdefault(fragment.index, _PendingCall())
        pending.id = fragment.id or pending.id
        if fragment.function is not None:
            pending.name = fragment.function.name or pending.name
            pending.arguments += fragment.function.arguments or ""
    return delta.content or ""


def _parse_calls(calls: list[_PendingCall], input_tokens: int, output_tokens: int) -> list[ToolCall]:
    parsed = []
    for call in calls:
        try:
            arguments = json.loads(call.arguments or "{}")
        except json.JSONDecodeError as exc:
            raise ProviderFailure(
                Outcome.MALFORMED,
                f"tool call {call.name!r} arguments are not JSON ({exc.msg})",
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            ) from exc
        if not isinstance(arguments, dict):
            raise ProviderFailure(
                Outcome.MALFORMED,
                f"tool call {call.name!r} arguments are not an object",
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            )
        parsed.append(ToolCall(id=call.id, name=call.name, arguments=arguments))
    return parsed


def _message(message: ChatMessage) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.role == "assistant" and message.tool_calls:
        out["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ]
    return out


def _tool_choice(choice: str) -> Any:
    if choice in ("auto", "required", "none"):
        return choice
    return {"type": "function", "function": {"name": choice}}


def _failure(exc: openai.APIError) -> ProviderFailure:
    if isinstance(exc, openai.APITimeoutError):
        return timeout_failure(str(exc))
    if isinstance(exc, openai.APIConnectionError):
        return connection_failure(str(exc))
    if isinstance(exc, openai.APIStatusError):
        return failure_from_status(exc.status_code, exc.response.headers, exc.message)
    # e.g. an error event inside a stream, or a response the SDK could not validate
    return ProviderFailure(Outcome.SERVER_ERROR, f"{type(exc).__name__}: {exc.message}")
