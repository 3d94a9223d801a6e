"""`bankdesk eval traffic`: the A/B view of real traffic, per model-configuration variant.

A conversation's variant is assigned once, when it is created (``agents.models.variants``, sticky), and
stored on ``conversation.variant`` (also in its ``conversation.created`` audit event and on every
``model_call`` row). Per variant: conversations, resolution without handoff (the agent replied and no
handoff was opened), handoff and complaint rates, model cost per conversation, and turn latency p50/p95
(from the customer's message being admitted to the reply being stored).

Each variant is compared with the control (``control``, else ``default``, else the first by name):
- rates: difference with a 95 % bootstrap interval, and Fisher's exact test (two-sided);
- cost per conversation and turn latency: difference of means (cost) or medians (latency) with a 95 %
  bootstrap interval, and the Mann-Whitney U test (two-sided). Turns of one conversation are not
  independent, so the latency test is optimistic; the conversation-level figures are the ones to decide on.
Below ``MIN_CONVERSATIONS`` per arm the comparison is marked too small to decide on.
Read-only: the database is only read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats
from sqlalchemy import select

from app.config import Settings, get_settings
from app.db import create_engine, create_sessionmaker
from app.evaluation.stored import Window, WindowError, conversations_in, load_conversation, parse_window
from app.models import Complaint, Handoff

MIN_CONVERSATIONS = 30
CONFIDENCE = 0.95
RESAMPLES = 2000
CONTROL_NAMES = ("control", "default", "base")


@dataclass
class ConversationFacts:
    variant: str
    turns: int
    replied: bool
    handoff: bool
    complaint: bool
    cost_usd_micros: int
    latencies_ms: list[float]

    @property
    def resolved(self) -> bool:
        return self.replied and not self.handoff


@dataclass
class VariantStats:
    name: str
    conversations: int
    turns: int
    resolved_rate: float
    handoff_rate: float
    complaint_rate: float
    cost_per_conversation_usd: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None


@dataclass
class Difference:
    metric: str
    variant: str
    control: str
    value: float | None  # variant minus control
    ci_low: float | None  # None: an arm has fewer than two observations, no interval
    ci_high: float | None
    test: str
    p_value: float | None
    too_small: bool
    note: str = ""

    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 1 - CONFIDENCE and not self.too_small


@dataclass
class TrafficReport:
    window: str
    control: str | None
    variants: list[VariantStats]
    differences: list[Difference] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "command": "bankdesk eval traffic",
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "window": self.window,
            "control": self.control,
            "min_conversations_per_arm": MIN_CONVERSATIONS,
            "confidence": CONFIDENCE,
            "variants": [v.__dict__ for v in self.variants],
            "differences": [d.__dict__ | {"significant": d.significant()} for d in self.differences],
        }


# --- reading ----------------------------------------------------------------------------------------


async def read_traffic(settings: Settings, window: Window) -> list[ConversationFacts]:
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await conversations_in(session, window)
            ids = [r.id for r in rows]
            handed = (
                set((await session.scalars(select(Handoff.conversation_id).distinct())).all())
                if ids
                else set()
            )
            complained = (
                set((await session.scalars(select(Complaint.conversation_id).distinct())).all())
                if ids
                else set()
            )
            facts: list[ConversationFacts] = []
            for row in rows:
                stored = await load_conversation(session, row)
                answered = [t for t in stored.turns if not t.silent]
                latencies = [
                    (t.reply_at - t.at).total_seconds() * 1000 for t in answered if t.reply_at is not None
                ]
                facts.append(
                    ConversationFacts(
                        variant=row.variant,
                        turns=len(answered),
                        replied=any(t.reply for t in answered),
                        handoff=row.id in handed,
                        complaint=row.id in complained,
                        cost_usd_micros=row.cost_usd_micros,
                        latencies_ms=latencies,
                    )
                )
            await session.rollback()
    finally:
        await engine.dispose()
    return facts


# --- statistics ---------------------------------------------------------------------------------------


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def summarise(name: str, facts: Sequence[ConversationFacts]) -> VariantStats:
    n = len(facts)
    latencies = [ms for f in facts for ms in f.latencies_ms]
    return VariantStats(
        name=name,
        conversations=n,
        turns=sum(f.turns for f in facts),
        resolved_rate=sum(f.resolved for f in facts) / n,
        handoff_rate=sum(f.handoff for f in facts) / n,
        complaint_rate=sum(f.complaint for f in facts) / n,
        cost_per_conversation_usd=sum(f.cost_usd_micros for f in facts) / n / 1e6,
        latency_p50_ms=_percentile(latencies, 50),
        latency_p95_ms=_percentile(latencies, 95),
    )


def _bootstrap(
    a: Sequence[float], b: Sequence[float], statistic: Callable[[Any], Any]
) -> tuple[float, float | None, float | None]:
    """``statistic(a) - statistic(b)`` and its percentile bootstrap interval (fixed seed: reproducible)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    value = float(statistic(x) - statistic(y))
    if len(x) < 2 or len(y) < 2:
        return value, None, None
    if np.ptp(x) == 0 and np.ptp(y) == 0:  # nothing varies: the difference is exact
        return value, value, value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a near-degenerate resample distribution is reported as it is
        result = stats.bootstrap(
            (x, y),
            lambda s, t, axis: statistic(s, axis=axis) - statistic(t, axis=axis),  # type: ignore[call-arg]
            n_resamples=RESAMPLES,
            confidence_level=CONFIDENCE,
            method="percentile",
            vectorized=True,
            rng=np.random.default_rng(15),
        )
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    return value, low, high


