"""Fitting the triage classifier: features, out-of-fold calibration, final fit.

Both grades share this code. A model is a small ensemble of scorers, each turned into log-probabilities
by its own temperature and summed with the weights in the configuration:

- `tfidf`: a linear classifier on word and character TF-IDF n-grams (both grades);
- `embedding`: a linear classifier on the MiniLM sentence vector, the last `embedding_classifier_dims`
  columns of the encoder's output (embeddings grade);
- `neighbours`: for each intent, the mean cosine similarity of the k most similar training messages
  with that intent (embeddings grade). It catches phrasings close to a few examples that a linear
  boundary averages away.
- `static` and `static_neighbours`: the same two scorers on static MiniLM word-piece vectors
  (`agents/triage/static_vectors.py`), which need no torch: the light grade's semantic members.

Every temperature, and the final one on the weighted sum, is fitted on out-of-fold scores, so the
probabilities are calibrated on text the scorers never saw.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from agents.triage.calibration import (
    COVERAGE_POINTS,
    FloatArray,
    accuracy_at_coverage,
    cross_fitted_class_bias,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from agents.triage.config import TrainingConfig
from agents.triage.static_vectors import (
    StaticArtifact,
    StaticEncoder,
    WordPieceTokenizer,
    fit_static_encoder,
    unit_rows,
)

Progress = Callable[[str], None]
MIN_WORDS_FOR_FAMILIARITY = 3
# The score a fold gives a class it had no rows for (a fold may lack a rare class).
ABSENT_CLASS_SCORE = -1e3


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


def tfidf_features(vectorizer: FeatureUnion, texts: list[str]) -> Any:
    """`vectorizer.transform(texts)`, bit for bit, without scikit-learn's per-call input validation.

    A single query spent about 3 ms of its 5 in `transform`'s checks (array validation, dataframe
    detection, parameter validation) around 0.3 ms of counting. This does the same arithmetic, in the
    same order, as `CountVectorizer._count_vocab` and `TfidfTransformer.transform` (log + 1, times the idf,
    then the row divided by the square root of its sequentially summed squares), each part's features
    side by side in the union's order. A part configured otherwise falls back to its own `transform`.
    """
    parts = _fast_parts(vectorizer)
    if parts is None:
        return sparse.hstack([part.transform(texts) for _, part in vectorizer.transformer_list], format="csr")
    indptr = [0]
    index_chunks: list[NDArray[np.int64]] = []
    data_chunks: list[FloatArray] = []
    for text in texts:
        row_length = 0
        for part in parts:
            indices, data = part.row(text)
            index_chunks.append(indices)
            data_chunks.append(data)
            row_length += len(indices)
        indptr.append(indptr[-1] + row_length)
    width = sum(part.width for part in parts)
    empty_index = np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix(
        (
            np.concatenate(data_chunks) if data_chunks else np.zeros(0),
            np.concatenate(index_chunks) if index_chunks else empty_index,
            np.array(indptr, dtype=np.int64),
        ),
        shape=(len(texts), width),
    )


@dataclass(frozen=True)
class _FastTfidf:
    """One fitted TfidfVectorizer's transform of one text, as plain Python and numpy."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: FloatArray
    offset: int
    width: int

    def row(self, text: str) -> tuple[NDArray[np.int64], FloatArray]:
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for feature in self.analyzer(text):
            index = vocabulary.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        ordered = sorted(counts.items())
        columns = np.array([column for column, _ in ordered], dtype=np.int64)
        data = np.array([count for _, count in ordered], dtype=np.float64)
        np.log(data, data)
        data += 1.0
        data *= self.idf[columns]
        total = 0.0
        for value in data.tolist():  # summed in order, as scikit-learn's l2 row normalisation does
            total += value * value
        if total != 0.0:
            data /= float(np.sqrt(total))
        return columns + self.offset, data


_FAST_PARTS: weakref.WeakKeyDictionary[FeatureUnion, list[_FastTfidf] | None] = weakref.WeakKeyDictionary()


