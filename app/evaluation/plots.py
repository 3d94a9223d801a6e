"""The PNG plots of the evaluation reports (matplotlib, drawn off-screen)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app.evaluation.suite import latencies_of


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    return plt


def cost_against_pass_rate(summaries: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """One point per configuration: cost per 1,000 conversations against pass rate (and pass^k)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
    for index, s in enumerate(summaries):
        colour = f"C{index}"
        cost = s["cost_usd_per_1000_conversations"]
        label = s["configuration"]["label"]
        ax.scatter([cost], [100 * s["pass_rate"]], color=colour, s=60, label=f"{label}: pass rate")
        ax.scatter(
            [cost],
            [100 * s["pass_k"]],
            facecolors="none",
            edgecolors=colour,
            s=60,
            label=f"{label}: pass^{s['k']}",
        )
        ax.annotate(
            label, (cost, 100 * s["pass_rate"]), textcoords="offset points", xytext=(6, 4), fontsize=8
        )
    ax.set_xlabel("cost per 1,000 conversations (USD, from the pricing table)")
    ax.set_ylabel("scenarios passed (%)")
    ax.set_ylim(0, 105)
    costs = [s["cost_usd_per_1000_conversations"] for s in summaries]
    if max(costs) == 0:
        ax.set_xlim(-0.05, 1)
        note = "every model call cost 0 by the pricing table"
        ax.text(0.02, 0.03, note, transform=ax.transAxes, fontsize=8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Cost against pass rate per configuration", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def latency_distribution(summaries: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Histogram of customer-turn latency per configuration, p50 and p95 marked."""
    import numpy as np

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=100)
    series = [(s, latencies_of(s)) for s in summaries]
    values = [ms for _, lat in series for ms in lat]
    if values:
        low, high = max(min(values), 1.0), max(max(values), 2.0)
        bins = np.logspace(np.log10(low), np.log10(high * 1.01), 40)
        for index, (s, lat) in enumerate(series):
            colour = f"C{index}"
            label = s["configuration"]["label"]
            ax.hist(lat, bins=bins, alpha=0.5, color=colour, label=label)
            for q, style in (("p50", "-"), ("p95", "--")):
                mark = s["turn_latency_ms"][q]
                if mark is not None:
                    ax.axvline(
                        mark, color=colour, linestyle=style, linewidth=1, label=f"{label} {q} {mark:.0f} ms"
                    )
        ax.set_xscale("log")
    ax.set_xlabel("customer turn latency (ms, log scale)")
    ax.set_ylabel("turns")
    ax.legend(fontsize=7, loc="upper left", framealpha=0.6)
    ax.set_title("Customer turn latency", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
