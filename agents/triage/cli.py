"""Command bodies for `bankdesk train triage` and `bankdesk eval triage` (app/cli.py wires the flags)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from agents.triage.data import CsvError, read_labelled_csv
from agents.triage.encoder import MissingEmbeddingsExtra
from agents.triage.evaluate import evaluate
from agents.triage.model import load_or_train

DEFAULT_CACHE_DIR = Path("var/models")
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _progress(message: str) -> None:
    sys.stderr.write(f"[triage] {message}\n")
    sys.stderr.flush()


def render_table(report: dict[str, Any]) -> str:
    lines = [
        f"model            {report['model']}",
        f"rows             {report['rows']}",
        f"accuracy         {report['accuracy']:.4f}",
        f"macro-F1         {report['macro_f1']:.4f}",
        f"ECE              {report['ece']:.4f}",
        f"latency p50/p95  {report['latency_ms_p50']:.2f} / {report['latency_ms_p95']:.2f} ms (single query)",
    ]
    if report.get("urgent_recall") is not None:
        lines.append(f"urgent recall    {report['urgent_recall']:.4f} ({report['urgent_rows']} urgent rows)")
    lines.append("coverage  accuracy")
    lines += [f"  {float(point):>5.0%}   {accuracy:.4f}" for point, accuracy in report["coverage"].items()]
    return "\n".join(lines) + "\n"


def eval_command(csv_path: str, *, as_json: bool, grade: str, cache_dir: Path = DEFAULT_CACHE_DIR) -> int:
    """Evaluate the cached (or freshly trained) model on a `text,category` CSV; 2 on a bad CSV."""
    try:
        rows = read_labelled_csv(Path(csv_path))
    except CsvError as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    try:
        model = load_or_train(grade=grade, cache_dir=cache_dir, progress=_progress)
    except (MissingEmbeddingsExtra, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    report = evaluate(model, rows)
    sys.stdout.write(json.dumps(report, sort_keys=True) + "\n" if as_json else render_table(report))
    return EXIT_OK


def train_command(grade: str, *, cache_dir: Path = DEFAULT_CACHE_DIR) -> int:
    """Train (or confirm the cache of) the triage model for `grade`, printing progress."""
    try:
        model = load_or_train(grade=grade, cache_dir=cache_dir, progress=_progress)
    except (MissingEmbeddingsExtra, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    cv = model.cv
    sys.stdout.write(
        f"{model.name}: cross-validated accuracy {cv['accuracy']:.4f}, "
        f"accuracy at 80% coverage {cv['coverage']['0.8']:.4f}, ECE {cv['ece']:.4f}\n"
    )
    return EXIT_OK


def static_vectors_command(data_dir: Path | None = None) -> int:
    """Rebuild the light grade's static MiniLM vectors (needs the embeddings extra)."""
    try:
        from agents.triage.distill import build_static_vectors

        build_static_vectors(data_dir, progress=_progress)
    except (MissingEmbeddingsExtra, ImportError, CsvError) as error:
        sys.stderr.write(f"error: {error}\n")
        return EXIT_USAGE
    return EXIT_OK
