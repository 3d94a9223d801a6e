"""Run a set of scenarios K times under one model configuration and reduce the runs to figures.

Used by ``bankdesk eval scenarios`` and ``bankdesk eval compare``. Each run gets a bank of its own: a copy of
one migrated SQLite template, seeded afresh by the runner, so runs share no rows and every ``model_call``
row in the copy belongs to that run. Figures follow τ-bench (Yao et al. 2024, "τ-bench: A Benchmark for
Tool-Agent-User Interaction in Real-World Domains"): pass^j is the chance that j runs of a scenario drawn
from its k runs all pass, estimated per scenario as C(c, j) / C(k, j) with c of k runs passed, and averaged
over scenarios; pass^1 is the pass rate and pass^k counts a scenario only when all of its k runs passed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import math
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx2
import numpy as np

from agents.models.errors import GatewayConfigError
from agents.models.gateway_config import (
    GatewayConfig,
    load_config,
    loads_config,
    missing_api_keys,
)
from app import db
from app.agent import AgentAssets, load_assets
from app.config import PROJECT_ROOT, Settings
from app.evaluation.runner import (
    SCENARIOS,
    ModelSetup,
    RunOutcome,
    Scenario,
    World,
    load_scenarios,
    run_measured,
)

UNCATEGORISED = "uncategorised"
# A scenario whose set-up says `providers: down` is about degrading gracefully when every remote model
# answers 500: it runs on this configuration (and a transport that fails every call) under any
# configuration being evaluated, so it measures the agent's fallback, not the configuration.
OUTAGE_CONFIG = """
[providers.openai]
api_key_env = "OPENAI_API_KEY"

[providers.anthropic]
api_key_env = "ANTHROPIC_API_KEY"

[[tiers.nano]]
provider = "openai"
model = "gpt-5.4-nano"
price_in_per_m = 0.2
price_out_per_m = 1.25
timeout_s = 2

[[tiers.mini]]
provider = "anthropic"
model = "claude-haiku-4-5"
price_in_per_m = 1
price_out_per_m = 5
timeout_s = 2

[[tiers.large]]
provider = "openai"
model = "gpt-4.1"
price_in_per_m = 2
price_out_per_m = 8
timeout_s = 2
"""
# The outage transport answers before any request leaves the process; the SDKs only need a key to exist.
PLACEHOLDER_KEYS = {"OPENAI_API_KEY": "sk-outage-drill", "ANTHROPIC_API_KEY": "sk-ant-outage-drill"}


class EvalInputError(Exception):
    """Bad input to an evaluation command: the message says what, the command exits with status 2."""


class OutageTransport(httpx2.AsyncBaseTransport):
    """Every model provider answers 500, as during an outage; nothing goes out on the network."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        if request.url.host == "api.anthropic.com":
            body: dict[str, Any] = {
                "type": "error",
                "error": {"type": "api_error", "message": "Internal server error (outage drill)"},
            }
        else:
            body = {"error": {"message": "The server had an error (outage drill)", "type": "server_error"}}
        return httpx2.Response(500, json=body, request=request)


class EvalHarness:
    """The evaluation's side of the runner: a fresh signing secret, the configuration under test as it is
    (real API keys from the environment, the real network), the outage drill for `providers: down`."""

    def __init__(self) -> None:
        self.secret = secrets.token_urlsafe(32)
        # Throwaway banks: no signed audit checkpoints of them in the operator's var/audit.
        self.settings_overrides: Mapping[str, Any] = {"audit_checkpoint_seconds": 0}

    def models(self, scenario: Scenario, assets: AgentAssets, provider: str) -> ModelSetup:
        if _drill(scenario):
            outage = loads_config(OUTAGE_CONFIG, source="outage drill")
            return ModelSetup(
                dataclasses.replace(assets, gateway_config=outage), OutageTransport(), PLACEHOLDER_KEYS
            )
        return ModelSetup(assets)

    async def after_run(self, w: World) -> list[str]:
        return []


# ---------------------------------------------------------------------------------------------- input


