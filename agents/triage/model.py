"""The triage model: top intent, calibrated confidence, next two intents, route and urgency.

`load_or_train()` is the only way to get one. It trains once (deterministically), caches the artifact under
`var/models/` keyed by the data, configuration and library versions, and loads the cache afterwards.
The light grade uses scikit-learn only; torch is imported only when the embeddings grade is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agents.memo import KEPT_TEXTS, SHORT_TEXT_CHARS, TextMemo
from agents.triage import cache
from agents.triage.calibration import FloatArray, coverage_curve
from agents.triage.config import GRADES, TriageConfig, load_triage_config
from agents.triage.data import DEFAULT_DATA_DIR, load_training_files, training_data_digest
from agents.triage.encoder import Encoder
from agents.triage.routes import EXTRA_INTENTS, route_for
from agents.triage.static_vectors import STATIC_VECTORS_FILE, read_artifact
from agents.triage.training import FittedTriage, needs_static_vectors, summarise, train

Progress = Callable[[str], None]
NO_SIGNAL_INTENT = "out_of_scope"
# Below this share of known words the message is mostly in words the model never saw (another language,
# gibberish): the probabilities are scaled down by that share so the turn escalates. Held-out English
# support messages are nearly all above 0.8, so calibration on real traffic is untouched.
FAMILIAR_SHARE = 0.5
# Predictions kept per model (agents.memo): the model is a pure function of the text, and short messages
# repeat across customers.
REMEMBERED_CHARS = SHORT_TEXT_CHARS
REMEMBERED_TEXTS = KEPT_TEXTS


@dataclass(frozen=True)
class TriageResult:
    intent: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]  # the next two intents with their probabilities
    route: str
    urgent: bool


def _has_signal(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class TriageModel:
    """Predicts intents; built by `load_or_train()`, immutable afterwards."""

    def __init__(self, fitted: FittedTriage, encoder: Encoder | None, *, key: str) -> None:
        if (fitted.grade == "embeddings") != (encoder is not None):
            raise ValueError("the embeddings grade needs an encoder and the light grade must not have one")
        self._fitted = fitted
        self._encoder = encoder
        self.grade: str = fitted.grade
        self.key = key
        self.name: str = f"triage-{fitted.grade}-{'+'.join(fitted.weights)}-{key[:12]}"
        self.memory: TextMemo[TriageResult] = TextMemo(max_chars=REMEMBERED_CHARS, max_texts=REMEMBERED_TEXTS)

    @property
    def intents(self) -> tuple[str, ...]:
        return self._fitted.classes

    @property
    def encoder(self) -> Encoder | None:
        """The embeddings grade's MiniLM encoder (the knowledge base shares it); None on the light grade."""
        return self._encoder

    @property
    def cv(self) -> dict[str, Any]:
        """Cross-validated figures recorded when the model was trained."""
        return dict(self._fitted.cv)

    def probabilities(self, texts: list[str]) -> FloatArray:
        embeddings = None
        if self._encoder is not None:
            embeddings = self._encoder.encode([text[: self._fitted.config.max_chars] for text in texts])
        return self._fitted.probabilities(texts, embeddings)

    def predict(self, text: str) -> TriageResult:
        known = self.memory.get(text)
        if known is not None:
            return known
        result = self.predict_batch([text])[0]
        self.memory.keep(text, result)
        return result

    def remembered(self, text: str) -> TriageResult | None:
        """The prediction already made for exactly this text, if it is still kept (no model work, so the
        caller can skip the worker thread)."""
        return self.memory.get(text)

    def predict_batch(self, texts: list[str]) -> list[TriageResult]:
        if not texts:
            return []
        cleaned = [text if isinstance(text, str) else "" for text in texts]
        probs = self.probabilities(cleaned)
        familiarity = self._fitted.familiarity(cleaned)
        unfamiliar = familiarity < FAMILIAR_SHARE
        # The floor keeps the ranking (the alternatives stay informative) while the confidence drops.
        probs[unfamiliar] *= np.maximum(familiarity[unfamiliar, None], 0.1)
        return [self._result(text, row) for text, row in zip(cleaned, probs, strict=True)]

    def _result(self, text: str, probs: FloatArray) -> TriageResult:
        top = np.argsort(-probs, kind="stable")[:3]
        ranked = [(self._fitted.classes[i], float(probs[i])) for i in top]
        if not _has_signal(text):
            # Nothing to classify (empty, whitespace, emoji or punctuation only): say so with zero
            # confidence so the caller escalates or asks again, rather than trust the class prior.
            info = route_for(NO_SIGNAL_INTENT)
            return TriageResult(NO_SIGNAL_INTENT, 0.0, tuple(ranked[:2]), info.route.value, info.urgent)
        intent, confidence = ranked[0]
        info = route_for(intent)
        return TriageResult(intent, confidence, tuple(ranked[1:]), info.route.value, info.urgent)


