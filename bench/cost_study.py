"""Cost and choice of model per step (issue 15): the scenario suite's model calls, counted offline and priced.

    python -m bench.cost_study                         # the tuned suite, fixtures/scenarios (~10 min)
    python -m bench.cost_study -k balance              # only scenarios whose name contains "balance"

Runs every scenario (each on a freshly seeded bank, through the HTTP API, exactly as bench.scenario_eval
does) three times, and records every model call the graph makes (Gateway.call is wrapped in this process:
the step, the tier, the escalation rule, the request the graph built, the answer, the gateway's latency):

1. ``default``: the bundled default config, every tier on the embedded local provider. Gives the per-step
   table of the README: calls, tokens and latency per conversation.
2. ``tiered``: the same tiers, but served by a local-kind provider under another name, so the app switches on
   what it switches on for a real LLM (the model review of every reply, read-only tool assist for what
   triage cannot place, replies phrased in the customer's language) while the answers still come from the
   local handlers. These are the prompts the graph builds under openai.example.toml or
   anthropic.example.toml, under their [escalation] policy (triage starts on the free embedded model, the
   unsure turns go to nano; the review runs on nano, on mini after a rule rewrite).
3. ``tiered_graph_policy``: as 2 under the graph's default policy (triage on nano, mini while unsure; the
   review on mini), for comparison.
4. ``all_large``: as 2, with every step starting on the large tier (and no low-confidence escalation, since
   there is no tier above it): "every step on the large model".

The local handlers answer every tier alike, so a turn the embedded model is unsure of stays unsure on nano
and mini: escalations are counted as often as they could happen, never fewer.

Tokens are counted offline with tiktoken's o200k_base (bench/tokens.py: the encoding file comes from the
bpe-openai wheel, checked against tiktoken's pinned hash): messages plus OpenAI's per-message framing, plus
the JSON schema of a structured output or the tool specs offered. Output tokens are those of the local
answer (the classifier's JSON, the draft as phrased, the review verdict, the extractive summary); an assist
call has no local answer (no local handler: it fails over to the clarifying question) and is counted at
ASSIST_OUTPUT_TOKENS. Anthropic's tokenizer is not public: its counts are the o200k counts times
ANTHROPIC_TOKEN_RATIO, plus Anthropic's documented tool-use system prompt for calls that send a tool
(structured output is a forced tool there). Each call is priced from the example file's first entry for the
call's tier (agents.models.pricing, integer micro-dollars).

Writes bench/out/cost_study.json, .md and .png, and every call counted to cost_study_calls.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from agents.models.errors import TierUnavailable
from agents.models.gateway import Gateway
from agents.models.gateway_config import GatewayConfig, load_bundled_config, loads_config
from agents.models.pricing import cost_usd_micros
from agents.models.types import CallMeta, ModelRequest, ModelResponse
from app.agent import AgentAssets, load_assets
from app.config import Settings
from bench.scenario_eval import _template
from bench.tokens import completion_tokens, encoding, prompt_tokens
from tests.factories import SECRET
from tests.scenarios.runner import SCENARIOS, Scenario, load_scenarios, run

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

ASSIST_OUTPUT_TOKENS = 100
"""A short answer from the read-only tool assistant (a real model may also spend a tool round)."""
ANTHROPIC_TOKEN_RATIO = Decimal("1.3")
"""Claude's tokenizer is not public. Published side-by-side counts of the same English prompts found Claude
20-30 % above OpenAI's o200k (GPT-4o); we take the top of that range, so Anthropic is not flattered."""
ANTHROPIC_TOOL_PROMPT = {"forced": 313, "auto": 346}
"""Tokens Anthropic adds for the tool-use system prompt (its pricing docs, Claude 4 models): tool_choice any
or a named tool (our structured output), auto (the tool assistant)."""

