"""procedure / confirm / execute: run a declarative banking procedure deterministically.

Models only understand and phrase: which tool runs, with which ids, is decided here from the procedure's
data and the customer's own accounts. A state change needs the customer's explicit "yes" (a LangGraph
interrupt, resumable from another request or process) and runs once per action id.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.context import AgentContext
from agents.nodes.common import emit_step
from agents.nodes.route import FRAUD_INTENTS
from agents.procedures.engine import Answer, Ask, Confirm, PendingAction, ToolCallLog, execute, plan
from agents.state import AgentState


def _tool_log(calls: list[ToolCallLog]) -> list[dict[str, Any]]:
    return [asdict(c) for c in calls]


def _fraud_handoff(intent: str | None) -> dict[str, str] | None:
    if intent in FRAUD_INTENTS:
        return {"reason": f"possible fraud ({intent})", "priority": "urgent"}
    return None


async def run_procedure(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    ctx = runtime.context
    name = state.get("procedure") or ""
    spec = ctx.procedures[name]
    # The intent that started the procedure, not this turn's (an answer such as "2" has no intent of its own).
    intent = state.get("procedure_intent") or (state.get("triage") or {}).get("intent")
    today = date.fromisoformat(state["today"]) if state.get("today") else date.today()
    result = await plan(
        spec,
        text=state.get("text", ""),
        slots=dict(state.get("slots") or {}),
        banking=ctx.banking,
        action_id=f"{ctx.conversation_id}:{uuid.uuid4().hex}",
        today=today,
        kb=ctx.kb,
    )
    if isinstance(result, Ask):
        emit_step("procedure", "ask", procedure=name, slots=result.slots)
        return {"draft": result.question, "draft_kind": "question", "slots": result.slots}
    if isinstance(result, Confirm):
        action = asdict(result.action)
        action["intent"] = intent
        emit_step(
            "procedure", "confirm", procedure=name, action=action, tool_calls=_tool_log(result.tool_calls)
        )
        return {
            "draft": result.prompt,
            "draft_kind": "confirmation",
            "pending_action": action,
            "procedure": None,
            "slots": {},
        }
    assert isinstance(result, Answer)
    emit_step(
        "procedure",
        result.outcome,
        procedure=name,
        tool_calls=_tool_log(result.tool_calls),
        facts=result.facts,
    )
    update: dict[str, Any] = {"draft": result.draft, "draft_kind": "answer", "procedure": None, "slots": {}}
    handoff = _fraud_handoff(intent)
    if handoff:
        update["handoff"] = handoff
    return update


async def confirm(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Pause the graph until the customer answers yes or no (POST /v1/conversations/{id}/confirm)."""
    action = state.get("pending_action") or {}
    decision = interrupt({"action": action, "prompt": state.get("reply", "")})
    confirmed = str(decision).strip().lower() == "yes"
    emit_step("confirm", "yes" if confirmed else "no", action_id=action.get("id"))
    return {"decision": "yes" if confirmed else "no"}


async def ask_confirmation(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The approved confirmation question becomes the turn's reply; the graph then waits in ``confirm``."""
    emit_step(
        "ask_confirmation", "awaiting_customer", action_id=(state.get("pending_action") or {}).get("id")
    )
    return {
        "history": [{"role": "assistant", "content": state.get("reply", "")}],
        "outcome": "confirmation_required",
    }


async def execute_action(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    raw = dict(state.get("pending_action") or {})
    intent = raw.pop("intent", None)
    action = PendingAction(**raw)
    confirmed = state.get("decision") == "yes"
    result = await execute(
        action,
        confirmed=confirmed,
        banking=runtime.context.banking,
        procedures=runtime.context.procedures,
        kb=runtime.context.kb,
    )
    emit_step(
        "execute",
        result.outcome,
        action_id=action.id,
        tool=action.tool,
        arguments=action.args,
        tool_calls=_tool_log(result.tool_calls),
        facts=result.facts,
    )
    update: dict[str, Any] = {
        "draft": result.draft,
        "draft_kind": "answer",
        "pending_action": None,
        "decision": None,
        "notices": [],
        "handoff": None,
        "reply": "",
        "outcome": "reply",
    }
    if confirmed:
        handoff = _fraud_handoff(intent)
        if handoff:
            update["handoff"] = handoff
    return update
