from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from agents.triage.config import TriageConfig
from agents.triage.data import DEFAULT_DATA_DIR, read_labelled_csv
from agents.triage.evaluate import urgency_figures
from agents.triage.model import TriageModel, TriageResult
from agents.triage.routes import route_for

BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \n\t ",
    "ten_thousand_chars": "x" * 10_000,
    "emoji_only": "🙂🙂🎉🔥",
    "punctuation_only": "?!?!...",
    "spanish": "¿Dónde está mi tarjeta? La perdí ayer en el autobús.",
    "german": "Wo ist meine Karte? Ich habe sie gestern verloren.",
    "chinese": "我的银行卡丢了，怎么办？",
}

# The held-out bar per intent: a request for a human must never be missed; the open-ended
# out_of_scope class is the hardest and its misses are mostly below the escalation threshold.
MIN_RECALL = {
    "human_request": 1.0,
    "greeting": 0.85,
    "thanks": 0.8,
    "complaint": 0.85,
    "vulnerability": 0.85,
    "out_of_scope": 0.5,
    "check_balance": 0.85,
    "recent_transactions": 0.85,
    "freeze_card": 0.8,
    "unfreeze_card": 0.85,
    "dispute_transaction": 0.85,
    "payment_status": 0.8,
}

# Urgent messages (lost or stolen card or phone, compromised card, unrecognised card payment, cash withdrawal
# or direct debit, vulnerability) written by a separate author who never saw the training data, 16 per
# intent, and used for nothing but this test: the phrasings that were studied while writing training rows
# are in urgent_dev.csv. Before the urgent training rows the light grade read 48 % of these as urgent; the
# bar sits below today's 68 % with room for a retrain's drift, above the old model.
URGENT_HELDOUT_CSV = DEFAULT_DATA_DIR / "triage" / "urgent_heldout.csv"
MIN_URGENT_RECALL = 0.6

