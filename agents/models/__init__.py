"""The model gateway: tiers of providers (local, OpenAI, Anthropic) with fallback, breakers and cost records.

Typical wiring (the app's lifespan):

    config = load_config(settings.gateway_config_path)        # None -> bundled all-local default
    gateway = build_gateway(config, recorder=db_recorder, local_handlers={"triage": ..., "reply": ...})
    variant = assign_variant(conversation_id, config)          # store on the conversation
    response = await gateway.call("nano", request, meta=CallMeta(conversation_id, "triage", variant))
"""

from agents.models.breaker import BreakerState
from agents.models.errors import Attempt, GatewayConfigError, TierUnavailable
from agents.models.factory import build_gateway
from agents.models.gateway import Gateway
from agents.models.gateway_config import (
    GatewayConfig,
    TierEntry,
    load_bundled_config,
    load_config,
    loads_config,
    missing_api_keys,
)
from agents.models.providers.local import LocalHandler, LocalProvider, LocalResult, count_tokens
from agents.models.recording import CallRecord, CallRecorder, InMemoryRecorder, Outcome
from agents.models.types import (
    CallMeta,
    ChatMessage,
    ModelRequest,
    ModelResponse,
    StreamCompleted,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolSpec,
)
from agents.models.variants import DEFAULT_VARIANT, assign_variant

__all__ = [
    "DEFAULT_VARIANT",
    "Attempt",
    "BreakerState",
    "CallMeta",
    "CallRecord",
    "CallRecorder",
    "ChatMessage",
    "Gateway",
    "GatewayConfig",
    "GatewayConfigError",
    "InMemoryRecorder",
    "LocalHandler",
    "LocalProvider",
    "LocalResult",
    "ModelRequest",
    "ModelResponse",
    "Outcome",
    "StreamCompleted",
    "StreamEvent",
    "TextDelta",
    "TierEntry",
    "TierUnavailable",
    "ToolCall",
    "ToolSpec",
    "assign_variant",
    "build_gateway",
    "count_tokens",
    "load_bundled_config",
    "load_config",
    "loads_config",
    "missing_api_keys",
]