def _fast_parts(vectorizer: FeatureUnion) -> list[_FastTfidf] | None:
    """The union's parts for `tfidf_features`, built once per fitted union; None if a part does not fit."""
    if vectorizer in _FAST_PARTS:
        return _FAST_PARTS[vectorizer]
    parts: list[_FastTfidf] = []
    offset = 0
    for _, part in vectorizer.transformer_list:
        supported = (
            isinstance(part, TfidfVectorizer)
            and part.norm == "l2"
            and part.use_idf
            and part.sublinear_tf
            and not part.binary
            and part.dtype == np.float64
            and vectorizer.transformer_weights is None
        )
        if not supported:
            _FAST_PARTS[vectorizer] = None
            return None
        width = len(part.vocabulary_)
        parts.append(
            _FastTfidf(part.build_analyzer(), part.vocabulary_, part.idf_.astype(np.float64), offset, width)
        )
        offset += width
    _FAST_PARTS[vectorizer] = parts
    return parts


def _forget_stop_words(vectorizer: FeatureUnion) -> None:
    # `stop_words_` is a set (pickled in hash-seed order) that prediction never uses; `_stop_words_id` is the
    # memory address of the stop-word list scikit-learn last validated (absent, it validates again). Dropping
    # both keeps the artifact byte-identical across processes, and smaller.
    for _, part in vectorizer.transformer_list:
        for name in ("stop_words_", "_stop_words_id"):
            if hasattr(part, name):
                delattr(part, name)


def build_classifier(name: str, C: float, config: TrainingConfig) -> Any:
    if name == "linear_svc":
        return LinearSVC(C=C, max_iter=config.max_iter, random_state=config.seed)
    return LogisticRegression(C=C, max_iter=config.max_iter, random_state=config.seed)


def class_columns(labels: NDArray[np.int64], n_classes: int) -> NDArray[np.int64]:
    """Row indices of each class, one class per row, padded with -1 to the largest class's size."""
    counts = np.bincount(labels, minlength=n_classes)[:n_classes]
    width = max(int(counts.max(initial=0)), 1)
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    offsets = np.arange(width)
    present = offsets[None, :] < counts[:, None]
    positions = np.minimum(starts[:, None] + offsets[None, :], max(len(order) - 1, 0))
    columns: NDArray[np.int64] = np.where(present, order[positions] if len(order) else -1, -1)
    return columns


def mean_of_top_k(similarity: NDArray[np.float32], columns: NDArray[np.int64], k: int) -> FloatArray:
    """For each query and class, the mean of the class's k largest similarities (all of them if fewer).

    One gather into a (queries, classes, largest class) block and one partition along its last axis,
    instead of a boolean mask and a partition per class: the same figures at a fraction of the cost.
    """
    present = columns >= 0
    counts = present.sum(axis=1)
    block = np.where(present, similarity[:, np.maximum(columns, 0)], np.float32(-np.inf))
    width = columns.shape[1]
    take = min(k, width)
    top = np.partition(block, width - take, axis=2)[:, :, -take:]
    # A class with fewer than k rows has -inf padding among its top k: count only its real rows.
    sums = np.where(np.isfinite(top), top, np.float32(0.0)).sum(axis=2, dtype=np.float32)
    divisors = np.maximum(np.minimum(counts, k), 1).astype(np.float32)
    means = (sums / divisors).astype(np.float64)
    result: FloatArray = np.where(counts > 0, means, ABSENT_CLASS_SCORE)
    return result


@dataclass
class Neighbours:
    """Per-intent mean cosine similarity of the k nearest training rows (rows are unit vectors)."""

    vectors: NDArray[np.float32]
    labels: NDArray[np.int64]
    n_classes: int
    k: int

    def scores(self, queries: FloatArray) -> FloatArray:
        similarity = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        return mean_of_top_k(similarity, self._class_columns(), self.k)

    def _class_columns(self) -> NDArray[np.int64]:
        # Derived from `labels` on first use and kept out of the pickle, so the artifact is unchanged.
        columns: NDArray[np.int64] | None = self.__dict__.get("_columns")
        if columns is None:
            columns = class_columns(self.labels, self.n_classes)
            self.__dict__["_columns"] = columns
        return columns

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != "_columns"}


