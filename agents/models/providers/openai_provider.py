"""OpenAI Chat Completions through the official SDK; also any OpenAI-compatible server (vLLM, Ollama,
llama.cpp) via base_url.

Structured output: servers differ in what they accept. OpenAI and vLLM take ``response_format``
``json_schema``; llama.cpp's server (llama-cpp-python) answers it with a 500 but takes ``json_object`` (and
constrains the answer with a grammar built from a ``schema`` key there); some servers take neither. The first
structured call for a model finds out, trying in order:

1. ``json_schema``: the schema as OpenAI's structured-output parameter;
2. ``json_object``: JSON mode, with the schema in the system message (and as ``schema``, which llama.cpp
   turns into a grammar and other servers ignore);
3. ``prompt``: no response_format at all, the schema in the system message only.

A mode counts as unsupported when the server rejects the request that carries it (HTTP 400, 422, 500 or
501 with a message that names the response format or the schema). The mode that worked is kept per model
for the life of the provider, logged once, and named in the call's record (``ProviderResult.note``)
whenever it is not ``json_schema``. Whatever the mode, the gateway still validates the answer with
pydantic, and a malformed answer falls back to the next provider.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from agents.models.errors import ProviderFailure
from agents.models.providers.base import CallOptions, ChunkStream, ProviderResult
from agents.models.providers.local import count_tokens
from agents.models.providers.sdk_errors import (
    connection_failure,
    failure_from_status,
    mid_stream_failure,
    timeout_failure,
    truncated_stream,
)
from agents.models.recording import Outcome
from agents.models.types import ChatMessage, ModelRequest, TextDelta, ToolCall

log = logging.getLogger(__name__)

StructuredMode = Literal["json_schema", "json_object", "prompt"]
STRUCTURED_MODES: tuple[StructuredMode, ...] = ("json_schema", "json_object", "prompt")
# A server that does not support a response_format says so with one of these statuses (llama.cpp: a 500)
# and names what it refused; a 400 about something else (a prompt too long for the context) is not that.
_REJECTING_STATUSES = frozenset({400, 422, 500, 501})
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema")


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
        self._structured_modes: dict[str, StructuredMode] = {}
        """model -> the structured-output mode found to work (absent: not yet found out)."""

    def structured_mode(self, model: str) -> StructuredMode | None:
        """The structured-output mode detected for `model`, or None before its first structured call."""
        return self._structured_modes.get(model)

    async def complete(self, request: ModelRequest, options: CallOptions) -> ProviderResult:
        if request.response_schema is None:
            completion = await self._create(self._params(request, options), options)
            return self._result(completion)
        known = self._structured_modes.get(options.model)
        modes = (known,) if known else STRUCTURED_MODES
        rejected: list[str] = []
        for mode in modes:
            try:
                completion = await self._create(self._params(request, options, mode), options)
            except _Rejected as exc:
                if known or mode == modes[-1]:
                    raise exc.failure from exc.__cause__
                rejected.append(f"{mode} rejected ({exc.failure.detail[:160]})")
                continue
            if not known:
                self._structured_modes[options.model] = mode
                if rejected:
                    log.warning(
                        "structured output for model %r: %s; using %s from now on",
                        options.model,
                        "; ".join(rejected),
                        mode,
                    )
            note = None
            if mode != "json_schema":
                note = f"structured output via {mode}"
                if rejected:
                    note += f" (detected: {'; '.join(rejected)})"
            return self._result(completion, note=note)
        raise AssertionError("unreachable: the last mode either answers or raises")

    async def _create(self, params: dict[str, Any], options: CallOptions) -> ChatCompletion:
        try:
            completion: ChatCompletion = await self._client.chat.completions.create(
                **params, timeout=options.timeout_s
            )
        except openai.APIStatusError as exc:
            failure = _failure(exc)
            if "response_format" in params and _rejects_format(exc):
                raise _Rejected(failure) from exc
            raise failure from exc
        except openai.APIError as exc:
            raise _failure(exc) from exc
        return completion

    def _result(self, completion: ChatCompletion, *, note: str | None = None) -> ProviderResult:
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
            note=note,
        )

    async def stream(self, request: ModelRequest, options: CallOptions) -> ChunkStream:
        text: list[str] = []
        calls: dict[int, _PendingCall] = {}
        input_tokens = output_tokens = 0
        model = options.model
        finished = usage_seen = False
        try:
            # Streams use the structured mode already found out (detection happens on complete()).
            mode = self._structured_modes.get(options.model, "json_schema")
            chunks = await self._client.chat.completions.create(
                **self._params(request, options, mode),
                stream=True,
                stream_options={"include_usage": True},
                timeout=options.timeout_s,
            )
            async with chunks:
                async for chunk in chunks:
                    model = chunk.model or model
                    if chunk.usage is not None:  # the last chunk, with empty choices
                        usage_seen = True
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
        note = None
        if not usage_seen:
            # llama.cpp's server ignores stream_options.include_usage: count roughly rather than record a
            # free call, so budgets and dashboards still see it, and say so on the call's record.
            input_tokens = sum(count_tokens(m.content) for m in request.messages)
            output_tokens = count_tokens("".join(text))
            note = "usage estimated: the server sent none with its stream"
        yield ProviderResult(
            text="".join(text),
            tool_calls=_parse_calls(list(calls.values()), input_tokens, output_tokens),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            model=model,
            note=note,
        )

    async def aclose(self) -> None:
        await self._client.close()

    def _params(
        self, request: ModelRequest, options: CallOptions, mode: StructuredMode = "json_schema"
    ) -> dict[str, Any]:
        schema = request.response_schema
        messages = [_message(m) for m in request.messages]
        if schema is not None and mode != "json_schema":
            messages = _with_schema_instruction(messages, schema)
        params: dict[str, Any] = {
            "model": options.model,
            "messages": messages,
            self._max_tokens_field: request.max_output_tokens,
        }
        if options.send_temperature:
            params["temperature"] = request.temperature
        if options.reasoning_effort:
            params["reasoning_effort"] = options.reasoning_effort
        if schema is not None and mode == "json_object":
            params["response_format"] = {"type": "json_object", "schema": _grammar_schema(schema)}
        elif schema is not None and mode == "json_schema":
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.task,
                    "schema": schema,
                    # Strict mode demands additionalProperties: false and every property required;
                    # only claim it when the schema is written that way.
                    "strict": schema.get("additionalProperties") is False,
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


class _Rejected(Exception):
    """The server refused a request for its response_format: try the next structured-output mode."""

    def __init__(self, failure: ProviderFailure) -> None:
        super().__init__(failure.detail)
        self.failure = failure


def _rejects_format(exc: openai.APIStatusError) -> bool:
    message = str(exc.message).lower()
    return exc.status_code in _REJECTING_STATUSES and any(word in message for word in _FORMAT_WORDS)


def _grammar_schema(schema: Any) -> Any:
    """The schema without empty ``items`` ({}: any item), on which llama.cpp's schema-to-grammar converter
    fails (KeyError 'prefixItems') and silently constrains nothing but "some JSON"; the same meaning."""
    if isinstance(schema, dict):
        return {k: _grammar_schema(v) for k, v in schema.items() if not (k == "items" and v == {})}
    if isinstance(schema, list):
        return [_grammar_schema(v) for v in schema]
    return schema


def _with_schema_instruction(messages: list[dict[str, Any]], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages with the JSON schema stated in the system message (JSON mode carries no schema)."""
    instruction = (
        "Answer with one JSON object only, no other text, that matches this JSON schema:\n"
        + json.dumps(schema, separators=(",", ":"))
    )
    if messages and messages[0]["role"] in ("system", "developer"):
        first = {**messages[0], "content": f"{messages[0]['content']}\n\n{instruction}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


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
