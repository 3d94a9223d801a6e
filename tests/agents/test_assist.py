"""assist with a scripted model (the real OpenAI SDK on recorded payload shapes): tools it was not offered."""

from __future__ import annotations

import uuid

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.ports import TurnInput
from agents.runner import GraphAgent
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker
from tests.agents.models.replay import FAKE_KEYS
from tests.scenarios.providers import ScriptedModelServer, model_triaged


async def test_a_tool_the_model_was_not_offered_is_refused_recorded_and_runs_nothing(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    port = SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))
    card = next(c for c in await port.list_cards() if c.status == "active")
    # The injected instruction worked on the model: it asks for a state-changing tool assist never offers.
    server = ScriptedModelServer(
        intents=["check_balance"], confidence=0.2, tool=("freeze_card", {"card_id": card.id})
    )
    gateway = build_gateway(
        model_triaged("openai.example"),
        recorder=InMemoryRecorder(),
        local_handlers=build_local_handlers(agent_assets.triage),
        env=FAKE_KEYS,
        http_transport=server,
    )
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=agent_assets.kb,
        procedures=agent_assets.procedures,
        settings=AgentSettings(triage_threshold=agent_assets.threshold, llm_tools=True),
    )
    turn = TurnInput(
        conversation_id="c-not-offered",
        customer_id=customer["id"],
        text="how much have I got altogether?",
        today="2026-11-28",
    )
    events = [e async for e in agent.run_turn(turn, port)]

    assert events[-1].kind == "completed"
    assert events[-1].data["content"]
    assist = [e.data for e in events if e.kind == "step" and e.data["node"] == "assist"]
    assert assist
    assert assist[0]["decision"] == "answer"
    (call,) = assist[0]["tool_calls"]
    assert call["tool"] == "freeze_card"
    assert call["result"]["ok"] is False
    assert call["result"]["error"] == "not_available"
    flags = [e.data for e in events if e.kind == "effect" and e.data.get("type") == "flag"]
    assert any("tool_not_offered" in f["reasons"] for f in flags)
    # Nothing changed at the bank.
    assert {c.id: c.status for c in await port.list_cards()}[card.id] == "active"
