"""Helpers the nodes share: step events for the audit trail, budgeted model calls, reply streaming."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.models.types import CallMeta, ModelRequest, ModelResponse
from agents.state import AgentState


class BudgetExceeded(RuntimeError):
    """The conversation has used its token or cost budget: a person takes over."""


def customer_messages(state: AgentState) -> list[str]:
    """What the customer has written in the conversation, oldest first, as far as the history holds it (a
    node after screen finds this turn's message last; screen itself does not yet)."""
    return [h.get("content", "") for h in state.get("history") or [] if h.get("role") == "customer"]


def today_of(state: AgentState) -> date:
    """The turn's day, from the app's clock (``state["today"]``)."""
    return date.fromisoformat(state["today"]) if state.get("today") else date.today()


def emit(event: dict[str, Any]) -> None:
    get_stream_writer()(event)


def emit_step(node: str, decision: str, **data: Any) -> None:
    """One audit event per graph step: node, decision, and whatever explains it."""
    emit({"type": "step", "node": node, "decision": decision, **data})


async def call_model(
    runtime: Runtime[AgentContext],
    state: AgentState,
    *,
    tier: str,
    node: str,
    request: ModelRequest,
    escalation: str | None = None,
) -> ModelResponse:
    """Call a tier through the gateway, refusing once the conversation's budget is spent.

    ``escalation`` names the rule (agents.models.escalation) that moved the call above the step's starting
    tier; it is recorded with the call.
    """
    ctx = runtime.context
    spent_tokens = state.get("tokens_used", 0) + ctx.scratch.get("tokens", 0)
    spent_cost = state.get("cost_usd_micros", 0) + ctx.scratch.get("cost", 0)
    if spent_tokens >= ctx.settings.token_budget or spent_cost >= ctx.settings.cost_budget_usd_micros:
        raise BudgetExceeded(f"budget spent: {spent_tokens} tokens, {spent_cost} micro-USD")
    meta = CallMeta(
        conversation_id=ctx.conversation_id, node=node, variant=ctx.variant, escalation=escalation
    )
    response = await ctx.gateway.call(tier, request, meta=meta)
    ctx.call_ids.append(response.call_id)
    used = response.input_tokens + response.output_tokens
    ctx.scratch["tokens"] = ctx.scratch.get("tokens", 0) + used
    ctx.scratch["cost"] = ctx.scratch.get("cost", 0) + response.cost_usd_micros
    return response


_PIECE = re.compile(r"\S+\s*|\s+")


def reply_pieces(text: str) -> list[str]:
    """Approved reply text cut as it would arrive from a model, word by word (each word with the space
    after it), so that the pieces joined give the text back."""
    return _PIECE.findall(text)


def take_call_ids(runtime: Runtime[AgentContext]) -> list[str]:
    ids = list(runtime.context.call_ids)
    runtime.context.call_ids.clear()
    return ids
