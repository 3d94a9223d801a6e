"""Customers writing in another language, through the compiled graph (local provider, a seeded bank)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import build_graph
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.providers.local import LocalHandler, LocalResult
from agents.models.recording import InMemoryRecorder
from agents.models.types import ModelRequest
from agents.nodes.care import HOLDING, SCAM_WARNING, holding_notice
from agents.nodes.language import IN_ENGLISH, WORDING, model_configured
from agents.ports import AgentEvent, TurnInput
from agents.runner import GraphAgent
from agents.safety.language import detect_language
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker


def _agent(
    assets: AgentAssets, *, handlers: dict[str, LocalHandler] | None = None, **overrides: Any
) -> GraphAgent:
    local = dict(build_local_handlers(assets.triage)) | (handlers or {})
    gateway = build_gateway(assets.gateway_config, recorder=InMemoryRecorder(), local_handlers=local)
    return GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=gateway,
        kb=assets.kb,
        procedures=assets.procedures,
        settings=dataclasses.replace(AgentSettings(triage_threshold=assets.threshold), **overrides),
    )


async def _port(engine: AsyncEngine) -> SqlBankingPort:
    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    return SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))


async def _run(agent: GraphAgent, text: str, port: SqlBankingPort, *, first: bool = True) -> list[AgentEvent]:
    screened = screen(text)
    turn = TurnInput(
        conversation_id=f"c-{uuid.uuid4()}",
        customer_id="unused-by-the-graph",
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-11-28",
        first_reply=first,
    )
    return [e async for e in agent.run_turn(turn, port)]


def _handoffs(events: list[AgentEvent]) -> list[dict[str, Any]]:
    return [e.data for e in events if e.kind == "effect" and e.data["type"] == "handoff"]


def _reply(events: list[AgentEvent]) -> str:
    return str(events[-1].data["content"])


@pytest.mark.parametrize(
    ("text", "language", "priority"),
    [
        ("Me robaron la tarjeta anoche en el metro", "es", "urgent"),
        ("Bonjour, je voudrais parler à un conseiller s'il vous plaît", "fr", "normal"),
        ("Ich habe meine Karte verloren", "de", "urgent"),
        ("Nie rozpoznaję tej transakcji, to oszustwo", "pl", "urgent"),
        ("Quero mudar a minha morada, por favor", "pt", "normal"),
        ("Dove si trova la mia nuova carta?", "it", "normal"),
    ],
)
async def test_offline_a_foreign_message_is_answered_in_its_language_and_handed_off(
    agent_assets: AgentAssets, engine: AsyncEngine, text: str, language: str, priority: str
) -> None:
    events = await _run(_agent(agent_assets), text, await _port(engine))
    steps = [e.data for e in events if e.kind == "step"]
    assert steps[0]["decision"] == "language"
    assert "triage" not in [s["node"] for s in steps]  # no English clarifying question
    handoffs = _handoffs(events)
    assert [(h["priority"], h["reason"].split(" (")[0]) for h in handoffs] == [
        (priority, f"language: {language}")
    ]
    reply = _reply(events)
    wording = WORDING[language]
    assert reply.startswith(wording.disclosure)  # the first reply's AI disclosure, in their language
    assert wording.english_only in reply
    assert (wording.handoff_urgent if priority == "urgent" else wording.handoff_normal) in reply
    # An urgent card or fraud cue also says how to stop the card now, before the person picks up.
    assert (wording.card_freeze in reply) == (priority == "urgent")
    assert "I'm Northbank's AI assistant" not in reply
    assert events[-1].data["outcome"] == "handoff"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bună ziua, cât am plătit la benzinărie luna asta?", "ro"),
        ("Merhaba, hesabımda ne kadar para var acaba?", "az"),  # lingua's nearest; either way not English
        ("Здравствуйте, когда придёт моя новая карта?", "ru"),
    ],
)
async def test_offline_a_language_without_wording_is_told_in_english_and_handed_off(
    agent_assets: AgentAssets, engine: AsyncEngine, text: str, language: str
) -> None:
    events = await _run(_agent(agent_assets), text, await _port(engine))
    steps = [e.data for e in events if e.kind == "step"]
    assert steps[0]["decision"] == "language"
    assert "triage" not in [s["node"] for s in steps]  # no clarifying question they may not read
    assert [h["reason"] for h in _handoffs(events)] == [f"language: {language}"]
    reply = _reply(events)
    assert IN_ENGLISH.english_only in reply
    assert IN_ENGLISH.handoff_normal in reply
    assert events[-1].data["outcome"] == "handoff"


async def test_later_turns_carry_no_disclosure(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    events = await _run(
        _agent(agent_assets), "Quiero hablar con una persona", await _port(engine), first=False
    )
    reply = _reply(events)
    assert WORDING["es"].disclosure not in reply
    assert reply.startswith(WORDING["es"].english_only)
    assert _handoffs(events)[0]["priority"] == "normal"


async def test_offline_mixed_message_serves_its_english_half(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    text = "Hola, tengo una pregunta sobre mi cuenta. Can you show me my recent transactions?"
    events = await _run(_agent(agent_assets), text, await _port(engine))
    steps = [e.data for e in events if e.kind == "step"]
    assert steps[0]["decision"] == "triage"
    route = [s for s in steps if s["node"] == "route"]
    assert route
    assert route[0]["decision"] == "procedure"
    assert _handoffs(events) == []
    assert WORDING["es"].mixed_note in _reply(events)


async def test_offline_mixed_message_with_an_urgent_cue_is_handed_off_urgently(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    text = "Me robaron la cartera en el metro. What should I do?"
    events = await _run(_agent(agent_assets), text, await _port(engine))
    assert [h["priority"] for h in _handoffs(events)] == ["urgent"]


async def test_english_messages_are_untouched(agent_assets: AgentAssets, engine: AsyncEngine) -> None:
    events = await _run(_agent(agent_assets), "what is my balance", await _port(engine))
    steps = [e.data for e in events if e.kind == "step"]
    assert steps[0]["decision"] == "triage"
    assert not any(s["node"] == "foreign_language" for s in steps)


# A faithful translation of the draft (a clarifying question): a reworded reply that drops the draft's
# question is replaced by the draft itself (agents/compliance/faithfulness.py), translation or not.
SPANISH_REPLY = (
    "No estoy seguro de haberle entendido. ¿Podría decirlo de otra manera? "
    "También puede pedir hablar con una persona."
)


async def test_with_a_model_the_mini_tier_answers_in_the_customers_language(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    asked: list[ModelRequest] = []

    def reply(request: ModelRequest) -> LocalResult:  # the scripted model: Spanish when asked for Spanish
        asked.append(request)
        spanish = "in Spanish" in request.messages[0].content
        return LocalResult(text=SPANISH_REPLY if spanish else str(request.inputs.get("draft", "")))

    agent = _agent(agent_assets, handlers={"reply": reply}, llm_review=True, llm_tools=True)
    assert model_configured(agent.settings)
    events = await _run(agent, "¿Cuál es el saldo de mi cuenta corriente, por favor?", await _port(engine))
    steps = [e.data for e in events if e.kind == "step"]
    assert steps[0]["decision"] != "language"  # with a model, nothing takes over
    assert [r.inputs["language"] for r in asked] == ["es"]
    reply_text = _reply(events)
    assert SPANISH_REPLY in reply_text
    assert reply_text.startswith(WORDING["es"].disclosure)  # compliance still adds the disclosure
    assert detect_language(reply_text) == "es"


async def test_with_a_model_a_request_for_a_person_in_french_is_still_a_rule(
    agent_assets: AgentAssets, engine: AsyncEngine
) -> None:
    agent = _agent(agent_assets, llm_review=True, llm_tools=True)
    events = await _run(agent, "Je veux parler à quelqu'un, s'il vous plaît", await _port(engine))
    assert [(h["priority"], h["reason"]) for h in _handoffs(events)] == [("normal", "language: fr (human)")]
    assert WORDING["fr"].handoff_normal in _reply(events)


def test_each_wording_reads_as_its_own_language() -> None:
    """compliance recognises a reply's language to word the disclosure: every template must read right."""
    for language, wording in WORDING.items():
        for text in (
            f"{wording.english_only} {wording.card_urgent}",
            f"{wording.english_only} {wording.fraud_urgent}",
            f"{wording.card_urgent} {wording.card_freeze}",
            wording.scam_warning,
            wording.mixed_note,
            wording.handoff_normal,
            wording.disclosure,
        ):
            assert detect_language(text) == language, text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hallo, wie viel Geld habe ich auf meinem Girokonto?", "de"),
        ("Bonjour, quel est mon solde ?", "fr"),
        ("Qual é o saldo da minha conta?", "pt"),
    ],
)
async def test_offline_a_foreign_request_for_the_balance_is_answered_with_the_figures(
    agent_assets: AgentAssets, engine: AsyncEngine, text: str, language: str
) -> None:
    """The figures need no translation: the balances are given, after a note in the customer's language
    that the assistant works in English and a person can be asked for; nobody is handed the conversation."""
    port = await _port(engine)
    events = await _run(_agent(agent_assets), text, port)

    assert _handoffs(events) == []
    reply = _reply(events)
    assert WORDING[language].balance_note in reply
    accounts = await port.list_accounts()
    assert accounts
    assert all(a.number_last4 in reply for a in accounts)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Um senhor do banco ligou e disse para eu transferir tudo para uma conta segura hoje.", "pt"),
        ("Un señor del banco me dijo que pase todo mi dinero a una cuenta segura ahora mismo.", "es"),
    ],
)
async def test_offline_a_safe_account_call_in_another_language_is_warned_in_it(
    agent_assets: AgentAssets, engine: AsyncEngine, text: str, language: str
) -> None:
    events = await _run(_agent(agent_assets), text, await _port(engine))
    reply = _reply(events)
    wording = WORDING[language]
    assert wording.scam_warning in reply
    assert wording.card_urgent not in reply  # a caller after the money, not a lost card
    [handoff] = _handoffs(events)
    assert handoff["priority"] == "urgent"
    assert "scam" in handoff["reason"]
    assert holding_notice(handoff["reason"], handoff["priority"]) == f"{HOLDING} {SCAM_WARNING}"
