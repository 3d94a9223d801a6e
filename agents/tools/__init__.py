"""Banking tools for model tool calling, bound to the signed-in customer through the BankingPort."""

from agents.tools.registry import (
    TOOLS,
    MissingIdempotencyKey,
    ToolDef,
    ToolRefused,
    UnknownToolError,
    run_tool,
    to_tool_specs,
    validate_tool_call,
)
from agents.tools.schema import ToolArgumentError

__all__ = [
    "TOOLS",
    "MissingIdempotencyKey",
    "ToolArgumentError",
    "ToolDef",
    "ToolRefused",
    "UnknownToolError",
    "run_tool",
    "to_tool_specs",
    "validate_tool_call",
]
