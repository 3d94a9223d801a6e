"""respond and handoff: send the approved reply, or pass the conversation to a person with a summary."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.models.errors import TierUnavailable
from agents.models.types import ChatMessage, ModelRequest
from agents.nodes.common import BudgetExceeded, call_model, emit, emit_step, take_call_ids
from agents.nodes.dialogue import composed_reply
from agents.nodes.escalation import summary_tier
from agents.safety.redact import mask_outbound
from agents.state import AgentState
from agents.summary import SUMMARY_SYSTEM, extractive_summary, transcript_text

HANDOFF_NOTICE = {
    "urgent": "I'm passing this to a member of our team now as a priority; they'll reply here shortly.",
    "high": "I'm passing this to a member of our team, who will pick it up here shortly.",
    "normal": (
        "I'm passing this conversation to a member of our team. They'll reply here as soon as they can; "
        "our chat team is available 8am to 8pm Monday to Friday and 9am to 5pm on Saturdays."
    ),
}


def handoff_notice(priority: str, *, hours: str = "", open_now: bool = True) -> str:
    """What the customer is told when a person takes over: the team's real hours when the app gave them,
    and that nobody is working right now when that is so."""
    if not hours:
        return HANDOFF_NOTICE.get(priority, HANDOFF_NOTICE["normal"])
    if not open_now:
        return (
            "I'm passing this conversation to a member of our team. Nobody from the team is working right "
            f"now; they'll reply here when they're back. Our team's hours: {hours}."
        )
    if priority in ("urgent", "high"):
        return HANDOFF_NOTICE[priority]
    return (
        "I'm passing this conversation to a member of our team. They'll reply here as soon as they can; "
        f"our team's hours: {hours}."
    )


async def respond(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    reply = composed_reply(state, state.get("reply", ""))
    emit_step("respond", "sent", characters=len(reply))
    return {
        # The history is what models read later (triage, the assisting and summary models): the customer's own
        # account numbers, given in this reply, stay out of it.
        "history": [{"role": "assistant", "content": mask_outbound(reply)[0]}],
        "reply": reply,
        "answered": [],
        "deferred": None,
        "outcome": "reply",
    }


async def handoff(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    request_info = state.get("handoff") or {"reason": "handoff", "priority": "normal"}
    priority = request_info.get("priority", "normal")
    reason = request_info.get("reason", "handoff")
    history = state.get("history", [])
    try:
        response = await call_model(
            runtime,
            state,
            tier=summary_tier(runtime),
            node="handoff",
            request=ModelRequest(
                task="summary",
                messages=[
                    ChatMessage("system", SUMMARY_SYSTEM),
                    ChatMessage("user", f"Reason for handoff: {reason}\n\n{transcript_text(history)}"),
                ],
                inputs={"history": history, "reason": reason, "triage": state.get("triage") or {}},
                max_output_tokens=300,
            ),
        )
        summary, source = response.text.strip(), "model"
    except (TierUnavailable, BudgetExceeded):
        summary, source = "", "fallback"
    if not summary:
        summary = extractive_summary(history, reason=reason, triage=state.get("triage") or {})
    emit({"type": "handoff", "reason": reason, "priority": priority, "summary": summary})
    emit_step(
        "handoff", priority, reason=reason, summary_source=source, model_call_ids=take_call_ids(runtime)
    )
    parts = [*(state.get("answered") or [])]
    parts += [state.get("reply", "")] if state.get("reply") else [*state.get("notices", [])]
    # A flow may word the notice itself (agents.nodes.language: in the customer's language).
    notice = request_info.get("notice") or handoff_notice(
        priority, hours=runtime.context.support_hours, open_now=runtime.context.support_open_now
    )
    reply = "\n\n".join([p for p in parts if p] + [notice])
    return {
        "history": [{"role": "assistant", "content": mask_outbound(reply)[0]}],
        "reply": reply,
        "outcome": "handoff",
        "procedure": None,
        "slots": {},
        "pending_action": None,
        "low_confidence_streak": 0,
        "answered": [],
        "deferred": None,
        "queue": [],
        "later": [],
    }