# The README's steps, and the node (CallRecord.node) whose model calls each one makes; None: no model.
STEPS: tuple[tuple[str, str | None, str], ...] = (
    ("screen", None, "rules"),
    ("triage", "triage", ""),
    ("route", None, "rules"),
    ("tool use", "assist", ""),
    ("phrase", "phrase", ""),
    ("compliance review", "compliance", ""),
    ("summary", "handoff", ""),
)
DEFAULT_TOML = (ROOT / "agents" / "models" / "config" / "default.toml").read_text(encoding="utf-8")
COUNTING = DEFAULT_TOML.split("\n# Escalation policy")[0].replace(
    '{ provider = "local"', '{ provider = "counting"'
) + ('\n[providers.counting]\nkind = "local"\n')
ALL_LARGE = COUNTING + (
    '\n[escalation.start]\ntriage = "large"\nphrase = "large"\nphrase_translated = "large"\n'
    'review = "large"\nassist = "large"\nsummary = "large"\n'
    "[escalation.low_confidence]\nenabled = false\n"
)


def _example_escalation() -> str:
    """The [escalation] tables of the OpenAI and Anthropic example files (the same policy in both): the
    tiered run is priced under the policy those files ship with."""
    texts = {}
    for vendor in ("openai", "anthropic"):
        text = (ROOT / "agents" / "models" / "config" / f"{vendor}.example.toml").read_text(encoding="utf-8")
        texts[vendor] = text[text.index("\n[escalation") :] if "\n[escalation" in text else ""
    policies = {v: load_bundled_config(f"{v}.example").escalation for v in texts}
    if policies["openai"] != policies["anthropic"]:
        raise SystemExit("the example files' escalation policies differ: price them in separate runs")
    return texts["openai"]


TIERED = COUNTING + _example_escalation()
RUNS = {"default": None, "tiered": TIERED, "tiered_graph_policy": COUNTING, "all_large": ALL_LARGE}
"""tiered: the example files' policy; tiered_graph_policy: the same tiers under the graph's own defaults
(triage on nano, mini when unsure; review on mini), for comparison."""


@dataclass
class Call:
    scenario: str
    node: str
    tier: str
    escalation: str | None
    task: str
    tools: bool
    structured: bool
    input_tokens: int
    output_tokens: int
    local_tokens: int
    """What the local provider counted (words and punctuation): the figure stored in model_call."""
    latency_ms: float
    ok: bool


@contextmanager
def capture(calls: list[Call], scenario: list[str]) -> Iterator[None]:
    """Record every Gateway.call made in this process, with the request the graph built."""
    original = Gateway.call
    enc = encoding("o200k_base")

    async def call(
        self: Gateway, tier: str, request: ModelRequest, *, meta: CallMeta, deadline_s: float | None = None
    ) -> ModelResponse:
        started = time.perf_counter()
        response: ModelResponse | None = None
        try:
            response = await original(self, tier, request, meta=meta, deadline_s=deadline_s)
            return response
        finally:
            out = completion_tokens(enc, response) if response is not None else ASSIST_OUTPUT_TOKENS
            calls.append(
                Call(
                    scenario=scenario[0],
                    node=meta.node,
                    tier=tier,
                    escalation=meta.escalation,
                    task=request.task,
                    tools=bool(request.tools),
                    structured=request.response_model is not None,
                    input_tokens=prompt_tokens(enc, request),
                    output_tokens=out,
                    local_tokens=(response.input_tokens + response.output_tokens) if response else 0,
                    latency_ms=(time.perf_counter() - started) * 1000,
                    ok=response is not None,
                )
            )

    with mock.patch.object(Gateway, "call", call):
        yield


