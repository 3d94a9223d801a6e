"""The scenario runner for the test suite: app.evaluation.runner with the tests' harness.

The runner itself (loading, driving the API, judging each turn) lives in the package so `bankdesk eval
scenarios` can use it from an installed copy. What only the tests have stays here: the signing secret of the
test factories, placeholder API keys, the scripted and failing model servers at the network edge
(tests/scenarios/providers.py) and the scan of every table for a stored card number (pan_scan.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.models.gateway_config import load_bundled_config, loads_config
from app.agent import AgentAssets
from app.evaluation.runner import (
    EXPECTATIONS,
    HELDOUT_SCENARIOS,
    SCENARIO_DAY,
    SCENARIOS,
    ModelSetup,
    RunOutcome,
    Scenario,
    World,
    check_turn,
    checkpoint_blobs_have_pan,
    load_scenarios,
    typed_card_numbers,
)
from app.evaluation.runner import run as _run
from app.evaluation.runner import run_measured as _run_measured
from app.evaluation.runner import world as _world
from tests.agents.models.replay import FAKE_KEYS
from tests.factories import SECRET
from tests.scenarios.pan_scan import stored_pans
from tests.scenarios.providers import DownModelServer, ScriptedModelServer

__all__ = [
    "DOWN_CONFIG",
    "EXPECTATIONS",
    "HELDOUT_SCENARIOS",
    "SCENARIOS",
    "SCENARIO_DAY",
    "RunOutcome",
    "Scenario",
    "TestHarness",
    "World",
    "check_turn",
    "checkpoint_blobs_have_pan",
    "load_scenarios",
    "run",
    "run_measured",
    "typed_card_numbers",
    "world",
]

DOWN_CONFIG = (Path(__file__).parent / "providers_down.toml").read_text(encoding="utf-8")


class TestHarness:
    """Scenario set-ups on test doubles at the network edge; every run ends with a scan for stored PANs."""

    __test__ = False  # not a test class, whatever its name
    secret = SECRET
    settings_overrides: Mapping[str, Any] = {}

    def models(self, scenario: Scenario, assets: AgentAssets, provider: str) -> ModelSetup:
        if scenario.setup.get("providers") == "down":
            return ModelSetup(
                dataclasses.replace(assets, gateway_config=loads_config(DOWN_CONFIG)),
                DownModelServer(),
                FAKE_KEYS,
            )
        if provider in ("openai", "anthropic"):
            # What the scripted model answers to each triage call, in order: a turn with several requests
            # names one intent per request (model_intents).
            intents: list[str] = []
            for t in scenario.turns:
                expect = t.get("expect", {})
                if "say" in t and "model_intents" in expect:
                    intents += list(expect["model_intents"])
                elif "say" in t and "intent" in expect:
                    intents.append(
                        expect["intent"] if isinstance(expect["intent"], str) else expect["intent"][0]
                    )
            return ModelSetup(
                dataclasses.replace(assets, gateway_config=load_bundled_config(f"{provider}.example")),
                ScriptedModelServer(intents=intents),
                FAKE_KEYS,
            )
        return ModelSetup(assets, None, FAKE_KEYS)

    async def after_run(self, w: World) -> list[str]:
        problems: list[str] = []
        if isinstance(w.transport, ScriptedModelServer) and not w.transport.seen:
            problems.append("the provider was never called")
        # Issue 11: whatever the scenario typed, no table (checkpoints included) holds a full card number.
        problems.extend(f"after the scenario: {pan}" for pan in await stored_pans(w.session))
        return problems


HARNESS = TestHarness()


@asynccontextmanager
async def world(
    scenario: Scenario, *, database_url: str, assets: AgentAssets, provider: str = "local"
) -> AsyncIterator[World]:
    async with _world(
        scenario, database_url=database_url, assets=assets, harness=HARNESS, provider=provider
    ) as w:
        yield w


async def run(
    scenario: Scenario,
    *,
    database_url: str,
    assets: AgentAssets,
    provider: str = "local",
    today: datetime = SCENARIO_DAY,
) -> list[str]:
    """Run every turn on the day `today`; return the failed expectations (empty when the scenario passes)."""
    return await _run(
        scenario, database_url=database_url, assets=assets, harness=HARNESS, provider=provider, today=today
    )


async def run_measured(scenario: Scenario, **kwargs: Any) -> RunOutcome:
    return await _run_measured(scenario, harness=HARNESS, **kwargs)
