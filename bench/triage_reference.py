"""The issue's reference recipes in this project's cross-validation: how its test-split figures translate.

    .venv/bin/python bench/triage_reference.py    (about 15 minutes on 2 cores; needs the embeddings extra)

Issue 3 quotes figures measured on Banking77's official test split, which this project deliberately does not
have, and sets its targets in cross-validation on the training split. This script runs the issue's own
reference recipes, as the issue describes them, on the 10,003 Banking77 training rows alone (77 intents, no
support intents), in the same 5-fold stratified split the triage training uses (seed 0), so that each quoted
test figure has a cross-validated counterpart and the gap between the two is measured rather than guessed:

- TF-IDF word 1-2-grams + char 2-5-grams, linear SVM and logistic regression (issue: 91.3-91.6 % on test);
- frozen all-MiniLM-L6-v2 sentence embeddings (sentence-transformers, float32) + logistic regression
  (issue: 92.8 %);
- both feature sets in one logistic regression (issue: 94.0 %, and 98.8 % on the 80 % it is surest of).

It then runs the embeddings grade's own ensemble (`agents.triage.training`, as configured) on the same
77-intent rows, to separate what the grade scores on Banking77 from what the product's twelve extra
intents cost it.

Writes bench/out/triage_reference.json. MiniLM vectors are cached in bench/out/ between runs.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import functools  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from agents.triage import training  # noqa: E402
from agents.triage.calibration import accuracy_at_coverage, fit_temperature, softmax  # noqa: E402
from agents.triage.config import load_triage_config  # noqa: E402
from agents.triage.data import load_training_files  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
# The issue's figures on the official Banking77 test split (3,080 rows), for each recipe below.
ISSUE_TEST = {
    "tfidf_svm": 0.913,  # "91.3-91.6 %": the low end, so the gap below is the smaller one
    "tfidf_lr": 0.913,
    "minilm_lr": 0.928,
    "tfidf_minilm_lr": 0.940,
}
ISSUE_TEST_AT_80 = {"tfidf_minilm_lr": 0.988}
Matrix = Any  # a dense array or a scipy sparse matrix
Fold = tuple[NDArray[np.int64], NDArray[np.int64]]  # training rows, held-out rows


def cached_vectors(name: str, texts: list[str], compute: Callable[[], Any]) -> NDArray[np.float64]:
    """`compute()` for `texts`, kept in bench/out/ under `name` and reused while it has a row per text."""
    cache = OUT / f"triage_reference_{name}.npz"
    if cache.is_file():
        stored = np.load(cache)
        if stored["vectors"].shape[0] == len(texts):
            return np.asarray(stored["vectors"], dtype=np.float64)
    vectors = np.asarray(compute(), dtype=np.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=vectors)
    return vectors


def sentence_vectors(texts: list[str]) -> NDArray[np.float64]:
    """all-MiniLM-L6-v2 sentence embeddings as sentence-transformers gives them (float32, mean, unit norm)."""

    def compute() -> Any:
        os.environ["HF_HUB_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        from agents.triage.encoder import model_path, set_torch_threads

        set_torch_threads(os.cpu_count() or 1)
        print(f"  encoding {len(texts)} texts with sentence-transformers (float32)")
        model = SentenceTransformer(str(model_path()), device="cpu")
        return model.encode(texts, batch_size=64, normalize_embeddings=True)

    return cached_vectors("minilm", texts, compute)


def int8_vectors(texts: list[str]) -> NDArray[np.float64]:
    """The embeddings grade's own encoder output (int8 MiniLM, pooled layers 4-6), one text at a time."""

    def compute() -> Any:
        from agents.triage.encoder import load_encoder

        print(f"  encoding {len(texts)} texts with the grade's int8 encoder")
        return load_encoder(threads=1).encode([training.clip_text(text, 1000) for text in texts])

    return cached_vectors("int8", texts, compute)


def coverage_figures(confidence: NDArray[np.float64], correct: NDArray[np.bool_]) -> dict[str, float]:
    return {
        "accuracy": float(correct.mean()),
        "accuracy_at_80": accuracy_at_coverage(confidence, correct, 0.8)[0],
    }


def cross_validate(
    folds: list[Fold],
    features: Callable[[int], tuple[Matrix, Matrix]],
    make: Callable[[], Any],
    y: NDArray[np.int64],
) -> dict[str, float]:
    """Out-of-fold accuracy and accuracy on the 80 % most confident, for one recipe; `features(k)` gives the
    k-th fold's training and held-out matrices."""
    scores = np.zeros((len(y), int(y.max()) + 1))
    for number, (train, test) in enumerate(folds):
        train_x, test_x = features(number)
        scores[test] = make().fit(train_x, y[train]).decision_function(test_x)
    # Ranking by confidence needs no calibration: for the logistic regressions this is their probability.
    return coverage_figures(softmax(scores, 1.0).max(axis=1), scores.argmax(axis=1) == y)


