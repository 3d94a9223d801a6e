"""GraphAgent: the one narrow interface the app calls (agents.ports.TurnAgent), over the compiled graph.

Screening of the raw text happens in the app's request before anything is stored: only the redacted text
and the screening result enter the graph, so no checkpoint can hold a full card number or CVV.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphRecursionError
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StreamMode

from agents.context import AgentContext, AgentSettings
from agents.kb import KnowledgeBase
from agents.models.gateway import Gateway
from agents.nodes.respond import HANDOFF_NOTICE
from agents.ports import ActionResult, AgentEvent, BankingPort, TurnInput
from agents.procedures.recorded import recorded_reply
from agents.procedures.spec import ProcedureSpec
from agents.summary import extractive_summary

STREAM_MODES: list[StreamMode] = ["custom", "updates"]
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
        try:
            # durability="exit": one checkpoint per turn. The app stores it with the turn, so a checkpoint
            # per step would only cost time.
            async for mode, chunk in self.graph.astream(
                graph_input, config, context=context, stream_mode=STREAM_MODES, durability="exit"
            ):
                if mode == "custom":
                    yield _custom_event(chunk)
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
            yield AgentEvent(
                "effect",
                {
                    "type": "handoff",
                    "reason": "recursion limit reached",
                    "priority": "normal",
                    "summary": summary,
                },
            )
            for piece in LOOP_MESSAGE.split(" "):
                yield AgentEvent("delta", {"text": piece + " "})
            yield AgentEvent("completed", {"content": LOOP_MESSAGE, "outcome": "handoff"})
            return
        if waiting is not None:
            prompt = str(waiting.get("prompt", ""))
            for piece in prompt.split(" "):
                yield AgentEvent("delta", {"text": piece + " "})
            yield AgentEvent("confirmation_required", waiting)
            yield AgentEvent("completed", {"content": prompt, "outcome": "confirmation_required"})
            return
        snapshot = await self.graph.aget_state(config)
        values = snapshot.values
        yield AgentEvent(
            "completed", {"content": values.get("reply") or None, "outcome": values.get("outcome", "reply")}
        )


def _custom_event(chunk: Any) -> AgentEvent:
    data = dict(chunk) if isinstance(chunk, dict) else {"value": chunk}
    kind = data.pop("type", "step")
    if kind == "step":
        return AgentEvent("step", data)
    if kind == "delta":
        return AgentEvent("delta", data)
    return AgentEvent("effect", {"type": kind, **data})
