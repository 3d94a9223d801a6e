from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from agents.kb import KnowledgeBase
from agents.kb.evaluation import LabelledQuestion, banking77_questions, measure
from agents.kb.intent_articles import INTENT_ARTICLES

BANKING77_DIR = Path(__file__).resolve().parents[3] / "fixtures" / "banking77"
EXTRA_TRAIN = BANKING77_DIR.parent / "triage" / "extra_train.csv"


def _banking77_categories() -> set[str]:
    return set(json.loads((BANKING77_DIR / "categories.json").read_text(encoding="utf-8")))


# Measured on every Banking77 training question of a mapped intent (python -m agents.kb.evaluation):
# top-1 0.67, top-3 0.86. The floors leave room for article edits, not for a broken retriever.
TOP1_FLOOR = 0.60
TOP3_FLOOR = 0.80


def test_intent_map_names_real_intents_and_articles(kb: KnowledgeBase) -> None:
    with EXTRA_TRAIN.open(encoding="utf-8", newline="") as handle:
        bankdesk_intents = {row["category"] for row in csv.DictReader(handle)}

    assert set(INTENT_ARTICLES) <= _banking77_categories() | bankdesk_intents
    assert {slug for slugs in INTENT_ARTICLES.values() for slug in slugs} <= set(kb.slugs)


def test_banking77_questions_keep_only_mapped_intents() -> None:
    questions = banking77_questions(BANKING77_DIR / "train.csv")

    assert len(questions) > 5_000
    assert {q.intent for q in questions} == set(INTENT_ARTICLES) & _banking77_categories()


def test_retrieval_accuracy_on_banking77_sample_stays_above_floor(kb: KnowledgeBase) -> None:
    # Every eighth question keeps this test to a few seconds while covering every intent.
    sample = banking77_questions(BANKING77_DIR / "train.csv")[::8]

    accuracy = measure(kb, sample)

    assert accuracy.top1 >= TOP1_FLOOR
    assert accuracy.top3 >= TOP3_FLOOR
    assert accuracy.top3 >= accuracy.top1


def test_measure_counts_hits_by_article(kb: KnowledgeBase) -> None:
    questions = [
        LabelledQuestion("how do I dispute a payment", "x", ("disputes-and-chargebacks",)),
        LabelledQuestion("how do I dispute a payment", "x", ("pin",)),
    ]

    accuracy = measure(kb, questions)

    assert accuracy.questions == 2
    assert accuracy.top1 == pytest.approx(0.5)
    assert accuracy.per_intent_top1 == {"x": pytest.approx(0.5)}


def test_measure_refuses_an_empty_set(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="no labelled questions"):
        measure(kb, [])
