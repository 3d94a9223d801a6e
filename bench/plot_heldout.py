"""Plot the held-out scenario sets' first-run pass rates against their later figures.

Reads ``bench/data/heldout_history.csv`` (one row per held-out set, built from the figures
stated in ``bench/README.md``; columns: set, conversations, first_run_passed, first_run_rate,
later_passed, read, source_line) and writes ``bench/out/heldout_history.png``.

What the chart shows:

- a bar per set: the first-run pass rate, measured before anyone read the set (the honest
  generalisation figure);
- a marker per set with a later figure (``later_passed / conversations``): filled when the set
  was then read for tuning (an optimistic figure), half-filled when it was partly read, hollow
  when it was never read (a re-run on an unseen set);
- a horizontal line at the 90 % goal for unseen conversations;
- a dashed line at the median first-run rate.

Sets whose first-run figure is empty in the CSV get no bar. Run from the repository root::

    python -m bench.plot_heldout [--csv PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent
DEFAULT_CSV = ROOT / "data" / "heldout_history.csv"
DEFAULT_OUT = ROOT / "out" / "heldout_history.png"
GOAL = 0.90
TITLE = "Held-out scenario sets: first run (unseen) vs after reading"


def load(path: Path) -> list[dict]:
    """Return the CSV's rows with numbers parsed (None where a cell is empty)."""
    rows = []
    with path.open(newline="") as f:
        for raw in csv.DictReader(f):
            n = int(raw["conversations"])
            first = float(raw["first_run_rate"]) if raw["first_run_rate"] else None
            later = int(raw["later_passed"]) / n if raw["later_passed"] else None
            rows.append({"set": int(raw["set"]), "first": first, "later": later, "read": raw["read"]})
    return sorted(rows, key=lambda r: r["set"])


def plot(rows: list[dict], out: Path) -> float:
    """Draw the chart into ``out``; return the median first-run rate."""
    firsts = [r["first"] for r in rows if r["first"] is not None]
    median = statistics.median(firsts)

    fig, ax = plt.subplots(figsize=(13, 5.5))
    with_first = [r for r in rows if r["first"] is not None]
    ax.bar(
        [r["set"] for r in with_first],
        [r["first"] * 100 for r in with_first],
        color="#7a9cc6",
        width=0.7,
        label="first run, before anyone read the set",
    )

    styles = {
        "yes": dict(
            marker="D", color="#c0392b", fillstyle="full", label="later, after reading the set (optimistic)"
        ),
        "partly": dict(marker="D", color="#c0392b", fillstyle="left", label="later, set partly read"),
        "no": dict(marker="D", color="#c0392b", fillstyle="none", label="later, set never read"),
    }
    for read, style in styles.items():
        pts = [r for r in rows if r["later"] is not None and r["read"] == read]
        if pts:
            ax.plot(
                [r["set"] for r in pts],
                [r["later"] * 100 for r in pts],
                linestyle="none",
                markersize=7,
                markeredgewidth=1.3,
                **style,
            )

    ax.axhline(GOAL * 100, color="#27ae60", linewidth=1.5, label=f"goal on unseen conversations ({GOAL:.0%})")
    ax.axhline(
        median * 100, color="#34495e", linestyle="--", linewidth=1.3, label=f"median first run ({median:.1%})"
    )

    ax.set_xticks([r["set"] for r in rows])
    ax.set_xlim(rows[0]["set"] - 0.7, rows[-1]["set"] + 0.7)
    ax.set_ylim(0, 104)  # headroom so 100 % markers are not clipped
    ax.set_yticks(range(0, 101, 10))
    ax.set_xlabel("held-out set")
    ax.set_ylabel("conversations passed (%)")
    ax.set_title(TITLE)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=9, frameon=False)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    rows = load(args.csv)
    median = plot(rows, args.out)
    missing = [r["set"] for r in rows if r["first"] is None]
    print(f"wrote {args.out} ({len(rows)} sets, median first run {median:.1%})")
    if missing:
        print(f"no first-run figure for sets: {missing}")


if __name__ == "__main__":
    main()
