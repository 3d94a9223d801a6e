"""GraphAgent: the one narrow interface the app calls (agents.ports.TurnAgent), over the compiled graph.

Screening of the raw text happens in the app's request before anything is stored: only the redacted text
and the screening result enter the graph, so no checkpoint can hold a full card number or CVV.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphRecursionError
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StreamMode

from agents.context import AgentContext, AgentSettings
from agents.kb import KnowledgeBase
from agents.models.gateway import Gateway
from agents.nodes.common import reply_pieces
from agents.nodes.respond import HANDOFF_NOTICE
from agents.ports import (
    ActionEffect,
    ActionResult,
    AgentEvent,
    BankingPort,
    ComplaintEffect,
    ConfirmationRequest,
    Effect,
    FlagEffect,
    Flow,
    HandoffEffect,
    OutcomeKind,
    Priority,
    TriageInfo,
    TurnInput,
    TurnOutcome,
)
from agents.procedures.recorded import recorded_reply
from agents.procedures.spec import ProcedureSpec
from agents.summary import extractive_summary

# "values": the state after each step, so the final state is at hand when the run ends (reading it back
# with ``aget_state`` rebuilt the channels and next tasks from the checkpoint: a noticeable share of a turn).
STREAM_MODES: list[StreamMode] = ["custom", "updates", "values"]
LOOP_MESSAGE = "I'm sorry, I've got stuck on this one. " + HANDOFF_NOTICE["normal"]


@dataclass
class GraphAgent:
    graph: CompiledStateGraph[Any, Any, Any, Any]
    gateway: Gateway
    kb: KnowledgeBase
    procedures: dict[str, ProcedureSpec]
    settings: AgentSettings
    name: str = "bankdesk-graph"

    def _config(self, conversation_id: str) -> RunnableConfig:
        return {
            "configurable": {"thread_id": conversation_id},
            "recursion_limit": self.settings.recursion_limit,
        }

    def _context(self, turn: TurnInput, banking: BankingPort) -> AgentContext:
        return AgentContext(
            conversation_id=turn.conversation_id,
            variant=turn.variant,
            banking=banking,
            gateway=self.gateway,
            kb=self.kb,
            procedures=self.procedures,
            settings=self.settings,
            support_hours=turn.support_hours,
            support_open_now=turn.support_open_now,
        )

    async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
        state_in: dict[str, Any] = {
            "text": turn.text,
            "screening": turn.screening,
            "first_reply": turn.first_reply,
            "staff_notes": list(turn.staff_notes),
            "today": turn.today,
            "tokens_used": turn.tokens_used,
            "cost_usd_micros": turn.cost_usd_micros,
        }
        async for event in self._run(state_in, turn, banking):
            yield event

    async def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
        update: dict[str, Any] = {
            "first_reply": False,
            "today": turn.today,
            "tokens_used": turn.tokens_used,
            "cost_usd_micros": turn.cost_usd_micros,
            # A new request typed while the action waits is handled from screen on, like any message.
            "text": turn.text,
            "screening": turn.screening,
            "staff_notes": list(turn.staff_notes),
        }
        if decision != "other":
            update["history"] = [{"role": "customer", "content": turn.text}]
        command: Command[Any] = Command(resume=decision, update=update)
        async for event in self._run(command, turn, banking):
            yield event

    async def pending_confirmation(self, conversation_id: str) -> dict[str, Any] | None:
        snapshot = await self.graph.aget_state(self._config(conversation_id))
        for interrupt in snapshot.interrupts:
            value = interrupt.value
            if isinstance(value, dict):
                return value
        return None

    async def recovered_reply(self, action: dict[str, Any], record: ActionResult | None) -> str:
        """The reply for a confirmed action whose turn was cut short, from the bank's record of it."""
        return await recorded_reply(action, record, procedures=self.procedures, kb=self.kb)

    async def close_pending(self, conversation_id: str, reply: str) -> None:
        """Forget any action or question the graph was waiting on, as if ``reply`` had ended a turn.

        Used after a cut-short turn has been settled from the bank's record, so the agent's memory agrees
        with what the customer was told.
        """
        await self.graph.aupdate_state(
            self._config(conversation_id),
            {
                "pending_action": None,
                "decision": None,
                "procedure": None,
                "slots": {},
                "history": [{"role": "assistant", "content": reply}],
                "reply": reply,
                "outcome": "reply",
            },
            as_node="respond",
        )

    async def _run(
        self, graph_input: Any, turn: TurnInput, banking: BankingPort
    ) -> AsyncIterator[AgentEvent]:
        config = self._config(turn.conversation_id)
        context = self._context(turn, banking)
        waiting: dict[str, Any] | None = None
        values: dict[str, Any] = {}
        effects: list[Effect] = []
        try:
            # durability="exit": one checkpoint per turn. The app stores it with the turn, so a checkpoint
            # per step would only cost time.
            async for mode, chunk in self.graph.astream(
                graph_input, config, context=context, stream_mode=STREAM_MODES, durability="exit"
            ):
                if mode == "custom":
                    event = _custom_event(chunk)
                    if event.effect is not None:
                        effects.append(event.effect)
                    elif event.kind == "step" and (action := _action_effect(event.data)) is not None:
                        effects.append(action)
                    yield event
                elif mode == "values":
                    if isinstance(chunk, dict):
                        values = chunk
                elif isinstance(chunk, dict) and "__interrupt__" in chunk:
                    waiting = chunk["__interrupt__"][0].value
        except GraphRecursionError:
            summary = extractive_summary(
                [{"role": "customer", "content": turn.text}], reason="recursion limit"
            )
            yield AgentEvent(
                "step",
                {"node": "runner", "decision": "recursion_limit", "limit": self.settings.recursion_limit},
            )
            handoff = HandoffEffect("recursion limit reached", Priority.NORMAL, summary)
            yield AgentEvent.of_effect(handoff)
            for event in _deltas(LOOP_MESSAGE):
                yield event
            effects.append(handoff)
            yield AgentEvent.completed(
                _outcome(LOOP_MESSAGE, OutcomeKind.HANDOFF, effects, flow=Flow.HANDOFF)
            )
            return
        flow, triage = _flow(values.get("flow")), _triage(values.get("triage"))
        if waiting is not None:
            confirmation = _confirmation(waiting)
            for event in _deltas(confirmation.prompt):
                yield event
            yield AgentEvent("confirmation_required", dict(waiting), confirmation=confirmation)
            yield AgentEvent.completed(
                _outcome(
                    confirmation.prompt,
                    OutcomeKind.CONFIRMATION_REQUIRED,
                    effects,
                    flow=flow,
                    triage=triage,
                    confirmation=confirmation,
                )
            )
            return
        kind = OutcomeKind(values.get("outcome") or OutcomeKind.REPLY)
        reply = values.get("reply") or None
        # The reply is streamed here, once the graph has ended with it (respond and handoff are its last
        # steps), not from inside the nodes: a word sent through LangGraph's stream writer costs a trip
        # through its stream queue and this generator chain, fifty to a hundred words a turn.
        for event in _deltas(reply or ""):
            yield event
        yield AgentEvent.completed(_outcome(reply, kind, effects, flow=flow, triage=triage))


