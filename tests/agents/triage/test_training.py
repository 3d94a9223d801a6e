from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from agents.triage.model import TriageModel
from agents.triage.training import (
    ABSENT_CLASS_SCORE,
    Neighbours,
    _full_scores,
    combine,
    tfidf_features,
    unit_rows,
)


def test_neighbours_score_each_intent_by_its_k_most_similar_rows() -> None:
    vectors = unit_rows(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.0]]))
    labels = np.array([0, 0, 1, 1, 1])
    neighbours = Neighbours(vectors.astype(np.float32), labels, n_classes=3, k=2)
    queries = unit_rows(np.array([[1.0, 0.05], [0.05, 1.0]]))
    scores = neighbours.scores(queries)
    assert scores[:, :2].argmax(axis=1).tolist() == [0, 1]
    # Class 1's two nearest rows to the second query are its own two, not the far (-1, 0) one.
    assert scores[1, 1] == pytest.approx(
        float(np.mean(vectors[[2, 3]] @ unit_rows(np.array([[0.05, 1.0]]))[0]))
    )
    assert (scores[:, 2] == ABSENT_CLASS_SCORE).all(), "an intent with no rows never wins"


def _per_class_loop_scores(neighbours: Neighbours, queries: np.ndarray) -> np.ndarray:
    """The original scorer: a boolean mask and a partition per class."""
    similarity = np.asarray(queries, dtype=np.float32) @ neighbours.vectors.T
    result = np.full((len(queries), neighbours.n_classes), ABSENT_CLASS_SCORE)
    for label in range(neighbours.n_classes):
        columns = similarity[:, neighbours.labels == label]
        if columns.shape[1] == 0:
            continue
        k = min(neighbours.k, columns.shape[1])
        result[:, label] = np.partition(columns, columns.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
    return result


def test_vectorised_neighbours_match_the_per_class_loop() -> None:
    rng = np.random.default_rng(7)
    vectors = unit_rows(rng.standard_normal((300, 24))).astype(np.float32)
    # Uneven classes, one with fewer rows than k and one (class 5) with none.
    labels = rng.choice([0, 1, 2, 3, 4, 6], size=300, p=[0.4, 0.3, 0.2, 0.09, 0.005, 0.005]).astype(np.int64)
    labels[:2] = 4
    labels[2] = 6
    neighbours = Neighbours(vectors, labels, n_classes=7, k=3)
    queries = unit_rows(rng.standard_normal((40, 24)))
    expected = _per_class_loop_scores(neighbours, queries)
    counts = np.bincount(labels, minlength=7)
    assert counts[4] < 3, "a class with fewer rows than k"
    assert counts[5] == 0, "a class with no rows"
    np.testing.assert_allclose(neighbours.scores(queries), expected, rtol=1e-6, atol=1e-7)
    assert (neighbours.scores(queries)[:, 5] == ABSENT_CLASS_SCORE).all()


def test_neighbours_pickle_without_their_derived_index() -> None:
    vectors = unit_rows(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])).astype(np.float32)
    neighbours = Neighbours(vectors, np.array([0, 1, 1]), n_classes=2, k=2)
    before = pickle.dumps(neighbours)
    scores = neighbours.scores(vectors)
    assert pickle.dumps(neighbours) == before, "scoring must not change the artifact's bytes"
    np.testing.assert_array_equal(pickle.loads(before).scores(vectors), scores)


AWKWARD_TEXTS = [
    "my card has not arrived",
    "Why was I charged \u00a32.50 twice?",
    "",
    "\U0001f600",
    "   ",
    "Ça coûte combien ? Überweisung nach Zürich",
    "MY CARD!!! my card my card my card",
    "top up " * 150,
]


def test_tfidf_features_equal_the_union_transform(light_model: TriageModel) -> None:
    vectorizer = light_model._fitted.scorers.vectorizer
    fast = tfidf_features(vectorizer, AWKWARD_TEXTS)
    slow = vectorizer.transform(AWKWARD_TEXTS)
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0, "the fast path must be the same matrix, bit for bit"
    one_at_a_time = sparse.vstack([tfidf_features(vectorizer, [text]) for text in AWKWARD_TEXTS])
    assert (one_at_a_time != fast).nnz == 0
    assert tfidf_features(vectorizer, []).shape == (0, slow.shape[1])


def test_tfidf_features_fall_back_for_a_part_the_fast_path_does_not_cover() -> None:
    texts = ["freeze my card", "unfreeze my card", "card card card arrived"]
    union = FeatureUnion(
        [
            ("words", TfidfVectorizer(sublinear_tf=True)),
            ("binary", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), binary=True)),
        ]
    ).fit(texts)
    assert (tfidf_features(union, texts) != union.transform(texts)).nnz == 0


def test_member_scores_equal_decision_function(light_model: TriageModel) -> None:
    scorers = light_model._fitted.scorers
    features = tfidf_features(scorers.vectorizer, AWKWARD_TEXTS)
    expected = scorers.tfidf.decision_function(features)
    got = _full_scores(scorers.tfidf, features, scorers.n_classes)
    np.testing.assert_array_equal(got[:, scorers.tfidf.classes_], expected)
    assert scorers.static is not None
    assert scorers.static.linear is not None
    vectors = scorers.static.encoder.encode(AWKWARD_TEXTS[:3])
    np.testing.assert_array_equal(
        _full_scores(scorers.static.linear, vectors, scorers.n_classes),
        scorers.static.linear.decision_function(vectors),
    )


def test_combine_weights_each_members_log_probabilities() -> None:
    sure = np.array([[5.0, 0.0]])
    unsure = np.array([[0.0, 1.0]])
    members = {"tfidf": sure, "embedding": unsure}
    temperatures = {"tfidf": 1.0, "embedding": 1.0}
    assert combine(members, temperatures, {"tfidf": 1.0, "embedding": 1.0}).argmax() == 0
    assert combine(members, temperatures, {"tfidf": 1.0, "embedding": 10.0}).argmax() == 1
    assert combine(members, temperatures, {"tfidf": 1.0}).shape == (1, 2)
