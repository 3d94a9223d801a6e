"""The agent on OpenAI and Anthropic (real SDKs, recorded payload shapes at the network edge)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agents.models.gateway_config import GatewayConfig, load_bundled_config
from app.agent import AgentAssets
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.main import create_app
from app.models import AuditEvent, Conversation, ModelCall
from tests.agents.models.replay import FAKE_KEYS
from tests.factories import SECRET
from tests.scenarios.providers import ScriptedModelServer, model_triaged


@pytest.fixture
async def customers(database_url: str) -> list[dict[str, str]]:
    engine = create_engine(database_url)
    await seed_demo_bank(engine, customers=3, seed=7)
    async with create_sessionmaker(engine)() as s:
        rows = await list_customers(s, limit=3)
    await engine.dispose()
    return rows


@pytest.fixture
def vendor_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API keys the example files name (placeholders: the scripted server answers, not the vendors)."""
    for key, value in FAKE_KEYS.items():
        monkeypatch.setenv(key, value)


def _headers(customer_id: str) -> dict[str, str]:
    token = issue_token(SECRET, subject=uuid.UUID(customer_id), kind="customer", ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


async def _client(
    settings: Settings, assets: AgentAssets, config: GatewayConfig, transport: ScriptedModelServer
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        settings,
        assets=dataclasses.replace(assets, gateway_config=config),
        http_transport=transport,
    )
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            yield c


@pytest.mark.parametrize(
    ("config", "mini_model"), [("openai.example", "gpt-5.4-mini"), ("anthropic.example", None)]
)
async def test_mini_tier_answers_with_read_only_tools_for_the_signed_in_customer(
    config: str,
    mini_model: str | None,
    settings: Settings,
    agent_assets: AgentAssets,
    customers: list[dict[str, str]],
    session: AsyncSession,
    vendor_keys: None,
) -> None:
    me, other = customers[0], customers[1]
    # The model even tries to name another customer: the tool layer refuses identity arguments.
    server = ScriptedModelServer(intents=["check_balance"], confidence=0.2, tool=("list_accounts", {}))
    async for client in _client(settings, agent_assets, model_triaged(config), server):
        headers = _headers(me["id"])
        cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
        r = await client.post(
            f"/v1/conversations/{cid}/messages",
            json={"content": "how much have I got altogether?"},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        body = r.json()
    assert {"node": "assist", "decision": "answer"} in body["steps"]  # what the customer sees of it
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.conversation_id == uuid.UUID(cid)))
    ).all()
    steps = [json.loads(e.payload) for e in events if e.kind == "agent.step"]
    assist = [s for s in steps if s["node"] == "assist"]
    assert assist, steps
    assert assist[0]["tool_calls"][0]["tool"] == "list_accounts"
    accounts = assist[0]["tool_calls"][0]["result"]["accounts"]
    assert len(accounts) == int(me["accounts"])
    assert other["id"] not in str(assist)
    # The reply passed compliance (first reply: AI disclosure) and the phrasing model saw the draft.
    assert "AI assistant" in body["reply"]["content"]
    assert all(a["number_last4"] in body["reply"]["content"] for a in accounts)
    tasks = {task for _, task in server.seen}
    assert {"triage", "assist", "reply", "review"} <= tasks
    calls = (
        await session.scalars(select(ModelCall).where(ModelCall.conversation_id == uuid.UUID(cid)))
    ).all()
    assert {c.provider for c in calls} == {config.split(".")[0]}
    assert all(c.outcome == "ok" and c.input_tokens > 0 and c.cost_usd_micros > 0 for c in calls)
    if mini_model:
        assert mini_model in {c.model for c in calls}
    await session.rollback()


@pytest.mark.parametrize("config", ["openai.example", "anthropic.example"])
async def test_the_example_files_pay_for_triage_only_when_the_embedded_model_is_unsure(
    config: str,
    settings: Settings,
    agent_assets: AgentAssets,
    customers: list[dict[str, str]],
    session: AsyncSession,
    vendor_keys: None,
) -> None:
    """As shipped, the example files start triage on the embedded model: a turn it is sure of sends no
    triage request to the vendor and costs nothing; an unsure one is classified by the vendor's nano model,
    recorded as the low_confidence rule."""
    vendor = config.split(".")[0]
    server = ScriptedModelServer(intents=["check_balance"] * 4)
    async for client in _client(settings, agent_assets, load_bundled_config(config), server):
        headers = _headers(customers[0]["id"])
        cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
        sure = await client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "what's my balance"}, headers=headers
        )
        assert sure.status_code == 201, sure.text
        assert "triage" not in {task for _, task in server.seen}
        unsure = await client.post(
            f"/v1/conversations/{cid}/messages", json={"content": "hmm not sure"}, headers=headers
        )
        assert unsure.status_code == 201, unsure.text
    assert "triage" in {task for _, task in server.seen}
    calls = (
        await session.scalars(
            select(ModelCall)
            .where(ModelCall.conversation_id == uuid.UUID(cid), ModelCall.node == "triage")
            .order_by(ModelCall.created_at)
        )
    ).all()
    triage = [(c.tier, c.provider, c.escalation, c.cost_usd_micros > 0) for c in calls]
    await session.rollback()
    assert triage[0] == ("embedded", "local", None, False)  # the sure turn: one free call
    assert ("embedded", "local", None, False) in triage[1:]  # the unsure turn starts there too
    assert ("nano", vendor, "low_confidence", True) in triage


async def test_ab_variant_is_assigned_sticky_and_stored(
    settings: Settings,
    agent_assets: AgentAssets,
    customers: list[dict[str, str]],
    session: AsyncSession,
    vendor_keys: None,
) -> None:
    server = ScriptedModelServer(intents=[])
    roomy = settings.model_copy(update={"conversations_per_minute": 100})  # 40 new conversations at once
    async for client in _client(roomy, agent_assets, load_bundled_config("mixed.example"), server):
        headers = _headers(customers[0]["id"])
        ids = [(await client.post("/v1/conversations", headers=headers)).json()["id"] for _ in range(40)]
    variants = {
        str(c.id): c.variant
        for c in (
            await session.scalars(
                select(Conversation).where(Conversation.id.in_([uuid.UUID(i) for i in ids]))
            )
        ).all()
    }
    await session.rollback()
    assert set(variants.values()) == {"control", "anthropic_large"}
    from agents.models.variants import assign_variant

    config = load_bundled_config("mixed.example")
    assert all(assign_variant(cid, config) == variant for cid, variant in variants.items())