async def run_suite(
    scenarios: list[Scenario], assets: AgentAssets, label: str, config: GatewayConfig | None
) -> tuple[list[Call], list[str]]:
    if config is not None:
        assets = dataclasses.replace(assets, gateway_config=config)
    calls: list[Call] = []
    failed: list[str] = []
    current = [""]
    with tempfile.TemporaryDirectory() as tmp, capture(calls, current):
        template = _template(Path(tmp))
        started = time.perf_counter()
        for index, scenario in enumerate(scenarios, start=1):
            current[0] = scenario.name
            db_path = Path(tmp) / f"s{index}.db"
            shutil.copy(template, db_path)
            try:
                problems = await run(scenario, database_url=f"sqlite+aiosqlite:///{db_path}", assets=assets)
            except TierUnavailable as exc:  # never expected: the gateway's failures end inside the graph
                problems = [repr(exc)]
            db_path.unlink()
            if problems:
                failed.append(scenario.name)
            elapsed = time.perf_counter() - started
            if index % 20 == 0 or index == len(scenarios):
                print(f"[{label} {index}/{len(scenarios)} {elapsed:5.0f}s]", file=sys.stderr)
    return calls, failed


# --- pricing ------------------------------------------------------------------------------------------


def anthropic_tokens(call: Call) -> tuple[int, int]:
    extra = ANTHROPIC_TOOL_PROMPT["auto"] if call.tools else ANTHROPIC_TOOL_PROMPT["forced"] * call.structured
    scaled_in = int((Decimal(call.input_tokens) * ANTHROPIC_TOKEN_RATIO).to_integral_value()) + extra
    scaled_out = int((Decimal(call.output_tokens) * ANTHROPIC_TOKEN_RATIO).to_integral_value())
    return scaled_in, scaled_out


def price(
    calls: list[Call], vendor: str, *, on_tier: str | None = None, node_tier: dict[str, str] | None = None
) -> dict[str, int]:
    """Micro-dollars per step for these calls under <vendor>.example.toml: every call on ``on_tier`` if
    given, a node's calls on ``node_tier[node]`` if listed, else each call on its own tier. (A prompt does
    not depend on the tier it is sent to, so moving a step's calls to another tier is exact.)"""
    config = load_bundled_config(f"{vendor}.example")
    by_step: dict[str, int] = defaultdict(int)
    for call in calls:
        entry = config.tiers[on_tier or (node_tier or {}).get(call.node, call.tier)][0]
        tokens_in, tokens_out = (
            anthropic_tokens(call) if vendor == "anthropic" else (call.input_tokens, call.output_tokens)
        )
        by_step[call.node] += cost_usd_micros(
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            price_in_per_m=entry.price_in_per_m,
            price_out_per_m=entry.price_out_per_m,
        )
    return dict(by_step)


# --- report -------------------------------------------------------------------------------------------


def per_step(calls: list[Call], conversations: int) -> list[dict[str, Any]]:
    rows = []
    for step, node, _ in STEPS:
        mine = [c for c in calls if node is not None and c.node == node]
        scen_latency: dict[str, float] = defaultdict(float)
        for c in mine:
            scen_latency[c.scenario] += c.latency_ms
        rows.append(
            {
                "step": step,
                "node": node,
                "calls": len(mine),
                "calls_per_conversation": len(mine) / conversations,
                "tiers": dict(Counter(c.tier for c in mine)),
                "escalations": dict(Counter(c.escalation for c in mine if c.escalation)),
                "input_tokens_per_conversation": sum(c.input_tokens for c in mine) / conversations,
                "output_tokens_per_conversation": sum(c.output_tokens for c in mine) / conversations,
                "local_tokens_per_conversation": sum(c.local_tokens for c in mine) / conversations,
                "latency_ms_per_conversation": sum(c.latency_ms for c in mine) / conversations,
                "latency_ms_p50_call": statistics.median([c.latency_ms for c in mine]) if mine else None,
                "latency_ms_p95_call": (
                    statistics.quantiles([c.latency_ms for c in mine], n=20)[-1] if len(mine) >= 2 else None
                ),
                "failed_calls": sum(not c.ok for c in mine),
            }
        )
    return rows