def select_scenarios(directory: Path | None, tags: Sequence[str]) -> list[Scenario]:
    """The scenarios of `directory` (default: the suite), only those in one of `tags` when any are given."""
    folder = directory or SCENARIOS
    if not folder.is_dir():
        raise EvalInputError(f"scenario folder {folder} does not exist")
    try:
        scenarios = load_scenarios(folder)
    except Exception as exc:  # invalid YAML, unknown keys, a missing field: say which folder and why
        raise EvalInputError(f"cannot load the scenarios in {folder}: {exc}") from exc
    if not scenarios:
        raise EvalInputError(f"no scenario files (*.yaml) in {folder}")
    names = [s.name for s in scenarios]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise EvalInputError(f"scenario names used twice in {folder}: {', '.join(duplicated)}")
    if not tags:
        return scenarios
    known = {c for s in scenarios for c in (s.categories or [UNCATEGORISED])}
    unknown = sorted(set(tags) - known)
    if unknown:
        raise EvalInputError(
            f"unknown tag {', '.join(map(repr, unknown))}: the scenarios in {folder} have the categories "
            + ", ".join(sorted(known))
        )
    return [s for s in scenarios if set(s.categories or [UNCATEGORISED]) & set(tags)]


def check_k(k: int) -> int:
    if k < 1:
        raise EvalInputError(f"--k must be at least 1 (got {k})")
    return k


@dataclass(frozen=True)
class ModelsFile:
    label: str
    path: Path | None
    config: GatewayConfig


def load_models(path: Path | None, env: Mapping[str, str] | None = None) -> ModelsFile:
    """The configuration to evaluate; refuses a missing file, invalid TOML and providers without keys."""
    if path is not None and not path.is_file():
        raise EvalInputError(f"models config {path} does not exist")
    try:
        config = load_config(path)
    except GatewayConfigError as exc:
        raise EvalInputError(str(exc)) from exc
    missing = missing_api_keys(config, os.environ if env is None else env)
    if missing:
        raise EvalInputError(f"{path}: " + "; ".join(missing))
    label = path.name if path is not None else "default.toml (bundled)"
    return ModelsFile(label=label, path=path, config=config)


# ---------------------------------------------------------------------------------------------- running


