"""`bankdesk eval replay` and `bankdesk eval traffic` over real stored traffic: conversations driven through
the HTTP API of a real app (SQLite, or Postgres when BANKDESK_TEST_DATABASE_URL is set), the real agent on
the local provider, then the commands run through the console script's main()."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.models.gateway_config import loads_config
from agents.models.variants import assign_variant
from agents.ports import ActionRefused
from app.agent import AgentAssets
from app.audit.service import scan_chains
from app.auth.tokens import issue_token
from app.banking.seed import list_customers, seed_demo_bank
from app.cli import main
from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
from app.evaluation import replay as replay_module
from app.evaluation.replay_port import ReplayBankingPort, ToolNotRecorded
from app.evaluation.stored import StoredConversation, StoredTurn, parse_window
from app.evaluation.traffic import ConversationFacts, analyse
from app.main import create_app
from app.models import Base, Card
from tests.factories import SECRET

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "agents" / "models" / "config" / "default.toml"
TODAY = datetime.now(UTC).date().isoformat()
# Every tier on an OpenAI-compatible server that is not listening (connection refused at once, no network).
UNREACHABLE = """
[providers.nowhere]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
api_key_required = false

[tiers]
nano = [{ provider = "nowhere", model = "m", price_in_per_m = 1, price_out_per_m = 2, timeout_s = 2 }]
mini = [{ provider = "nowhere", model = "m", price_in_per_m = 1, price_out_per_m = 2, timeout_s = 2 }]
large = [{ provider = "nowhere", model = "m", price_in_per_m = 1, price_out_per_m = 2, timeout_s = 2 }]
"""
LOCAL = (
    '{ provider = "local", model = "bankdesk-local", price_in_per_m = 0, price_out_per_m = 0, timeout_s = 5 }'
)
TWO_VARIANTS = f"""
[gateway]
variant_salt = "test-15"

[tiers]
nano = [{LOCAL}]
mini = [{LOCAL}]
large = [{LOCAL}]

[variants.control]
weight = 50

[variants.treatment]
weight = 50
tiers.nano = [{LOCAL}]
"""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """The served app's settings (its audit checkpoints in the test's own folder)."""
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        audit_checkpoint_path=tmp_path / "audit" / "checkpoints.jsonl",
    )


@pytest.fixture(autouse=True)
def _cli_settings(
    monkeypatch: pytest.MonkeyPatch, database_url: str, agent_assets: AgentAssets
) -> Iterator[None]:
    """The commands read the app's settings from the environment, as the console script does."""
    monkeypatch.setenv("BANKDESK_ENV", "test")
    monkeypatch.setenv("BANKDESK_SECRET_KEY", SECRET)
    monkeypatch.setenv("BANKDESK_DATABASE_URL", database_url)
    monkeypatch.setattr(replay_module, "load_assets", lambda settings: agent_assets)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@asynccontextmanager
async def served(settings: Settings, assets: AgentAssets) -> AsyncIterator[httpx.AsyncClient]:
    application = create_app(settings, assets=assets)
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://t"
        ) as client:
            yield client


async def _customers(database_url: str, n: int) -> list[tuple[uuid.UUID, dict[str, str]]]:
    engine = create_engine(database_url)
    await seed_demo_bank(engine, customers=n, seed=7)
    async with create_sessionmaker(engine)() as s:
        ids = [uuid.UUID(c["id"]) for c in await list_customers(s, limit=n)]
    await engine.dispose()
    tokens = [issue_token(SECRET, subject=cid, kind="customer", ttl=timedelta(hours=1)) for cid in ids]
    return [(cid, {"Authorization": f"Bearer {token}"}) for cid, token in zip(ids, tokens, strict=True)]


