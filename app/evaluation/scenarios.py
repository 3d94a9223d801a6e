"""`bankdesk eval scenarios`: the conversation scenarios K times under one model configuration.

Writes report.md, report.json, cost_vs_pass_rate.png and latency.png to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.evaluation.suite import (
    EvalInputError,
    check_k,
    load_models,
    now_utc,
    relative,
    run_suite,
    select_scenarios,
    source_version,
    summarise,
)


def command(args: argparse.Namespace) -> int:
    try:
        k = check_k(args.k)
        models = load_models(args.models)
        scenarios = select_scenarios(args.dir, args.tag)
    except EvalInputError as exc:
        sys.stderr.write(f"bankdesk eval scenarios: {exc}\n")
        return 2
    run = run_suite(scenarios, models, k=k)
    summary = summarise(run)
    summary["command"] = _command_line(args)
    summary["generated_at"] = now_utc()
    summary["source"] = source_version()
    written = write_report(summary, args.out)
    sys.stdout.write(headline(summary) + "\n")
    sys.stdout.write("report: " + ", ".join(str(p) for p in written) + "\n")
    return 0


def _command_line(args: argparse.Namespace) -> str:
    parts = ["bankdesk eval scenarios", f"--k {args.k}"]
    if args.models:
        parts.append(f"--models {relative(args.models)}")
    parts += [f"--tag {t}" for t in args.tag]
    if args.dir:
        parts.append(f"--dir {relative(args.dir)}")
    parts.append(f"--out {args.out}")
    return " ".join(parts)


def headline(s: Mapping[str, Any]) -> str:
    lat = s["turn_latency_ms"]
    return (
        f"{s['configuration']['label']}: {s['passed_runs']}/{s['conversations']} runs passed "
        f"({100 * s['pass_rate']:.1f} %), pass^{s['k']} {100 * s['pass_k']:.1f} % "
        f"({s['scenarios_passing_every_run']}/{s['scenarios']} scenarios), "
        f"handoff rate {100 * s['handoff_rate']:.1f} %, "
        f"{s['model_calls']['per_conversation']:.1f} model calls and "
        f"${s['cost_usd_per_conversation']:.6f} per conversation, turn latency p50 {lat['p50']} ms "
        f"p95 {lat['p95']} ms"
    )


def write_report(summary: dict[str, Any], out: Path) -> list[Path]:
    from app.evaluation.plots import cost_against_pass_rate, latency_distribution

    out.mkdir(parents=True, exist_ok=True)
    summary["plots"] = ["cost_vs_pass_rate.png", "latency.png"]
    json_path = out / "report.json"
    json_path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    md_path = out / "report.md"
    md_path.write_text(markdown(summary), encoding="utf-8")
    return [
        md_path,
        json_path,
        cost_against_pass_rate([summary], out / "cost_vs_pass_rate.png"),
        latency_distribution([summary], out / "latency.png"),
    ]


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def tier_table(s: Mapping[str, Any]) -> list[str]:
    lines = [
        "| tier | models | calls | failed | calls / conv. | tokens in | tokens out | tokens / conv. "
        "| cost (USD) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tier, t in s["model_calls"]["per_tier"].items():
        lines.append(
            f"| {tier} | {', '.join(t['models'])} | {t['calls']} | {t['failed_calls']} | "
            f"{t['calls_per_conversation']:.2f} | {t['input_tokens']} | {t['output_tokens']} | "
            f"{t['tokens_per_conversation']:.0f} | {t['cost_usd']:.6f} |"
        )
    return lines


def markdown(s: Mapping[str, Any]) -> str:
    k = s["k"]
    lat = s["turn_latency_ms"]
    curve = " · ".join(f"pass^{j} {_pct(v)}" for j, v in s["pass_hat"].items())
    lines = [
        f"# Scenario evaluation: {s['configuration']['label']}",
        "",
        f"`{s['command']}` — {s['generated_at']}, code at {s.get('source', 'unknown')}, "
        f"{s['wall_time_s']:.0f} s wall time.",
        "",
        f"{s['scenarios']} scenarios × {k} runs = {s['conversations']} conversations, each on a freshly "
        "seeded bank, judged on the replies and on the bank's final state (cards frozen, disputes opened, "
        "handoffs, complaints, actions).",
        "",
        "| figure | value |",
        "|---|---|",
        f"| pass rate (runs) | {_pct(s['pass_rate'])} ({s['passed_runs']}/{s['conversations']}) |",
        f"| pass^{k} (scenarios passing all {k} runs) | {_pct(s['pass_k'])} "
        f"({s['scenarios_passing_every_run']}/{s['scenarios']}) |",
        f"| pass^1..{k} | {curve} |",
        f"| handoff rate (conversations ending with a handoff) | {_pct(s['handoff_rate'])} |",
        f"| model calls per conversation | {s['model_calls']['per_conversation']:.2f} "
        f"({s['model_calls']['failed']} of {s['model_calls']['total']} calls failed) |",
        "| escalations per rule (calls moved up a tier, models config [escalation]) | "
        + (", ".join(f"{r} {n}" for r, n in s["model_calls"].get("escalations", {}).items()) or "none")
        + " |",
        f"| cost per conversation | ${s['cost_usd_per_conversation']:.6f} "
        f"(${s['cost_usd_per_1000_conversations']:.4f} per 1,000) |",
        f"| turn latency p50 / p95 / max | {lat['p50']} / {lat['p95']} / {lat['max']} ms "
        f"({lat['turns']} turns) |",
        "",
        "## Model calls per tier",
        "",
        *tier_table(s),
        "",
    ]
    drills = s.get("outage_drill_scenarios") or []
    if drills:
        lines += [
            f"The calls of {', '.join(f'`{d}`' for d in drills)} went to the outage drill (remote providers "
            "answering 500), whatever the configuration: they are counted above, and are the failed calls "
            "when the configuration itself never fails.",
            "",
        ]
    if s["cost_usd_total"] == 0:
        lines += [
            "Every call cost 0 by the pricing table (the local provider is free); calls and tokens are "
            "still counted as the gateway recorded them.",
            "",
        ]
    lines += ["## Model calls per step", "", "| step | tier | calls | calls / conv. |", "|---|---|---:|---:|"]
    for key, count in s["model_calls"]["per_step"].items():
        step, _, tier = key.partition("@")
        lines.append(f"| {step} | {tier} | {count} | {count / s['conversations']:.2f} |")
    lines += [
        "",
        "## By category",
        "",
        f"| category | scenarios | pass rate | pass^{k} |",
        "|---|---:|---:|---:|",
    ]
    for name, c in s["categories"].items():
        lines.append(f"| {name} | {c['scenarios']} | {_pct(c['pass_rate'])} | {_pct(c['pass_k'])} |")
    lines += ["", "## Failures by category", ""]
    failing = {n: c for n, c in s["categories"].items() if c["failed"]}
    if not failing:
        lines.append("None: every run of every scenario passed.")
    for name, c in failing.items():
        lines += [f"### {name}", ""]
        for f in c["failed"]:
            lines.append(f"- `{f['scenario']}` passed {f['passed']}/{f['of']}: {f['first_problem']}")
        lines.append("")
    lines += [
        "",
        "## Plots",
        "",
        "![cost against pass rate](cost_vs_pass_rate.png)",
        "",
        "![turn latency](latency.png)",
        "",
        "## How to read this",
        "",
        "- pass^j is τ-bench's estimate of the chance that j runs of a scenario all pass (C(c, j) / C(k, j) "
        "for c passes in k runs, averaged over scenarios); pass^1 is the pass rate. A gap between the two "
        "is inconsistency: a scenario that sometimes passes.",
        "- Turn latency is measured by the client around each customer message or confirmation, in "
        "process (ASGI, no network between client and service), on the machine that ran the command.",
        "- Scenarios whose set-up takes every provider down run on an outage drill (remote providers "
        "answering 500, no local fallback) whatever the configuration: they measure graceful degradation.",
        "- The scan of every table for a stored card number runs in the test suite "
        "(tests/scenarios), not here.",
        "",
    ]
    return "\n".join(lines)
