"""Every scenario in fixtures/scenarios runs end to end through the API on the local provider; the ones marked
`providers: [openai, anthropic]` also run through the real OpenAI and Anthropic SDKs on recorded payloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agent import AgentAssets
from tests.scenarios.runner import Scenario, load_scenarios, run

ALL = load_scenarios()
PROVIDER_RUNS = [(s, p) for s in ALL for p in s.providers]


def test_there_are_enough_scenarios() -> None:
    assert len(ALL) >= 30
    assert len({s.name for s in ALL}) == len(ALL)


@pytest.mark.parametrize("scenario", ALL, ids=[s.name for s in ALL])
async def test_scenario_on_local_provider(
    scenario: Scenario, database_url: str, agent_assets: AgentAssets
) -> None:
    problems = await run(scenario, database_url=database_url, assets=agent_assets)
    assert not problems, f"{scenario.name}: {scenario.description}\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("scenario", "provider"), PROVIDER_RUNS, ids=[f"{s.name}-{p}" for s, p in PROVIDER_RUNS]
)
async def test_scenario_on_recorded_providers(
    scenario: Scenario, provider: str, database_url: str, agent_assets: AgentAssets
) -> None:
    problems = await run(scenario, database_url=database_url, assets=agent_assets, provider=provider)
    assert not problems, f"{scenario.name} on {provider}\n" + "\n".join(problems)


async def test_a_scenario_run_leaves_the_operators_audit_checkpoints_alone(
    database_url: str, agent_assets: AgentAssets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evaluation's bank is thrown away after the run: had its signed checkpoints gone into the install's
    own log (var/audit/checkpoints.jsonl), the real database would afterwards fail verification against
    conversations it never had."""
    monkeypatch.setenv("BANKDESK_VAR_DIR", str(tmp_path))
    scenario = next(s for s in ALL if not s.providers and not s.setup)

    problems = await run(scenario, database_url=database_url, assets=agent_assets)

    assert not problems
    assert not (tmp_path / "audit" / "checkpoints.jsonl").exists()