@dataclass
class StaticInputs:
    """What fitting the static members needs, one entry per training row."""

    tokenizer: WordPieceTokenizer
    id_lists: list[list[int]]
    has_target: NDArray[np.bool_]
    targets: NDArray[np.float32]
    prior: dict[int, NDArray[np.float32]]

    @classmethod
    def from_artifact(cls, artifact: StaticArtifact, texts: list[str], max_chars: int) -> StaticInputs:
        tokenizer = artifact.tokenizer()
        has_target, targets = artifact.targets_for(texts)
        id_lists = [tokenizer.ids(clip_text(text, max_chars)) for text in texts]
        return cls(tokenizer, id_lists, has_target, targets, artifact.prior_table())

    def subset(self, rows: NDArray[np.int64]) -> StaticInputs:
        return StaticInputs(
            self.tokenizer,
            [self.id_lists[i] for i in rows],
            self.has_target[rows],
            self.targets[rows],
            self.prior,
        )


@dataclass
class Projection:
    """Centre and project onto principal axes, then unit length: a smaller space for the neighbour search.

    The neighbour scorer reads every training vector for each query, so its cost is memory bandwidth:
    128 of 384 dimensions is a third of the bytes, at 0.2 points of CV accuracy.
    """

    mean: NDArray[np.float64]
    components: NDArray[np.float64]

    @classmethod
    def fit(cls, vectors: FloatArray, dims: int, seed: int) -> Projection:
        pca = PCA(n_components=dims, svd_solver="full", random_state=seed).fit(vectors)
        return cls(pca.mean_.astype(np.float64), pca.components_.astype(np.float64))

    def __call__(self, vectors: FloatArray) -> FloatArray:
        return unit_rows((vectors - self.mean) @ self.components.T)


@dataclass
class StaticMembers:
    encoder: StaticEncoder
    linear: Any | None
    neighbours: Neighbours | None
    projection: Projection | None = None

    def neighbour_space(self, vectors: FloatArray) -> FloatArray:
        return vectors if self.projection is None else self.projection(vectors)


@dataclass
class Scorers:
    """The fitted members of the ensemble; `scores()` gives raw scores per member, classes in order."""

    vectorizer: FeatureUnion
    tfidf: Any
    embedding: Any | None
    neighbours: Neighbours | None
    n_classes: int
    classifier_dims: int
    static: StaticMembers | None = None

    def scores(self, texts: list[str], embeddings: FloatArray | None) -> dict[str, FloatArray]:
        result = {"tfidf": _full_scores(self.tfidf, tfidf_features(self.vectorizer, texts), self.n_classes)}
        if embeddings is not None and self.embedding is not None:
            columns = embeddings[:, -self.classifier_dims :]
            result["embedding"] = _full_scores(self.embedding, columns, self.n_classes)
        if embeddings is not None and self.neighbours is not None:
            result["neighbours"] = self.neighbours.scores(unit_rows(embeddings))
        if self.static is not None and texts:
            # One text at a time: dense products over a batch take other BLAS paths (matrix-matrix rather
            # than matrix-vector) whose last bits differ, and a message must score the same in any batch.
            rows = [self._static_scores(text) for text in texts]
            for name in rows[0]:
                result[name] = np.vstack([row[name] for row in rows])
        return result

    def _static_scores(self, text: str) -> dict[str, FloatArray]:
        assert self.static is not None
        vector = self.static.encoder.encode([text])
        result = {}
        if self.static.linear is not None:
            result["static"] = _full_scores(self.static.linear, vector, self.n_classes)
        if self.static.neighbours is not None:
            result["static_neighbours"] = self.static.neighbours.scores(self.static.neighbour_space(vector))
        return result


def _full_scores(classifier: Any, features: Any, n_classes: int) -> FloatArray:
    """The classifier's decision scores in every class's column (absent classes get ABSENT_CLASS_SCORE).

    For a multi-class linear model this is `decision_function` without its input validation (most of a
    query's cost): the same product, `features @ coef_.T + intercept_`, so the same figures.
    """
    coef = getattr(classifier, "coef_", None)
    if coef is not None and coef.shape[0] == len(classifier.classes_) > 2:
        scores = np.asarray(features @ coef.T + classifier.intercept_, dtype=np.float64)
    else:
        scores = np.asarray(classifier.decision_function(features), dtype=np.float64)
    filled = np.full((scores.shape[0], n_classes), ABSENT_CLASS_SCORE, dtype=np.float64)
    filled[:, classifier.classes_] = scores
    return filled