class Progress(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def set_postfix_str(self, s: str) -> Any: ...
    def close(self) -> Any: ...


class _PlainProgress:
    """One line per run on stderr, when neither tqdm nor rich is installed."""

    def __init__(self, total: int, desc: str) -> None:
        self.total, self.desc, self.done, self.note = total, desc, 0, ""

    def update(self, n: int = 1) -> None:
        self.done += n
        sys.stderr.write(f"{self.desc}: {self.done}/{self.total} {self.note}\n")

    def set_postfix_str(self, s: str) -> None:
        self.note = s

    def close(self) -> None:
        pass


def progress_bar(total: int, desc: str) -> Progress:
    """tqdm when installed (a dependency), else rich, else plain lines."""
    try:
        tqdm = importlib.import_module("tqdm").tqdm  # untyped: the Progress protocol is its type here
        bar: Progress = tqdm(total=total, desc=desc, unit="run", file=sys.stderr, dynamic_ncols=True)
        return bar
    except ImportError:
        pass
    try:
        from rich.progress import Progress as RichProgress

        rich = RichProgress(transient=False)
        task = rich.add_task(desc, total=total)
        rich.start()

        class _Rich:
            def update(self, n: int = 1) -> None:
                rich.advance(task, n)

            def set_postfix_str(self, s: str) -> None:
                rich.update(task, description=f"{desc} {s}")

            def close(self) -> None:
                rich.stop()

        return _Rich()
    except ImportError:
        return _PlainProgress(total, desc)


@dataclass
class ScenarioRuns:
    scenario: Scenario
    runs: list[RunOutcome]

    @property
    def passes(self) -> int:
        return sum(r.passed for r in self.runs)


@dataclass
class ConfigRun:
    """Every run of every scenario under one configuration."""

    models: ModelsFile
    k: int
    results: list[ScenarioRuns]
    wall_s: float


def _template(directory: Path) -> Path:
    path = directory / "template.db"
    db.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def run_suite(
    scenarios: Sequence[Scenario],
    models: ModelsFile,
    *,
    k: int,
    settings: Settings | None = None,
    progress: Callable[[int, str], Progress] = progress_bar,
) -> ConfigRun:
    """Run each scenario k times under `models`, each run on a fresh copy of a migrated, seeded bank."""
    base = settings or Settings(env="test", secret_key=secrets.token_urlsafe(32))
    assets = dataclasses.replace(load_assets(base), gateway_config=models.config)
    harness = EvalHarness()
    with tempfile.TemporaryDirectory(prefix="bankdesk-eval-") as tmp:
        template = _template(Path(tmp))  # alembic runs its own event loop: before ours
        started = time.perf_counter()
        results = asyncio.run(_run_all(scenarios, assets, harness, template, k, models.label, progress))
        wall = time.perf_counter() - started
    return ConfigRun(models=models, k=k, results=results, wall_s=wall)


async def _run_all(
    scenarios: Sequence[Scenario],
    assets: AgentAssets,
    harness: EvalHarness,
    template: Path,
    k: int,
    label: str,
    progress: Callable[[int, str], Progress],
) -> list[ScenarioRuns]:
    results = [ScenarioRuns(s, []) for s in scenarios]
    bar = progress(len(scenarios) * k, label)
    failed = 0
    try:
        for round_ in range(k):
            for index, entry in enumerate(results):
                copy = template.with_name(f"run-{round_}-{index}.db")
                shutil.copy(template, copy)
                try:
                    outcome = await run_measured(
                        entry.scenario,
                        database_url=f"sqlite+aiosqlite:///{copy}",
                        assets=assets,
                        harness=harness,
                    )
                except Exception as exc:  # a run that breaks is a failed run, not a failed evaluation
                    outcome = RunOutcome(problems=[f"the run raised {type(exc).__name__}: {exc}"])
                finally:
                    copy.unlink(missing_ok=True)
                entry.runs.append(outcome)
                failed += not outcome.passed
                bar.set_postfix_str(f"{failed} failed")
                bar.update(1)
    finally:
        bar.close()
    return results


# ---------------------------------------------------------------------------------------------- figures


def pass_hat(passes: int, runs: int, j: int) -> float:
    """τ-bench's unbiased estimate of pass^j for one scenario with `passes` of `runs` passed."""
    return math.comb(passes, j) / math.comb(runs, j)


def _percentile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def summarise(run: ConfigRun) -> dict[str, Any]:
    """The figures of one configuration, as they go into report.json."""
    k = run.k
    outcomes = [o for r in run.results for o in r.runs]
    conversations = len(outcomes)
    passed_runs = sum(o.passed for o in outcomes)
    curve = {
        str(j): round(sum(pass_hat(r.passes, k, j) for r in run.results) / len(run.results), 4)
        for j in range(1, k + 1)
    }
    all_passed = sum(r.passes == k for r in run.results)
    calls = [c for o in outcomes for c in o.calls]
    tiers: dict[str, dict[str, Any]] = {}
    for tier in sorted({c.tier for c in calls} | set(run.models.config.tiers)):
        mine = [c for c in calls if c.tier == tier]
        cost = sum(c.cost_usd_micros for c in mine)
        tokens_in = sum(c.input_tokens for c in mine)
        tokens_out = sum(c.output_tokens for c in mine)
        tiers[tier] = {
            # The models the calls went to (the outage drill's too), else the configuration's.
            "models": sorted({f"{c.provider}/{c.model}" for c in mine})
            or [f"{e.provider}/{e.model}" for e in run.models.config.tiers.get(tier, [])],
            "calls": len(mine),
            "failed_calls": sum(c.outcome != "ok" for c in mine),
            "input_tokens": tokens_in,
            "output_tokens": tokens_out,
            "cost_usd": cost / 1_000_000,
            "calls_per_conversation": round(len(mine) / conversations, 3),
            "tokens_per_conversation": round((tokens_in + tokens_out) / conversations, 1),
            "cost_usd_per_conversation": cost / 1_000_000 / conversations,
        }
    nodes: dict[str, int] = defaultdict(int)
    for c in calls:
        nodes[f"{c.node}@{c.tier}"] += 1
    cost_total = sum(c.cost_usd_micros for c in calls)
    latencies = [ms for o in outcomes for ms in o.turn_latencies_ms]
    categories: dict[str, dict[str, Any]] = {}
    for name in sorted({c for r in run.results for c in (r.scenario.categories or [UNCATEGORISED])}):
        members = [r for r in run.results if name in (r.scenario.categories or [UNCATEGORISED])]
        runs_in = [o for r in members for o in r.runs]
        categories[name] = {
            "scenarios": len(members),
            "runs": len(runs_in),
            "passed_runs": sum(o.passed for o in runs_in),
            "pass_rate": round(sum(o.passed for o in runs_in) / len(runs_in), 4),
            "pass_k": round(sum(r.passes == k for r in members) / len(members), 4),
            "failed": [
                {"scenario": r.scenario.name, "passed": r.passes, "of": k, "first_problem": _first_problem(r)}
                for r in members
                if r.passes < k
            ],
        }
    return {
        "configuration": {
            "label": run.models.label,
            "path": str(run.models.path) if run.models.path else None,
            "tiers": {
                t: [f"{e.provider}/{e.model}" for e in es] for t, es in run.models.config.tiers.items()
            },
        },
        "k": k,
        "scenarios": len(run.results),
        "conversations": conversations,
        "passed_runs": passed_runs,
        "pass_rate": round(passed_runs / conversations, 4),
        "pass_hat": curve,
        "pass_k": round(all_passed / len(run.results), 4),
        "scenarios_passing_every_run": all_passed,
        "outage_drill_scenarios": [r.scenario.name for r in run.results if _drill(r.scenario)],
        "handoff_rate": round(sum(bool(o.handoffs) for o in outcomes) / conversations, 4),
        "model_calls": {
            "total": len(calls),
            "failed": sum(c.outcome != "ok" for c in calls),
            "per_conversation": round(len(calls) / conversations, 3),
            "input_tokens": sum(c.input_tokens for c in calls),
            "output_tokens": sum(c.output_tokens for c in calls),
            "per_tier": tiers,
            "per_step": dict(sorted(nodes.items())),
            "escalations": dict(sorted(Counter(c.escalation for c in calls if c.escalation).items())),
        },
        "cost_usd_total": cost_total / 1_000_000,
        "cost_usd_per_conversation": cost_total / 1_000_000 / conversations,
        "cost_usd_per_1000_conversations": cost_total / 1_000 / conversations,
        "turn_latency_ms": {
            "turns": len(latencies),
            "p50": _percentile(latencies, 50),
            "p95": _percentile(latencies, 95),
            "max": round(max(latencies), 1) if latencies else None,
        },
        "wall_time_s": round(run.wall_s, 1),
        "categories": categories,
        "scenario_results": [
            {
                "scenario": r.scenario.name,
                "categories": r.scenario.categories,
                "passed": r.passes,
                "of": k,
                "runs": [_run_json(o) for o in r.runs],
            }
            for r in run.results
        ],
    }


def _drill(scenario: Scenario) -> bool:
    return scenario.setup.get("providers") == "down"


def _first_problem(r: ScenarioRuns) -> str:
    for o in r.runs:
        if o.problems:
            return o.problems[0][:300]
    return ""


def _run_json(o: RunOutcome) -> dict[str, Any]:
    return {
        "passed": o.passed,
        "problems": [p[:300] for p in o.problems[:5]],
        "handoffs": [{"priority": p, "reason": reason} for p, reason in o.handoffs],
        "frozen_cards": o.frozen_cards,
        "disputes": o.disputes,
        "complaints": o.complaints,
        "model_calls": len(o.calls),
        "tokens": sum(c.input_tokens + c.output_tokens for c in o.calls),
        "cost_usd": sum(c.cost_usd_micros for c in o.calls) / 1_000_000,
        "turn_latency_ms": [round(ms, 1) for ms in o.turn_latencies_ms],
    }


def latencies_of(summary: Mapping[str, Any]) -> list[float]:
    return [ms for r in summary["scenario_results"] for o in r["runs"] for ms in o["turn_latency_ms"]]


def source_version() -> str:
    """The commit the agent's code came from, and whether app/ or agents/ had uncommitted changes."""
    import subprocess

    try:
        head = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--", "app", "agents"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} with uncommitted changes in app/ or agents/" if dirty else head


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def relative(path: Path | None) -> str:
    if path is None:
        return "the bundled default"
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