def _key_parts(grade: str, config: TriageConfig, data_dir: Path | None) -> dict[str, Any]:
    parts: dict[str, Any] = {
        "grade": grade,
        "data_sha256": training_data_digest(data_dir, _extra_files(config, grade)),
        "training": config.training[grade].fingerprint(),
        "versions": cache.library_versions(),
    }
    if grade == "embeddings":
        from agents.triage.encoder import encoder_versions

        parts["encoder_versions"] = encoder_versions()
    return parts


def _extra_files(config: TriageConfig, grade: str) -> tuple[str, ...]:
    return (STATIC_VECTORS_FILE,) if needs_static_vectors(config.training[grade]) else ()


def _load_encoder(config: TriageConfig, *, training: bool) -> Encoder:
    from agents.triage.encoder import load_encoder

    threads = config.torch_train_threads if training else config.torch_threads
    return load_encoder(threads=threads)


def _encode_with_progress(encoder: Encoder, texts: list[str], progress: Progress) -> FloatArray:
    chunk = 1000
    parts = []
    for start in range(0, len(texts), chunk):
        progress(f"encoding texts {start + 1}-{min(start + chunk, len(texts))} of {len(texts)} with MiniLM")
        parts.append(encoder.encode(texts[start : start + chunk]))
    return np.vstack(parts)


def load_or_train(
    *,
    grade: str = "light",
    cache_dir: Path = Path("var/models"),
    data_dir: Path | None = None,
    progress: Progress | None = None,
    config: TriageConfig | None = None,
) -> TriageModel:
    """The cached model for this grade, data and configuration; trains and caches it on a miss.

    A cache entry that is missing, built for other data/configuration/library versions, or whose
    checksum fails is rebuilt, never used.
    """
    if grade not in GRADES:
        raise ValueError(f"triage grade must be one of {GRADES}, not {grade!r}")
    report = progress or (lambda _message: None)
    config = config or load_triage_config()
    key = cache.cache_key(_key_parts(grade, config, data_dir))
    with cache.building(cache_dir, grade):
        try:
            fitted, _manifest = cache.read(cache_dir, grade, key)
            if not isinstance(fitted, FittedTriage):
                raise cache.StaleOrCorrupt("the cached object is not a triage model")
        except cache.StaleOrCorrupt as reason:
            report(f"training the {grade} triage model ({reason})")
            fitted = _train(grade, config, data_dir, report, key, cache_dir)
            encoder = _load_encoder(config, training=False) if grade == "embeddings" else None
            return TriageModel(fitted, encoder, key=key)
    encoder = _load_encoder(config, training=False) if grade == "embeddings" else None
    return TriageModel(fitted, encoder, key=key)


def _banking77_figures(
    fitted: FittedTriage, oof_probs: FloatArray, labels: list[str], banking77_rows: int
) -> dict[str, Any]:
    """Out-of-fold figures on the Banking77 rows alone (comparable with published results) and the curve.

    Banking77 rows are the rows of its file (read first), not rows with a Banking77 label: the Bankdesk file
    adds a few phrasings of Banking77 intents ("my debit card ...") that are not Banking77's.
    """
    index = {name: i for i, name in enumerate(fitted.classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    banking = np.arange(len(labels)) < banking77_rows
    confidence = oof_probs.max(axis=1)
    correct = oof_probs.argmax(axis=1) == y
    return {
        "banking77": summarise(oof_probs[banking], y[banking]),
        "curve": [[round(c, 4), round(a, 5), round(t, 5)] for c, a, t in coverage_curve(confidence, correct)],
    }


def _train(
    grade: str, config: TriageConfig, data_dir: Path | None, report: Progress, key: str, cache_dir: Path
) -> FittedTriage:
    started = time.perf_counter()
    files = load_training_files(data_dir)
    rows = [row for file_rows in files for row in file_rows]
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    embeddings = None
    if grade == "embeddings":
        report("loading the offline MiniLM encoder")
        embeddings = _encode_with_progress(_load_encoder(config, training=True), texts, report)
    static_vectors = None
    if needs_static_vectors(config.training[grade]):
        static_vectors = read_artifact((data_dir or DEFAULT_DATA_DIR) / STATIC_VECTORS_FILE)
    fitted, oof_probs = train(
        texts,
        labels,
        grade=grade,
        config=config.training[grade],
        embeddings=embeddings,
        progress=report,
        static_vectors=static_vectors,
        bias_intents=frozenset(EXTRA_INTENTS),
    )
    fitted.cv.update(_banking77_figures(fitted, oof_probs, labels, banking77_rows=len(files[0])))
    seconds = time.perf_counter() - started
    cache.write(cache_dir, grade, key, fitted, {"train_seconds": round(seconds, 2), "cv": fitted.cv})
    report(
        f"trained the {grade} triage model in {seconds:.1f} s; "
        f"cross-validated accuracy {fitted.cv['accuracy']:.4f}, ECE {fitted.cv['ece']:.4f}"
    )
    return fitted
