"""`bankdesk eval compare A.toml B.toml`: the same scenarios under two model configurations, side by side.

Exits 1 when B's pass rate is more than --max-drop below A's (a gate for a change of model in CI), 2 on bad
input, 0 otherwise. Writes report.md, report.json, cost_vs_pass_rate.png and latency.png to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.evaluation.scenarios import headline, tier_table
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
        if not 0 <= args.max_drop <= 1:
            raise EvalInputError(f"--max-drop is a fraction between 0 and 1 (got {args.max_drop})")
        a, b = load_models(args.a), load_models(args.b)
        scenarios = select_scenarios(args.dir, args.tag)
    except EvalInputError as exc:
        sys.stderr.write(f"bankdesk eval compare: {exc}\n")
        return 2
    if a.label == b.label:  # two files of one name in different folders: tell them apart
        a, b = _relabel(a, "A"), _relabel(b, "B")
    summaries = [summarise(run_suite(scenarios, m, k=k)) for m in (a, b)]
    report = compare(summaries[0], summaries[1], max_drop=args.max_drop)
    report["command"] = (
        f"bankdesk eval compare {relative(args.a)} {relative(args.b)} --k {k}"
        + "".join(f" --tag {t}" for t in args.tag)
        + (f" --dir {relative(args.dir)}" if args.dir else "")
        + f" --max-drop {args.max_drop} --out {args.out}"
    )
    report["generated_at"] = now_utc()
    report["source"] = source_version()
    written = write_report(report, args.out)
    lines = ["A " + headline(summaries[0]), "B " + headline(summaries[1]), report["verdict"]]
    lines.append("report: " + ", ".join(str(p) for p in written))
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if report["gate_failed"] else 0


def _relabel(models: Any, tag: str) -> Any:
    import dataclasses

    return dataclasses.replace(models, label=f"{tag}: {relative(models.path)}")


def compare(a: dict[str, Any], b: dict[str, Any], *, max_drop: float) -> dict[str, Any]:
    """Both summaries, the scenarios whose outcome differs, and the gate's verdict."""
    k = a["k"]
    b_runs = {r["scenario"]: r for r in b["scenario_results"]}
    rows = []
    for ra in a["scenario_results"]:
        rb = b_runs[ra["scenario"]]
        if ra["passed"] == k and rb["passed"] < k:
            mark = "fails under B"
        elif rb["passed"] == k and ra["passed"] < k:
            mark = "fails under A"
        elif ra["passed"] != rb["passed"]:
            mark = "passes differ"
        else:
            mark = ""
        rows.append(
            {
                "scenario": ra["scenario"],
                "categories": ra["categories"],
                "a_passed": ra["passed"],
                "b_passed": rb["passed"],
                "of": k,
                "difference": mark,
                "b_first_problem": next((p for o in rb["runs"] for p in o["problems"]), "")[:300],
                "a_first_problem": next((p for o in ra["runs"] for p in o["problems"]), "")[:300],
            }
        )
    drop = a["pass_rate"] - b["pass_rate"]
    failed = drop > max_drop + 1e-12
    verdict = (
        f"B's pass rate {100 * b['pass_rate']:.1f} % is {100 * drop:.1f} points below A's "
        f"{100 * a['pass_rate']:.1f} %: more than the {100 * max_drop:.1f} allowed (exit 1)"
        if failed
        else f"B's pass rate {100 * b['pass_rate']:.1f} % against A's {100 * a['pass_rate']:.1f} %: "
        f"within the {100 * max_drop:.1f} points allowed (exit 0)"
    )
    return {
        "k": k,
        "max_drop": max_drop,
        "pass_rate_drop": round(drop, 4),
        "gate_failed": failed,
        "verdict": verdict,
        "differences": sum(bool(r["difference"]) for r in rows),
        "scenarios": rows,
        "a": a,
        "b": b,
    }


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    from app.evaluation.plots import cost_against_pass_rate, latency_distribution

    out.mkdir(parents=True, exist_ok=True)
    report["plots"] = ["cost_vs_pass_rate.png", "latency.png"]
    json_path = out / "report.json"
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    md_path = out / "report.md"
    md_path.write_text(markdown(report), encoding="utf-8")
    pair = [report["a"], report["b"]]
    return [
        md_path,
        json_path,
        cost_against_pass_rate(pair, out / "cost_vs_pass_rate.png"),
        latency_distribution(pair, out / "latency.png"),
    ]


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _figures(s: Mapping[str, Any]) -> dict[str, str]:
    lat = s["turn_latency_ms"]
    tokens = sum(t["tokens_per_conversation"] for t in s["model_calls"]["per_tier"].values())
    return {
        "pass rate": f"{_pct(s['pass_rate'])} ({s['passed_runs']}/{s['conversations']})",
        f"pass^{s['k']}": f"{_pct(s['pass_k'])} ({s['scenarios_passing_every_run']}/{s['scenarios']})",
        "handoff rate": _pct(s["handoff_rate"]),
        "model calls / conversation": f"{s['model_calls']['per_conversation']:.2f}",
        "failed model calls": str(s["model_calls"]["failed"]),
        "tokens / conversation": f"{tokens:.0f}",
        "cost / 1,000 conversations": f"${s['cost_usd_per_1000_conversations']:.4f}",
        "turn latency p50": f"{lat['p50']} ms",
        "turn latency p95": f"{lat['p95']} ms",
    }


def markdown(r: Mapping[str, Any]) -> str:
    a, b = r["a"], r["b"]
    fa, fb = _figures(a), _figures(b)
    lines = [
        "# Comparing two model configurations",
        "",
        f"`{r['command']}` — {r['generated_at']}, code at {r.get('source', 'unknown')}.",
        "",
        f"A = `{a['configuration']['label']}`, B = `{b['configuration']['label']}`; "
        f"{a['scenarios']} scenarios × {r['k']} runs each, every run on a freshly seeded bank.",
        "",
        f"**{r['verdict']}**",
        "",
        "| figure | A | B |",
        "|---|---:|---:|",
        *(f"| {name} | {fa[name]} | {fb[name]} |" for name in fa),
        "",
        "## Model calls per tier",
        "",
        "A:",
        "",
        *tier_table(a),
        "",
        "B:",
        "",
        *tier_table(b),
        "",
        f"## Scenarios ({r['differences']} differ)",
        "",
        "Runs passed out of k under each configuration; **marked** rows pass in one configuration and fail "
        "in the other.",
        "",
        "| scenario | categories | A | B | difference | first problem under B |",
        "|---|---|---:|---:|---|---|",
    ]
    for row in sorted(r["scenarios"], key=lambda x: (not x["difference"], x["scenario"])):
        name = f"**{row['scenario']}**" if row["difference"] else row["scenario"]
        mark = f"**{row['difference']}**" if row["difference"] else ""
        problem = row["b_first_problem"].replace("|", "\\|")[:160] if row["b_passed"] < row["of"] else ""
        lines.append(
            f"| {name} | {', '.join(row['categories'])} | {row['a_passed']}/{row['of']} | "
            f"{row['b_passed']}/{row['of']} | {mark} | {problem} |"
        )
    lines += [
        "",
        "## Plots",
        "",
        "![cost against pass rate](cost_vs_pass_rate.png)",
        "",
        "![turn latency](latency.png)",
        "",
    ]
    return "\n".join(lines)
