"""The model gateway: a tier's ordered entries with retries, fallback and circuit breakers; every attempt
recorded."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from agents.models.breaker import BreakerState, CircuitBreaker
from agents.models.errors import Attempt, GatewayConfigError, ProviderFailure, TierUnavailable
from agents.models.gateway_config import GatewayConfig, TierEntry
from agents.models.pricing import cost_usd_micros
from agents.models.providers.base import CallOptions, Provider, ProviderResult
from agents.models.recording import CallRecord, CallRecorder, Outcome
from agents.models.structured import MalformedOutput, parse_structured
from agents.models.types import CallMeta, ModelRequest, ModelResponse, StreamCompleted, StreamEvent, TextDelta

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Gateway:
    """Calls a tier ("nano", "mini", "large"): tries its entries in order until one gives a usable answer.

    An entry is retried (up to its `retries`) after a timeout, 5xx, connection error or malformed output,
    and after a 429 when its Retry-After fits in the remaining deadline; otherwise the next entry is tried.
    A provider whose breaker is open is skipped. If nothing works: TierUnavailable.
    """

    def __init__(
        self,
        config: GatewayConfig,
        providers: Mapping[str, Provider],
        *,
        recorder: CallRecorder,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        missing = sorted(set(config.providers_in_use()) - set(providers))
        if missing:
            raise GatewayConfigError(f"no provider instance for {', '.join(missing)}")
        self._config = config
        self._providers = dict(providers)
        self._recorder = recorder
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._breakers = {
            name: CircuitBreaker(
                failure_threshold=config.gateway.breaker_failure_threshold,
                cooldown_s=config.gateway.breaker_cooldown_s,
                clock=clock,
            )
            for name in providers
        }

    @property
    def config(self) -> GatewayConfig:
        return self._config

    def breaker_state(self, provider: str) -> BreakerState:
        return self._breakers[provider].state

    async def call(
        self, tier: str, request: ModelRequest, *, meta: CallMeta, deadline_s: float | None = None
    ) -> ModelResponse:
        run = self._start(tier, meta, deadline_s)
        for entry in run.entries:
            for attempt_no in range(entry.retries + 1):
                attempt = await self._begin(run, entry, attempt_no)
                if attempt is None:
                    break
                try:
                    async with asyncio.timeout(attempt.timeout_s):
                        result = await self._providers[entry.provider].complete(request, attempt.options)
                    return await self._succeed(run, attempt, request, result)
                except TimeoutError:
                    failure = _timed_out(attempt.timeout_s)
                except ProviderFailure as exc:
                    failure = exc
                except BaseException:
                    # Cancelled (e.g. the customer went away): free a half-open probe slot, or the
                    # breaker would wait for this attempt forever.
                    self._breakers[entry.provider].record_neutral()
                    raise
                if not await self._fail_and_decide_retry(run, attempt, failure, attempt_no):
                    break
        raise TierUnavailable(tier, run.attempts)

    async def stream(
        self, tier: str, request: ModelRequest, *, meta: CallMeta, deadline_s: float | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """TextDelta events, then one StreamCompleted.

        Falls back like `call` until the first delta has been yielded; a failure after that raises
        TierUnavailable, since text the customer has seen cannot be taken back.
        """
        run = self._start(tier, meta, deadline_s)
        for entry in run.entries:
            for attempt_no in range(entry.retries + 1):
                attempt = await self._begin(run, entry, attempt_no)
                if attempt is None:
                    break
                chunks = self._providers[entry.provider].stream(request, attempt.options)
                emitted = False
                completed: ModelResponse | None = None
                try:
                    while completed is None:
                        left = attempt.deadline - self._clock()
                        if left <= 0:
                            raise TimeoutError
                        async with asyncio.timeout(left):
                            chunk = await anext(chunks)
                        if isinstance(chunk, TextDelta):
                            emitted = True
                            yield chunk
                        else:
                            completed = await self._succeed(run, attempt, request, chunk)
                except TimeoutError:
                    failure = _timed_out(attempt.timeout_s)
                except StopAsyncIteration:
                    failure = ProviderFailure(Outcome.ERROR, "stream ended without a final result")
                except ProviderFailure as exc:
                    failure = exc
                except GeneratorExit:
                    # The caller stopped reading mid-stream: the tokens were still spent, so record it.
                    await self._abandon(run, attempt, "stream abandoned by the caller")
                    raise
                except BaseException:
                    self._breakers[entry.provider].record_neutral()
                    raise
                finally:
                    await chunks.aclose()
                if completed is not None:
                    yield StreamCompleted(completed)
                    return
                retry = await self._fail_and_decide_retry(run, attempt, failure, attempt_no)
                if emitted:
                    raise TierUnavailable(tier, run.attempts)
                if not retry:
                    break
        raise TierUnavailable(tier, run.attempts)

    async def aclose(self) -> None:
        for provider in self._providers.values():
            await provider.aclose()

    # -- one call, many attempts ---------------------------------------------------------------------

    def _start(self, tier: str, meta: CallMeta, deadline_s: float | None) -> _Run:
        tiers = self._config.tiers_for(meta.variant)
        if tier not in tiers:
            raise ValueError(f"unknown tier {tier!r}; configured: {', '.join(tiers)}")
        deadline = self._clock() + deadline_s if deadline_s is not None else None
        return _Run(tier=tier, meta=meta, entries=tiers[tier], deadline=deadline)

    async def _begin(self, run: _Run, entry: TierEntry, attempt_no: int) -> _Attempt | None:
        """The next attempt on `entry`, or None when the breaker or the deadline forbids one."""
        timeout_s = entry.timeout_s
        if run.deadline is not None:
            timeout_s = min(timeout_s, run.deadline - self._clock())
            if timeout_s <= 0:
                return None
        if not self._breakers[entry.provider].try_acquire():
            if attempt_no == 0:
                await self._record(run, entry, _new_call_id(), self._now(), Outcome.CIRCUIT_OPEN, 0.0)
            return None
        options = CallOptions(
            model=entry.model,
            timeout_s=timeout_s,
            send_temperature=entry.supports_temperature,
            reasoning_effort=entry.reasoning_effort,
        )
        started = self._clock()
        return _Attempt(
            entry=entry,
            call_id=_new_call_id(),
            options=options,
            timeout_s=timeout_s,
            started=started,
            deadline=started + timeout_s,
            started_at=self._now(),
        )

    async def _succeed(
        self, run: _Run, attempt: _Attempt, request: ModelRequest, result: ProviderResult
    ) -> ModelResponse:
        entry = attempt.entry
        data = result.data
        if request.response_model is not None:
            try:
                data = parse_structured(result.text, result.data, request.response_model)
            except MalformedOutput as exc:
                via = f" ({result.note})" if result.note else ""
                raise ProviderFailure(
                    Outcome.MALFORMED,
                    f"structured output: {exc}{via}",
                    input_tokens=result.input_tokens,
                    output_tokens=result.output_tokens,
                ) from exc
        self._breakers[entry.provider].record_success()
        latency_ms = self._elapsed_ms(attempt)
        cost = await self._record(
            run,
            entry,
            attempt.call_id,
            attempt.started_at,
            Outcome.OK,
            latency_ms,
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            detail=result.note,
        )
        return ModelResponse(
            text=result.text,
            data=data,
            tool_calls=list(result.tool_calls),
            provider=entry.provider,
            model=entry.model,
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            cost_usd_micros=cost,
            latency_ms=latency_ms,
            call_id=attempt.call_id,
        )

    async def _abandon(self, run: _Run, attempt: _Attempt, detail: str) -> None:
        self._breakers[attempt.entry.provider].record_neutral()
        latency_ms = self._elapsed_ms(attempt)
        await self._record(
            run, attempt.entry, attempt.call_id, attempt.started_at, Outcome.ERROR, latency_ms, detail=detail
        )

    async def _fail_and_decide_retry(
        self, run: _Run, attempt: _Attempt, failure: ProviderFailure, attempt_no: int
    ) -> bool:
        """Record the failed attempt, update the breaker; True to retry the same entry (after any wait)."""
        entry = attempt.entry
        breaker = self._breakers[entry.provider]
        if failure.counts_against_provider:
            breaker.record_failure()
        else:
            breaker.record_neutral()
        await self._record(
            run,
            entry,
            attempt.call_id,
            attempt.started_at,
            failure.outcome,
            self._elapsed_ms(attempt),
            input_tokens=failure.input_tokens,
            output_tokens=failure.output_tokens,
            detail=failure.detail,
        )
        if attempt_no >= entry.retries or not failure.is_retryable:
            return False
        if failure.outcome is Outcome.RATE_LIMITED and failure.retry_after_s is None:
            return False  # no hint when capacity returns: the next entry is the better bet
        if failure.retry_after_s is not None:
            if run.deadline is not None:
                # Waiting only makes sense if time remains for the retried call itself.
                fits = failure.retry_after_s < run.deadline - self._clock()
            else:
                fits = failure.retry_after_s <= self._config.gateway.max_retry_wait_s
            if not fits:
                return False
            await self._sleep(failure.retry_after_s)
        return True

    async def _record(
        self,
        run: _Run,
        entry: TierEntry,
        call_id: str,
        started_at: datetime,
        outcome: Outcome,
        latency_ms: float,
        *,
        input_tokens: int = 0,
        output_tokens: int = 0,
        detail: str | None = None,
    ) -> int:
        cost = cost_usd_micros(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            price_in_per_m=entry.price_in_per_m,
            price_out_per_m=entry.price_out_per_m,
        )
        await self._recorder.record(
            CallRecord(
                call_id=call_id,
                conversation_id=run.meta.conversation_id,
                node=run.meta.node,
                tier=run.tier,
                provider=entry.provider,
                model=entry.model,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost_usd_micros=cost,
                latency_ms=latency_ms,
                outcome=outcome,
                variant=run.meta.variant,
                created_at=started_at,
                detail=detail,
                escalation=run.meta.escalation,
            )
        )
        run.attempts.append(Attempt(call_id, entry.provider, entry.model, outcome, detail))
        return cost

    def _elapsed_ms(self, attempt: _Attempt) -> float:
        return (self._clock() - attempt.started) * 1000


@dataclass
class _Run:
    tier: str
    meta: CallMeta
    entries: list[TierEntry]
    deadline: float | None
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class _Attempt:
    entry: TierEntry
    call_id: str
    options: CallOptions
    timeout_s: float
    started: float
    deadline: float
    started_at: datetime


def _new_call_id() -> str:
    return uuid.uuid4().hex


def _timed_out(timeout_s: float) -> ProviderFailure:
    return ProviderFailure(Outcome.TIMEOUT, f"no answer within {timeout_s:.2f}s")
