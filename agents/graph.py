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

As LangGraph nodes, screen + triage + route run as one step (``intake``) and phrase + compliance (+ respond
when the reply goes out) as another (``finish``): the same functions in the same order (see "the fast path"
below). next_request goes to triage and route as steps of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, cast, get_origin, get_type_hints

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

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
    "declined": "phrase",  # the route's own draft: a procedure's question answered with a no
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


async def _after_triage_fast(state: AgentState) -> str:
    goto = await _after_triage(state)
    return _FAST.get(goto, goto)


async def _after_route_fast(state: AgentState) -> str:
    goto = await _after_route(state)
    return _FAST.get(goto, goto)


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


# --- the fast path -----------------------------------------------------------------------------------
# Most turns go screen -> triage -> route -> <draft> -> phrase -> compliance -> respond: seven LangGraph
# steps, each costing the runtime a task, a checkpoint of the channels, a read of the state for every
# conditional edge and a "values" event (about 0.4 ms a step, measured by bench.graph_overhead).
# ``intake`` runs screen, triage and route in one step and ``finish`` runs phrase, compliance and (when
# compliance sends the reply out) respond in one step. They call the same node functions in the same order,
# on the state each would have seen as a step of its own (an update merged as LangGraph merges it, by the
# state's reducers), and choose the next node with the same edge functions; every node still emits its own
# step event, so the audit trail and every compliance check are exactly as before. Only the number of
# LangGraph steps changes.

_REDUCERS: dict[str, Callable[[Any, Any], Any]] = {
    key: meta
    for key, hint in get_type_hints(AgentState, include_extras=True).items()
    if get_origin(hint) is Annotated
    for meta in hint.__metadata__
    if callable(meta)
}
_KEYS = frozenset(get_type_hints(AgentState))


def _merge(state: dict[str, Any], done: dict[str, Any], update: dict[str, Any] | None) -> None:
    """Apply a node's update to ``state`` (what the next node reads) and to ``done`` (what this step
    returns to LangGraph), as LangGraph would apply it between two steps: keys outside the state schema
    are dropped, a key with a reducer is reduced (the history is appended to), any other key replaced."""
    for key, value in (update or {}).items():
        if key not in _KEYS:
            continue
        reducer = _REDUCERS.get(key)
        if reducer is None:
            state[key] = done[key] = value
        else:
            state[key] = reducer(state[key], value) if key in state else value
            done[key] = reducer(done[key], value) if key in done else value


async def intake(state: AgentState, runtime: Runtime[AgentContext]) -> Command[str]:
    """screen, then triage, then route, in one step (each only when the edge before it would have gone
    there)."""
    seen: dict[str, Any] = dict(state)
    done: dict[str, Any] = {}
    _merge(seen, done, await screen(cast(AgentState, seen), runtime))
    goto = await _after_screen(cast(AgentState, seen))
    if goto == "triage":
        _merge(seen, done, await triage(cast(AgentState, seen), runtime))
        goto = await _after_triage(cast(AgentState, seen))
        if goto == "route":
            _merge(seen, done, await route(cast(AgentState, seen), runtime))
            goto = await _after_route(cast(AgentState, seen))
    return Command(update=done, goto=_FAST.get(goto, goto))


async def finish(state: AgentState, runtime: Runtime[AgentContext]) -> Command[str]:
    """phrase, then compliance, then respond when compliance's edge sends the reply out, in one step;
    any other outcome (a handoff, the next request, a confirmation) goes on to its own node."""
    seen: dict[str, Any] = dict(state)
    done: dict[str, Any] = {}
    _merge(seen, done, await phrase(cast(AgentState, seen), runtime))
    _merge(seen, done, await compliance(cast(AgentState, seen), runtime))
    goto = await _after_compliance(cast(AgentState, seen))
    if goto == "respond":
        _merge(seen, done, await respond(cast(AgentState, seen), runtime))
        return Command(update=done, goto=END)
    return Command(update=done, goto=goto)


# A draft goes on to ``finish`` wherever it went on to ``phrase``; a new request read while an action waits
# starts at ``intake`` as ``screen`` did.
_FAST = {"phrase": "finish", "screen": "intake"}


async def _after_confirm_fast(state: AgentState) -> str:
    goto = await _after_confirm(state)
    return _FAST.get(goto, goto)


def build_graph(
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    g = StateGraph(AgentState, context_schema=AgentContext)
    # screen, triage, route, phrase, compliance and respond run inside intake and finish (above); triage,
    # route and respond are also nodes of their own for the paths that reach them alone.
    drafting_targets = sorted({_FAST.get(n, n) for n in DRAFTING.values()})
    g.add_node("intake", intake, destinations=(*drafting_targets,))
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
    g.add_node(
        "finish",
        finish,
        destinations=("handoff", "next_request", "finish_deferred", "ask_confirmation", "remind", END),
    )
    g.add_node("ask_confirmation", ask_confirmation)
    g.add_node("confirm", confirm)
    g.add_node("execute", execute_action)
    g.add_node("next_request", next_request)
    g.add_node("finish_deferred", finish_deferred)
    g.add_node("reask", reask)
    g.add_node("remind", remind)
    g.add_node("respond", respond)
    g.add_node("handoff", handoff)

    g.add_edge(START, "intake")
    g.add_conditional_edges("triage", _after_triage_fast, [*drafting_targets, "route"])
    g.add_conditional_edges("route", _after_route_fast, drafting_targets)
    for node in DRAFTING.values():
        if node != "phrase":
            g.add_edge(node, "finish")
    g.add_edge("next_request", "triage")
    g.add_conditional_edges("finish_deferred", _after_deferred, ["ask_confirmation", "respond"])
    g.add_edge("remind", "ask_confirmation")
    g.add_edge("ask_confirmation", "confirm")
    g.add_conditional_edges("confirm", _after_confirm_fast, ["execute", "reask", "intake"])
    g.add_edge("reask", "finish")
    g.add_edge("execute", "finish")
    g.add_edge("respond", END)
    g.add_edge("handoff", END)
    return g.compile(checkpointer=checkpointer)
