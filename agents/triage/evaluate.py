"""Evaluating a triage model on labelled rows: accuracy, macro-F1, coverage curve, ECE and latency."""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np
from sklearn.metrics import f1_score

from agents.triage.calibration import COVERAGE_POINTS, accuracy_at_coverage, expected_calibration_error
from agents.triage.model import TriageResult
from agents.triage.routes import route_for

LATENCY_SAMPLE = 200


class Predictor(Protocol):
    name: str

    def predict(self, text: str) -> TriageResult: ...

    def predict_batch(self, texts: list[str]) -> list[TriageResult]: ...


def single_query_latency_ms(model: Predictor, texts: list[str], sample: int = LATENCY_SAMPLE) -> list[float]:
    """Wall time of `predict` one text at a time (what a live turn pays), over the first `sample` texts."""
    chosen = texts[:sample]
    if chosen:
        model.predict(chosen[0])  # warm caches so the first call's allocations are not counted
    timings = []
    for text in chosen:
        started = time.perf_counter()
        model.predict(text)
        timings.append((time.perf_counter() - started) * 1000.0)
    return timings


def evaluate(model: Predictor, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """Metrics over `rows` of (text, expected intent); coverage maps "0.5".."1.0" to accuracy there."""
    if not rows:
        raise ValueError("nothing to evaluate: no rows")
    texts = [text for text, _ in rows]
    expected = [label for _, label in rows]
    results = model.predict_batch(texts)
    predicted = [result.intent for result in results]
    confidence = np.array([result.confidence for result in results], dtype=np.float64)
    correct = np.array([p == e for p, e in zip(predicted, expected, strict=True)], dtype=np.bool_)
    latency = single_query_latency_ms(model, texts)
    return {
        "model": model.name,
        "rows": len(rows),
        "accuracy": float(correct.mean()),
        # Averaged over the intents the file contains, so a file covering a few intents is not dragged
        # down by zero scores for intents it never asks about (wrong predictions still cost recall).
        "macro_f1": float(
            f1_score(expected, predicted, labels=sorted(set(expected)), average="macro", zero_division=0)
        ),
        "coverage": {
            f"{point:.1f}": accuracy_at_coverage(confidence, correct, point)[0] for point in COVERAGE_POINTS
        },
        "ece": expected_calibration_error(confidence, correct),
        "latency_ms_p50": float(np.percentile(latency, 50)),
        "latency_ms_p95": float(np.percentile(latency, 95)),
        **urgency_figures(expected, results),
    }


def urgency_figures(expected: list[str], results: list[TriageResult]) -> dict[str, Any]:
    """How the urgent rows fared: the share predicted as some urgent intent, whichever one.

    An urgent message (lost or stolen card, unrecognised payment, vulnerability ...) read as another urgent
    intent still gets urgent handling; read as a non-urgent one it does not. `urgent_recall` is None when
    the file has no urgent rows.
    """
    urgent = [result for label, result in zip(expected, results, strict=True) if route_for(label).urgent]
    return {
        "urgent_rows": len(urgent),
        "urgent_recall": sum(result.urgent for result in urgent) / len(urgent) if urgent else None,
    }
