"""The graph's procedures use the deployment's knowledge base and procedures (the runtime context), never a
copy of their own read from the source tree."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy.ext.asyncio import AsyncEngine

from agents.context import AgentSettings
from agents.graph import build_graph
from agents.kb import load_kb
from agents.local import build_local_handlers
from agents.models.factory import build_gateway
from agents.models.recording import InMemoryRecorder
from agents.ports import TurnInput
from agents.runner import GraphAgent
from agents.safety.screen import screen, to_json
from app.agent import AgentAssets
from app.banking.ports import SqlBankingPort
from app.banking.seed import list_customers, seed_demo_bank
from app.db import create_sessionmaker

SHIPPED_KB = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def _turn(text: str) -> TurnInput:
    screened = screen(text)
    return TurnInput(
        conversation_id="c-kb",
        customer_id="x",
        text=screened.redacted,
        screening=to_json(screened) | {"vulnerability": screened.vulnerability},
        today="2026-11-28",
    )


async def test_a_banks_own_knowledge_base_is_what_the_procedures_quote(
    agent_assets: AgentAssets, engine: AsyncEngine, tmp_path: Path
) -> None:
    # The bank's help centre (BANKDESK_KB_DIR) promises a different delivery window from the shipped one.
    kb_dir = tmp_path / "kb"
    shutil.copytree(SHIPPED_KB, kb_dir)
    article = next(p for p in kb_dir.rglob("*.md") if "slug: card-delivery" in p.read_text())
    article.write_text(
        article.read_text().replace("within 3 to 5 working days", "within 4 to 11 working days")
    )
    kb = load_kb(kb_dir)

    await seed_demo_bank(engine, customers=1, seed=7)
    factory = create_sessionmaker(engine)
    async with factory() as s:
        customer = (await list_customers(s, limit=1))[0]
    port = SqlBankingPort(factory, customer_id=uuid.UUID(customer["id"]))
    card = next(c for c in await port.list_cards() if c.status == "active")
    agent = GraphAgent(
        graph=build_graph(InMemorySaver()),
        gateway=build_gateway(
            agent_assets.gateway_config,
            recorder=InMemoryRecorder(),
            local_handlers=build_local_handlers(agent_assets.triage),
        ),
        kb=kb,
        procedures=agent_assets.procedures,
        settings=AgentSettings(triage_threshold=agent_assets.threshold),
    )
    turn = _turn(f"my card ending {card.last4} was stolen")
    first = [e async for e in agent.run_turn(turn, port)]
    assert first[-1].data["outcome"] == "confirmation_required", [e.data for e in first if e.kind == "step"]
    # An urgent report may freeze the card first and then ask about the report: say yes until it is done.
    for _ in range(3):
        done = [e async for e in agent.resume(_turn("yes"), "yes", port)]
        if done[-1].data["outcome"] != "confirmation_required":
            break
    reply = done[-1].data["content"]
    assert "4 to 11 working days" in reply, reply
    assert "3 to 5 working days" not in reply
