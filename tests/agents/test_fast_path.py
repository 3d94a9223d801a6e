"""The graph's fast path (agents.graph: ``intake`` and ``finish``) runs the same node functions in the same
order as the steps they replace, on the state each would have seen as a step of its own."""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import _merge, build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.ports import TurnInput
from agents.runner import STREAM_MODES, GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker


def test_an_update_is_merged_as_langgraph_merges_it_between_steps() -> None:
    seen: dict[str, Any] = {"history": [{"role": "customer", "content": "hi"}], "flow": "procedure"}
    done: dict[str, Any] = {}
    _merge(seen, done, {"history": [{"role": "staff", "content": "a note"}], "flow": None, "nonsense": 1})
    _merge(seen, done, {"history": [{"role": "assistant", "content": "hello"}], "reply": "hello"})
    _merge(seen, done, None)
    # what the next node reads: the history appended to (its reducer), other keys replaced, unknown dropped
    assert seen == {
        "history": [
            {"role": "customer", "content": "hi"},
            {"role": "staff", "content": "a note"},
            {"role": "assistant", "content": "hello"},
        ],
        "flow": None,
        "reply": "hello",
    }
    # what the step hands LangGraph: only this step's writes, the history's additions in order
    assert done == {
        "history": [{"role": "staff", "content": "a note"}, {"role": "assistant", "content": "hello"}],
        "flow": None,
        "reply": "hello",
    }


async def test_a_balance_question_takes_three_steps_and_keeps_every_nodes_step_event(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    port = SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))
    gateway = build_gateway(
        agent_assets.gateway_config,
        recorder=InMemoryRecorder(),
        local_handlers=build_local_handlers(agent_assets.triage),
    )
    settings = AgentSettings(triage_threshold=agent_assets.threshold)
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=agent_assets.kb,
        procedures=agent_assets.procedures,
        settings=settings,
    )
    screened = screen("what's my balance?")
    turn = TurnInput(
        conversation_id="c-fast",
        customer_id="unused-by-the-graph",
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-11-28",
    )
    steps: list[str] = []
    nodes: list[str] = []
    async for mode, chunk in agent.graph.astream(
        {"text": turn.text, "screening": turn.screening, "today": turn.today, "first_reply": True},
        agent._config(turn.conversation_id),
        context=agent._context(turn, port),
        stream_mode=STREAM_MODES,
        durability="exit",
    ):
        if mode == "updates":
            steps += list(chunk)
        elif mode == "custom" and isinstance(chunk, dict) and chunk.get("type") == "step":
            nodes.append(str(chunk["node"]))
    assert steps == ["intake", "procedure", "finish"]
    assert nodes == ["screen", "triage", "route", "procedure", "phrase", "compliance", "respond"]
    state = (await agent.graph.aget_state(agent._config(turn.conversation_id))).values
    assert state["outcome"] == "reply"
    assert state["history"][0] == {"role": "customer", "content": turn.text}
    assert state["history"][-1]["role"] == "assistant"
