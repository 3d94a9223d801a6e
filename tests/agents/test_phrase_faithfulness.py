"""The phrase step and assist with a real SDK on recorded payload shapes: an unfaithful rewording is not
sent (the grounded draft is, recorded as a faithfulness fallback), and an urgent turn triage was unsure of
never reaches the free-form assisting model (issue 15: what SmolLM2-135M did on 2 Dec)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.nodes.assist import urgent_turn
from agents.ports import AgentEvent, TurnInput
from agents.runner import GraphAgent
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker
from tests.agents.models.replay import FAKE_KEYS
from tests.scenarios.providers import ScriptedModelServer, model_triaged


class RewordingServer(ScriptedModelServer):
    """The scripted server, with the phrasing model's rewording of each draft given by the test."""

    def __init__(self, reword: Callable[[str], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reword = reword
        self.drafts: list[str] = []

    def _answer(self, task: str, user: str, data: dict[str, Any] | None) -> tuple[str, dict[str, Any] | None]:
        text, answer = super()._answer(task, user, data)
        if task == "reply":
            self.drafts.append(text)
            return self.reword(text), None
        return text, answer


async def run_turn(
    agent_assets: AgentAssets, engine: AsyncEngine, server: ScriptedModelServer, text: str, *, tools: bool
) -> list[AgentEvent]:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    port = SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))
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
        settings=AgentSettings(
            triage_threshold=agent_assets.threshold, llm_phrasing=True, llm_tools=tools, llm_review=True
        ),
    )
    turn = TurnInput(
        conversation_id=f"c-{uuid.uuid4().hex[:8]}", customer_id=customer["id"], text=text, today="2026-11-28"
    )
    try:
        return [e async for e in agent.run_turn(turn, port)]
    finally:
        await gateway.aclose()


def steps(events: list[AgentEvent], node: str) -> list[dict[str, Any]]:
    return [e.data for e in events if e.kind == "step" and e.data["node"] == node]


@pytest.mark.parametrize(
    ("reword", "problem"),
    [
        # What SmolLM2-135M sent: the prompt's own scaffolding, then the draft.
        (lambda draft: f"DRAFT:\n{draft}", "prompt text in the reply: 'DRAFT'"),
        # A "friendlier" rewording that lost the figures.
        (lambda draft: "Happy to help! Your balance is looking healthy today.", "figures lost or changed"),
    ],
)
async def test_an_unfaithful_rewording_is_not_sent_and_is_recorded(
    agent_assets: AgentAssets, engine: AsyncEngine, reword: Callable[[str], str], problem: str
) -> None:
    server = RewordingServer(reword, intents=["check_balance"])
    events = await run_turn(agent_assets, engine, server, "what's my balance?", tools=False)

    (draft,) = server.drafts
    assert "£" in draft  # a grounded balance answer
    (phrase,) = steps(events, "phrase")
    assert phrase["decision"] == "faithfulness_fallback"
    assert any(p.startswith(problem) for p in phrase["faithfulness"]), phrase
    assert phrase["rejected"] == reword(draft)[:500]
    reply = events[-1].data["content"]
    assert draft in reply
    assert "DRAFT" not in reply
    assert "healthy" not in reply


async def test_a_faithful_rewording_is_sent(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    server = RewordingServer(lambda draft: f"Of course. {draft}", intents=["check_balance"])
    events = await run_turn(agent_assets, engine, server, "what's my balance?", tools=False)

    (phrase,) = steps(events, "phrase")
    assert phrase["decision"] == "phrased"
    assert "faithfulness" not in phrase
    assert "Of course. " in events[-1].data["content"]


async def test_an_urgent_turn_triage_was_unsure_of_is_offered_the_freeze_not_free_form_assist(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    # No cue of loss in the words a cue list knows; the model's best guess is urgent but unsure (0.2).
    server = ScriptedModelServer(
        intents=["lost_or_stolen_card", "lost_or_stolen_card"], confidence=0.2, tool=("list_cards", {})
    )
    events = await run_turn(
        agent_assets, engine, server, "my handbag went walkabout at the station", tools=True
    )

    assert "assist" not in {task for _, task in server.seen}
    assert steps(events, "assist") == []
    (route,) = steps(events, "route")
    assert route["decision"] == "procedure"
    assert "urgent (lost_or_stolen_card): offer to freeze first" in route["reason"]
    assert "freeze" in events[-1].data["content"].lower()


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"text": "my purse got pinched on the bus"}, "lost_or_stolen_card"),
        ({"text": "there are payments on my card I never made"}, "card_payment_not_recognised"),
        ({"text": "hello", "triage": {"intent": "compromised_card", "confidence": 0.1}}, "compromised_card"),
        ({"text": "a man rang saying he's from the bank and wants my PIN"}, "scam"),
        ({"text": "how much have I got altogether?", "triage": {"intent": "check_balance"}}, None),
    ],
)
def test_urgent_turn(state: dict[str, Any], expected: str | None) -> None:
    assert urgent_turn(state) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alternatives", "kept"),
    [
        (
            [["card_arrival", 0.2], ["lost_or_stolen_card", 0.1]],
            [["card_arrival", 0.2], ["lost_or_stolen_card", 0.1]],
        ),
        # What SmolLM2-135M wrote in JSON mode: a bare intent, a string, an unknown intent, a boolean.
        ([["card_arrival"], "lost_or_stolen_card", ["made_up", 0.3], ["card_arrival", True]], []),
        ("card_arrival", []),
    ],
)
def test_triage_keeps_only_readable_alternatives(alternatives: Any, kept: list[list[Any]]) -> None:
    from agents.nodes.triage import _parse

    intent, confidence, pairs = _parse(
        {"intent": "check_balance", "confidence": 0.4, "alternatives": alternatives}
    )
    assert (intent, confidence, pairs) == ("check_balance", 0.4, kept)
