"""Triage benchmark: cross-validated accuracy, calibration, training and load time, latency; both grades.

    .venv/bin/python bench/triage_bench.py [--grades light embeddings]

Trains each grade cold in a fresh cache directory (the training run itself produces the 5-fold stratified
out-of-fold predictions), reloads it from the cache, then times single queries on one thread.
Writes bench/out/triage.json and the coverage-accuracy plot bench/out/triage_coverage.png.
"""

from __future__ import annotations

import os

# One thread everywhere, so latency is what one core delivers (set before numpy/torch load).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from agents.triage.data import DEFAULT_DATA_DIR, read_labelled_csv  # noqa: E402
from agents.triage.evaluate import evaluate, single_query_latency_ms  # noqa: E402
from agents.triage.model import load_or_train  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
LATENCY_QUERIES = 300


def bench_grade(grade: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"triage-bench-{grade}-") as folder:
        cache_dir = Path(folder)
        started = time.perf_counter()
        load_or_train(grade=grade, cache_dir=cache_dir, progress=lambda m: print(f"  [{grade}] {m}"))
        train_seconds = time.perf_counter() - started
        started = time.perf_counter()
        model = load_or_train(grade=grade, cache_dir=cache_dir, progress=lambda m: print(f"  [{grade}] {m}"))
        load_seconds = time.perf_counter() - started
    rows = read_labelled_csv(DEFAULT_DATA_DIR / "banking77" / "train.csv")
    rng = np.random.default_rng(0)
    sample = [rows[i][0] for i in rng.choice(len(rows), LATENCY_QUERIES, replace=False)]
    latency = single_query_latency_ms(model, sample, sample=LATENCY_QUERIES)
    # Held-out phrasings, never trained on: the support intents, and urgent messages by another author.
    support = evaluate(model, read_labelled_csv(DEFAULT_DATA_DIR / "triage" / "extra_heldout.csv"))
    urgent = evaluate(model, read_labelled_csv(DEFAULT_DATA_DIR / "triage" / "urgent_heldout.csv"))
    cv = model.cv
    return {
        "model": model.name,
        "cv_rows": cv["rows"],
        "cv_folds": cv["folds"],
        "cv_accuracy_all_intents": cv["accuracy"],
        "cv_ece_all_intents": cv["ece"],
        "cv_accuracy_banking77": cv["banking77"]["accuracy"],
        "cv_ece_banking77": cv["banking77"]["ece"],
        "cv_coverage_banking77": cv["banking77"]["coverage"],
        "cv_coverage_all_intents": cv["coverage"],
        "threshold_at_coverage_all_intents": cv["threshold_at_coverage"],
        "curve": cv["curve"],
        "train_seconds_cold": train_seconds,
        "load_seconds_cached": load_seconds,
        "latency_ms_p50": float(np.percentile(latency, 50)),
        "latency_ms_p95": float(np.percentile(latency, 95)),
        "heldout_support_accuracy": support["accuracy"],
        "heldout_urgent_accuracy": urgent["accuracy"],
        "heldout_urgent_recall": urgent["urgent_recall"],
    }


def plot(results: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for grade, result in results.items():
        curve = np.array(result["curve"])
        axes.plot(curve[:, 0] * 100, curve[:, 1] * 100, label=f"{grade} ({result['model']})")
    axes.axvline(80, color="grey", linestyle=":", linewidth=1)
    axes.set_xlabel("coverage: share of queries answered, most confident first (%)")
    axes.set_ylabel("accuracy on the answered share (%)")
    axes.set_title("Triage: 5-fold CV accuracy vs coverage (Banking77 + support intents)", fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def table(results: dict[str, dict[str, Any]]) -> str:
    head = (
        f"{'grade':<11}{'CV acc B77':>11}{'CV acc all':>11}{'acc@80% B77':>12}{'ECE all':>9}"
        f"{'train s':>9}{'load s':>8}{'p50 ms':>8}{'p95 ms':>8}{'thr@80%':>9}{'support':>9}{'urgent':>8}"
    )
    lines = [head, "-" * len(head)]
    for grade, r in results.items():
        lines.append(
            f"{grade:<11}{r['cv_accuracy_banking77']:>11.4f}{r['cv_accuracy_all_intents']:>11.4f}"
            f"{r['cv_coverage_banking77']['0.8']:>12.4f}{r['cv_ece_all_intents']:>9.4f}"
            f"{r['train_seconds_cold']:>9.1f}{r['load_seconds_cached']:>8.2f}"
            f"{r['latency_ms_p50']:>8.2f}{r['latency_ms_p95']:>8.2f}"
            f"{r['threshold_at_coverage_all_intents']['0.8']:>9.3f}"
            f"{r.get('heldout_support_accuracy', float('nan')):>9.3f}"
            f"{r.get('heldout_urgent_recall', float('nan')):>8.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    grades = ["light", "embeddings"]
    parser.add_argument("--grades", nargs="+", default=grades, choices=grades)
    args = parser.parse_args()
    results = {grade: bench_grade(grade) for grade in args.grades}
    OUT.mkdir(parents=True, exist_ok=True)
    previous = OUT / "triage.json"
    if previous.is_file():
        # A run of one grade keeps the other grade's last figures, so the plot and table show both.
        earlier = json.loads(previous.read_text(encoding="utf-8"))["results"]
        results = {
            grade: results.get(grade) or earlier[grade]
            for grade in grades
            if grade in results or grade in earlier
        }
    payload = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "threads": 1},
        "results": results,
    }
    (OUT / "triage.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    plot(results, OUT / "triage_coverage.png")
    print(table(results))
    print(f"wrote {OUT / 'triage.json'} and {OUT / 'triage_coverage.png'}")


if __name__ == "__main__":
    main()