# The support intents against their Banking77 neighbours: the wording decides which procedure runs.
NEIGHBOURS = {
    "freeze my card for now, I think it's somewhere at home": "freeze_card",
    "my card was stolen on the train": "lost_or_stolen_card",
    "what's the balance of my current account": "check_balance",
    "my balance has not updated after the bank transfer": "balance_not_updated_after_bank_transfer",
    "has my payment to my landlord gone through": "payment_status",
    "my friend says the money I sent never arrived in her account": "transfer_not_received_by_recipient",
    "I want to dispute the charge from the shop, they never sent my order": "dispute_transaction",
    "there is a card payment I don't recognise": "card_payment_not_recognised",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gives_low_confidence(
    light_model: TriageModel, triage_config: TriageConfig, text: str
) -> None:
    result = light_model.predict(text)
    assert 0.0 <= result.confidence < triage_config.threshold("light")
    assert triage_config.should_escalate(result.confidence, "light")


def test_result_shape(light_model: TriageModel) -> None:
    result = light_model.predict("I think someone stole my card, please block it")
    assert result.intent == "lost_or_stolen_card"
    assert result.urgent
    assert result.route == "card_action"
    assert len(result.alternatives) == 2
    probabilities = [result.confidence] + [p for _, p in result.alternatives]
    assert probabilities == sorted(probabilities, reverse=True)
    assert {result.intent} | {name for name, _ in result.alternatives} <= set(light_model.intents)


def test_batch_matches_single(light_model: TriageModel) -> None:
    texts = ["hi", "transfer still pending", "", "I want to complain"]
    assert light_model.predict_batch(texts) == [light_model.predict(text) for text in texts]
    assert light_model.predict_batch([]) == []


def test_route_follows_the_table(light_model: TriageModel) -> None:
    for result in light_model.predict_batch(["my transfer has not arrived", "I was charged twice", "hello"]):
        info = route_for(result.intent)
        assert (result.route, result.urgent) == (info.route.value, info.urgent)


def _recall(model: TriageModel, rows: list[tuple[str, str]]) -> dict[str, float]:
    results: list[TriageResult] = model.predict_batch([text for text, _ in rows])
    totals = Counter(label for _, label in rows)
    hits = Counter(label for (_, label), result in zip(rows, results, strict=True) if result.intent == label)
    return {label: hits[label] / totals[label] for label in totals}


def test_extra_intents_on_heldout_phrasings(
    light_model: TriageModel, heldout_rows: list[tuple[str, str]]
) -> None:
    recall = _recall(light_model, heldout_rows)
    assert set(recall) == set(MIN_RECALL)
    shortfalls = {label: value for label, value in recall.items() if value < MIN_RECALL[label]}
    assert not shortfalls, f"held-out recall below the bar: {shortfalls}"


def test_support_intents_against_their_banking77_neighbours(light_model: TriageModel) -> None:
    predicted = [result.intent for result in light_model.predict_batch(list(NEIGHBOURS))]
    assert dict(zip(NEIGHBOURS, predicted, strict=True)) == NEIGHBOURS


def test_every_heldout_human_request_hands_off(
    light_model: TriageModel, heldout_rows: list[tuple[str, str]]
) -> None:
    texts = [text for text, label in heldout_rows if label == "human_request"]
    assert len(texts) >= 15
    missed = [
        text
        for text, result in zip(texts, light_model.predict_batch(texts), strict=True)
        if result.route != "handoff"
    ]
    assert missed == []


def test_urgent_heldout_messages_are_read_as_urgent(
    light_model: TriageModel, triage_config: TriageConfig
) -> None:
    rows = read_labelled_csv(URGENT_HELDOUT_CSV)
    labels = [label for _, label in rows]
    assert len(rows) >= 100
    assert all(route_for(label).urgent for label in labels)
    results = light_model.predict_batch([text for text, _ in rows])
    figures = urgency_figures(labels, results)
    assert figures["urgent_recall"] >= MIN_URGENT_RECALL
    # A miss must not look sure of itself: below the threshold the turn escalates rather than acting on it.
    threshold = triage_config.threshold("light")
    confident_misses = [
        text
        for (text, _), result in zip(rows, results, strict=True)
        if not result.urgent and result.confidence >= threshold
    ]
    assert len(confident_misses) <= 1, confident_misses


@pytest.mark.embeddings
def test_embeddings_grade_on_heldout_and_bad_input(
    embeddings_model: TriageModel, heldout_rows: list[tuple[str, str]], triage_config: TriageConfig
) -> None:
    assert embeddings_model.grade == "embeddings"
    recall = _recall(embeddings_model, heldout_rows)
    assert recall["human_request"] == 1.0
    assert min(recall.values()) >= 0.5
    for text in BAD_INPUTS.values():
        assert embeddings_model.predict(text).confidence < triage_config.threshold("embeddings")
    assert embeddings_model.predict("my card was stolen").intent == "lost_or_stolen_card"


@pytest.mark.embeddings
def test_encoder_gives_a_text_the_same_vector_alone_or_in_a_batch() -> None:
    # Training encodes the corpus and prediction one message: the int8 encoder must not care which.
    from agents.triage.encoder import load_encoder

    encoder = load_encoder(threads=1)
    texts = ["freeze my card", "has my payment to John gone through, I sent it on Monday"]
    together = encoder.encode(texts)
    assert together.shape == (2, encoder.dimension)
    assert np.array_equal(together[1], encoder.encode(texts[1:])[0])
    assert np.allclose(np.linalg.norm(together[:, -384:], axis=1), 1.0)
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_a_short_text_scored_once_is_answered_from_memory_with_the_same_result(
    light_model: TriageModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "has my wage come in yet, the one from the council"
    assert light_model.remembered(text) is None
    first = light_model.predict(text)
    assert light_model.remembered(text) == first
    assert first == light_model.predict_batch([text])[0]

    def no_model_work(texts: list[str]) -> list[TriageResult]:
        raise AssertionError("a remembered text was scored again")

    monkeypatch.setattr(light_model, "predict_batch", no_model_work)
    assert light_model.predict(text) == first


def test_long_texts_are_not_kept_and_the_memory_stays_bounded(
    light_model: TriageModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agents.triage import model as triage_model

    long_text = "I was charged twice for the same hotel booking in Lisbon " * 4
    assert len(long_text) > triage_model.REMEMBERED_CHARS
    light_model.predict(long_text)
    assert light_model.remembered(long_text) is None

    monkeypatch.setattr(light_model.memory, "max_texts", 3)
    texts = [f"what did I spend at shop number {n}" for n in range(5)]
    for text in texts:
        light_model.predict(text)
    assert [light_model.remembered(text) is not None for text in texts] == [False, False, True, True, True]
