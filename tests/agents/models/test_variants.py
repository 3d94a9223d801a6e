"""Sticky, weighted A/B assignment and per-variant tier mappings."""

from __future__ import annotations

from collections import Counter

from agents.models import DEFAULT_VARIANT, CallMeta, ChatMessage, LocalResult, ModelRequest, assign_variant
from agents.models.gateway_config import loads_config
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.replay import ANTHROPIC_HOST, ReplayTransport, recorded
from tests.agents.models.sample_configs import ANTHROPIC_HAIKU, LOCAL, tiers

WEIGHTED = tiers(nano=[LOCAL]) + (
    "[variants.control]\nweight = 70\n"
    "[variants.bigger]\nweight = 20\n"
    "[variants.anthropic_nano]\nweight = 10\n"
    f"tiers.nano = [{ANTHROPIC_HAIKU}, {LOCAL}]\n"
)


def test_assignment_is_sticky() -> None:
    config = loads_config(WEIGHTED)

    first = [assign_variant(f"conv-{i}", config) for i in range(200)]
    again = [assign_variant(f"conv-{i}", loads_config(WEIGHTED)) for i in range(200)]

    assert first == again
    assert set(first) == {"control", "bigger", "anthropic_nano"}


def test_weights_are_respected_over_many_conversations() -> None:
    config = loads_config(WEIGHTED)
    n = 20_000

    counts = Counter(assign_variant(f"00000000-0000-4000-8000-{i:012d}", config) for i in range(n))

    # binomial sd at n=20k is <= 0.35 percentage points; 1.5 points is > 4 sd
    assert abs(counts["control"] / n - 0.70) < 0.015
    assert abs(counts["bigger"] / n - 0.20) < 0.015
    assert abs(counts["anthropic_nano"] / n - 0.10) < 0.015


def test_zero_weight_variant_is_never_assigned() -> None:
    config = loads_config(tiers(nano=[LOCAL]) + "[variants.on]\nweight = 1\n[variants.off]\nweight = 0\n")

    assert {assign_variant(str(i), config) for i in range(500)} == {"on"}


def test_salt_reshuffles_assignment() -> None:
    plain = loads_config(WEIGHTED)
    salted = loads_config('[gateway]\nvariant_salt = "experiment-2"\n' + WEIGHTED)

    ids = [f"conv-{i}" for i in range(300)]
    assert [assign_variant(i, plain) for i in ids] != [assign_variant(i, salted) for i in ids]


def test_no_variants_means_default() -> None:
    assert assign_variant("conv-1", loads_config(tiers(nano=[LOCAL]))) == DEFAULT_VARIANT


async def test_gateway_uses_the_variant_tier_mapping(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_reply.json"))
    gateway = make_gateway(WEIGHTED, handlers={"reply": lambda request: LocalResult(text="local reply")})
    request = ModelRequest(task="reply", messages=[ChatMessage("user", "hi")])

    control = await gateway.call("nano", request, meta=CallMeta("c1", "respond", "control"))
    treated = await gateway.call("nano", request, meta=CallMeta("c2", "respond", "anthropic_nano"))
    retired = await gateway.call("nano", request, meta=CallMeta("c3", "respond", "retired-variant"))

    assert (control.provider, treated.provider, retired.provider) == ("local", "anthropic", "local")
    assert [r.variant for r in recorder.records] == ["control", "anthropic_nano", "retired-variant"]
