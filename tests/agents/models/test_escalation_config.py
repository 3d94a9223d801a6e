"""The [escalation] table of the models config: defaults, good values, and a clear error for bad ones."""

from __future__ import annotations

from importlib import resources

import pytest

from agents.models import GatewayConfigError, load_bundled_config, loads_config
from agents.models.escalation import EscalationPolicy, tiers_above
from agents.models.gateway_config import BUNDLED_CONFIGS

# The bundled default without its [escalation] table, which each test writes for itself.
DEFAULT_TOML = (
    resources.files("agents.models").joinpath("config", "default.toml").read_text(encoding="utf-8")
).split("\n# Escalation policy")[0]


def _with(escalation: str) -> str:
    return DEFAULT_TOML + "\n" + escalation


# The example files for a paid LLM carry a cheaper policy (triage on the free embedded model, review on nano).
EMBEDDED_TRIAGE = {"openai.example", "anthropic.example"}


@pytest.mark.parametrize("name", BUNDLED_CONFIGS)
def test_bundled_configs_keep_the_graphs_own_tiers(name: str) -> None:
    policy = load_bundled_config(name).escalation

    if name in EMBEDDED_TRIAGE:
        assert (policy.start.triage, policy.start.review) == ("embedded", "nano")
        assert policy.low_confidence.to == "nano"
        assert (policy.second_clarification.enabled, policy.second_clarification.to) == (True, "mini")
        assert (policy.compliance_rewrite.enabled, policy.compliance_rewrite.to) == (True, "mini")
        return
    assert policy == EscalationPolicy()
    assert (policy.start.triage, policy.start.phrase, policy.start.review, policy.start.summary) == (
        "nano",
        "nano",
        "mini",
        "large",
    )
    assert policy.low_confidence.enabled
    assert policy.low_confidence.to == "mini"
    assert policy.low_confidence.below is None  # the triage model's calibrated threshold
    assert not policy.compliance_rewrite.enabled
    assert not policy.frustrated.enabled
    assert not policy.second_clarification.enabled


def test_a_config_without_the_table_gets_the_defaults() -> None:
    assert "[escalation" not in DEFAULT_TOML
    assert loads_config(DEFAULT_TOML).escalation == EscalationPolicy()


def test_good_values_are_read() -> None:
    policy = loads_config(
        _with(
            """
[escalation.start]
phrase = "mini"
[escalation.low_confidence]
below = 0.7
to = "large"
[escalation.compliance_rewrite]
enabled = true
[escalation.frustrated]
enabled = true
to = "large"
[escalation.second_clarification]
enabled = true
to = "large"
"""
        )
    ).escalation

    assert policy.start.phrase == "mini"
    assert (policy.low_confidence.below, policy.low_confidence.to) == (0.7, "large")
    assert policy.compliance_rewrite.enabled
    assert policy.compliance_rewrite.to == "large"
    assert policy.frustrated.to == "large"
    assert policy.second_clarification.enabled


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[escalation.low_confidence]\nbelow = 1.5\n", "escalation.low_confidence.below"),
        ('[escalation.low_confidence]\nbelow = "high"\n', "escalation.low_confidence.below"),
        ('[escalation.frustrated]\nenabled = true\nto = "huge"\n', "escalation.frustrated.to"),
        ('[escalation.start]\ntriage = "xl"\n', "escalation.start.triage"),
        ('[escalation.start]\nphrase = "embedded"\n', "escalation.start.phrase"),
        ('[escalation.low_confidence]\nto = "embedded"\n', "escalation.low_confidence.to"),
        ('[escalation.low_confidence]\nto = "nano"\n', "low_confidence.to: 'nano' is not above"),
        (
            '[escalation.start]\nphrase = "mini"\n[escalation.frustrated]\nenabled = true\n',
            "frustrated.to: 'mini' is not above the phrase step's tier 'mini'",
        ),
        ("[escalation.compliance_rewrite]\nenable = true\n", "escalation.compliance_rewrite.enable"),
        ("[escalation.angry]\nenabled = true\n", "escalation.angry"),
    ],
)
def test_bad_values_are_refused_with_where_and_why(toml: str, message: str) -> None:
    with pytest.raises(GatewayConfigError) as caught:
        loads_config(_with(toml), source="models.toml")

    assert str(caught.value).startswith("models.toml: ")
    assert message in str(caught.value)


def test_a_disabled_rule_may_name_any_tier() -> None:
    """Switching a rule off must not require editing its target."""
    policy = loads_config(_with('[escalation.low_confidence]\nenabled = false\nto = "nano"\n')).escalation

    assert not policy.low_confidence.enabled


def test_tiers_above() -> None:
    assert tiers_above("nano", "large") == ["mini", "large"]
    assert tiers_above("nano", "mini") == ["mini"]
    assert tiers_above("mini", "mini") == []
    assert tiers_above("embedded", "mini") == ["nano", "mini"]


def test_triage_on_the_embedded_model_gets_a_free_local_tier_without_declaring_it() -> None:
    config = loads_config(_with('[escalation.start]\ntriage = "embedded"\n'))

    [entry] = config.tiers["embedded"]
    assert (entry.provider, entry.price_in_per_m, entry.price_out_per_m) == ("local", 0, 0)
    assert config.providers["local"].kind == "local"
    assert "embedded" not in loads_config(DEFAULT_TOML).tiers  # only when triage starts there


def test_a_declared_embedded_tier_is_kept() -> None:
    toml = _with('[escalation.start]\ntriage = "embedded"\n').replace(
        "[tiers]",
        '[tiers]\nembedded = [{ provider = "local", model = "mine", price_in_per_m = 0, '
        "price_out_per_m = 0 }]",
    )

    assert [e.model for e in loads_config(toml).tiers["embedded"]] == ["mine"]
