from __future__ import annotations

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.agent import AgentAssets
from app.config import Settings
from app.main import create_app
from app.models import Conversation
from tests.factories import auth, make_customer

ROOT = Path(__file__).resolve().parents[2]

# The secrets this project has published (the old built-in default and docker-compose's): never valid.
PUBLISHED = ("dev-insecure-secret-change-me-0123456789", "compose-demo-secret-change-me-0123456789")


@pytest.fixture
def no_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BANKDESK_SECRET_KEY", "BANKDESK_ENV", "BANKDESK_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_secret_env")
def test_without_a_configured_secret_one_is_generated_under_var_and_reused(tmp_path: Path) -> None:
    """Issue 11, finding 4: with no environment the tokens were signed with a key from the source."""
    first = Settings(var_dir=tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text(encoding="utf-8").strip() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 48
    assert first.secret_key not in PUBLISHED
    assert Settings(var_dir=tmp_path).secret_key == first.secret_key
    assert Settings(env="test", var_dir=tmp_path).secret_key == first.secret_key
    # Another install gets another key.
    assert Settings(var_dir=tmp_path / "other").secret_key != first.secret_key


def _secret_in(var_dir: Path) -> str:
    return Settings(var_dir=var_dir).secret_key


@pytest.mark.usefixtures("no_secret_env")
def test_processes_starting_at_once_agree_on_the_generated_secret(tmp_path: Path) -> None:
    code = "from app.config import Settings; print(Settings().secret_key)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKDESK_")}
    env["BANKDESK_VAR_DIR"] = str(tmp_path / "var")
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    keys = {proc.communicate(timeout=120)[0].strip() for proc in procs}
    assert all(proc.returncode == 0 for proc in procs)
    assert keys == {(tmp_path / "var" / "secret_key").read_text(encoding="utf-8").strip()}
    # Threads racing in one process agree too.
    for attempt in range(10):
        var = tmp_path / f"threads-{attempt}"
        with ThreadPoolExecutor(8) as pool:
            results = set(pool.map(_secret_in, [var] * 8))
        assert len(results) == 1


@pytest.mark.usefixtures("no_secret_env")
def test_a_secret_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    Settings(var_dir=tmp_path)
    (tmp_path / "secret_key").chmod(0o644)
    with pytest.raises(ValidationError, match="0600"):
        Settings(var_dir=tmp_path)


@pytest.mark.parametrize("env", ["dev", "test", "prod"])
@pytest.mark.parametrize("secret", PUBLISHED)
def test_published_secrets_are_refused_in_every_environment(
    monkeypatch: pytest.MonkeyPatch, env: str, secret: str
) -> None:
    with pytest.raises(ValidationError, match="published"):
        Settings(env=env, secret_key=secret)  # type: ignore[arg-type]
    monkeypatch.setenv("BANKDESK_SECRET_KEY", secret)
    monkeypatch.setenv("BANKDESK_ENV", env)
    with pytest.raises(ValidationError, match="published"):
        Settings()


@pytest.mark.usefixtures("no_secret_env")
def test_production_needs_an_explicit_secret_of_32_characters(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Replicas of a production install must share one key: a per-host generated file would not be.
    with pytest.raises(ValidationError, match="BANKDESK_SECRET_KEY"):
        Settings(env="prod", var_dir=tmp_path)
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("BANKDESK_ENV", "prod")
    monkeypatch.setenv("BANKDESK_SECRET_KEY", "short")
    with pytest.raises(ValidationError, match="at least 32"):
        Settings()
    monkeypatch.setenv("BANKDESK_SECRET_KEY", "p" * 40)
    assert Settings().secret_key == "p" * 40


@pytest.mark.usefixtures("no_secret_env")
async def test_cli_tokens_are_signed_with_the_key_the_server_uses(
    tmp_path: Path, database_url: str, session: AsyncSession, agent_assets: object
) -> None:
    """`bankdesk token` and the server, each with no secret configured, use the one generated key."""
    from app.main import create_app

    customer = await make_customer(session)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANKDESK_")}
    env.update(BANKDESK_ENV="dev", BANKDESK_DATABASE_URL=database_url, BANKDESK_VAR_DIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "token", "customer", str(customer.id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    application = create_app(Settings(database_url=database_url, var_dir=tmp_path), assets=agent_assets)  # type: ignore[arg-type]
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/v1/conversations", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text


def test_demo_defaults_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "x" * 40
    assert Settings(env="dev", secret_key=secret).demo_enabled is True
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


async def test_readyz_reports_an_unreachable_database(agent_assets: object, tmp_path: Path) -> None:
    from collections.abc import AsyncIterator

    from agents.ports import AgentEvent, BankingPort, TurnInput, TurnOutcome
    from app.main import create_app

    class IdleAgent:
        """The real agent opens its checkpointer on the database at start-up; this test is about /readyz."""

        async def pending_confirmation(self, conversation_id: str) -> None:
            return None

        async def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            yield AgentEvent.completed(TurnOutcome(reply=None))

        def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
            return self.run_turn(turn, banking)

    settings = Settings(
        env="test",
        secret_key="y" * 40,
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        var_dir=tmp_path,  # the audit checkpoints it writes at start-up, never the project's var/
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


async def test_a_process_out_of_database_connections_answers_503_and_saves_nothing(
    backend: str, settings: Settings, agent_assets: AgentAssets, session: AsyncSession
) -> None:
    """Overload (every pooled connection busy past the pool timeout) is a clear, retryable 503, not a 500,
    and the request that could not get a connection wrote nothing."""
    if backend == "sqlite":
        pytest.skip("the connection pool's limits are set for Postgres (SQLite has one writer in any case)")
    customer = await make_customer(session)
    await session.commit()
    headers = auth(customer)
    tight = settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.5}
    )
    application = create_app(tight, assets=agent_assets)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            engine = application.state.engine
            async with engine.connect():  # a slow request holds the only connection
                busy = await client.post("/v1/conversations", headers=headers)
            assert busy.status_code == 503, busy.text
            assert busy.headers["Retry-After"] == "2"
            assert busy.json()["type"].endswith("/busy")
            count = await session.scalar(select(func.count()).select_from(Conversation))
            await session.rollback()
            assert count == 0
            again = await client.post("/v1/conversations", headers=headers)
            assert again.status_code == 201, again.text
