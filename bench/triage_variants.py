"""Embeddings-grade variants that were measured and not adopted: the evidence behind the README's account.

    .venv/bin/python bench/triage_variants.py        (about 15 minutes on 2 cores; needs the embeddings extra)

Every figure is the out-of-fold accuracy on the Banking77 rows of the embeddings grade's ensemble, computed as
training computes it (`agents.triage.training.calibrate_members`: per-member temperatures, and the
support-intent bias where the configuration asks for it), with one
thing changed at a time:

- the encoder: the int8 MiniLM the grade uses, or the float32 one (and its per-query encoder time);
- the cross-validation: 5 folds split with seeds 0, 1 and 2 (how much the figure moves with the split alone),
  and 10 folds (each model trained on 90 % rather than 80 % of the rows);
- the MiniLM member: the linear SVM the grade uses, a Crammer-Singer multi-class SVM, or a multinomial
  logistic regression;
- a fourth member: late interaction (ColBERT's MaxSim) over MiniLM's token vectors, which compares a message
  word by word with its 64 nearest training messages instead of through one pooled vector.

Writes bench/out/triage_variants.json. Sentence vectors are cached in bench/out/ between runs.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import dataclasses  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from agents.triage import training  # noqa: E402
from agents.triage.config import TrainingConfig, load_triage_config  # noqa: E402
from agents.triage.data import load_training_files  # noqa: E402
from agents.triage.routes import EXTRA_INTENTS  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TIMED_QUERIES = 300
Scores = dict[str, NDArray[np.float64]]  # member name -> out-of-fold scores


def encode(texts: list[str], precision: str) -> tuple[NDArray[np.float64], float]:
    """Sentence vectors for `texts` (cached on disk) and the encoder's p50 single-query time in ms."""
    from agents.triage.encoder import MiniLMEncoder, load_encoder, model_path, set_torch_threads

    cache = OUT / f"triage_variants_{precision}.npz"
    if precision == "int8":
        encoder = load_encoder(threads=1)
    else:
        from transformers import AutoModel, AutoTokenizer

        set_torch_threads(1)
        path = str(model_path())
        encoder = MiniLMEncoder(
            AutoTokenizer.from_pretrained(path, local_files_only=True),
            AutoModel.from_pretrained(path, local_files_only=True).eval(),
        )
    timings = []
    for text in texts[:TIMED_QUERIES]:
        started = time.perf_counter()
        encoder.encode([text])
        timings.append((time.perf_counter() - started) * 1000.0)
    if cache.is_file():
        stored = np.load(cache)
        if stored["vectors"].shape[0] == len(texts):
            return stored["vectors"], float(np.median(timings))
    print(f"  encoding {len(texts)} texts with the {precision} MiniLM")
    vectors = encoder.encode([training.clip_text(text, 1000) for text in texts])
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=vectors)
    return vectors, float(np.median(timings))


def banking77_accuracy(scores: NDArray[np.float64], y: NDArray[np.int64], banking77_rows: int) -> float:
    """Accuracy of `scores`' top class on the Banking77 rows (they come first)."""
    return float((scores.argmax(axis=1)[:banking77_rows] == y[:banking77_rows]).mean())


def ensemble_accuracy(
    oof: Scores,
    y: NDArray[np.int64],
    config: TrainingConfig,
    biased: NDArray[np.int64],
    banking77_rows: int,
    weights: dict[str, float] | None = None,
) -> float:
    """The ensemble's Banking77 accuracy, calibrated as training calibrates (default weights: the grade's)."""
    if weights is None:
        weights = training.member_weights(config, with_embeddings=True)
    _, _, combined = training.calibrate_members(oof, y, weights, config, biased)
    return banking77_accuracy(combined, y, banking77_rows)