def main() -> None:
    started_all = time.perf_counter()
    banking77 = load_training_files()[0]
    texts = [text for text, _ in banking77]
    classes = sorted({label for _, label in banking77})
    index = {name: i for i, name in enumerate(classes)}
    y = np.array([index[label] for _, label in banking77], dtype=np.int64)
    config = load_triage_config().training["embeddings"]
    # The split the grades' own training uses, so the grade's ensemble below is scored on the same folds.
    splitter = StratifiedKFold(n_splits=config.calibration_folds, shuffle=True, random_state=config.seed)
    folds: list[Fold] = list(splitter.split(np.zeros(len(y)), y))
    print(
        f"{len(texts)} Banking77 rows, {len(classes)} intents,"
        f" {config.calibration_folds}-fold stratified CV (seed {config.seed})"
    )

    @functools.cache
    def tfidf(number: int) -> tuple[Matrix, Matrix]:
        # Fitted once per fold and shared by every recipe and grid point that uses it.
        train, test = folds[number]
        vectorizer = training.build_vectorizer(config)
        train_x = vectorizer.fit_transform([texts[i] for i in train])
        return train_x, vectorizer.transform([texts[i] for i in test])

    minilm = sentence_vectors(texts)

    def embedding(number: int) -> tuple[Matrix, Matrix]:
        train, test = folds[number]
        return minilm[train], minilm[test]

    def both(scale: float) -> Callable[[int], tuple[Matrix, Matrix]]:
        def features(number: int) -> tuple[Matrix, Matrix]:
            (train_t, test_t), (train_m, test_m) = tfidf(number), embedding(number)
            return (
                sparse.hstack([train_t, sparse.csr_matrix(scale * train_m)], format="csr"),
                sparse.hstack([test_t, sparse.csr_matrix(scale * test_m)], format="csr"),
            )

        return features

    def svm(C: float) -> Callable[[], Any]:
        return lambda: LinearSVC(C=C, max_iter=5000, random_state=0)

    def logistic(C: float) -> Callable[[], Any]:
        return lambda: LogisticRegression(C=C, max_iter=3000)

    # The issue names no hyperparameters, so each recipe gets a small grid and is credited with its best
    # variant. Choosing on the folds it is scored on flatters the CV figure, so the gap is, if anything,
    # understated.
    recipes: dict[str, dict[str, tuple[Callable[[int], tuple[Matrix, Matrix]], Callable[[], Any]]]] = {
        "tfidf_svm": {f"C={C}": (tfidf, svm(C)) for C in (0.5, 1.0, 2.0)},
        "tfidf_lr": {f"C={C}": (tfidf, logistic(C)) for C in (5.0, 20.0, 50.0)},
        "minilm_lr": {f"C={C}": (embedding, logistic(C)) for C in (5.0, 20.0, 50.0)},
        "tfidf_minilm_lr": {
            f"C={C}, MiniLM x{scale}": (both(scale), logistic(C))
            for C in (5.0, 20.0, 50.0)
            for scale in (1.0, 2.0)
        },
    }
    results: dict[str, Any] = {}
    for name, variants in recipes.items():
        grid = {}
        for label, (features, make) in variants.items():
            started = time.perf_counter()
            grid[label] = cross_validate(folds, features, make, y)
            print(
                f"  {name:<16} {label:<20} CV {grid[label]['accuracy']:.4f}"
                f"  at 80 % {grid[label]['accuracy_at_80']:.4f}  ({time.perf_counter() - started:.0f} s)"
            )
        best = max(grid, key=lambda label: grid[label]["accuracy"])
        figures: dict[str, Any] = {"best": best, **grid[best], "grid": grid}
        figures["issue_test_accuracy"] = ISSUE_TEST[name]
        figures["test_minus_cv_points"] = round((ISSUE_TEST[name] - figures["accuracy"]) * 100, 2)
        if name in ISSUE_TEST_AT_80:
            figures["issue_test_accuracy_at_80"] = ISSUE_TEST_AT_80[name]
        results[name] = figures
        print(
            f"  {name:<16} best {best}: CV {figures['accuracy']:.4f}, issue's test figure"
            f" {ISSUE_TEST[name]:.3f}, gap {figures['test_minus_cv_points']:+.2f} points"
        )

    started = time.perf_counter()
    vectors = int8_vectors(texts)
    weights = training.member_weights(config, with_embeddings=True)
    oof = training.out_of_fold_scores(texts, y, vectors, config, weights, lambda _message: None)
    no_bias = np.zeros(0, dtype=np.int64)
    _, _, combined = training.calibrate_members(oof, y, weights, config, no_bias)
    grade = coverage_figures(
        softmax(combined, fit_temperature(combined, y)).max(axis=1), combined.argmax(axis=1) == y
    )
    results["embeddings_grade_77_intents"] = grade
    print(
        f"  embeddings grade, 77 intents only: CV {grade['accuracy']:.4f}"
        f"  at 80 % {grade['accuracy_at_80']:.4f}  ({time.perf_counter() - started:.0f} s)"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "triage_reference.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {OUT / 'triage_reference.json'} ({time.perf_counter() - started_all:.0f} s in all)")


if __name__ == "__main__":
    main()