def _finite(p: float) -> float | None:
    return None if math.isnan(p) else float(p)


def compare_rate(
    metric: str, variant: str, control: str, a: Sequence[bool], b: Sequence[bool], too_small: bool
) -> Difference:
    value, low, high = _bootstrap([float(x) for x in a], [float(x) for x in b], np.mean)
    table = [[sum(a), len(a) - sum(a)], [sum(b), len(b) - sum(b)]]
    p = float(stats.fisher_exact(table).pvalue)
    return Difference(metric, variant, control, value, low, high, "fisher_exact", _finite(p), too_small)


def compare_values(
    metric: str,
    variant: str,
    control: str,
    a: Sequence[float],
    b: Sequence[float],
    too_small: bool,
    *,
    statistic: Callable[[Any], Any],
    note: str = "",
) -> Difference:
    if not a or not b:
        return Difference(metric, variant, control, None, None, None, "mann_whitney_u", None, True, "no data")
    value, low, high = _bootstrap(a, b, statistic)
    if np.ptp(np.concatenate([a, b])) == 0:
        p: float | None = 1.0  # every value equal: no difference to test
    else:
        p = _finite(float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue))
    return Difference(metric, variant, control, value, low, high, "mann_whitney_u", p, too_small, note)


def choose_control(names: Sequence[str]) -> str | None:
    for name in CONTROL_NAMES:
        if name in names:
            return name
    return sorted(names)[0] if names else None


def analyse(facts: Sequence[ConversationFacts], window: Window, control: str | None = None) -> TrafficReport:
    by_variant: dict[str, list[ConversationFacts]] = {}
    for f in facts:
        by_variant.setdefault(f.variant, []).append(f)
    names = sorted(by_variant)
    control = control or choose_control(names)
    if control is not None and control not in by_variant:
        raise WindowError(f"--control {control!r}: no conversation of that variant in the window")
    report = TrafficReport(window.label(), control, [summarise(n, by_variant[n]) for n in names])
    if control is None:
        return report
    base = by_variant[control]
    for name in names:
        if name == control:
            continue
        arm = by_variant[name]
        small = min(len(arm), len(base)) < MIN_CONVERSATIONS
        rates: list[tuple[str, Callable[[ConversationFacts], bool]]] = [
            ("resolved_without_handoff", lambda f: f.resolved),
            ("handoff_rate", lambda f: f.handoff),
            ("complaint_rate", lambda f: f.complaint),
        ]
        for metric, pick in rates:
            report.differences.append(
                compare_rate(metric, name, control, [pick(f) for f in arm], [pick(f) for f in base], small)
            )
        report.differences.append(
            compare_values(
                "cost_per_conversation_usd",
                name,
                control,
                [f.cost_usd_micros / 1e6 for f in arm],
                [f.cost_usd_micros / 1e6 for f in base],
                small,
                statistic=np.mean,
                note="difference of means",
            )
        )
        report.differences.append(
            compare_values(
                "turn_latency_p50_ms",
                name,
                control,
                [ms for f in arm for ms in f.latencies_ms],
                [ms for f in base for ms in f.latencies_ms],
                small,
                statistic=np.median,
                note="difference of medians; turns of a conversation are not independent",
            )
        )
    return report


# --- output ---------------------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def _verdict(d: Difference) -> str:
    if d.p_value is None:
        return "no test (no data)"
    if d.too_small:
        return "sample too small to decide"
    return "significant" if d.significant() else "not significant"