def main() -> None:
    files = load_training_files()
    rows = [row for file_rows in files for row in file_rows]
    texts = [text for text, _ in rows]
    classes = sorted({label for _, label in rows})
    index = {name: i for i, name in enumerate(classes)}
    y = np.array([index[label] for _, label in rows], dtype=np.int64)
    biased = np.array([index[name] for name in sorted(EXTRA_INTENTS) if name in index], dtype=np.int64)
    base = load_triage_config().training["embeddings"]
    banking77_rows = len(files[0])
    results: dict[str, Any] = {}

    def run(name: str, vectors: NDArray[np.float64], config: TrainingConfig) -> Scores:
        started = time.perf_counter()
        weights = training.member_weights(config, with_embeddings=True)
        oof = training.out_of_fold_scores(texts, y, vectors, config, weights, lambda _message: None)
        accuracy = ensemble_accuracy(oof, y, config, biased, banking77_rows)
        members = {m: banking77_accuracy(oof[m], y, banking77_rows) for m in weights}
        results[name] = {"ensemble_banking77": accuracy, "members_banking77": members}
        print(
            f"  {name:<34} ensemble {accuracy:.4f}  members {members}"
            f"  ({time.perf_counter() - started:.0f} s)"
        )
        return oof

    int8, int8_ms = encode(texts, "int8")
    fp32, fp32_ms = encode(texts, "fp32")
    results["encoder_p50_ms"] = {"int8": int8_ms, "fp32": fp32_ms}
    print(f"  encoder p50 per query: int8 {int8_ms:.2f} ms, float32 {fp32_ms:.2f} ms")
    baseline = run(f"int8, 5 folds, split seed {base.seed}", int8, base)
    for seed in (base.seed + 1, base.seed + 2):
        run(f"int8, 5 folds, split seed {seed}", int8, dataclasses.replace(base, seed=seed))
    run(f"float32, 5 folds, split seed {base.seed}", fp32, base)
    run(f"int8, 10 folds, split seed {base.seed}", int8, dataclasses.replace(base, calibration_folds=10))
    results |= member_swaps(baseline, y, int8, base, biased, banking77_rows)
    results |= late_interaction(baseline, y, texts, fp32, base, biased, banking77_rows)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "triage_variants.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {OUT / 'triage_variants.json'}")


