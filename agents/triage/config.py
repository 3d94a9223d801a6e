"""Triage configuration, read from `triage.toml` beside this module (or a path you give)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_PATH = Path(__file__).with_name("triage.toml")
GRADES = ("light", "embeddings")


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that changes the trained artifact; it is part of the cache key."""

    classifier: str
    word_ngrams: tuple[int, int]
    char_ngrams: tuple[int, int]
    char_min_df: int
    C: float
    max_iter: int
    calibration_folds: int
    seed: int
    max_chars: int
    # Ensemble weights of the embedding members (embeddings grade only; the TF-IDF member weighs 1).
    embedding_weight: float
    embedding_classifier: str
    embedding_C: float
    embedding_classifier_dims: int
    neighbours_weight: float
    neighbours_k: int
    # The static MiniLM word-piece members (both grades may weigh them; torch is not needed).
    static_weight: float
    static_C: float
    static_neighbours_weight: float
    static_neighbours_k: int
    static_neighbours_dims: int
    static_alpha: float
    # Fit an additive calibration bias for each support intent (greeting ... vulnerability).
    bias_support_intents: bool

    def fingerprint(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TriageConfig:
    grade: str
    escalation_tier: str
    thresholds: dict[str, float]
    training: dict[str, TrainingConfig]
    torch_threads: int
    torch_train_threads: int

    def threshold(self, grade: str | None = None) -> float:
        """Calibrated confidence below which a turn escalates to `escalation_tier`."""
        return self.thresholds[grade or self.grade]

    def should_escalate(self, confidence: float, grade: str | None = None) -> bool:
        return confidence < self.threshold(grade)


CLASSIFIERS = ("linear_svc", "logistic_regression")


def _classifier(name: object) -> str:
    if name not in CLASSIFIERS:
        raise ValueError(f"classifier must be one of {CLASSIFIERS}, not {name!r}")
    return str(name)


def _training(section: dict[str, Any]) -> TrainingConfig:
    return TrainingConfig(
        classifier=_classifier(section["classifier"]),
        word_ngrams=(int(section["word_ngrams"][0]), int(section["word_ngrams"][1])),
        char_ngrams=(int(section["char_ngrams"][0]), int(section["char_ngrams"][1])),
        char_min_df=int(section["char_min_df"]),
        C=float(section["C"]),
        max_iter=int(section["max_iter"]),
        calibration_folds=int(section["calibration_folds"]),
        seed=int(section["seed"]),
        max_chars=int(section["max_chars"]),
        embedding_weight=float(section.get("embedding_weight", 0.0)),
        embedding_classifier=_classifier(section.get("embedding_classifier", "linear_svc")),
        embedding_C=float(section.get("embedding_C", 1.0)),
        embedding_classifier_dims=int(section.get("embedding_classifier_dims", 0)),
        neighbours_weight=float(section.get("neighbours_weight", 0.0)),
        neighbours_k=int(section.get("neighbours_k", 3)),
        static_weight=float(section.get("static_weight", 0.0)),
        static_C=float(section.get("static_C", 1.0)),
        static_neighbours_weight=float(section.get("static_neighbours_weight", 0.0)),
        static_neighbours_k=int(section.get("static_neighbours_k", 3)),
        static_neighbours_dims=int(section.get("static_neighbours_dims", 0)),
        static_alpha=float(section.get("static_alpha", 1.0)),
        bias_support_intents=bool(section.get("bias_support_intents", False)),
    )


def load_triage_config(path: Path | None = None) -> TriageConfig:
    """Read and validate the triage configuration; a bad file fails here, not mid-conversation."""
    with (path or DEFAULT_CONFIG_PATH).open("rb") as handle:
        raw = tomllib.load(handle)
    grade = str(raw["grade"])
    if grade not in GRADES:
        raise ValueError(f"triage grade must be one of {GRADES}, not {grade!r}")
    escalation = raw["escalation"]
    thresholds = {name: float(escalation["threshold"][name]) for name in GRADES}
    for name, value in thresholds.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"escalation threshold for {name} must be within [0, 1], not {value}")
    return TriageConfig(
        grade=grade,
        escalation_tier=str(escalation["tier"]),
        thresholds=thresholds,
        training={name: _training(raw[name]) for name in GRADES},
        torch_threads=int(raw["embeddings"]["torch_threads"]),
        torch_train_threads=int(raw["embeddings"]["torch_train_threads"]),
    )
