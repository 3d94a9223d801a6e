"""The seeded draw and the risk weights, as plain functions."""

from __future__ import annotations

import uuid
from collections import Counter

from app.audit.repository import Signals
from app.review.sampling import BASE_WEIGHT, RISK_POINTS, draw, risk

POPULATION = [uuid.UUID(int=i) for i in range(1, 41)]


def test_same_seed_same_sample_whatever_the_order_given() -> None:
    first = draw(POPULATION, {}, size=5, seed=1234)
    again = draw(list(reversed(POPULATION)), {}, size=5, seed=1234)
    assert first == again
    assert len(set(first)) == 5
    assert draw(POPULATION, {}, size=5, seed=1235) != first


def test_size_larger_than_the_population_takes_everyone_once() -> None:
    assert sorted(draw(POPULATION[:3], {}, size=10, seed=9)) == POPULATION[:3]


def test_heavier_conversations_are_drawn_more_often() -> None:
    heavy = POPULATION[0]
    weights = {heavy: 13}
    hits = Counter(cid for seed in range(400) for cid in draw(POPULATION, weights, size=3, seed=seed))
    light = sum(hits[c] for c in POPULATION[1:]) / (len(POPULATION) - 1)
    assert hits[heavy] > 5 * light
    # A uniform draw gives everyone about the same chance (3/40 of 400 draws = 30 each).
    uniform = Counter(cid for seed in range(400) for cid in draw(POPULATION, {}, size=3, seed=seed))
    assert max(uniform.values()) < 60
    assert min(uniform.values()) > 10


def test_risk_names_its_reasons() -> None:
    assert risk(Signals()) == (BASE_WEIGHT, [])
    s = Signals(
        flags={"injection", "complaint"},
        handed_off=True,
        confidences=[0.95, 0.31],
        compliance={"rewrite"},
        compliance_rules={"ai_disclosure"},
    )
    weight, reasons = risk(s)
    assert reasons == [
        "complaint",
        "injection",
        "handoff",
        "low_confidence",
    ]  # the disclosure rewrite is routine
    assert weight == BASE_WEIGHT + sum(RISK_POINTS[r] for r in reasons)
    s.compliance_rules.add("promised_outcome")
    assert "compliance_rewrite" in risk(s)[1]
    s.compliance.add("block")
    assert risk(s)[1][-1] == "compliance_block"