def member_swaps(
    oof: Scores,
    y: NDArray[np.int64],
    vectors: NDArray[np.float64],
    config: TrainingConfig,
    biased: NDArray[np.int64],
    banking77_rows: int,
) -> dict[str, Any]:
    """The MiniLM member of `oof` (the grade as configured) swapped for other linear models, same folds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    columns = vectors[:, -config.embedding_classifier_dims :]
    makers = {
        "crammer_singer_svm": lambda: LinearSVC(
            C=config.embedding_C, multi_class="crammer_singer", max_iter=config.max_iter, random_state=0
        ),
        "multinomial_logistic_regression": lambda: LogisticRegression(C=20.0, max_iter=3000),
    }
    folds = StratifiedKFold(n_splits=config.calibration_folds, shuffle=True, random_state=config.seed)
    results = {}
    for name, make in makers.items():
        started = time.perf_counter()
        scores = np.zeros_like(oof["embedding"])
        for train, test in folds.split(np.zeros(len(y)), y):
            model = make().fit(columns[train], y[train])
            filled = np.full((len(test), scores.shape[1]), training.ABSENT_CLASS_SCORE)
            filled[:, model.classes_] = model.decision_function(columns[test])
            scores[test] = filled
        swapped = dict(oof) | {"embedding": scores}
        accuracy = ensemble_accuracy(swapped, y, config, biased, banking77_rows)
        alone = banking77_accuracy(scores, y, banking77_rows)
        results[f"int8, MiniLM member {name}"] = {"ensemble_banking77": accuracy, "member_banking77": alone}
        print(
            f"  MiniLM member {name:<32} ensemble {accuracy:.4f}  alone {alone:.4f}"
            f"  ({time.perf_counter() - started:.0f} s)"
        )
    return results


def token_vectors(texts: list[str]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Unit MiniLM token vectors of the last layer (float32, [CLS] and [SEP] dropped), all texts end to end,
    and the offset of each text's first token (cached on disk)."""
    cache = OUT / "triage_variants_tokens.npz"
    if cache.is_file():
        stored = np.load(cache)
        if len(stored["offsets"]) == len(texts) + 1:
            return stored["tokens"], stored["offsets"]
    os.environ["HF_HUB_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    from agents.triage.encoder import model_path

    print(f"  encoding the tokens of {len(texts)} texts")
    model = SentenceTransformer(str(model_path()), device="cpu")
    encoded = model.encode(texts, batch_size=64, output_value="token_embeddings")
    parts = [np.asarray(t.numpy()[1:-1] if len(t) > 2 else t.numpy(), dtype=np.float32) for t in encoded]
    tokens = np.vstack([part / np.linalg.norm(part, axis=1, keepdims=True) for part in parts])
    offsets = np.concatenate([[0], np.cumsum([len(part) for part in parts])]).astype(np.int64)
    np.savez(cache, tokens=tokens, offsets=offsets)
    return tokens, offsets


def late_interaction(
    oof: Scores,
    y: NDArray[np.int64],
    texts: list[str],
    vectors: NDArray[np.float64],
    config: TrainingConfig,
    biased: NDArray[np.int64],
    banking77_rows: int,
    candidates: int = 64,
) -> dict[str, Any]:
    """A MaxSim neighbour member added to `oof` (the grade as configured), same folds, at several weights.

    For each held-out message, its `candidates` nearest training messages by sentence vector are scored by
    the symmetric MaxSim of their token vectors (each token's best match, averaged, both ways); an intent's
    score is its best candidate's, and an intent with no candidate scores below every candidate.
    """
    from sklearn.model_selection import StratifiedKFold

    started = time.perf_counter()
    tokens, offsets = token_vectors(texts)
    from agents.triage.encoder import POOLED_LAYERS

    # The encoder's output is one unit block per pooled layer; the last block is MiniLM's sentence vector.
    sentences = vectors[:, -(vectors.shape[1] // len(POOLED_LAYERS)) :].astype(np.float32)
    n_classes = int(y.max()) + 1
    scores = np.zeros((len(y), n_classes))
    folds = StratifiedKFold(n_splits=config.calibration_folds, shuffle=True, random_state=config.seed)
    for train, test in folds.split(np.zeros(len(y)), y):
        nearest = np.argpartition(-(sentences[test] @ sentences[train].T), candidates, axis=1)[:, :candidates]
        for row, i in enumerate(test):
            query = tokens[offsets[i] : offsets[i + 1]]
            docs = train[nearest[row]]
            lengths = offsets[docs + 1] - offsets[docs]
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
            similarity = query @ np.vstack([tokens[offsets[d] : offsets[d + 1]] for d in docs]).T
            query_side = np.maximum.reduceat(similarity, starts, axis=1).mean(axis=0)
            doc_side = np.array(
                [similarity[:, a : a + n].max(axis=0).mean() for a, n in zip(starts, lengths, strict=True)]
            )
            maxsim = (query_side + doc_side) / 2
            filled = np.full(n_classes, maxsim.min() - 0.05)
            np.maximum.at(filled, y[docs], maxsim)
            scores[i] = filled
    alone = banking77_accuracy(scores, y, banking77_rows)
    results: dict[str, Any] = {"late interaction (MaxSim) member alone": {"member_banking77": alone}}
    print(f"  MaxSim member alone {alone:.4f}  ({time.perf_counter() - started:.0f} s)")
    for weight in (0.5, 1.0, 2.0):
        weights = training.member_weights(config, with_embeddings=True) | {"maxsim": weight}
        accuracy = ensemble_accuracy(oof | {"maxsim": scores}, y, config, biased, banking77_rows, weights)
        results[f"int8 ensemble + MaxSim member, weight {weight}"] = {"ensemble_banking77": accuracy}
        print(f"  ensemble + MaxSim member at weight {weight}: {accuracy:.4f}")
    return results


if __name__ == "__main__":
    main()
