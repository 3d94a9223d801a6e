"""The gateway configuration (TOML): providers, tiers of ordered fallback entries, A/B variants, and the
escalation policy (agents.models.escalation)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents.models.errors import GatewayConfigError
from agents.models.escalation import EMBEDDED, EscalationPolicy

ProviderKind = Literal["local", "openai", "anthropic"]
KNOWN_KINDS: tuple[ProviderKind, ...] = ("local", "openai", "anthropic")
REQUIRED_TIERS = ("nano", "mini", "large")
DEFAULT_API_KEY_ENV: dict[str, str] = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
BUNDLED_CONFIGS = ("default", "openai.example", "anthropic.example", "mixed.example")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TierEntry(_Strict):
    provider: str = Field(min_length=1)
    model: str = Field(min_length=1)
    price_in_per_m: Decimal = Field(ge=0, description="USD per million input tokens")
    price_out_per_m: Decimal = Field(ge=0, description="USD per million output tokens")
    timeout_s: float = Field(default=30.0, gt=0)
    retries: int = Field(default=0, ge=0, le=5)
    supports_temperature: bool = True
    """Reasoning models (e.g. the GPT-5 family) reject a temperature parameter."""
    reasoning_effort: str | None = None


class ProviderSettings(_Strict):
    kind: ProviderKind
    base_url: str | None = None
    """Any OpenAI-compatible server works for kind "openai": vLLM, Ollama, llama.cpp."""
    api_key_env: str | None = None
    api_key_required: bool = True
    """False for local OpenAI-compatible servers that ignore the key."""
    max_tokens_field: Literal["max_completion_tokens", "max_tokens"] = "max_completion_tokens"
    """Older OpenAI-compatible servers only understand max_tokens."""
    simulated_latency_ms: float = Field(default=0.0, ge=0)
    """Local provider only: sleep this long per call, for load tests."""

    def key_env(self) -> str | None:
        if not self.api_key_required or self.kind == "local":
            return None
        return self.api_key_env or DEFAULT_API_KEY_ENV.get(self.kind)


class GatewaySettings(_Strict):
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=30.0, gt=0)
    max_retry_wait_s: float = Field(default=5.0, ge=0)
    """Longest Retry-After honoured when the caller gives no deadline."""
    variant_salt: str = ""
    """Change it to reshuffle conversations between variants for a new experiment."""


class VariantSettings(_Strict):
    weight: int = Field(ge=0)
    tiers: dict[str, list[TierEntry]] = Field(default_factory=dict)
    """Tiers this variant overrides; the others come from the base [tiers]."""


class GatewayConfig(_Strict):
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    providers: dict[str, ProviderSettings] = Field(default_factory=dict)
    tiers: dict[str, list[TierEntry]]
    variants: dict[str, VariantSettings] = Field(default_factory=dict)
    escalation: EscalationPolicy = Field(default_factory=EscalationPolicy)
    """Which tier each model step starts on and when a turn moves up; the defaults are the graph's own."""

    @model_validator(mode="before")
    @classmethod
    def _implicit_provider_sections(cls, raw: Any) -> Any:
        """A provider section may omit `kind` when named after one; well-known providers need no section."""
        if not isinstance(raw, Mapping):
            return raw
        data = dict(raw)
        _add_embedded_tier(data)
        providers = {name: dict(section) for name, section in dict(data.get("providers") or {}).items()}
        for name, section in providers.items():
            if "kind" not in section and name in KNOWN_KINDS:
                section["kind"] = name
        for entry in _raw_entries(data):
            name = entry.get("provider") if isinstance(entry, Mapping) else None
            if isinstance(name, str) and name in KNOWN_KINDS and name not in providers:
                providers[name] = {"kind": name}
        data["providers"] = providers
        return data

    @model_validator(mode="after")
    def _check_references(self) -> GatewayConfig:
        problems: list[str] = []
        for tier in REQUIRED_TIERS:
            if tier not in self.tiers:
                problems.append(f"tiers: missing tier {tier!r} (need {', '.join(REQUIRED_TIERS)})")
        for where, tier, entries in self._all_tier_lists():
            if not entries:
                problems.append(f"{where}.{tier}: empty tier, list at least one entry")
            for i, entry in enumerate(entries):
                if entry.provider not in self.providers:
                    declared = ", ".join(sorted(self.providers)) or "none"
                    problems.append(
                        f"{where}.{tier}[{i}]: unknown provider {entry.provider!r} (declared: {declared}; "
                        f"built in: {', '.join(KNOWN_KINDS)})"
                    )
        for name, variant in self.variants.items():
            for tier in variant.tiers:
                if tier not in self.tiers:
                    problems.append(f"variants.{name}.tiers.{tier}: overrides a tier that [tiers] lacks")
        if self.variants and sum(v.weight for v in self.variants.values()) == 0:
            problems.append("variants: the weights add up to 0")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _all_tier_lists(self) -> list[tuple[str, str, list[TierEntry]]]:
        lists = [("tiers", tier, entries) for tier, entries in self.tiers.items()]
        for name, variant in self.variants.items():
            lists += [(f"variants.{name}.tiers", tier, entries) for tier, entries in variant.tiers.items()]
        return lists

    def tiers_for(self, variant: str | None) -> dict[str, list[TierEntry]]:
        """The tier mapping a conversation in `variant` uses (unknown or no variant: the base tiers)."""
        overrides = self.variants[variant].tiers if variant in self.variants else {}
        return {**self.tiers, **overrides}

    def providers_in_use(self) -> dict[str, list[str]]:
        """Provider name -> the tiers (with variant prefix) that reference it."""
        used: dict[str, list[str]] = {}
        for where, tier, entries in self._all_tier_lists():
            label = tier if where == "tiers" else f"{where.removeprefix('variants.').split('.')[0]}/{tier}"
            for entry in entries:
                labels = used.setdefault(entry.provider, [])
                if label not in labels:
                    labels.append(label)
        return used


