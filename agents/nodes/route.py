"""route: a policy table (data, not if-chains) from the triage result to the flow that handles the turn."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.nodes.common import emit_step
from agents.procedures.spec import procedure_for_intent
from agents.state import AgentState
from agents.triage.routes import Route

FLOW_BY_ROUTE: Mapping[str, str] = MappingProxyType(
    {
        Route.KB_ANSWER.value: "kb_answer",
        Route.ACCOUNT_LOOKUP.value: "procedure",
        Route.CARD_ACTION.value: "procedure",
        Route.PAYMENT_STATUS.value: "procedure",
        Route.DISPUTE.value: "procedure",
        Route.COMPLAINT.value: "complaint",
        Route.HANDOFF.value: "handoff",
        Route.SMALLTALK.value: "smalltalk",
        Route.OUT_OF_SCOPE.value: "out_of_scope",
    }
)
# Flows a procedure may take over when one is keyed on the intent (a knowledge-base question such as
# "when will my card arrive" is better answered from the customer's own cards).
PROCEDURE_CAN_SERVE = frozenset({"procedure", "kb_answer"})
# Possible fraud goes to a person (urgently) once the procedure has done what it can.
FRAUD_INTENTS = frozenset(
    {
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "direct_debit_payment_not_recognised",
        "compromised_card",
    }
)
HANDOFF_BY_INTENT: Mapping[str, dict[str, str]] = MappingProxyType(
    {"human_request": {"reason": "customer asked for a person", "priority": "normal"}}
)
# Intents whose flow is not their route's: triage is a second net under screening's vulnerability cues, and
# a vulnerable customer gets the support text as well as a person.
FLOW_BY_INTENT: Mapping[str, str] = MappingProxyType({"vulnerability": "vulnerability"})


SHORT_ANSWER_WORDS = 4


def _answers_pending_question(state: AgentState, runtime: Runtime[AgentContext]) -> bool:
    """A short reply ("2", "the visa one", "ending 4321") answers the question; a clear new request not."""
    tri = state.get("triage") or {}
    if len(state.get("text", "").split()) <= SHORT_ANSWER_WORDS:
        return True
    strong = tri.get("confidence", 0.0) >= runtime.context.settings.triage_threshold
    other = procedure_for_intent(tri.get("intent", ""), runtime.context.procedures)
    return not (strong and other is not None)


async def route(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    tri = state.get("triage") or {}
    intent = tri.get("intent", "")
    active = state.get("procedure")
    update: dict[str, Any] = {}
    if active and _answers_pending_question(state, runtime):
        # The customer is answering a question of the procedure under way.
        flow, why = "procedure", f"continue {active}"
    elif not tri.get("confident"):
        limit = runtime.context.settings.low_confidence_limit
        if state.get("low_confidence_streak", 0) >= limit:
            flow, why = "handoff", "repeated misunderstanding"
            update["handoff"] = {"reason": f"{limit} turns in a row not understood", "priority": "normal"}
        elif runtime.context.settings.llm_tools:
            flow, why = "assist", "low confidence: the mini tier looks it up"
        else:
            flow, why = "clarify", "low confidence"
    else:
        flow = FLOW_BY_INTENT.get(intent) or FLOW_BY_ROUTE.get(tri.get("route", ""), "out_of_scope")
        why = f"{intent} -> {flow}"
        # Procedures are data keyed by intent: one that serves this intent takes it, whatever the route.
        spec = procedure_for_intent(intent, runtime.context.procedures)
        if spec is not None and flow in PROCEDURE_CAN_SERVE:
            flow, why = "procedure", f"{intent} -> procedure {spec.name}"
            update["procedure"] = spec.name
            update["procedure_intent"] = intent
            update["slots"] = {}
        elif flow == "procedure":
            flow, why = "kb_answer", f"{intent}: no procedure, answer from the knowledge base"
        if flow == "handoff":
            update["handoff"] = dict(
                HANDOFF_BY_INTENT.get(intent, {"reason": f"routed: {intent}", "priority": "normal"})
            )
    if flow != "procedure":
        update.setdefault("procedure", None)
    update["flow"] = flow
    emit_step("route", flow, reason=why, intent=intent, urgent=bool(tri.get("urgent")))
    return update
