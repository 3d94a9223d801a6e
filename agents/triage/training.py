"""Fitting the triage classifier: features, out-of-fold calibration, final fit.

Both grades share this code; the embeddings grade appends MiniLM sentence embeddings to the TF-IDF
features before one linear classifier. Scores are turned into probabilities by one temperature fitted on
out-of-fold scores, so the probabilities are calibrated on text the classifier never saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from agents.triage.calibration import (
    COVERAGE_POINTS,
    FloatArray,
    accuracy_at_coverage,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from agents.triage.config import TrainingConfig

Progress = Callable[[str], None]
MIN_WORDS_FOR_FAMILIARITY = 3


def clip_text(text: str, max_chars: int) -> str:
    """Bound the cost of one query; intent is decided long before 1,000 characters."""
    return text[:max_chars]


def build_vectorizer(config: TrainingConfig) -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=config.word_ngrams, sublinear_tf=True, dtype=np.float64)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=config.char_ngrams,
                    min_df=config.char_min_df,
                    sublinear_tf=True,
                    dtype=np.float64,
                ),
            ),
        ]
    )


def _forget_stop_words(vectorizer: FeatureUnion) -> None:
    # `stop_words_` is a set (pickled in hash-seed order) that prediction never uses; dropping it keeps the
    # artifact byte-identical across processes and smaller.
    for _, part in vectorizer.transformer_list:
        if hasattr(part, "stop_words_"):
            delattr(part, "stop_words_")


def build_classifier(config: TrainingConfig) -> Any:
    if config.classifier == "linear_svc":
        return LinearSVC(C=config.C, max_iter=config.max_iter, random_state=config.seed)
    return LogisticRegression(C=config.C, max_iter=config.max_iter, random_state=config.seed)


def combine(tfidf: Any, embeddings: FloatArray | None, weight: float) -> Any:
    if embeddings is None:
        return tfidf
    return sp.hstack([tfidf, sp.csr_matrix(embeddings * weight)], format="csr")


@dataclass
class FittedTriage:
    """The picklable part of a triage model (the MiniLM encoder is loaded separately)."""

    grade: str
    classes: tuple[str, ...]
    vectorizer: FeatureUnion
    classifier: Any
    temperature: float
    config: TrainingConfig
    cv: dict[str, Any] = field(default_factory=dict)

    def familiarity(self, texts: list[str]) -> FloatArray:
        """Share of each text's words that occur in the training vocabulary.

        Texts under three words get 1.0: one unknown word ("heya") says little, and the character n-grams
        still read it.
        """
        words = self.vectorizer.transformer_list[0][1]
        tokenize = words.build_tokenizer()
        vocabulary = words.vocabulary_
        shares = []
        for text in texts:
            tokens = tokenize(clip_text(text, self.config.max_chars).lower())
            known = sum(token in vocabulary for token in tokens)
            shares.append(known / len(tokens) if len(tokens) >= MIN_WORDS_FOR_FAMILIARITY else 1.0)
        return np.array(shares, dtype=np.float64)

    def probabilities(self, texts: list[str], embeddings: FloatArray | None) -> FloatArray:
        clipped = [clip_text(text, self.config.max_chars) for text in texts]
        features = combine(self.vectorizer.transform(clipped), embeddings, self.config.embedding_weight)
        scores = np.asarray(self.classifier.decision_function(features), dtype=np.float64)
        return softmax(scores, self.temperature)


def _fit_once(
    texts: list[str], y: NDArray[np.int64], embeddings: FloatArray | None, config: TrainingConfig
) -> tuple[FeatureUnion, Any]:
    vectorizer = build_vectorizer(config)
    tfidf = vectorizer.fit_transform([clip_text(t, config.max_chars) for t in texts])
    _forget_stop_words(vectorizer)
    classifier = build_classifier(config).fit(combine(tfidf, embeddings, config.embedding_weight), y)
    return vectorizer, classifier


def out_of_fold_scores(
    texts: list[str],
    y: NDArray[np.int64],
    embeddings: FloatArray | None,
    config: TrainingConfig,
    progress: Progress,
) -> FloatArray:
    """Decision scores for every row from a model that did not train on it (stratified k-fold)."""
    n_classes = int(y.max()) + 1
    scores = np.zeros((len(texts), n_classes), dtype=np.float64)
    folds = StratifiedKFold(n_splits=config.calibration_folds, shuffle=True, random_state=config.seed)
    for number, (train, test) in enumerate(folds.split(np.zeros(len(y)), y), start=1):
        progress(f"cross-validation fold {number}/{config.calibration_folds}")
        train_texts = [texts[i] for i in train]
        vectorizer, classifier = _fit_once(
            train_texts, y[train], None if embeddings is None else embeddings[train], config
        )
        held_out = vectorizer.transform([clip_text(texts[i], config.max_chars) for i in test])
        held_out_embeddings = None if embeddings is None else embeddings[test]
        features = combine(held_out, held_out_embeddings, config.embedding_weight)
        fold_scores = np.asarray(classifier.decision_function(features), dtype=np.float64)
        # A fold may lack a rare class; its column stays at a very low score.
        filled = np.full((len(test), n_classes), -1e3, dtype=np.float64)
        filled[:, classifier.classes_] = fold_scores
        scores[test] = filled
    return scores


def summarise(probs: FloatArray, y: NDArray[np.int64]) -> dict[str, Any]:
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    return {
        "accuracy": float(correct.mean()),
        "ece": expected_calibration_error(confidence, correct),
        "coverage": {f"{c:.1f}": accuracy_at_coverage(confidence, correct, c)[0] for c in COVERAGE_POINTS},
        "threshold_at_coverage": {
            f"{c:.1f}": accuracy_at_coverage(confidence, correct, c)[1] for c in COVERAGE_POINTS
        },
    }


def train(
    texts: list[str],
    labels: list[str],
    *,
    grade: str,
    config: TrainingConfig,
    embeddings: FloatArray | None,
    progress: Progress,
) -> tuple[FittedTriage, FloatArray]:
    """Fit with out-of-fold temperature calibration; return the model and calibrated OOF probabilities."""
    classes = tuple(sorted(set(labels)))
    index = {name: i for i, name in enumerate(classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    oof = out_of_fold_scores(texts, y, embeddings, config, progress)
    progress("fitting the calibration temperature")
    temperature = fit_temperature(oof, y)
    oof_probs = softmax(oof, temperature)
    progress("fitting the final model on all rows")
    vectorizer, classifier = _fit_once(texts, y, embeddings, config)
    fitted = FittedTriage(
        grade=grade,
        classes=classes,
        vectorizer=vectorizer,
        classifier=classifier,
        temperature=temperature,
        config=config,
        cv={**summarise(oof_probs, y), "rows": len(texts), "folds": config.calibration_folds},
    )
    return fitted, oof_probs