def costs(results: dict[str, list[Call]], conversations: int) -> dict[str, dict[str, Any]]:
    """USD per 1,000 conversations, per vendor and configuration, with the per-step split."""
    out: dict[str, dict[str, Any]] = {}
    for vendor in ("openai", "anthropic"):
        tiered = price(results["tiered"], vendor)
        large = price(results["all_large"], vendor, on_tier="large")
        # The same tiers under the graph's default policy, when that run was made.
        graph_policy = price(results.get("tiered_graph_policy", []), vendor)
        t_total, l_total, r_total = sum(tiered.values()), sum(large.values()), sum(graph_policy.values())
        per_k = 1000 / conversations / 1_000_000  # micro-dollars per suite -> USD per 1,000 conversations
        out[vendor] = {
            "tiered_usd_per_1000": round(t_total * per_k, 2),
            "all_large_usd_per_1000": round(l_total * per_k, 2),
            "saving": round(1 - t_total / l_total, 4) if l_total else None,
            "tiered_graph_policy_usd_per_1000": round(r_total * per_k, 2),
            "saving_graph_policy": round(1 - r_total / l_total, 4) if l_total else None,
            "tiered_by_step_usd_per_1000": {k: round(v * per_k, 2) for k, v in sorted(tiered.items())},
            "all_large_by_step_usd_per_1000": {k: round(v * per_k, 2) for k, v in sorted(large.items())},
        }
    return out


