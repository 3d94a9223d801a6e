"""`bankdesk eval scenarios` and `bankdesk eval compare` through the console script's main(), on the real
agent and SQLite: a few scenarios, k=2, and the reports checked against what the runs did."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.agent import AgentAssets
from app.cli import main
from app.evaluation import suite
from app.evaluation.runner import SCENARIOS, CallFigures, RunOutcome, Scenario
from app.evaluation.suite import ConfigRun, ScenarioRuns, load_models, pass_hat, summarise

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "agents" / "models" / "config" / "default.toml"
# Every tier on an OpenAI-compatible server that is not listening (connection refused at once, no
# network): every model call fails and the agent degrades.
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
IMPOSSIBLE = """
name: never-says-xyzzy
description: Its expectation cannot hold (the agent never says xyzzy), so every run fails.
categories: [balance]
customer: 1
turns:
  - say: "what is my balance?"
    expect:
      kind: reply
      reply_contains: ["xyzzy"]
"""


@pytest.fixture(autouse=True)
def _assets_once(monkeypatch: pytest.MonkeyPatch, agent_assets: AgentAssets) -> None:
    """The command loads the same assets the test session already has (triage model, KB, procedures)."""
    monkeypatch.setattr(suite, "load_assets", lambda settings: agent_assets)


def _scenario_dir(tmp_path: Path, *names: str, impossible: bool = False) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in names:
        shutil.copy(SCENARIOS / f"{name}.yaml", folder)
    if impossible:
        (folder / "never-says-xyzzy.yaml").write_text(IMPOSSIBLE, encoding="utf-8")
    return folder


def _report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return data


def test_scenarios_report_counts_what_happened(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path, "freeze-card-confirmed", "human-request-agent-please", impossible=True)
    out = tmp_path / "out"

    code = main(["eval", "scenarios", "--k", "2", "--dir", str(folder), "--out", str(out)])

    assert code == 0
    report = _report(out)
    results = {r["scenario"]: r for r in report["scenario_results"]}
    assert report["k"] == 2
    assert report["scenarios"] == 3
    assert report["conversations"] == 6
    assert {name: r["passed"] for name, r in results.items()} == {
        "freeze-card-confirmed": 2,
        "human-request-agent-please": 2,
        "never-says-xyzzy": 0,
    }
    assert report["passed_runs"] == 4
    assert report["pass_rate"] == pytest.approx(4 / 6, abs=1e-4)
    assert report["pass_k"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["pass_hat"] == {"1": pytest.approx(2 / 3, abs=1e-4), "2": pytest.approx(2 / 3, abs=1e-4)}
    # The bank's final state of each run: the card frozen, the handoff made.
    for run in results["freeze-card-confirmed"]["runs"]:
        assert run["frozen_cards"] == ["2838"]
        assert run["handoffs"] == []
    for run in results["human-request-agent-please"]["runs"]:
        assert len(run["handoffs"]) == 1
        assert run["frozen_cards"] == []
    assert report["handoff_rate"] == pytest.approx(2 / 6, abs=1e-4)
    failing = results["never-says-xyzzy"]["runs"][0]["problems"]
    assert any("xyzzy" in p for p in failing)
    assert report["categories"]["balance"]["failed"][0]["scenario"] == "never-says-xyzzy"
    assert report["categories"]["card_action"]["pass_rate"] == 1.0
    # Model calls as the gateway stored them: the local provider, counted, at no cost.
    calls = report["model_calls"]
    assert calls["total"] > 0
    assert calls["total"] == sum(t["calls"] for t in calls["per_tier"].values())
    assert calls["total"] == sum(r["model_calls"] for s in report["scenario_results"] for r in s["runs"])
    assert report["cost_usd_total"] == 0
    turns = sum(len(r["turn_latency_ms"]) for s in report["scenario_results"] for r in s["runs"])
    assert turns == report["turn_latency_ms"]["turns"] == 2 * (2 + 2 + 1)
    assert 0 < report["turn_latency_ms"]["p50"] <= report["turn_latency_ms"]["p95"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "never-says-xyzzy" in markdown
    assert "cost 0 by the pricing table" in markdown
    for png in ("cost_vs_pass_rate.png", "latency.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tag_selects_the_scenarios_of_a_category(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path, "freeze-card-confirmed", "human-request-agent-please", "providers-down")
    out = tmp_path / "out"

    argv = ["eval", "scenarios", "--dir", str(folder), "--tag", "handoff", "--tag", "providers"]
    assert main([*argv, "--out", str(out)]) == 0

    report = _report(out)
    names = [r["scenario"] for r in report["scenario_results"]]
    assert names == ["human-request-agent-please", "providers-down"]
    assert list(report["categories"]) == ["handoff", "providers"]
    # The outage drill: every remote call answered 500, and the agent degraded as the scenario expects.
    assert report["pass_rate"] == 1.0
    drill = report["scenario_results"][1]["runs"][0]
    assert drill["model_calls"] > 0
    assert report["model_calls"]["failed"] == drill["model_calls"]
    assert report["outage_drill_scenarios"] == ["providers-down"]
    drill_models = {m for t in report["model_calls"]["per_tier"].values() for m in t["models"]}
    assert "openai/gpt-5.4-nano" in drill_models


def test_compare_gates_a_configuration_that_does_worse(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path, "balance-all-accounts", "human-request-agent-please")
    worse = tmp_path / "unreachable.toml"
    worse.write_text(UNREACHABLE, encoding="utf-8")
    out = tmp_path / "cmp"

    code = main(["eval", "compare", str(DEFAULT), str(worse), "--dir", str(folder), "--out", str(out)])

    assert code == 1
    report = _report(out)
    assert report["gate_failed"] is True
    assert report["a"]["pass_rate"] == 1.0
    rows = {r["scenario"]: r for r in report["scenarios"]}
    # Looking up balances needs the models; a request for a person is honoured before any model call.
    assert rows["balance-all-accounts"]["difference"] == "fails under B"
    assert rows["balance-all-accounts"]["b_passed"] == 0
    assert rows["human-request-agent-please"]["difference"] == ""
    assert report["differences"] == 1
    assert report["b"]["model_calls"]["failed"] > 0
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "**balance-all-accounts**" in markdown
    assert "exit 1" in markdown
    assert (out / "cost_vs_pass_rate.png").exists()


def test_compare_of_a_configuration_with_itself_passes_the_gate(tmp_path: Path) -> None:
    folder = _scenario_dir(tmp_path, "human-request-agent-please")
    out = tmp_path / "cmp"

    code = main(["eval", "compare", str(DEFAULT), str(DEFAULT), "--dir", str(folder), "--out", str(out)])

    assert code == 0
    assert _report(out)["differences"] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval", "scenarios", "--models", "nowhere.toml"], "models config nowhere.toml does not exist"),
        (["eval", "scenarios", "--k", "0"], "--k must be at least 1 (got 0)"),
        (["eval", "scenarios", "--tag", "no-such-category"], "unknown tag 'no-such-category'"),
        (["eval", "scenarios", "--dir", "no/such/folder"], "scenario folder no/such/folder does not exist"),
        (["eval", "compare", str(DEFAULT), "missing-b.toml"], "models config missing-b.toml does not exist"),
        (["eval", "compare", str(DEFAULT), str(DEFAULT), "--max-drop", "2"], "--max-drop is a fraction"),
    ],
)
def test_bad_input_is_refused_with_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_invalid_models_config_and_missing_key_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[tiers\n", encoding="utf-8")
    assert main(["eval", "scenarios", "--models", str(broken)]) == 2
    assert "not valid TOML" in capsys.readouterr().err

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    remote = tmp_path / "remote.toml"
    remote.write_text(UNREACHABLE.replace("api_key_required = false", ""), encoding="utf-8")
    assert main(["eval", "scenarios", "--models", str(remote)]) == 2
    assert "needs the environment variable OPENAI_API_KEY" in capsys.readouterr().err


def test_a_scenario_file_that_does_not_load_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "bad.yaml").write_text("name: bad\nturns: []\nwhatever: 1\n", encoding="utf-8")
    assert main(["eval", "scenarios", "--dir", str(folder)]) == 2
    assert "unknown keys ['whatever']" in capsys.readouterr().err


def _outcome(passed: bool, *, tier: str = "nano", cost: int = 0) -> RunOutcome:
    call = CallFigures("triage", tier, "p", "m", 100, 10, cost, 5.0, "ok")
    return RunOutcome(problems=[] if passed else ["turn 1: no"], turn_latencies_ms=[10.0], calls=[call])


def test_pass_hat_follows_tau_bench() -> None:
    # One scenario passing 2 of 3 runs: pass^1 = 2/3, pass^2 = C(2,2)/C(3,2) = 1/3, pass^3 = 0.
    assert pass_hat(2, 3, 1) == pytest.approx(2 / 3)
    assert pass_hat(2, 3, 2) == pytest.approx(1 / 3)
    assert pass_hat(2, 3, 3) == 0
    assert pass_hat(3, 3, 3) == 1

    flaky = Scenario(name="flaky", description="", customer=1, turns=[], categories=["x"])
    steady = Scenario(name="steady", description="", customer=1, turns=[], categories=["x"])
    run = ConfigRun(
        models=load_models(DEFAULT),
        k=3,
        results=[
            ScenarioRuns(flaky, [_outcome(True), _outcome(False), _outcome(True, cost=1_500)]),
            ScenarioRuns(steady, [_outcome(True), _outcome(True), _outcome(True)]),
        ],
        wall_s=1.0,
    )
    summary = summarise(run)
    assert summary["pass_rate"] == pytest.approx(5 / 6, abs=1e-4)
    assert summary["pass_hat"] == {
        "1": pytest.approx(5 / 6, abs=1e-4),
        "2": pytest.approx((1 / 3 + 1) / 2, abs=1e-4),
        "3": pytest.approx(1 / 2, abs=1e-4),
    }
    assert summary["pass_k"] == 0.5
    assert summary["categories"]["x"]["failed"] == [
        {"scenario": "flaky", "passed": 2, "of": 3, "first_problem": "turn 1: no"}
    ]
    assert summary["cost_usd_per_conversation"] == pytest.approx(0.0015 / 6)
    assert summary["model_calls"]["per_tier"]["nano"]["tokens_per_conversation"] == 110
    assert summary["model_calls"]["per_tier"]["mini"]["calls"] == 0
