"""Provider-neutral request and response types shared by the gateway, its providers and the graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agents.models.structured import StructuredOutput, output_schema

Role = Literal["system", "user", "assistant", "tool"]
Task = str
"""What a request is for: "triage", "reply", "summary", "review", "tool_select", ... The local provider
dispatches on it; LLM providers only see the messages."""


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str
    tool_call_id: str | None = None
    """For role="tool": the id of the ToolCall this message answers."""
    tool_calls: tuple[ToolCall, ...] = ()
    """For role="assistant": the tool calls the model made in that turn (to replay a tool round trip)."""

    def __post_init__(self) -> None:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a tool message needs the tool_call_id it answers")


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]
    """JSON schema of the arguments object."""


@dataclass
class ModelRequest:
    task: Task
    messages: list[ChatMessage]
    inputs: dict[str, Any] = field(default_factory=dict)
    """Structured inputs for the local provider (e.g. {"text": ..., "facts": ...}); never sent to an API."""
    response_model: type[StructuredOutput] | None = None
    """Structured output: the pydantic model whose schema is sent and which checks ModelResponse.data."""
    tools: list[ToolSpec] | None = None
    tool_choice: str = "auto"
    """"auto", "required", "none" or the name of one tool the model must call."""
    max_output_tokens: int = 512
    temperature: float = 0.0

    def __post_init__(self) -> None:
        if self.response_model is not None and self.tools:
            # Anthropic implements structured output as a forced tool, which would silently disable the
            # caller's own tools; two requests are clearer than one ambiguous one.
            raise ValueError("a request asks for structured output or for tool calls, not both")
        if self.max_output_tokens <= 0:
            raise ValueError("max_output_tokens must be positive")

    @property
    def response_schema(self) -> dict[str, Any] | None:
        """The JSON schema (an object) of the structured output asked for, from ``response_model``."""
        return output_schema(self.response_model) if self.response_model is not None else None


@dataclass(frozen=True)
class ModelResponse:
    text: str
    data: dict[str, Any] | None
    tool_calls: list[ToolCall]
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    latency_ms: float
    call_id: str


@dataclass(frozen=True)
class CallMeta:
    conversation_id: str | None
    node: str
    variant: str | None = None
    escalation: str | None = None
    """The escalation rule that moved this call up a tier (None: the step's starting tier)."""


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class StreamCompleted:
    response: ModelResponse


StreamEvent = TextDelta | StreamCompleted
"""Gateway.stream yields TextDelta events, then exactly one StreamCompleted."""