def plot(figures: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values, colours = [], [], []
    for vendor, name in (("openai", "OpenAI"), ("anthropic", "Anthropic")):
        labels += [
            f"{name}\nall large",
            f"{name}\ntiers, graph's\ndefault policy",
            f"{name}\ntiered\n(example file)",
        ]
        values += [
            figures[vendor]["all_large_usd_per_1000"],
            figures[vendor]["tiered_graph_policy_usd_per_1000"],
            figures[vendor]["tiered_usd_per_1000"],
        ]
        colours += ["#b5651d", "#2b7a78", "#7fb7b5"]
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    bars = ax.bar(labels, values, color=colours)
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(f"${value:,.2f}", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom")
    for i, vendor in enumerate(("openai", "anthropic")):
        saving, graph = figures[vendor]["saving"], figures[vendor]["saving_graph_policy"]
        ax.annotate(
            f"tiered {saving:.1%} cheaper than all large\n(graph's default policy: {graph:.1%})",
            (3 * i + 1, max(values) * 1.07),
            ha="center",
            fontsize=9,
            color="#333333",
        )
    ax.set_ylim(0, max(values) * 1.25)
    ax.set_ylabel("USD per 1,000 conversations")
    ax.set_title("Model cost per 1,000 scenario-suite conversations (o200k counts, list prices)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def markdown(report: dict[str, Any]) -> str:
    n = report["conversations"]
    lines = [
        f"Per step, per conversation ({n} scenario-suite conversations; tokens: o200k_base, offline)",
        "",
        "| step | tier | default config (local): calls | tokens in / out | model latency | "
        "with an LLM configured: calls | tokens in / out |",
        "|---|---|---|---|---|---|---|",
    ]
    llm = {r["step"]: r for r in report["steps"]["tiered"]}
    for row in report["steps"]["default"]:
        other = llm[row["step"]]
        if row["node"] is None:
            lines.append(f"| {row['step']} | none (rules) | 0 | - | - | 0 | - |")
            continue
        tiers = ", ".join(f"{t} {c}" for t, c in sorted({**row["tiers"], **other["tiers"]}.items()))
        lines.append(
            f"| {row['step']} | {tiers or '-'} | {row['calls_per_conversation']:.2f} | "
            f"{row['input_tokens_per_conversation']:.0f} / {row['output_tokens_per_conversation']:.0f} | "
            f"{row['latency_ms_per_conversation']:.1f} ms | {other['calls_per_conversation']:.2f} | "
            f"{other['input_tokens_per_conversation']:.0f} / {other['output_tokens_per_conversation']:.0f} |"
        )
    lines += [
        "",
        "| configuration | OpenAI (USD / 1,000 conv.) | Anthropic (USD / 1,000 conv.) |",
        "|---|---|---|",
    ]
    c = report["costs"]
    lines.append(
        f"| tiered (the example files' policy) | {c['openai']['tiered_usd_per_1000']:.2f} | "
        f"{c['anthropic']['tiered_usd_per_1000']:.2f} |"
    )
    lines.append(
        f"| every step on large | {c['openai']['all_large_usd_per_1000']:.2f} | "
        f"{c['anthropic']['all_large_usd_per_1000']:.2f} |"
    )
    lines.append(f"| tiered saving | {c['openai']['saving']:.1%} | {c['anthropic']['saving']:.1%} |")
    lines.append(
        f"| same tiers, the graph's default policy | {c['openai']['tiered_graph_policy_usd_per_1000']:.2f} "
        f"({c['openai']['saving_graph_policy']:.1%} saved) | "
        f"{c['anthropic']['tiered_graph_policy_usd_per_1000']:.2f} "
        f"({c['anthropic']['saving_graph_policy']:.1%} saved) |"
    )
    return "\n".join(lines) + "\n"


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    scenarios = [s for s in load_scenarios(args.dir) if not args.k or args.k in s.name]
    assets = load_assets(Settings(env="test", secret_key=SECRET))
    results: dict[str, list[Call]] = {}
    failures: dict[str, list[str]] = {}
    for label in args.runs:
        text = RUNS[label]
        config = loads_config(text, source=f"cost_study:{label}") if text is not None else None
        results[label], failures[label] = await run_suite(scenarios, assets, label, config)
    n = len(scenarios)
    report: dict[str, Any] = {
        "conversations": n,
        "customer_turns": sum(sum(1 for t in s.turns if "say" in t or "confirm" in t) for s in scenarios),
        "passed": {label: n - len(f) for label, f in failures.items()},
        "failed": failures,
        "steps": {label: per_step(calls, n) for label, calls in results.items()},
        "escalations": {
            label: dict(Counter(c.escalation for c in calls if c.escalation))
            for label, calls in results.items()
        },
        "method": {
            "encoding": "o200k_base (tiktoken, file from the bpe-openai wheel, hash-checked)",
            "per_message_tokens": 3,
            "reply_priming_tokens": 3,
            "assist_output_tokens": ASSIST_OUTPUT_TOKENS,
            "anthropic_token_ratio": str(ANTHROPIC_TOKEN_RATIO),
            "anthropic_tool_prompt_tokens": ANTHROPIC_TOOL_PROMPT,
        },
    }
    if {"tiered", "all_large"} <= set(results):
        report["costs"] = costs(results, n)
    report["calls"] = results  # written apart (cost_study_calls.jsonl), not into the JSON report
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=SCENARIOS, help="a folder of scenario files")
    parser.add_argument("-k", help="only scenarios whose name contains this")
    parser.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    parser.add_argument("--out", type=Path, default=OUT, help="where cost_study.{json,md,png} go")
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    args.out.mkdir(parents=True, exist_ok=True)
    calls = report.pop("calls")
    (args.out / "cost_study.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    with (args.out / "cost_study_calls.jsonl").open("w", encoding="utf-8") as f:
        for label, rows in calls.items():
            for row in rows:
                f.write(json.dumps({"run": label, **dataclasses.asdict(row)}) + "\n")
    if "costs" in report and "default" in report["steps"]:
        text = markdown(report)
        (args.out / "cost_study.md").write_text(text, encoding="utf-8")
        plot(report["costs"], args.out / "cost_study.png")
        print(text)
    print(json.dumps({"passed": report["passed"], "escalations": report["escalations"]}, indent=2))


if __name__ == "__main__":
    main()