async def _say(client: httpx.AsyncClient, cid: str, headers: dict[str, str], text: str) -> dict[str, Any]:
    response = await client.post(f"/v1/conversations/{cid}/messages", json={"content": text}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _freeze_a_card(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    """Balance, then a card freeze confirmed with yes: returns the conversation id."""
    cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
    await _say(client, cid, headers, "what's my balance?")
    body = await _say(client, cid, headers, "please freeze my card")
    if body["kind"] != "confirmation_required":  # several cards: the first
        body = await _say(client, cid, headers, "1")
    assert body["kind"] == "confirmation_required", body
    done = await client.post(f"/v1/conversations/{cid}/confirm", json={"decision": "yes"}, headers=headers)
    assert done.status_code == 201, done.text
    assert "frozen" in done.json()["reply"]["content"]
    return str(cid)


async def _run(*argv: str) -> int:
    """The console script, in a thread of its own (it runs its own event loop)."""
    return await asyncio.to_thread(main, list(argv))


async def _table_counts(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with factory() as s:
        return {
            t.name: int(await s.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


async def _card_statuses(factory: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with factory() as s:
        return {str(i): str(st) for i, st in (await s.execute(select(Card.id, Card.status))).all()}


async def test_replay_under_the_same_configuration_changes_nothing_and_writes_nothing(
    settings: Settings,
    agent_assets: AgentAssets,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    (customer,) = await _customers(database_url, 1)
    async with served(settings, agent_assets) as client:
        frozen_in = await _freeze_a_card(client, customer[1])
        other = (await client.post("/v1/conversations", headers=customer[1])).json()["id"]
        await _say(client, other, customer[1], "show me my recent transactions")
    counts, cards = await _table_counts(session_factory), await _card_statuses(session_factory)
    assert "frozen" in cards.values()
    chains = await scan_chains(session_factory)
    assert not chains.problems

    out = tmp_path / "replay"
    assert await _run("eval", "replay", "--since", TODAY, "--models", str(DEFAULT), "--out", str(out)) == 0

    report = json.loads((out / "report.json").read_text())
    summary = report["summary"]
    assert summary["conversations"] == 2
    assert summary["turns"] == 5 or summary["turns"] == 6  # the freeze asks which card when there are several
    assert summary["by_status"] == {"replayed": summary["turns"]}
    assert summary["changed"]["intent"] == summary["changed"]["route"] == summary["changed"]["action"] == 0
    assert summary["changed"]["handoff"] == 0
    assert summary["turns_with_any_change"] == 0
    freeze = [t for t in report["turns"] if t["conversation_id"] == frozen_in and t["kind"] == "confirm"]
    assert len(freeze) == 1
    assert freeze[0]["recorded"]["action"].startswith("run freeze_card(")
    assert freeze[0]["replayed"]["action"] == freeze[0]["recorded"]["action"]
    assert freeze[0]["proposed_writes"]
    assert freeze[0]["proposed_writes"][0].endswith(": recorded")
    assert "| intent | 0 |" in (out / "report.md").read_text()

    # Nothing was written: every table's row count, the card's status and the audit chain are as they were.
    assert await _table_counts(session_factory) == counts
    assert await _card_statuses(session_factory) == cards
    after = await scan_chains(session_factory)
    assert not after.problems
    assert after.checked == chains.checked


async def test_replay_under_a_configuration_that_behaves_differently_reports_the_differences(
    settings: Settings,
    agent_assets: AgentAssets,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    (customer,) = await _customers(database_url, 1)
    async with served(settings, agent_assets) as client:
        await _freeze_a_card(client, customer[1])
    counts, cards = await _table_counts(session_factory), await _card_statuses(session_factory)
    down = tmp_path / "down.toml"
    down.write_text(UNREACHABLE)
    out = tmp_path / "replay"
    assert await _run("eval", "replay", "--since", TODAY, "--models", str(down), "--out", str(out)) == 0
    summary = json.loads((out / "report.json").read_text())["summary"]
    # With every model unreachable the agent degrades: the intent it reads and where it goes change.
    assert summary["turns_with_any_change"] >= 1
    assert summary["changed"]["route"] >= 1
    assert summary["turns_after_divergence"] >= 1
    assert await _table_counts(session_factory) == counts
    assert await _card_statuses(session_factory) == cards


async def test_traffic_counts_each_variant_and_tests_the_differences(
    settings: Settings, agent_assets: AgentAssets, database_url: str, tmp_path: Path
) -> None:
    config = loads_config(TWO_VARIANTS)
    assets = dataclasses.replace(agent_assets, gateway_config=config)
    customers = await _customers(database_url, 4)
    driven: dict[str, dict[str, int]] = {}
    async with served(settings, assets) as client:
        # Ids are random: go on until each arm has a few conversations (ten at least, thirty at most).
        for i in range(30):
            if i >= 10 and all(arm["conversations"] >= 3 for arm in driven.values()) and len(driven) == 2:
                break
            headers = customers[i % len(customers)][1]
            cid = (await client.post("/v1/conversations", headers=headers)).json()["id"]
            variant = assign_variant(cid, config)
            arm = driven.setdefault(variant, {"conversations": 0, "handoffs": 0, "turns": 0})
            arm["conversations"] += 1
            texts = (
                ["what's my balance?", "I want to speak to a human"] if i % 3 == 0 else ["what's my balance?"]
            )
            for text in texts:
                body = await _say(client, cid, headers, text)
                arm["turns"] += 1
            arm["handoffs"] += body["kind"] == "handoff"
    assert set(driven) == {"control", "treatment"}

    out = tmp_path / "traffic"
    assert await _run("eval", "traffic", "--since", TODAY, "--until", TODAY, "--out", str(out)) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["control"] == "control"
    by_name = {v["name"]: v for v in report["variants"]}
    for name, arm in driven.items():
        assert by_name[name]["conversations"] == arm["conversations"]
        assert by_name[name]["turns"] == arm["turns"]
        assert by_name[name]["handoff_rate"] == pytest.approx(arm["handoffs"] / arm["conversations"])
        assert by_name[name]["latency_p50_ms"] > 0
    differences = report["differences"]
    assert {d["metric"] for d in differences} == {
        "resolved_without_handoff",
        "handoff_rate",
        "complaint_rate",
        "cost_per_conversation_usd",
        "turn_latency_p50_ms",
    }
    for d in differences:
        assert d["variant"] == "treatment"
        assert d["control"] == "control"
        assert d["too_small"] is True
        assert d["significant"] is False
        if d["ci_low"] is not None:  # None only when an arm has a single observation
            assert d["ci_low"] <= d["value"] + 1e-9
            assert d["value"] <= d["ci_high"] + 1e-9
        assert d["p_value"] is None or 0.0 <= d["p_value"] <= 1.0
    handoff = next(d for d in differences if d["metric"] == "handoff_rate")
    expected = by_name["treatment"]["handoff_rate"] - by_name["control"]["handoff_rate"]
    assert handoff["value"] == pytest.approx(expected)
    markdown = (out / "report.md").read_text()
    assert "Sample too small" in markdown
    assert (out / "traffic.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "replay", "--since", "yesterday", "--models", str(DEFAULT)], "is not a date"),
        (["eval", "replay", "--since", "2026-12-02", "--models", "missing.toml"], "not found"),
        (
            ["eval", "replay", "--since", "2026-12-03", "--until", "2026-12-01", "--models", str(DEFAULT)],
            "after",
        ),
        (["eval", "replay", "--since", "2026-12-01", "--models", str(DEFAULT), "--limit", "0"], "at least 1"),
        (["eval", "traffic", "--since", "2026-02-30"], "is not a date"),
        (["eval", "traffic", "--since", "2026-12-03", "--until", "2026-12-01"], "after"),
    ],
)
def test_bad_input_gives_a_clear_error_and_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_models_file_that_is_not_a_configuration_gives_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[tiers\n")
    assert main(["eval", "replay", "--since", TODAY, "--models", str(broken)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def _facts(variant: str, n: int, handoffs: int, latency_ms: float) -> list[ConversationFacts]:
    return [
        ConversationFacts(variant, 2, True, i < handoffs, False, 1000 * (i % 3), [latency_ms, latency_ms + i])
        for i in range(n)
    ]


def test_a_clear_difference_on_enough_conversations_is_significant_and_a_tiny_arm_is_not() -> None:
    window = parse_window("2026-12-01", "2026-12-02")
    report = analyse([*_facts("control", 200, 20, 100.0), *_facts("b", 200, 100, 400.0)], window)
    by_metric = {d.metric: d for d in report.differences}
    handoff = by_metric["handoff_rate"]
    assert handoff.value == pytest.approx(0.4)
    assert handoff.ci_low is not None
    assert handoff.ci_high is not None
    assert 0.3 < handoff.ci_low < 0.4 < handoff.ci_high < 0.5
    assert handoff.significant()
    assert by_metric["turn_latency_p50_ms"].significant()
    assert not by_metric["cost_per_conversation_usd"].significant()  # the same costs in both arms

    tiny = analyse([*_facts("control", 1, 1, 100.0), *_facts("b", 1, 0, 100.0)], window)
    for d in tiny.differences:
        assert d.too_small
        assert not d.significant()
        if d.metric != "turn_latency_p50_ms":  # one conversation an arm: no interval (latency has two turns)
            assert d.ci_low is None


def _stored(*tool_calls: dict[str, Any]) -> tuple[StoredConversation, StoredTurn]:
    turn = StoredTurn(
        index=0,
        message_id="m",
        text="freeze my card",
        kind="message",
        decision=None,
        at=datetime.now(UTC),
        steps=[{"node": "procedure", "tool_calls": list(tool_calls)}],
    )
    conversation = StoredConversation(uuid.uuid4(), uuid.uuid4(), "default", datetime.now(UTC), 0, [turn])
    return conversation, turn


async def test_the_replay_port_answers_from_the_record_and_never_acts() -> None:
    card = {
        "id": "c1",
        "account_id": "a1",
        "brand": "Visa",
        "last4": "1234",
        "status": "active",
        "expiry": "01/30",
        "dispatched_at": None,
        "delivered_at": None,
        "replacement_ordered_at": None,
    }
    frozen = {"ok": True, "action": "freeze_card", "target_id": "c1", "replayed": False, "status": "frozen"}
    port = ReplayBankingPort(
        *_stored(
            {"tool": "list_cards", "arguments": {}, "result": {"ok": True, "cards": [card]}},
            {"tool": "freeze_card", "arguments": {"card_id": "c1"}, "result": frozen},
        )
    )
    assert [c.last4 for c in await port.list_cards()] == ["1234"]
    # The action the original turn ran: its recorded result, nothing run.
    done = await port.freeze_card("c1", idempotency_key="k")
    assert done.outcome == {"status": "frozen"}
    # One it did not run: refused, and reported as proposed.
    with pytest.raises(ActionRefused, match="replay"):
        await port.report_card("c1", kind="lost", idempotency_key="k2")
    assert [(w.tool, w.answered) for w in port.writes] == [
        ("freeze_card", "recorded"),
        ("report_card", "refused"),
    ]
    # A read recorded nowhere and no live data: the turn cannot be replayed faithfully.
    with pytest.raises(ToolNotRecorded, match="list_accounts"):
        await port.list_accounts()