EMBEDDED_ENTRY: dict[str, Any] = {
    "provider": "local",
    "model": "bankdesk-local",
    "price_in_per_m": 0,
    "price_out_per_m": 0,
    "timeout_s": 5.0,
}
"""The `embedded` tier when a config starts triage on it without declaring it: the in-process model, free."""


def _add_embedded_tier(data: dict[str, Any]) -> None:
    """A config whose triage starts on `embedded` gets that tier (the local provider), unless it has one."""
    escalation = data.get("escalation")
    start = escalation.get("start") if isinstance(escalation, Mapping) else None
    if not isinstance(start, Mapping) or start.get("triage") != EMBEDDED:
        return
    tiers = dict(data.get("tiers") or {})
    tiers.setdefault(EMBEDDED, [dict(EMBEDDED_ENTRY)])
    data["tiers"] = tiers


def _raw_entries(data: Mapping[str, Any]) -> list[Any]:
    entries: list[Any] = []
    for tier_list in dict(data.get("tiers") or {}).values():
        entries += list(tier_list) if isinstance(tier_list, list) else []
    for variant in dict(data.get("variants") or {}).values():
        if isinstance(variant, Mapping):
            for tier_list in dict(variant.get("tiers") or {}).values():
                entries += list(tier_list) if isinstance(tier_list, list) else []
    return entries


def parse_config(data: Mapping[str, Any], *, source: str = "<gateway config>") -> GatewayConfig:
    try:
        return GatewayConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise GatewayConfigError(f"{source}: {_describe(exc)}") from exc


def load_config(path: str | Path | None = None) -> GatewayConfig:
    """Load a TOML gateway config; without a path, the bundled all-local default."""
    if path is None:
        return load_bundled_config("default")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GatewayConfigError(f"{path}: cannot read gateway config ({exc.strerror})") from exc
    return loads_config(text, source=str(path))


def load_bundled_config(name: str) -> GatewayConfig:
    """One of the configs shipped in agents/models/config: default, openai.example, anthropic.example, ..."""
    if name not in BUNDLED_CONFIGS:
        raise GatewayConfigError(f"no bundled gateway config {name!r} (have: {', '.join(BUNDLED_CONFIGS)})")
    text = resources.files("agents.models").joinpath("config", f"{name}.toml").read_text(encoding="utf-8")
    return loads_config(text, source=f"agents/models/config/{name}.toml")


def loads_config(text: str, *, source: str = "<gateway config>") -> GatewayConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GatewayConfigError(f"{source}: not valid TOML ({exc})") from exc
    return parse_config(data, source=source)


def missing_api_keys(config: GatewayConfig, env: Mapping[str, str]) -> list[str]:
    """One message per provider in use whose API key environment variable is unset or empty."""
    messages = []
    for name, tiers in config.providers_in_use().items():
        env_var = config.providers[name].key_env()
        if env_var and not env.get(env_var):
            messages.append(
                f"provider {name!r} (used by {', '.join(tiers)}) needs the environment variable {env_var}"
            )
    return messages


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)
