"""Map an HTTP failure reported by a provider SDK to the gateway's outcomes."""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx2

from agents.models.errors import ProviderFailure
from agents.models.providers.base import retry_after_seconds
from agents.models.recording import Outcome


def failure_from_status(status: int, headers: Mapping[str, str], message: str) -> ProviderFailure:
    # The SDKs prefix "Error code: 429 - "; the status is already in our own prefix.
    detail = f"HTTP {status}: {message.removeprefix(f'Error code: {status} - ')}"
    if status == 429:
        return ProviderFailure(Outcome.RATE_LIMITED, detail, retry_after_s=retry_after_seconds(headers))
    if status == 408:
        return ProviderFailure(Outcome.TIMEOUT, detail)
    if status >= 500:  # includes Anthropic's 529 "overloaded"
        return ProviderFailure(Outcome.SERVER_ERROR, detail, retry_after_s=retry_after_seconds(headers))
    # 400/401/403/404/422: our request or our account is wrong; retrying the same entry cannot help.
    return ProviderFailure(Outcome.ERROR, detail)


def timeout_failure(message: str) -> ProviderFailure:
    return ProviderFailure(Outcome.TIMEOUT, message)


def connection_failure(message: str) -> ProviderFailure:
    return ProviderFailure(Outcome.ERROR, f"connection failed: {message}", connection_failed=True)


def mid_stream_failure(exc: Exception) -> ProviderFailure | None:
    """Failures that surface raw while iterating a stream (the SDKs wrap them only before the first byte)."""
    if isinstance(exc, httpx2.TimeoutException):
        return timeout_failure(f"stream stalled: {exc}")
    if isinstance(exc, httpx2.TransportError):
        return connection_failure(f"stream broke: {exc}")
    if isinstance(exc, json.JSONDecodeError):
        return ProviderFailure(Outcome.SERVER_ERROR, f"undecodable stream event ({exc.msg})")
    return None


def truncated_stream() -> ProviderFailure:
    return ProviderFailure(Outcome.SERVER_ERROR, "stream ended before the provider finished the message")
