"""Anthropic Messages through the official SDK; structured output as a forced tool call."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import anthropic
import httpx2
from anthropic.types import Message

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

STRUCTURED_TOOL_PREFIX = "emit_"
"""The forced tool for a schema request is named emit_<task>; its input is the structured output."""


class AnthropicProvider:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        http_transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx2.AsyncClient(transport=http_transport) if http_transport else None
        # The gateway owns retries and fallback; SDK retries would hide failures and blow deadlines.
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, max_retries=0, http_client=self._http
        )

    async def complete(self, request: ModelRequest, options: CallOptions) -> ProviderResult:
        try:
            message: Message = await self._client.messages.create(
                **_params(request, options), timeout=options.timeout_s
            )
        except anthropic.APIError as exc:
            raise _failure(exc) from exc
        blocks: list[_Block] = []
        for block in message.content:
            if block.type == "text":
                blocks.append(_Block(kind="text", text=block.text))
            elif block.type == "tool_use":
                blocks.append(_Block(kind="tool_use", id=block.id, name=block.name, input=block.input))
        usage = message.usage
        return _result(request, blocks, usage.input_tokens, usage.output_tokens, message.model)

    async def stream(self, request: ModelRequest, options: CallOptions) -> ChunkStream:
        blocks: dict[int, _Block] = {}
        input_tokens = output_tokens = 0
        model = options.model
        finished = False
        try:
            events = await self._client.messages.create(
                **_params(request, options), stream=True, timeout=options.timeout_s
            )
            async with events:
                async for event in events:
                    if event.type == "message_start":
                        model = event.message.model
                        input_tokens = event.message.usage.input_tokens
                        output_tokens = event.message.usage.output_tokens
                    elif event.type == "content_block_start":
                        start = event.content_block
                        if start.type == "text":
                            blocks[event.index] = _Block(kind="text", text=start.text)
                        elif start.type == "tool_use":
                            blocks[event.index] = _Block(kind="tool_use", id=start.id, name=start.name)
                    elif event.type == "content_block_delta" and event.index in blocks:
                        block = blocks[event.index]
                        if event.delta.type == "text_delta":
                            block.text += event.delta.text
                            yield TextDelta(event.delta.text)
                        elif event.delta.type == "input_json_delta":
                            block.partial_json += event.delta.partial_json
                    elif event.type == "message_delta":
                        # usage in message_delta is cumulative, not an increment
                        output_tokens = event.usage.output_tokens
                        input_tokens = event.usage.input_tokens or input_tokens
                    elif event.type == "message_stop":
                        finished = True
        except anthropic.APIError as exc:
            raise _failure(exc) from exc
        except Exception as exc:
            raise (mid_stream_failure(exc) or exc) from exc
        if not finished:
            raise truncated_stream()
        for block in blocks.values():
            if block.kind == "tool_use":
                block.input = _parse_json_input(block, input_tokens, output_tokens)
        ordered = [blocks[i] for i in sorted(blocks)]
        yield _result(request, ordered, input_tokens, output_tokens, model)

    async def aclose(self) -> None:
        await self._client.close()


@dataclass
class _Block:
    kind: str
    text: str = ""
    id: str = ""
    name: str = ""
    input: Any = None
    partial_json: str = ""


def _result(
    request: ModelRequest, blocks: list[_Block], input_tokens: int, output_tokens: int, model: str
) -> ProviderResult:
    text = "".join(b.text for b in blocks if b.kind == "text")
    tool_uses = [b for b in blocks if b.kind == "tool_use"]
    for block in tool_uses:
        if not isinstance(block.input, dict):
            raise ProviderFailure(
                Outcome.MALFORMED,
                f"tool_use {block.name!r} input is not an object",
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            )
    if request.response_schema is not None:
        forced = _structured_tool_name(request)
        data = next((b.input for b in tool_uses if b.name == forced), None)
        # data None => the gateway tries the text as JSON and reports malformed output if it is not.
        return ProviderResult(
            text=text, data=data, input_tokens=input_tokens, output_tokens=output_tokens, model=model
        )
    calls = [ToolCall(id=b.id, name=b.name, arguments=b.input) for b in tool_uses]
    return ProviderResult(
        text=text, tool_calls=calls, input_tokens=input_tokens, output_tokens=output_tokens, model=model
    )


def _parse_json_input(block: _Block, input_tokens: int, output_tokens: int) -> Any:
    try:
        return json.loads(block.partial_json or "{}")
    except json.JSONDecodeError as exc:
        raise ProviderFailure(
            Outcome.MALFORMED,
            f"tool_use {block.name!r} streamed input is not JSON ({exc.msg})",
            input_tokens=input_tokens,
            output_tokens=output_tokens,
        ) from exc


def _structured_tool_name(request: ModelRequest) -> str:
    return f"{STRUCTURED_TOOL_PREFIX}{request.task}"


def _params(request: ModelRequest, options: CallOptions) -> dict[str, Any]:
    system = "\n\n".join(m.content for m in request.messages if m.role == "system")
    params: dict[str, Any] = {
        "model": options.model,
        "max_tokens": request.max_output_tokens,
        "messages": _messages(request.messages),
    }
    if system:
        params["system"] = system
    if options.send_temperature:
        # This SDK release no longer types `temperature`, but the Messages API accepts it for these models.
        params["extra_body"] = {"temperature": request.temperature}
    if request.response_schema is not None:
        name = _structured_tool_name(request)
        params["tools"] = [
            {
                "name": name,
                "description": f"Record the {request.task} result. Always call this tool exactly once.",
                "input_schema": request.response_schema,
            }
        ]
        params["tool_choice"] = {"type": "tool", "name": name}
    elif request.tools:
        params["tools"] = [
            {"name": tool.name, "description": tool.description, "input_schema": tool.parameters}
            for tool in request.tools
        ]
        params["tool_choice"] = _tool_choice(request.tool_choice)
    return params


def _messages(messages: list[ChatMessage]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        if message.role == "tool":
            block = {"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}
            previous = out[-1] if out else None
            # Results of parallel tool calls belong in one user turn.
            if previous and previous["role"] == "user" and isinstance(previous["content"], list):
                previous["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif message.role == "assistant" and message.tool_calls:
            content: list[dict[str, Any]] = []
            if message.content:
                content.append({"type": "text", "text": message.content})
            content += [
                {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
                for call in message.tool_calls
            ]
            out.append({"role": "assistant", "content": content})
        else:
            out.append({"role": message.role, "content": message.content})
    return out


def _tool_choice(choice: str) -> dict[str, str]:
    mapping = {"auto": {"type": "auto"}, "required": {"type": "any"}, "none": {"type": "none"}}
    return mapping.get(choice, {"type": "tool", "name": choice})


def _failure(exc: anthropic.APIError) -> ProviderFailure:
    if isinstance(exc, anthropic.APITimeoutError):
        return timeout_failure(str(exc))
    if isinstance(exc, anthropic.APIConnectionError):
        return connection_failure(str(exc))
    if isinstance(exc, anthropic.APIStatusError):
        return failure_from_status(exc.status_code, exc.response.headers, exc.message)
    # e.g. an `error` event (overloaded) in the middle of a stream
    return ProviderFailure(Outcome.SERVER_ERROR, f"{type(exc).__name__}: {exc.message}")
