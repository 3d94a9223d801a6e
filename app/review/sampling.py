"""Drawing a review sample: risk weights and a seeded draw without replacement.

Both methods use the same draw (Efraimidis and Spirakis, "Weighted random sampling with a reservoir", 2006):
each conversation gets the key ``u ** (1 / weight)`` with ``u`` uniform from a generator seeded by the
sample's seed, and the largest keys are taken. With every weight 1 that is a uniform draw. The population is
taken in id order, so the same seed over the same set of conversations draws the same sample.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence

from app.audit.repository import Signals

BASE_WEIGHT = 1
# Points per signal: what a compliance reviewer most needs to see (harm to a customer, a safety control
# tested, a person needed) counts most.
RISK_POINTS: Mapping[str, int] = {
    "jailbreak": 3,
    "injection": 3,
    "scam": 3,
    "vulnerability": 3,
    "complaint": 2,
    "handoff": 2,
    "low_confidence": 2,
    "compliance_block": 2,
    "compliance_rewrite": 1,
}
LOW_CONFIDENCE_BELOW = 0.6
# Rewrites every conversation gets (the AI disclosure added to a first reply) say nothing about risk.
ROUTINE_RULES = frozenset({"ai_disclosure"})


def risk(signals: Signals) -> tuple[int, list[str]]:
    """A conversation's weight and the signals that raised it."""
    reasons = sorted(f for f in signals.flags if f in RISK_POINTS)
    if signals.handed_off:
        reasons.append("handoff")
    if signals.confidences and min(signals.confidences) < LOW_CONFIDENCE_BELOW:
        reasons.append("low_confidence")
    if "block" in signals.compliance:
        reasons.append("compliance_block")
    elif "rewrite" in signals.compliance and signals.compliance_rules - ROUTINE_RULES:
        reasons.append("compliance_rewrite")
    return BASE_WEIGHT + sum(RISK_POINTS[r] for r in reasons), reasons


def draw(
    population: Sequence[uuid.UUID], weights: Mapping[uuid.UUID, int], *, size: int, seed: int
) -> list[uuid.UUID]:
    """``size`` ids without replacement, heavier ones likelier, in the order drawn (highest key first)."""
    rng = random.Random(seed)
    keyed = []
    for cid in sorted(population):
        u = rng.random()
        keyed.append((u ** (1.0 / max(1, weights.get(cid, 1))), cid))
    keyed.sort(key=lambda k: (-k[0], k[1]))
    return [cid for _, cid in keyed[:size]]
