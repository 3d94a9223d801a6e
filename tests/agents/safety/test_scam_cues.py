"""Scam, coercion and third-party cues (issue 12): the labelled lists, the near misses that must not fire,
what outranks what, and "fear and coercion are not complaints"."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.safety.evaluation import load_banking77_texts, load_labelled_lines
from agents.safety.flags import (
    COMPLAINT,
    SCAM,
    THIRD_PARTY,
    VULNERABILITY,
    detect_flags,
    explain_flags,
    vulnerability_kind,
)
from agents.safety.screen import screen

ROOT = Path(__file__).resolve().parents[3]
CASES = load_labelled_lines(ROOT / "fixtures" / "safety" / "scam_cases.txt")
EXPECTED_FLAGS = {"scam": {SCAM}, "coercion": {SCAM}, "third_party": {THIRD_PARTY}, "none": set()}
EXPECTED_KIND = {"scam": "fraud_victim", "coercion": "coercion"}
# Measured 0 / 10003 Banking77 messages for both flags (bench/screening_bench.py); one in a thousand fails.
MAX_BANKING77_RATE = 0.001


@pytest.mark.parametrize(("label", "text"), [(c.label, c.text) for c in CASES])
def test_scam_cases(label: str, text: str) -> None:
    flags = detect_flags(text)
    assert flags & {SCAM, THIRD_PARTY} == EXPECTED_FLAGS[label], explain_flags(text)
    if label in EXPECTED_KIND:
        assert vulnerability_kind(text) == EXPECTED_KIND[label]
        assert VULNERABILITY in flags


def test_the_lists_cover_every_cue_with_negatives() -> None:
    counts = {label: sum(c.label == label for c in CASES) for label in EXPECTED_FLAGS}
    assert counts["scam"] >= 15
    assert counts["coercion"] >= 15
    assert counts["third_party"] >= 15
    assert counts["none"] >= 30


def test_banking77_rarely_raises_scam_or_third_party() -> None:
    texts = list(load_banking77_texts(ROOT / "fixtures" / "banking77" / "train.csv"))
    for flag in (SCAM, THIRD_PARTY):
        hits = [t for t in texts if flag in detect_flags(t)]
        assert len(hits) / len(texts) <= MAX_BANKING77_RATE, hits[:5]


@pytest.mark.parametrize(
    "text",
    [
        "Is this email a scam? It says my account is locked.",  # a question about phishing: no ongoing scam
        "How do I spot a scam text?",
        "Someone stole my card, please cancel it.",  # card theft by a stranger: the card procedures
        "Someone used my card without my permission.",
        # unrecognised card payments are a dispute, not APP fraud
        "I think my account has been hacked, there are charges I don't recognise.",
        "I paid a seller on eBay by card and the item never arrived, can I get a refund?",  # chargeback
        "How do I transfer money from my bank account?",
        "Can I send money to my daughter's account tonight?",
    ],
)
def test_near_misses_are_not_scams_or_third_parties(text: str) -> None:
    assert not detect_flags(text) & {SCAM, THIRD_PARTY}, explain_flags(text)


def test_self_harm_outranks_a_scam_in_the_same_message() -> None:
    text = "A man from your fraud team made me move my savings to a safe account and I want to end it all"
    result = screen(text)
    assert {SCAM, VULNERABILITY} <= result.flags
    assert result.vulnerability == "self_harm"


def test_coercion_outranks_fraud_and_mistaken_block_outranks_its_consequences() -> None:
    assert vulnerability_kind("My husband forced me to send money to a safe account") == "coercion"
    assert vulnerability_kind("You froze my card by mistake and I can't pay for anything") == "mistaken_block"
    assert vulnerability_kind("I froze my card by mistake, how do I unfreeze it?") is None


@pytest.mark.parametrize(
    "text",
    [
        "I'm so scared, my partner is forcing me to send him money and it's awful",
        "My husband threatened me unless I transferred him £500, I'm really upset",
        "I'm terrified, a man from the bank says I must move everything to a safe account, nobody helps me",
    ],
)
def test_fear_and_coercion_are_not_complaints(text: str) -> None:
    flags = detect_flags(text)
    assert SCAM in flags
    assert COMPLAINT not in flags, explain_flags(text)


def test_an_explicit_complaint_still_counts_beside_coercion() -> None:
    text = (
        "My partner is forcing me to send him money and I want to make a complaint about how you handled it"
    )
    assert {SCAM, COMPLAINT} <= detect_flags(text)


def test_anger_without_fear_is_still_a_complaint() -> None:
    assert COMPLAINT in detect_flags("This is ridiculous, you charged me twice")


def test_explain_names_the_scam_and_third_party_rules() -> None:
    explanation = explain_flags(
        "Someone from your fraud team says I need to move my savings to a safe account"
    )
    assert "fraud_victim:safe_account" in explanation[SCAM]
    assert explain_flags("My mum asked me to check her account for her")[THIRD_PARTY]
