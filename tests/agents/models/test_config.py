"""Loading and validating gateway configurations."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from agents.models import (
    GatewayConfigError,
    InMemoryRecorder,
    build_gateway,
    load_bundled_config,
    load_config,
)
from agents.models.gateway_config import BUNDLED_CONFIGS, loads_config, missing_api_keys
from tests.agents.models.replay import FAKE_KEYS
from tests.agents.models.sample_configs import LOCAL, OPENAI_LARGE, tiers


@pytest.mark.parametrize("name", BUNDLED_CONFIGS)
def test_bundled_configs_are_valid_and_end_in_local(name: str) -> None:
    config = load_bundled_config(name)

    assert set(config.tiers) >= {"nano", "mini", "large"}
    for entries in config.tiers.values():
        assert entries[-1].provider == "local", "the offline provider is always the last resort"


def test_default_config_is_all_local_and_needs_no_key() -> None:
    config = load_config()

    assert {e.provider for entries in config.tiers.values() for e in entries} == {"local"}
    assert missing_api_keys(config, {}) == []


def test_example_prices_are_exact_decimals() -> None:
    openai = load_bundled_config("openai.example")
    anthropic = load_bundled_config("anthropic.example")

    nano = openai.tiers["nano"][0]
    assert (nano.model, nano.price_in_per_m, nano.price_out_per_m) == (
        "gpt-5.4-nano",
        Decimal("0.2"),
        Decimal("1.25"),
    )
    assert [e.model for e in openai.tiers["mini"]][0] == "gpt-5.4-mini"
    assert [e.model for e in openai.tiers["large"]][0] == "gpt-4.1"
    assert [anthropic.tiers[t][0].model for t in ("nano", "mini", "large")] == [
        "claude-haiku-4-5",
        "claude-sonnet-4-6",
        "claude-opus-4-7",
    ]


def test_mixed_config_falls_back_across_providers() -> None:
    config = load_bundled_config("mixed.example")

    assert [e.provider for e in config.tiers["mini"]] == ["openai", "anthropic", "local"]
    assert set(config.variants) == {"control", "anthropic_large"}
    assert config.tiers_for("anthropic_large")["large"][0].provider == "anthropic"
    assert config.tiers_for("control")["large"][0].provider == "openai"
    assert config.tiers_for("anthropic_large")["nano"] == config.tiers["nano"]


def test_load_config_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text(tiers(nano=[OPENAI_LARGE, LOCAL]))

    config = load_config(path)

    assert [e.provider for e in config.tiers["nano"]] == ["openai", "local"]
    assert config.providers["openai"].kind == "openai"  # implicit section for a well-known provider


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            tiers(nano=['{ provider = "mistral", model = "m", price_in_per_m = 1, price_out_per_m = 1 }']),
            "tiers.nano[0]: unknown provider 'mistral'",
        ),
        ("[tiers]\nnano = []\nmini = []\nlarge = []\n", "tiers.nano: empty tier"),
        (
            tiers(nano=['{ provider = "local", model = "m", price_in_per_m = -1, price_out_per_m = 0 }']),
            "tiers.nano.0.price_in_per_m: Input should be greater than or equal to 0",
        ),
        ("[tiers]\nnano = [" + LOCAL + "]\n", "missing tier 'mini'"),
        (
            tiers(
                nano=[
                    '{ provider = "local", model = "m", price_in_per_m = 0, price_out_per_m = 0, retry = 2 }'
                ]
            ),
            "tiers.nano.0.retry: Extra inputs are not permitted",
        ),
        (
            tiers(nano=[LOCAL], head='[providers.vllm]\nbase_url = "http://gpu:8000/v1"\n'),
            "providers.vllm.kind: Field required",
        ),
        (
            tiers(nano=[LOCAL]) + "[variants.a]\nweight = 1\ntiers.huge = [" + LOCAL + "]\n",
            "variants.a.tiers.huge: overrides a tier that [tiers] lacks",
        ),
        (tiers(nano=[LOCAL]) + "[variants.a]\nweight = 0\n", "variants: the weights add up to 0"),
        ("[tiers\nnano = 1", "not valid TOML"),
    ],
)
def test_invalid_configs_fail_with_a_clear_message(toml: str, message: str) -> None:
    with pytest.raises(GatewayConfigError) as caught:
        loads_config(toml, source="gateway.toml")

    assert str(caught.value).startswith("gateway.toml: ")
    assert message in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(GatewayConfigError, match="cannot read gateway config"):
        load_config(tmp_path / "nope.toml")


def test_missing_api_key_fails_at_construction_naming_the_variable() -> None:
    config = load_bundled_config("mixed.example")

    with pytest.raises(GatewayConfigError) as caught:
        build_gateway(config, recorder=InMemoryRecorder(), env={"OPENAI_API_KEY": "sk-x"})

    message = str(caught.value)
    assert "ANTHROPIC_API_KEY" in message
    assert "provider 'anthropic' (used by nano, mini, large, anthropic_large/large)" in message
    assert "OPENAI_API_KEY" not in message


async def test_custom_key_variable_and_keyless_compatible_server() -> None:
    head = (
        '[providers.openai]\napi_key_env = "BANKDESK_OPENAI_KEY"\n'
        '[providers.llamacpp]\nkind = "openai"\nbase_url = "http://127.0.0.1:8080/v1"\n'
        "api_key_required = false\n"
    )
    llama = '{ provider = "llamacpp", model = "qwen", price_in_per_m = 0, price_out_per_m = 0 }'
    config = loads_config(tiers(nano=[OPENAI_LARGE, llama], head=head))

    assert missing_api_keys(config, FAKE_KEYS) == [
        "provider 'openai' (used by nano) needs the environment variable BANKDESK_OPENAI_KEY"
    ]
    gateway = build_gateway(config, recorder=InMemoryRecorder(), env={"BANKDESK_OPENAI_KEY": "sk-x"})
    await gateway.aclose()


def test_unknown_bundled_config_name() -> None:
    with pytest.raises(GatewayConfigError, match="no bundled gateway config 'azure'"):
        load_bundled_config("azure")
