"""The escalation policy on real graph runs: the embedded local provider, an in-memory checkpointer and a
seeded bank; each rule of the models config's [escalation] table fires, and its name is recorded with the
model call it caused."""

from __future__ import annotations

import dataclasses
import uuid
from importlib import resources
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.compliance.rules import ComplianceContext, check_draft
from agents.context import AgentSettings
from agents.graph import build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.gateway_config import loads_config
from agents.models.recording import CallRecord, InMemoryRecorder
from agents.nodes.compliance import escalating_outcome
from agents.ports import AgentEvent, TurnInput
from agents.runner import GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker

# The bundled default without its [escalation] table, which each test writes for itself.
DEFAULT_TOML = (
    resources.files("agents.models").joinpath("config", "default.toml").read_text(encoding="utf-8")
).split("\n# Escalation policy")[0]
CONFIDENT = "what's my balance"  # the triage model: check_balance, ~1.0
UNSURE = "hmm not sure"  # below the calibrated threshold (~0.87), above the clarify threshold (0.45)
GIBBERISH = "purple monkey dishwasher"  # below the clarify threshold: not understood


async def _agent(
    assets: AgentAssets, escalation_toml: str = "", **overrides: Any
) -> tuple[GraphAgent, InMemoryRecorder]:
    recorder = InMemoryRecorder()
    config = loads_config(DEFAULT_TOML + "\n" + escalation_toml, source="test config")
    gateway = build_gateway(config, recorder=recorder, local_handlers=build_local_handlers(assets.triage))
    settings = dataclasses.replace(AgentSettings(triage_threshold=assets.threshold), **overrides)
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=assets.kb,
        procedures=assets.procedures,
        settings=settings,
    )
    return agent, recorder


async def _port(engine: AsyncEngine) -> SqlBankingPort:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    return SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))


async def _say(
    agent: GraphAgent, port: SqlBankingPort, text: str, conversation: str, *, first: bool = False
) -> list[AgentEvent]:
    screened = screen(text)
    turn = TurnInput(
        conversation_id=conversation,
        customer_id="unused-by-the-graph",
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-11-28",
        first_reply=first,
    )
    return [e async for e in agent.run_turn(turn, port)]


def _calls(recorder: InMemoryRecorder, node: str) -> list[tuple[str, str | None]]:
    return [(r.tier, r.escalation) for r in recorder.records if r.node == node]


def _step(events: list[AgentEvent], node: str) -> dict[str, Any]:
    return next(e.data for e in events if e.kind == "step" and e.data["node"] == node)


def _escalated(recorder: InMemoryRecorder) -> list[CallRecord]:
    return [r for r in recorder.records if r.escalation is not None]


