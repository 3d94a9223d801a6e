"""A simulated latency for every local provider, set from outside the TOML (load tests, bench/)."""

from __future__ import annotations

import pytest

from agents.models import GatewayConfigError, load_config
from agents.models.factory import with_simulated_latency
from agents.models.gateway_config import loads_config


def test_every_local_provider_gets_the_latency_and_nothing_else_changes() -> None:
    config = load_config()
    assert config.providers["local"].simulated_latency_ms == 0

    slow = with_simulated_latency(config, 2000)

    assert slow.providers["local"].simulated_latency_ms == 2000
    assert slow.tiers == config.tiers
    assert config.providers["local"].simulated_latency_ms == 0  # the loaded config is not changed


def test_remote_providers_keep_their_settings() -> None:
    config = loads_config(
        """
        [providers.openai]
        api_key_env = "OPENAI_API_KEY"
        [tiers]
        nano = [{ provider = "openai", model = "gpt-x", price_in_per_m = 1, price_out_per_m = 2 },
                { provider = "local", model = "bankdesk-local", price_in_per_m = 0, price_out_per_m = 0 }]
        mini = [{ provider = "local", model = "bankdesk-local", price_in_per_m = 0, price_out_per_m = 0 }]
        large = [{ provider = "local", model = "bankdesk-local", price_in_per_m = 0, price_out_per_m = 0 }]
        """
    )

    slow = with_simulated_latency(config, 150)

    assert slow.providers["openai"] == config.providers["openai"]
    assert slow.providers["local"].simulated_latency_ms == 150


def test_no_override_keeps_the_config_and_a_negative_one_is_refused() -> None:
    config = load_config()
    assert with_simulated_latency(config, None) is config
    with pytest.raises(GatewayConfigError):
        with_simulated_latency(config, -1)
