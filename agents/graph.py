"""The support graph. Read top to bottom, this is where a customer turn goes.

(screening and redaction of the raw text happen at the door, before the state exists: agents.runner)
screen ──► triage ──► route ──► procedure | kb_answer | smalltalk | out_of_scope | clarify
   │          │          └────► complaint | handoff
   │          └─► degraded (every provider of a tier failed)
   └─► scam | vulnerability | refuse | third_party | foreign_language | complaint
       | handoff (a person asked for, in any phrasing)
every draft ──► phrase ──► compliance ──► respond
                               ├─► handoff (blocked, or the flow asked for a person)
                               ├─► next_request ──► triage (the message's next request, answered in order)
                               ├─► finish_deferred (an earlier request's question or confirmation, asked last)
                               ├─► remind (a new request answered while an action waits; it is recalled)
                               └─► ask_confirmation ──► confirm (interrupt: the answer, read by the app)
                                                           ├─► execute ──► phrase ──► compliance ──► ...
                                                           ├─► reask (neither yes nor no) ──► phrase ──► ...
                                                           └─► screen (a new request; the action waits)
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agents.context import AgentContext
from agents.nodes.answers import (
    clarify,
    complaint,
    degraded,
    kb_answer,
    out_of_scope,
    refuse,
    scam,
    smalltalk,
    third_party,
    vulnerability,
)
from agents.nodes.assist import assist
from agents.nodes.compliance import compliance, phrase
from agents.nodes.dialogue import finish_deferred, has_more, next_request, reask, remind
from agents.nodes.language import foreign_language
from agents.nodes.procedure import ask_confirmation, confirm, execute_action, run_procedure
from agents.nodes.respond import handoff, respond
from agents.nodes.route import route
from agents.nodes.screen import screen
from agents.nodes.triage import triage
from agents.state import AgentState

# Flows that produce a draft and then go through phrase -> compliance.
DRAFTING = {
    "procedure": "procedure",
    "kb_answer": "kb_answer",
    "smalltalk": "smalltalk",
    "out_of_scope": "out_of_scope",
    "clarify": "clarify",
    "assist": "assist",
    "complaint": "complaint",
    "vulnerability": "vulnerability",
    "scam": "scam",
    "third_party": "third_party",
    "refuse": "refuse",
    "degraded": "degraded",
    "language": "foreign_language",
    "handoff": "phrase",  # no draft of its own: compliance still adds what the first reply must say
}


# The edge functions are coroutines although they only read the state: LangGraph runs a plain function on
# a conditional edge through ``run_in_executor``, a thread hop (and a GIL hand-over) per edge, five or six
# a turn.
async def _after_screen(state: AgentState) -> str:
    return DRAFTING.get(state.get("flow", ""), "triage")


async def _after_triage(state: AgentState) -> str:
    return DRAFTING.get(state.get("flow", ""), "route")


async def _after_route(state: AgentState) -> str:
    return DRAFTING[state.get("flow", "out_of_scope")]


async def _after_compliance(state: AgentState) -> str:
    if state.get("handoff"):
        return "handoff"
    if has_more(state):
        return "next_request"
    if state.get("deferred"):
        return "finish_deferred"
    if state.get("draft_kind") == "confirmation" and state.get("pending_action"):
        return "ask_confirmation"
    if state.get("pending_action") and state.get("decision") == "other":
        return "remind"
    return "respond"


async def _after_deferred(state: AgentState) -> str:
    if state.get("draft_kind") == "confirmation" and state.get("pending_action"):
        return "ask_confirmation"
    return "respond"


async def _after_confirm(state: AgentState) -> str:
    decision = state.get("decision")
    if decision in ("yes", "no"):
        return "execute"
    return "reask" if decision == "unclear" else "screen"


def build_graph(
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    g = StateGraph(AgentState, context_schema=AgentContext)
    g.add_node("screen", screen)
    g.add_node("triage", triage)
    g.add_node("route", route)
    g.add_node("procedure", run_procedure)
    g.add_node("kb_answer", kb_answer)
    g.add_node("smalltalk", smalltalk)
    g.add_node("out_of_scope", out_of_scope)
    g.add_node("clarify", clarify)
    g.add_node("assist", assist)
    g.add_node("complaint", complaint)
    g.add_node("vulnerability", vulnerability)
    g.add_node("scam", scam)
    g.add_node("third_party", third_party)
    g.add_node("refuse", refuse)
    g.add_node("degraded", degraded)
    g.add_node("foreign_language", foreign_language)
    g.add_node("phrase", phrase)
    g.add_node("compliance", compliance)
    g.add_node("ask_confirmation", ask_confirmation)
    g.add_node("confirm", confirm)
    g.add_node("execute", execute_action)
    g.add_node("next_request", next_request)
    g.add_node("finish_deferred", finish_deferred)
    g.add_node("reask", reask)
    g.add_node("remind", remind)
    g.add_node("respond", respond)
    g.add_node("handoff", handoff)

    g.add_edge(START, "screen")
    drafting_targets = sorted(set(DRAFTING.values()))
    g.add_conditional_edges("screen", _after_screen, [*drafting_targets, "triage"])
    g.add_conditional_edges("triage", _after_triage, [*drafting_targets, "route"])
    g.add_conditional_edges("route", _after_route, drafting_targets)
    for node in DRAFTING.values():
        if node != "phrase":
            g.add_edge(node, "phrase")
    g.add_edge("phrase", "compliance")
    g.add_conditional_edges(
        "compliance",
        _after_compliance,
        ["handoff", "next_request", "finish_deferred", "ask_confirmation", "remind", "respond"],
    )
    g.add_edge("next_request", "triage")
    g.add_conditional_edges("finish_deferred", _after_deferred, ["ask_confirmation", "respond"])
    g.add_edge("remind", "ask_confirmation")
    g.add_edge("ask_confirmation", "confirm")
    g.add_conditional_edges("confirm", _after_confirm, ["execute", "reask", "screen"])
    g.add_edge("reask", "phrase")
    g.add_edge("execute", "phrase")
    g.add_edge("respond", END)
    g.add_edge("handoff", END)
    return g.compile(checkpointer=checkpointer)
