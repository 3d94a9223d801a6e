"""Small gateway configs for tests, as TOML text (the same path the app takes)."""

from __future__ import annotations

from typing import Any

from agents.models.structured import StructuredOutput, output_schema

LOCAL = (
    '{ provider = "local", model = "bankdesk-local", price_in_per_m = 0, price_out_per_m = 0, timeout_s = 5 }'
)
OPENAI_NANO = (
    '{ provider = "openai", model = "gpt-5.4-nano", price_in_per_m = 0.20, price_out_per_m = 1.25, '
    "timeout_s = 8, retries = 1, supports_temperature = false }"
)
OPENAI_MINI = (
    '{ provider = "openai", model = "gpt-5.4-mini", price_in_per_m = 0.75, price_out_per_m = 4.50, '
    "timeout_s = 15, retries = 1, supports_temperature = false }"
)
OPENAI_LARGE = (
    '{ provider = "openai", model = "gpt-4.1", price_in_per_m = 2.00, price_out_per_m = 8.00, '
    "timeout_s = 30 }"
)
ANTHROPIC_HAIKU = (
    '{ provider = "anthropic", model = "claude-haiku-4-5", price_in_per_m = 1.00, price_out_per_m = 5.00, '
    "timeout_s = 8 }"
)
ANTHROPIC_SONNET = (
    '{ provider = "anthropic", model = "claude-sonnet-4-6", price_in_per_m = 3.00, price_out_per_m = 15.00, '
    "timeout_s = 20, retries = 1 }"
)


def tiers(
    *, nano: list[str], mini: list[str] | None = None, large: list[str] | None = None, head: str = ""
) -> str:
    """A config whose tiers list the given entries (mini and large default to local only)."""

    def entries(items: list[str]) -> str:
        return "[\n  " + ",\n  ".join(items) + ",\n]"

    return (
        f"{head}\n[tiers]\nnano = {entries(nano)}\nmini = {entries(mini or [LOCAL])}\n"
        f"large = {entries(large or [LOCAL])}\n"
    )


class TriageAnswer(StructuredOutput):
    intent: str
    confidence: float
    needs_human: bool


TRIAGE_SCHEMA: dict[str, Any] = output_schema(TriageAnswer)

LIST_TRANSACTIONS = {
    "name": "list_transactions",
    "description": "List the customer's card transactions, optionally filtered.",
    "parameters": {
        "type": "object",
        "properties": {
            "merchant": {"type": "string"},
            "since": {"type": "string", "format": "date"},
            "min_amount_minor": {"type": "integer"},
        },
        "additionalProperties": False,
    },
}
