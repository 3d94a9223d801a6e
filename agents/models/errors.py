"""Errors the gateway raises to its callers and the failure type providers raise to the gateway."""

from __future__ import annotations

from dataclasses import dataclass

from agents.models.recording import Outcome

# Failures that say something about the provider's health; only these move the circuit breaker.
# A malformed answer or a rejected request shows the provider is up.
_HEALTH_OUTCOMES = frozenset({Outcome.TIMEOUT, Outcome.RATE_LIMITED, Outcome.SERVER_ERROR})


class GatewayConfigError(ValueError):
    """The gateway configuration is invalid or cannot run in this environment."""


class ProviderFailure(Exception):
    """One provider attempt failed; the gateway records it and decides whether to retry or fall back."""

    def __init__(
        self,
        outcome: Outcome,
        detail: str,
        *,
        retry_after_s: float | None = None,
        connection_failed: bool = False,
        input_tokens: int = 0,
        output_tokens: int = 0,
    ) -> None:
        super().__init__(f"{outcome.value}: {detail}")
        self.outcome = outcome
        self.detail = detail
        self.retry_after_s = retry_after_s
        self.connection_failed = connection_failed
        # A malformed answer was still generated and billed.
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens

    @property
    def is_retryable(self) -> bool:
        return self.outcome is not Outcome.ERROR or self.connection_failed

    @property
    def counts_against_provider(self) -> bool:
        return self.outcome in _HEALTH_OUTCOMES or self.connection_failed


@dataclass(frozen=True)
class Attempt:
    call_id: str
    provider: str
    model: str
    outcome: Outcome
    detail: str | None


class TierUnavailable(Exception):
    """Every entry of a tier failed; the graph answers with a graceful message and offers a handoff."""

    def __init__(self, tier: str, attempts: list[Attempt]) -> None:
        summary = ", ".join(f"{a.provider}:{a.model}={a.outcome.value}" for a in attempts)
        summary = summary or "no attempt made"
        super().__init__(f"tier {tier!r} unavailable ({summary})")
        self.tier = tier
        self.attempts = attempts
