"""The runner turns the graph's checkpointed dicts into the typed seam the app records (agents.ports)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import DRAFTING, build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.ports import ComplaintEffect, Flow, HandoffEffect, OutcomeKind, Priority, TurnInput
from agents.runner import GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker


async def _local_agent(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> tuple[GraphAgent, SqlBankingPort, dict[str, Any]]:
    """The local agent over an in-memory checkpointer, and the banking port of a freshly seeded customer."""
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    port = SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=build_gateway(
            agent_assets.gateway_config,
            recorder=InMemoryRecorder(),
            local_handlers=build_local_handlers(agent_assets.triage),
        ),
        kb=agent_assets.kb,
        procedures=agent_assets.procedures,
        settings=AgentSettings(triage_threshold=agent_assets.threshold),
    )
    return agent, port, customer


def _turn(conversation_id: str, customer: dict[str, Any], text: str) -> TurnInput:
    """The customer's message as the app hands it to the agent: screened, redacted, on a fixed day."""
    screened = screen(text)
    return TurnInput(
        conversation_id=conversation_id,
        customer_id=customer["id"],
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-12-14",
    )


def test_every_flow_of_the_graph_is_a_flow_of_the_seam() -> None:
    assert {f.value for f in Flow} == set(DRAFTING)


async def test_a_complaint_turn_ends_with_a_typed_outcome(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, port, customer = await _local_agent(agent_assets, engine)
    turn = _turn("c-typed", customer, "I want to make a formal complaint, and I want to speak to a manager")
    events = [e async for e in agent.run_turn(turn, port)]
    outcome = events[-1].outcome
    assert events[-1].kind == "completed"
    assert outcome is not None
    assert outcome.reply
    assert isinstance(outcome.flow, Flow)
    (complaint,) = outcome.complaints
    assert isinstance(complaint, ComplaintEffect)
    # A date, not an ISO string: 8 weeks from Mon 14 Dec 2026 (15 business days, bank holidays out, for
    # payment services).
    assert complaint.final_response_due in {date(2027, 2, 8), date(2027, 1, 7)}
    if outcome.kind is OutcomeKind.HANDOFF:
        assert isinstance(outcome.handoff, HandoffEffect)
        assert isinstance(outcome.handoff.priority, Priority)
    # What streamed as it happened is the same effect.
    assert [e.effect for e in events if e.kind == "effect" and e.data["type"] == "complaint"] == [complaint]


async def test_the_streamed_words_of_every_kind_of_turn_give_back_its_reply_exactly(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    """A reply, a handoff and a confirmation each stream word by word, before the turn's outcome, and the
    words joined are the text the outcome carries (no word lost, none added, spacing and lines kept)."""
    agent, port, customer = await _local_agent(agent_assets, engine)
    kinds: dict[OutcomeKind, str] = {}
    for n, text in enumerate(
        [
            "show me my recent transactions",
            "I want to speak to a person please",
            "please freeze my Visa card ending 2838",
        ]
    ):
        events = [e async for e in agent.run_turn(_turn(f"c-words-{n}", customer, text), port)]
        outcome = events[-1].outcome
        assert outcome is not None
        assert outcome.reply
        deltas = [e.data["text"] for e in events if e.kind == "delta"]
        assert len(deltas) > 3
        assert "".join(deltas) == outcome.reply
        # Streamed after every step of the graph: the words are the reply the compliance check passed.
        last_step = max(i for i, e in enumerate(events) if e.kind == "step")
        assert all(i > last_step for i, e in enumerate(events) if e.kind == "delta")
        kinds[outcome.kind] = outcome.reply
    assert set(kinds) == {OutcomeKind.REPLY, OutcomeKind.HANDOFF, OutcomeKind.CONFIRMATION_REQUIRED}
    assert "\n" in kinds[OutcomeKind.REPLY]  # a list, whose lines must survive the cutting