def render_markdown(report: TrafficReport, *, plot: str | None = None) -> str:
    lines = [
        "# Real traffic per model variant",
        "",
        f"- Window: {report.window}",
        f"- Control: `{report.control}`" if report.control else "- No conversations in the window.",
        f"- A comparison needs at least {MIN_CONVERSATIONS} conversations in each arm; intervals are "
        f"{int(CONFIDENCE * 100)} % percentile bootstrap ({RESAMPLES} resamples); rates are tested with "
        "Fisher's exact test, cost and latency with Mann-Whitney U.",
        "",
        "| variant | conversations | turns | resolved without handoff | handoff rate | complaint rate | "
        "cost / conversation (US$) | latency p50 (ms) | latency p95 (ms) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for v in report.variants:
        lines.append(
            f"| {v.name} | {v.conversations} | {v.turns} | {v.resolved_rate:.1%} | {v.handoff_rate:.1%} | "
            f"{v.complaint_rate:.1%} | {v.cost_per_conversation_usd:.6f} | {_fmt(v.latency_p50_ms, 0)} | "
            f"{_fmt(v.latency_p95_ms, 0)} |"
        )
    if report.differences:
        lines += [
            "",
            "## Differences against the control",
            "",
            "| variant | metric | difference | 95 % interval | test | p | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        for d in report.differences:
            lines.append(
                f"| {d.variant} | {d.metric} | {_fmt(d.value, 4)} "
                f"| [{_fmt(d.ci_low, 4)}, {_fmt(d.ci_high, 4)}] | {d.test} "
                f"| {_fmt(d.p_value, 4)} | {_verdict(d)} |"
            )
    small = sorted({d.variant for d in report.differences if d.too_small})
    if small:
        lines += [
            "",
            f"**Sample too small** for {', '.join(small)} (or the control): fewer than {MIN_CONVERSATIONS} "
            "conversations in an arm. Differences are shown but are not evidence either way.",
        ]
    if plot:
        lines += ["", f"![rates and latency per variant]({plot})"]
    return "\n".join(lines) + "\n"


def write_plot(report: TrafficReport, facts: Sequence[ConversationFacts], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib comes with the dev install
        return False
    names = [v.name for v in report.variants]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    width = 0.8 / 3
    for i, (label, attr) in enumerate(
        (("resolved", "resolved_rate"), ("handoff", "handoff_rate"), ("complaint", "complaint_rate"))
    ):
        xs = [j + i * width for j in range(len(names))]
        left.bar(xs, [getattr(v, attr) for v in report.variants], width, label=label)
    left.set_xticks([j + width for j in range(len(names))], names)
    left.set_ylim(0, 1)
    left.set_title("rates per conversation")
    left.legend()
    right.boxplot(
        [[ms for f in facts if f.variant == n for ms in f.latencies_ms] or [0.0] for n in names],
        tick_labels=names,
    )
    right.set_title("turn latency (ms)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return True


def print_table(report: TrafficReport) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover
        sys.stdout.write(render_markdown(report))
        return
    console = Console()
    if not console.is_terminal:  # a file or a pipe: wide enough for the table
        console = Console(width=160)
    table = Table(title=f"Traffic per variant ({report.window}); control: {report.control}")
    for column in (
        "variant",
        "conv.",
        "turns",
        "resolved",
        "handoff",
        "complaint",
        "US$/conv.",
        "p50 ms",
        "p95 ms",
    ):
        table.add_column(column)
    for v in report.variants:
        table.add_row(
            v.name,
            str(v.conversations),
            str(v.turns),
            f"{v.resolved_rate:.1%}",
            f"{v.handoff_rate:.1%}",
            f"{v.complaint_rate:.1%}",
            f"{v.cost_per_conversation_usd:.6f}",
            _fmt(v.latency_p50_ms, 0),
            _fmt(v.latency_p95_ms, 0),
        )
    console.print(table)
    if report.differences:
        diff = Table(title="Differences against the control (95 % bootstrap interval)")
        for column in ("variant", "metric", "difference", "interval", "test", "p", "verdict"):
            diff.add_column(column)
        for d in report.differences:
            diff.add_row(
                d.variant,
                d.metric,
                _fmt(d.value, 4),
                f"[{_fmt(d.ci_low, 4)}, {_fmt(d.ci_high, 4)}]",
                d.test,
                _fmt(d.p_value, 4),
                _verdict(d),
            )
        console.print(diff)


def command(args: argparse.Namespace) -> int:
    """`bankdesk eval traffic --since DATE [--until DATE] [--out DIR]`."""
    try:
        window = parse_window(args.since, args.until)
        facts = asyncio.run(read_traffic(get_settings(), window))
        report = analyse(facts, window, getattr(args, "control", None))
    except WindowError as exc:
        sys.stderr.write(f"bankdesk eval traffic: {exc}\n")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot = "traffic.png" if report.variants and write_plot(report, facts, out / "traffic.png") else None
    print_table(report)
    (out / "report.json").write_text(json.dumps(report.as_json(), indent=2) + "\n")
    (out / "report.md").write_text(render_markdown(report, plot=plot))
    sys.stdout.write(f"report: {out / 'report.md'}, {out / 'report.json'}\n")
    return 0