def member_weights(config: TrainingConfig, with_embeddings: bool) -> dict[str, float]:
    weights = {"tfidf": 1.0}
    if with_embeddings:
        weights |= {"embedding": config.embedding_weight, "neighbours": config.neighbours_weight}
    weights |= {"static": config.static_weight, "static_neighbours": config.static_neighbours_weight}
    return {name: weight for name, weight in weights.items() if weight > 0.0}


def needs_static_vectors(config: TrainingConfig) -> bool:
    return config.static_weight > 0.0 or config.static_neighbours_weight > 0.0


def combine(
    member_scores: dict[str, FloatArray], temperatures: dict[str, float], weights: dict[str, float]
) -> FloatArray:
    """Weighted sum of each member's temperature-scaled log-probabilities."""
    total: FloatArray | None = None
    for name, weight in weights.items():
        log_probs = np.log(np.clip(softmax(member_scores[name], temperatures[name]), 1e-12, None)) * weight
        total = log_probs if total is None else total + log_probs
    assert total is not None, "an ensemble has at least the TF-IDF member"
    return total


@dataclass
class FittedTriage:
    """The picklable part of a triage model (the MiniLM encoder is loaded separately)."""

    grade: str
    classes: tuple[str, ...]
    scorers: Scorers
    member_temperatures: dict[str, float]
    weights: dict[str, float]
    temperature: float
    config: TrainingConfig
    cv: dict[str, Any] = field(default_factory=dict)
    class_bias: FloatArray | None = None

    def familiarity(self, texts: list[str]) -> FloatArray:
        """Share of each text's words that occur in the training vocabulary.

        Texts under three words get 1.0: one unknown word ("heya") says little, and the character n-grams
        still read it.
        """
        words = self.scorers.vectorizer.transformer_list[0][1]
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
        combined = combine(self.scorers.scores(clipped, embeddings), self.member_temperatures, self.weights)
        if self.class_bias is not None:
            combined = combined + self.class_bias
        return softmax(combined, self.temperature)


def _fit_scorers(
    texts: list[str],
    y: NDArray[np.int64],
    embeddings: FloatArray | None,
    config: TrainingConfig,
    n_classes: int,
    weights: dict[str, float],
    static: StaticInputs | None,
) -> Scorers:
    vectorizer = build_vectorizer(config)
    tfidf = vectorizer.fit_transform([clip_text(t, config.max_chars) for t in texts])
    _forget_stop_words(vectorizer)
    classifier = build_classifier(config.classifier, config.C, config).fit(tfidf, y)
    embedding = neighbours = None
    if embeddings is not None and "embedding" in weights:
        embedding = build_classifier(config.embedding_classifier, config.embedding_C, config)
        embedding.fit(embeddings[:, -config.embedding_classifier_dims :], y)
    if embeddings is not None and "neighbours" in weights:
        vectors = unit_rows(embeddings).astype(np.float32)
        neighbours = Neighbours(vectors, y.copy(), n_classes, config.neighbours_k)
    return Scorers(
        vectorizer,
        classifier,
        embedding,
        neighbours,
        n_classes,
        config.embedding_classifier_dims,
        _fit_static(y, config, n_classes, weights, static),
    )


def _fit_static(
    y: NDArray[np.int64],
    config: TrainingConfig,
    n_classes: int,
    weights: dict[str, float],
    static: StaticInputs | None,
) -> StaticMembers | None:
    if static is None:
        return None
    encoder = fit_static_encoder(
        static.tokenizer,
        static.id_lists,
        static.has_target,
        static.targets,
        static.prior,
        alpha=config.static_alpha,
    )
    vectors = encoder.encode_ids(static.id_lists)
    linear = neighbours = projection = None
    if "static" in weights:
        linear = build_classifier("linear_svc", config.static_C, config).fit(vectors, y)
    if "static_neighbours" in weights:
        if 0 < config.static_neighbours_dims < vectors.shape[1]:
            projection = Projection.fit(vectors, config.static_neighbours_dims, config.seed)
            vectors = projection(vectors)
        neighbours = Neighbours(vectors.astype(np.float32), y.copy(), n_classes, config.static_neighbours_k)
    return StaticMembers(encoder, linear, neighbours, projection)