async def test_default_policy_is_the_old_behaviour(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    agent, recorder = await _agent(agent_assets)
    port = await _port(engine)

    await _say(agent, port, CONFIDENT, "c-default")
    assert _calls(recorder, "triage") == [("nano", None)]
    assert _calls(recorder, "phrase") == [("nano", None)]

    recorder.records.clear()
    events = await _say(agent, port, UNSURE, "c-default-unsure")
    # Below the calibrated threshold: mini once, recorded as the low_confidence rule.
    assert _calls(recorder, "triage") == [("nano", None), ("mini", "low_confidence")]
    assert _step(events, "triage")["escalations"] == ["low_confidence"]
    assert _step(events, "triage")["tier"] == "mini"


async def test_low_confidence_climbs_to_the_configured_tier(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, recorder = await _agent(agent_assets, '[escalation.low_confidence]\nto = "large"\n')
    port = await _port(engine)

    await _say(agent, port, UNSURE, "c-ladder")

    # The local triage model answers the same on every tier, so it stays unsure all the way up.
    assert _calls(recorder, "triage") == [
        ("nano", None),
        ("mini", "low_confidence"),
        ("large", "low_confidence"),
    ]


async def test_low_confidence_threshold_comes_from_the_config(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, recorder = await _agent(agent_assets, "[escalation.low_confidence]\nbelow = 0.3\n")
    port = await _port(engine)

    await _say(agent, port, UNSURE, "c-threshold")  # ~0.5: above 0.3, so no escalation now

    assert _calls(recorder, "triage") == [("nano", None)]


async def test_low_confidence_can_be_switched_off(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    agent, recorder = await _agent(agent_assets, "[escalation.low_confidence]\nenabled = false\n")
    port = await _port(engine)

    await _say(agent, port, UNSURE, "c-off")

    assert _calls(recorder, "triage") == [("nano", None)]


async def test_compliance_rewrite_moves_the_review_up(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    toml = "[escalation.compliance_rewrite]\nenabled = true\n"
    agent, recorder = await _agent(agent_assets, toml, llm_review=True)
    port = await _port(engine)

    # The first reply must carry the AI disclosure: the rule checks add it, a routine rewrite that does
    # not move the review up.
    events = await _say(agent, port, CONFIDENT, "c-rewrite", first=True)
    assert _step(events, "compliance")["decision"] == "rewrite"
    assert _calls(recorder, "compliance") == [("mini", None)]

    recorder.records.clear()
    events = await _say(agent, port, CONFIDENT, "c-rewrite")  # nothing to rewrite now
    assert _step(events, "compliance")["decision"] == "pass"
    assert _calls(recorder, "compliance") == [("mini", None)]


def test_a_draft_the_rules_corrected_is_a_rewrite_for_the_policy_and_a_routine_addition_is_not() -> None:
    context = ComplianceContext(first_reply=True, is_complaint_ack=False, ombudsman_text="")
    # A full card number masked: corrected.
    masked = check_draft("I'm Northbank's AI assistant. Your card 4111 1111 1111 1111 is frozen.", context)
    assert escalating_outcome(masked) == "rewrite"
    # A promise removed: corrected.
    promised = check_draft("I'm Northbank's AI assistant. You will definitely get your money back.", context)
    assert promised.outcome == "rewrite"
    assert escalating_outcome(promised) == "rewrite"
    # Only the AI disclosure added: routine.
    disclosed = check_draft("Your balance is £10.00.", context)
    assert disclosed.outcome == "rewrite"
    assert escalating_outcome(disclosed) == "pass"


async def test_frustrated_customer_gets_a_higher_tier_phrasing(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, recorder = await _agent(agent_assets, "[escalation.frustrated]\nenabled = true\n")
    port = await _port(engine)

    await _say(agent, port, CONFIDENT, "c-calm")
    assert _calls(recorder, "phrase") == [("nano", None)]

    recorder.records.clear()
    await _say(agent, port, "I'm really fed up, what's my balance?", "c-fed-up")
    assert _calls(recorder, "phrase")
    assert set(_calls(recorder, "phrase")) == {("mini", "frustrated")}


async def test_second_clarification_asks_the_large_tier_first(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent, recorder = await _agent(agent_assets, "[escalation.second_clarification]\nenabled = true\n")
    port = await _port(engine)

    events = await _say(agent, port, GIBBERISH, "c-twice")
    assert _step(events, "triage")["confident"] is False
    assert ("large", "second_clarification") not in _calls(recorder, "triage")  # the first time: no

    recorder.records.clear()
    events = await _say(agent, port, GIBBERISH, "c-twice")
    assert _calls(recorder, "triage") == [
        ("nano", None),
        ("mini", "low_confidence"),
        ("large", "second_clarification"),
    ]
    assert _step(events, "triage")["escalations"] == ["low_confidence", "second_clarification"]


async def test_step_tiers_come_from_the_config(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    toml = (
        '[escalation.start]\ntriage = "mini"\nphrase = "large"\nsummary = "mini"\n'
        '[escalation.low_confidence]\nto = "large"\n'
    )
    agent, recorder = await _agent(agent_assets, toml)
    port = await _port(engine)

    await _say(agent, port, CONFIDENT, "c-start")
    await _say(agent, port, "can I talk to a real person", "c-start")

    assert _calls(recorder, "triage") == [("mini", None)]
    assert _calls(recorder, "phrase") == [("large", None)]
    assert _calls(recorder, "handoff") == [("mini", None)]
    assert _escalated(recorder) == []


async def test_triage_on_the_embedded_model_pays_for_the_llm_only_when_unsure(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    """start.triage = "embedded" (the paid example files): the in-process model decides what it is sure of;
    an unsure turn climbs nano, then mini, each call recorded as the low_confidence rule."""
    agent, recorder = await _agent(agent_assets, '[escalation.start]\ntriage = "embedded"\n')
    port = await _port(engine)

    events = await _say(agent, port, CONFIDENT, "c-embedded")
    assert _calls(recorder, "triage") == [("embedded", None)]
    assert _step(events, "triage")["tier"] == "embedded"
    assert [r.provider for r in recorder.records if r.node == "triage"] == ["local"]

    recorder.records.clear()
    await _say(agent, port, UNSURE, "c-embedded-unsure")
    assert _calls(recorder, "triage") == [
        ("embedded", None),
        ("nano", "low_confidence"),
        ("mini", "low_confidence"),
    ]
