"""Sticky A/B assignment of a conversation to a model-configuration variant."""

from __future__ import annotations

import hashlib

from agents.models.gateway_config import GatewayConfig

DEFAULT_VARIANT = "default"
"""Returned when the config declares no variants; it means the base [tiers]."""


def assign_variant(conversation_id: str, config: GatewayConfig) -> str:
    """Deterministic in (salt, conversation id), so the same conversation always gets the same variant.

    Store the result on the conversation: reassigning after a weight change would move
    conversations between variants mid-experiment.
    """
    if not config.variants:
        return DEFAULT_VARIANT
    total = sum(v.weight for v in config.variants.values())
    digest = hashlib.sha256(f"{config.gateway.variant_salt}\x00{conversation_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") % total
    for name, variant in config.variants.items():
        if point < variant.weight:
            return name
        point -= variant.weight
    raise AssertionError("unreachable: point is below the total weight")