def out_of_fold_scores(
    texts: list[str],
    y: NDArray[np.int64],
    embeddings: FloatArray | None,
    config: TrainingConfig,
    weights: dict[str, float],
    progress: Progress,
    static: StaticInputs | None = None,
) -> dict[str, FloatArray]:
    """Each member's scores for every row from scorers that did not train on it (stratified k-fold)."""
    n_classes = int(y.max()) + 1
    scores = {name: np.zeros((len(texts), n_classes), dtype=np.float64) for name in weights}
    folds = StratifiedKFold(n_splits=config.calibration_folds, shuffle=True, random_state=config.seed)
    for number, (train, test) in enumerate(folds.split(np.zeros(len(y)), y), start=1):
        progress(f"cross-validation fold {number}/{config.calibration_folds}")
        scorers = _fit_scorers(
            [texts[i] for i in train],
            y[train],
            None if embeddings is None else embeddings[train],
            config,
            n_classes,
            weights,
            None if static is None else static.subset(train),
        )
        held_out = scorers.scores(
            [clip_text(texts[i], config.max_chars) for i in test],
            None if embeddings is None else embeddings[test],
        )
        for name in weights:
            scores[name][test] = held_out[name]
    return scores


def calibrate_members(
    oof: dict[str, FloatArray],
    y: NDArray[np.int64],
    weights: dict[str, float],
    config: TrainingConfig,
    biased: NDArray[np.int64],
) -> tuple[dict[str, float], FloatArray | None, FloatArray]:
    """A temperature per member, their weighted sum, then (when the configuration asks) a cross-fitted bias
    for the `biased` classes: the member temperatures, the bias (or None) and the combined out-of-fold scores,
    before the final temperature.
    """
    member_temperatures = {name: fit_temperature(oof[name], y) for name in weights}
    combined = combine(oof, member_temperatures, weights)
    class_bias = None
    if config.bias_support_intents:
        class_bias, combined = cross_fitted_class_bias(
            combined, y, biased, folds=config.calibration_folds, seed=config.seed
        )
    return member_temperatures, class_bias, combined


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
    static_vectors: StaticArtifact | None = None,
    bias_intents: frozenset[str] = frozenset(),
) -> tuple[FittedTriage, FloatArray]:
    """Fit with out-of-fold calibration; return the model and calibrated OOF probabilities.

    Calibration: a temperature per member, then (when the configuration asks) an additive bias for each
    of `bias_intents`, then one temperature on the result, all fitted on out-of-fold scores.
    """
    classes = tuple(sorted(set(labels)))
    index = {name: i for i, name in enumerate(classes)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    weights = member_weights(config, embeddings is not None)
    static = None
    if needs_static_vectors(config):
        if static_vectors is None:
            raise ValueError("this configuration weighs the static members but no static vectors were given")
        static = StaticInputs.from_artifact(static_vectors, texts, config.max_chars)
    oof = out_of_fold_scores(texts, y, embeddings, config, weights, progress, static)
    progress("fitting the calibration temperatures")
    biased = np.array([index[name] for name in sorted(bias_intents) if name in index], dtype=np.int64)
    member_temperatures, class_bias, combined = calibrate_members(oof, y, weights, config, biased)
    temperature = fit_temperature(combined, y)
    oof_probs = softmax(combined, temperature)
    progress("fitting the final model on all rows")
    scorers = _fit_scorers(texts, y, embeddings, config, len(classes), weights, static)
    members = {
        name: summarise(softmax(oof[name], member_temperatures[name]), y)["accuracy"] for name in weights
    }
    fitted = FittedTriage(
        grade=grade,
        classes=classes,
        scorers=scorers,
        member_temperatures=member_temperatures,
        weights=weights,
        temperature=temperature,
        class_bias=class_bias,
        config=config,
        cv={
            **summarise(oof_probs, y),
            "member_accuracy": members,
            "rows": len(texts),
            "folds": config.calibration_folds,
        },
    )
    return fitted, oof_probs
