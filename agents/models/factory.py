"""Build a Gateway from its configuration: the one place that knows which class serves which provider kind."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import httpx2

from agents.models.errors import GatewayConfigError
from agents.models.gateway import Clock, Gateway, Sleep, utc_now
from agents.models.gateway_config import GatewayConfig, ProviderSettings, missing_api_keys
from agents.models.providers.base import Provider
from agents.models.providers.local import LocalHandler, LocalProvider
from agents.models.recording import CallRecorder

# Sent to OpenAI-compatible servers that ignore the key; the SDK refuses to start without one.
_PLACEHOLDER_KEY = "not-needed"


def build_gateway(
    config: GatewayConfig,
    *,
    recorder: CallRecorder,
    local_handlers: Mapping[str, LocalHandler] | None = None,
    env: Mapping[str, str] | None = None,
    http_transport: httpx2.AsyncBaseTransport | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    now: Callable[[], datetime] = utc_now,
) -> Gateway:
    """Check the environment, create one client per provider in use and wire them into a Gateway.

    Raises GatewayConfigError when a provider in use lacks its API key, so a misconfigured deployment
    fails at start-up rather than on the first customer message. `http_transport` replaces the network
    for the SDK clients (tests replay recorded payloads through it).
    """
    env = os.environ if env is None else env
    problems = missing_api_keys(config, env)
    if problems:
        raise GatewayConfigError("; ".join(problems))
    providers: dict[str, Provider] = {}
    for name in config.providers_in_use():
        providers[name] = _provider(config.providers[name], env, local_handlers or {}, http_transport)
    return Gateway(config, providers, recorder=recorder, clock=clock, sleep=sleep, now=now)


def with_simulated_latency(config: GatewayConfig, latency_ms: float | None) -> GatewayConfig:
    """The config with every local provider sleeping ``latency_ms`` per call (None: unchanged).

    For load tests: the environment sets it (BANKDESK_SIMULATED_LATENCY_MS) without editing the TOML.
    """
    if latency_ms is None:
        return config
    if latency_ms < 0:
        raise GatewayConfigError("simulated latency cannot be negative")
    providers = {
        name: p.model_copy(update={"simulated_latency_ms": float(latency_ms)}) if p.kind == "local" else p
        for name, p in config.providers.items()
    }
    return config.model_copy(update={"providers": providers})


def _provider(
    settings: ProviderSettings,
    env: Mapping[str, str],
    local_handlers: Mapping[str, LocalHandler],
    http_transport: httpx2.AsyncBaseTransport | None,
) -> Provider:
    key_env = settings.key_env()
    api_key = env[key_env] if key_env else _PLACEHOLDER_KEY
    if settings.kind == "local":
        return LocalProvider(local_handlers, simulated_latency_ms=settings.simulated_latency_ms)
    if settings.kind == "openai":
        # Imported here so an all-local deployment never loads the SDKs.
        from agents.models.providers.openai_provider import OpenAIProvider

        return OpenAIProvider(
            api_key=api_key,
            base_url=settings.base_url,
            max_tokens_field=settings.max_tokens_field,
            http_transport=http_transport,
        )
    if settings.kind == "anthropic":
        from agents.models.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(api_key=api_key, base_url=settings.base_url, http_transport=http_transport)
    raise GatewayConfigError(f"unsupported provider kind {settings.kind!r}")
