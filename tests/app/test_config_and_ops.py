from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import DEFAULT_SECRET, Settings
from tests.factories import auth, make_customer


def test_default_secret_is_refused_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANKDESK_SECRET_KEY", raising=False)
    monkeypatch.setenv("BANKDESK_ENV", "prod")
    with pytest.raises(ValidationError, match="built-in development secret"):
        Settings()
    monkeypatch.setenv("BANKDESK_ENV", "dev")
    assert Settings().secret_key == DEFAULT_SECRET
    monkeypatch.setenv("BANKDESK_ENV", "prod")
    monkeypatch.setenv("BANKDESK_SECRET_KEY", "short")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()


def test_demo_defaults_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "x" * 40
    assert Settings(env="dev").demo_enabled is True
    assert Settings(env="prod", secret_key=secret).demo_enabled is False
    monkeypatch.setenv("BANKDESK_DEMO", "true")
    assert Settings(env="prod", secret_key=secret).demo_enabled is True


async def test_health_ready_and_metrics(client: httpx.AsyncClient, session: AsyncSession) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"
    customer = await make_customer(session)
    cid = (await client.post("/v1/conversations", headers=auth(customer))).json()["id"]
    await client.post(f"/v1/conversations/{cid}/messages", json={"content": "hi"}, headers=auth(customer))
    text = (await client.get("/metrics")).text
    assert (
        'bankdesk_http_requests_total{method="POST",'
        'route="/v1/conversations/{conversation_id}/messages",status="201"} 1.0' in text
    )
    assert 'bankdesk_turns_total{outcome="reply"} 1.0' in text
    assert "bankdesk_http_request_duration_seconds_bucket" in text


async def test_readyz_reports_an_unreachable_database(agent_assets: object) -> None:
    from collections.abc import AsyncIterator

    from agents.ports import AgentEvent, BankingPort, TurnInput
    from app.main import create_app

    class IdleAgent:
        """The real agent opens its checkpointer on the database at start-up; this test is about /readyz."""

        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            yield AgentEvent("completed", {"content": None})

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

    settings = Settings(
        env="test",
        secret_key="y" * 40,
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
    )
    application = create_app(settings, agent=IdleAgent(), assets=agent_assets)  # type: ignore[arg-type]
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as c:
            r = await c.get("/readyz")
    assert r.status_code == 503


async def test_openapi_documents_every_route(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    for path in (
        "/v1/conversations",
        "/v1/conversations/{conversation_id}",
        "/v1/conversations/{conversation_id}/messages",
        "/v1/handoffs",
        "/v1/handoffs/{handoff_id}/claim",
        "/v1/handoffs/{handoff_id}/messages",
        "/v1/handoffs/{handoff_id}/return",
        "/v1/handoffs/{handoff_id}/resolve",
        "/v1/audit/conversations",
        "/v1/audit/conversations/{conversation_id}",
        "/v1/audit/verify",
        "/v1/audit/export",
    ):
        assert path in paths, path
    assert "text/event-stream" in str(
        paths["/v1/conversations/{conversation_id}/messages"]["post"]["responses"]
    )
