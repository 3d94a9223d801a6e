from __future__ import annotations

import numpy as np
import pytest

from agents.triage.training import ABSENT_CLASS_SCORE, Neighbours, combine, unit_rows


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


def test_combine_weights_each_members_log_probabilities() -> None:
    sure = np.array([[5.0, 0.0]])
    unsure = np.array([[0.0, 1.0]])
    members = {"tfidf": sure, "embedding": unsure}
    temperatures = {"tfidf": 1.0, "embedding": 1.0}
    assert combine(members, temperatures, {"tfidf": 1.0, "embedding": 1.0}).argmax() == 0
    assert combine(members, temperatures, {"tfidf": 1.0, "embedding": 10.0}).argmax() == 1
    assert combine(members, temperatures, {"tfidf": 1.0}).shape == (1, 2)