def _deltas(text: str) -> list[AgentEvent]:
    return [AgentEvent("delta", {"text": piece}) for piece in reply_pieces(text)]


# --- the graph's checkpointed dicts -> the typed seam (agents.ports) ------------------------------------


def _custom_event(chunk: Any) -> AgentEvent:
    data = dict(chunk) if isinstance(chunk, dict) else {"value": chunk}
    kind = data.pop("type", "step")
    if kind == "step":
        return AgentEvent("step", data)
    if kind == "delta":
        return AgentEvent("delta", data)
    return AgentEvent.of_effect(_effect(kind, data))


def _effect(kind: str, data: dict[str, Any]) -> Effect:
    if kind == "handoff":
        return HandoffEffect(
            reason=str(data.get("reason") or "handoff"),
            priority=Priority(data.get("priority") or Priority.NORMAL),
            summary=str(data.get("summary") or ""),
        )
    if kind == "complaint":
        return ComplaintEffect(
            summary=str(data.get("summary") or ""),
            final_response_due=date.fromisoformat(str(data["final_response_due"])),
        )
    if kind == "flag":
        reasons = data.pop("reasons", ())
        return FlagEffect(reasons=tuple(str(r) for r in reasons), detail=data)
    # A node emitting an effect nobody records would be a silent loss: fail the turn loudly instead.
    raise ValueError(f"unknown effect type {kind!r} emitted by the graph")


_ACTION_OUTCOMES = frozenset({"ok", "already", "declined", "not_found", "refused"})


def _action_effect(step: dict[str, Any]) -> ActionEffect | None:
    """The execute node's step, as the action it ran (or the customer declined)."""
    if step.get("node") != "execute" or step.get("decision") not in _ACTION_OUTCOMES:
        return None
    facts = step.get("facts") or {}
    return ActionEffect(
        action_id=str(step.get("action_id") or ""),
        procedure=str(facts.get("procedure") or ""),
        tool=str(step.get("tool") or ""),
        outcome=str(step["decision"]),
        replayed=bool(facts.get("replayed")),
    )


def _confirmation(waiting: dict[str, Any]) -> ConfirmationRequest:
    action = dict(waiting.get("action") or {})
    return ConfirmationRequest(
        action_id=str(action.get("id") or ""),
        procedure=str(action.get("procedure") or ""),
        summary=str(action.get("summary") or ""),
        prompt=str(waiting.get("prompt") or ""),
        action=action,
    )


def _flow(value: Any) -> Flow | None:
    return Flow(value) if value else None


def _triage(value: Any) -> TriageInfo | None:
    if not isinstance(value, dict) or not value.get("intent"):
        return None
    return TriageInfo(
        intent=str(value["intent"]),
        confidence=float(value.get("confidence") or 0.0),
        route=str(value.get("route") or ""),
    )


def _outcome(
    reply: str | None,
    kind: OutcomeKind,
    effects: list[Effect],
    *,
    flow: Flow | None = None,
    triage: TriageInfo | None = None,
    confirmation: ConfirmationRequest | None = None,
) -> TurnOutcome:
    handoffs = [e for e in effects if isinstance(e, HandoffEffect)]
    return TurnOutcome(
        reply=reply,
        kind=kind,
        flow=flow,
        triage=triage,
        handoff=handoffs[-1] if handoffs else None,
        complaints=tuple(e for e in effects if isinstance(e, ComplaintEffect)),
        flags=tuple(e for e in effects if isinstance(e, FlagEffect)),
        actions=tuple(e for e in effects if isinstance(e, ActionEffect)),
        confirmation=confirmation,
    )
