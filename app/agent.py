"""Wiring the LangGraph agent into the app: assets, model gateway, checkpointer and per-turn ports."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx2
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.context import AgentSettings
from agents.graph import build_graph
from agents.kb import KnowledgeBase, load_kb
from agents.local import build_local_handlers
from agents.models.factory import build_gateway, with_simulated_latency
from agents.models.gateway import Gateway
from agents.models.gateway_config import GatewayConfig, load_config
from agents.models.recording import CallRecord
from agents.procedures.spec import ProcedureSpec, load_procedures
from agents.runner import GraphAgent
from agents.triage.config import load_triage_config
from agents.triage.model import TriageModel, load_or_train
from app.config import Settings
from app.conversations.checkpoints import TurnScopedSaver

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentAssets:
    """The heavy, immutable parts: built once per process (and once per test session)."""

    triage: TriageModel
    threshold: float
    kb: KnowledgeBase
    procedures: dict[str, ProcedureSpec]
    gateway_config: GatewayConfig


def load_assets(settings: Settings) -> AgentAssets:
    triage_config = load_triage_config()
    triage = load_or_train(
        grade=settings.triage_grade,
        cache_dir=settings.model_cache_dir,
        progress=lambda line: log.info("triage: %s", line),
    )
    kb = load_kb(settings.kb_dir, encoder=triage.encoder)
    kb.warm()  # the section classifier is trained here, not on the first customer's question
    return AgentAssets(
        triage=triage,
        threshold=triage_config.threshold(settings.triage_grade),
        kb=kb,
        procedures=load_procedures(),
        gateway_config=with_simulated_latency(
            load_config(settings.models_config), settings.simulated_latency_ms
        ),
    )


class BufferingRecorder:
    """Keeps each conversation's model-call records until its turn is stored (in the turn's transaction)."""

    def __init__(self) -> None:
        self._pending: dict[str | None, list[CallRecord]] = defaultdict(list)

    async def record(self, record: CallRecord) -> None:
        self._pending[record.conversation_id].append(record)

    def drain(self, conversation_id: str) -> list[CallRecord]:
        return self._pending.pop(conversation_id, [])


def _uses_llm(config: GatewayConfig, tier: str) -> bool:
    entries = config.tiers.get(tier, [])
    return bool(entries) and entries[0].provider != "local"


def build_agent_settings(settings: Settings, assets: AgentAssets, config: GatewayConfig) -> AgentSettings:
    """The agent's settings for a models configuration: the app's and `bankdesk eval replay`'s alike, so a
    replay runs the agent exactly as the app would under that configuration."""
    return AgentSettings(
        triage_threshold=assets.threshold,
        clarify_threshold=settings.triage_clarify_threshold,
        token_budget=settings.conversation_token_budget,
        cost_budget_usd_micros=settings.conversation_cost_budget_usd_micros,
        recursion_limit=settings.agent_recursion_limit,
        llm_review=_uses_llm(config, "mini"),
        llm_phrasing=_uses_llm(config, "nano"),
        llm_tools=_uses_llm(config, "mini"),
    )


@dataclass
class AgentRuntime:
    agent: GraphAgent
    recorder: BufferingRecorder
    gateway: Gateway
    saver: TurnScopedSaver


@asynccontextmanager
async def agent_runtime(
    settings: Settings,
    assets: AgentAssets,
    *,
    factory: async_sessionmaker[AsyncSession],
    http_transport: httpx2.AsyncBaseTransport | None = None,
) -> AsyncIterator[AgentRuntime]:
    """The agent over the app's database: checkpoints are staged per turn and stored with it."""
    recorder = BufferingRecorder()
    gateway = build_gateway(
        assets.gateway_config,
        recorder=recorder,
        local_handlers=build_local_handlers(assets.triage),
        http_transport=http_transport,
    )
    agent_settings = build_agent_settings(settings, assets, assets.gateway_config)
    saver = TurnScopedSaver(factory)
    try:
        agent = GraphAgent(
            graph=build_graph(saver),
            gateway=gateway,
            kb=assets.kb,
            procedures=assets.procedures,
            settings=agent_settings,
        )
        yield AgentRuntime(agent=agent, recorder=recorder, gateway=gateway, saver=saver)
    finally:
        await gateway.aclose()
