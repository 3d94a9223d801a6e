"""Temperature scaling, expected calibration error and the coverage curve."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize, minimize_scalar
from sklearn.model_selection import StratifiedKFold

FloatArray = NDArray[np.float64]
COVERAGE_POINTS: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9, 1.0)


def softmax(scores: FloatArray, temperature: float = 1.0) -> FloatArray:
    scaled = scores / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    result: FloatArray = exp / exp.sum(axis=1, keepdims=True)
    return result


def fit_temperature(scores: FloatArray, label_index: NDArray[np.int64]) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold scores (Guo et al. 2017)."""

    def nll(log_t: float) -> float:
        probs = softmax(scores, float(np.exp(log_t)))
        picked = probs[np.arange(len(label_index)), label_index]
        return float(-np.log(np.clip(picked, 1e-12, None)).mean())

    found = minimize_scalar(nll, bounds=(-6.0, 6.0), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(found.x))


def fit_class_bias(
    scores: FloatArray, label_index: NDArray[np.int64], classes: NDArray[np.int64]
) -> FloatArray:
    """Additive biases for `classes` (zero elsewhere) minimising the negative log-likelihood of `scores`.

    An ensemble with nearest-neighbour members under-scores small, diverse intents (a few dozen varied
    phrasings of "thanks" or "I need a person") next to Banking77's dense ones; a bias per such intent,
    fitted on out-of-fold scores, puts them back.
    """
    n_classes = scores.shape[1]
    counts = np.bincount(label_index, minlength=n_classes)[classes]
    rows = np.arange(len(label_index))

    def nll(free: FloatArray) -> tuple[float, FloatArray]:
        bias = np.zeros(n_classes)
        bias[classes] = free
        shifted = scores + bias
        shifted = shifted - shifted.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        gradient = np.exp(log_probs[:, classes]).sum(axis=0) - counts
        return float(-log_probs[rows, label_index].sum()), gradient

    result = np.zeros(n_classes)
    if len(classes):
        result[classes] = minimize(nll, np.zeros(len(classes)), jac=True, method="L-BFGS-B").x
    return result


def cross_fitted_class_bias(
    scores: FloatArray, label_index: NDArray[np.int64], classes: NDArray[np.int64], *, folds: int, seed: int
) -> tuple[FloatArray, FloatArray]:
    """The bias fitted on all rows, and `scores` with each row shifted by a bias fitted without it.

    The second is what the cross-validated figures are computed from, so they do not credit the bias with
    rows it was fitted on.
    """
    shifted = np.array(scores, dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed + 1)
    for fit_rows, held_out in splitter.split(np.zeros(len(label_index)), label_index):
        shifted[held_out] += fit_class_bias(scores[fit_rows], label_index[fit_rows], classes)[None, :]
    return fit_class_bias(scores, label_index, classes), shifted


def expected_calibration_error(confidence: FloatArray, correct: NDArray[np.bool_], bins: int = 15) -> float:
    """Equal-width-bin ECE over the top-class confidence."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(float(correct[mask].mean()) - float(confidence[mask].mean()))
    return float(total)


def accuracy_at_coverage(
    confidence: FloatArray, correct: NDArray[np.bool_], coverage: float
) -> tuple[float, float]:
    """Accuracy on the `coverage` share of rows with the highest confidence, and the confidence cut-off.

    Ties are broken by row order (stable sort) so the figure is reproducible.
    """
    if len(confidence) == 0:
        return 0.0, 1.0
    keep = max(1, int(round(coverage * len(confidence))))
    order = np.argsort(-confidence, kind="stable")[:keep]
    return float(correct[order].mean()), float(confidence[order[-1]])


def coverage_curve(
    confidence: FloatArray, correct: NDArray[np.bool_], points: int = 101
) -> list[tuple[float, float, float]]:
    """(coverage, accuracy, threshold) from 1 % to 100 % coverage, for plots and threshold choice."""
    return [
        (float(c), *accuracy_at_coverage(confidence, correct, float(c)))
        for c in np.linspace(0.01, 1.0, points - 1)
    ]
