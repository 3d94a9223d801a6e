"""The per-provider circuit breaker, alone and inside the gateway."""

from __future__ import annotations

import asyncio

import pytest

from agents.models import (
    BreakerState,
    CallMeta,
    ChatMessage,
    LocalResult,
    ModelRequest,
    Outcome,
    TextDelta,
    TierUnavailable,
)
from agents.models.breaker import CircuitBreaker
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.fakes import FakeClock
from tests.agents.models.replay import OPENAI_HOST, ReplayTransport, recorded
from tests.agents.models.sample_configs import LOCAL, TriageAnswer, tiers

META = CallMeta(conversation_id="conv-b", node="respond")
OPENAI_NO_RETRY = (
    '{ provider = "openai", model = "gpt-4.1", price_in_per_m = 2, price_out_per_m = 8, timeout_s = 30 }'
)
CONFIG = tiers(
    nano=[OPENAI_NO_RETRY, LOCAL],
    head="[gateway]\nbreaker_failure_threshold = 3\nbreaker_cooldown_s = 60\n",
)


def state(breaker: CircuitBreaker) -> BreakerState:
    """Read through a call: mypy would otherwise narrow the property across assertions."""
    return breaker.state


def reply(request: ModelRequest) -> LocalResult:
    return LocalResult(text="Sorry, let me pass you to a colleague.")


def reply_request() -> ModelRequest:
    return ModelRequest(task="reply", messages=[ChatMessage("user", "hello")])


def test_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=30, clock=clock)

    breaker.record_failure()
    assert breaker.try_acquire()
    breaker.record_failure()
    assert state(breaker) is BreakerState.OPEN
    assert not breaker.try_acquire()

    clock.advance(29.9)
    assert not breaker.try_acquire()
    clock.advance(0.1)
    assert state(breaker) is BreakerState.HALF_OPEN
    assert breaker.try_acquire()
    assert not breaker.try_acquire(), "only one probe at a time while half-open"


def test_probe_success_closes_and_probe_failure_reopens() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.advance(10)

    assert breaker.try_acquire()
    breaker.record_failure()  # the probe failed: open for another full cool-down
    assert state(breaker) is BreakerState.OPEN
    clock.advance(9)
    assert state(breaker) is BreakerState.OPEN
    clock.advance(1)

    assert breaker.try_acquire()
    breaker.record_success()
    assert state(breaker) is BreakerState.CLOSED
    assert breaker.try_acquire()
    assert breaker.try_acquire()


def test_success_resets_the_consecutive_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=10, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert state(breaker) is BreakerState.CLOSED


def test_neutral_result_releases_the_probe_without_closing() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.advance(10)
    assert breaker.try_acquire()
    breaker.record_neutral()
    assert state(breaker) is BreakerState.HALF_OPEN
    assert breaker.try_acquire()


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CircuitBreaker(failure_threshold=0, cooldown_s=1, clock=FakeClock())


async def test_gateway_skips_an_open_provider_then_probes_it_after_cooldown(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    clock: FakeClock,
) -> None:
    replay_transport.queue(OPENAI_HOST, *[recorded("openai/server_error_500.http")] * 3)
    gateway = make_gateway(CONFIG, handlers={"reply": reply})

    for _ in range(3):
        response = await gateway.call("nano", reply_request(), meta=META)
        assert response.provider == "local"
    assert gateway.breaker_state("openai") is BreakerState.OPEN

    # open: OpenAI is not called at all, the skip is recorded, local answers
    recorder.records.clear()
    response = await gateway.call("nano", reply_request(), meta=META)
    assert response.provider == "local"
    assert recorder.outcomes() == [("openai", Outcome.CIRCUIT_OPEN), ("local", Outcome.OK)]
    assert recorder.records[0].cost_usd_micros == 0
    assert len(replay_transport.requests) == 3

    # after the cool-down one probe goes through; it succeeds and the breaker closes
    clock.advance(60)
    assert gateway.breaker_state("openai") is BreakerState.HALF_OPEN
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_reply.json"))
    response = await gateway.call("nano", reply_request(), meta=META)
    assert response.provider == "openai"
    assert gateway.breaker_state("openai") is BreakerState.CLOSED
    replay_transport.assert_exhausted()


async def test_failed_probe_reopens_the_breaker(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, clock: FakeClock
) -> None:
    replay_transport.queue(OPENAI_HOST, *[recorded("openai/server_error_500.http")] * 4)
    gateway = make_gateway(CONFIG, handlers={"reply": reply})
    for _ in range(3):
        await gateway.call("nano", reply_request(), meta=META)

    clock.advance(60)
    await gateway.call("nano", reply_request(), meta=META)  # the probe: a 4th 500

    assert gateway.breaker_state("openai") is BreakerState.OPEN
    replay_transport.assert_exhausted()


async def test_malformed_output_does_not_open_the_breaker(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, *[recorded("openai/chat_completion_malformed_json.json")] * 4)
    gateway = make_gateway(CONFIG, handlers={})
    request = ModelRequest(task="triage", messages=[ChatMessage("user", "x")], response_model=TriageAnswer)

    for _ in range(4):
        with pytest.raises(TierUnavailable):
            await gateway.call("nano", request, meta=META)

    assert gateway.breaker_state("openai") is BreakerState.CLOSED


async def test_abandoned_stream_is_recorded_and_frees_the_probe(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    clock: FakeClock,
) -> None:
    replay_transport.queue(OPENAI_HOST, *[recorded("openai/server_error_500.http")] * 3)
    gateway = make_gateway(CONFIG, handlers={"reply": reply})
    for _ in range(3):
        await gateway.call("nano", reply_request(), meta=META)
    clock.advance(60)
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_stream.txt"))

    events = gateway.stream("nano", reply_request(), meta=META)
    first = await anext(events)
    await events.aclose()  # e.g. the customer closed the chat window

    assert isinstance(first, TextDelta)
    assert recorder.records[-1].outcome is Outcome.ERROR
    assert recorder.records[-1].detail == "stream abandoned by the caller"
    assert gateway.breaker_state("openai") is BreakerState.HALF_OPEN
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_reply.json"))
    response = await gateway.call("nano", reply_request(), meta=META)
    assert response.provider == "openai", "the next call may probe again"


async def test_cancelled_probe_frees_the_half_open_slot(
    make_gateway: GatewayFactory, recorder: InMemoryRecorder, clock: FakeClock
) -> None:
    never = asyncio.Event()
    # both local-kind providers share the handler: script its behaviour call by call
    script = ["hang", "answer", "hang", "answer"]

    async def scripted(request: ModelRequest) -> LocalResult:
        if script.pop(0) == "hang":
            await never.wait()
        return LocalResult(text="answered")

    head = (
        "[gateway]\nbreaker_failure_threshold = 1\nbreaker_cooldown_s = 60\n"
        '[providers.flaky]\nkind = "local"\n'
    )
    flaky_entry = (
        '{ provider = "flaky", model = "m", price_in_per_m = 0, price_out_per_m = 0, timeout_s = 0.01 }'
    )
    gateway = make_gateway(tiers(nano=[flaky_entry, LOCAL], head=head), handlers={"reply": scripted})
    response = await gateway.call("nano", reply_request(), meta=META)  # flaky times out, breaker opens
    assert response.provider == "local"
    assert gateway.breaker_state("flaky") is BreakerState.OPEN

    clock.advance(60)
    task = asyncio.create_task(gateway.call("nano", reply_request(), meta=META))
    await asyncio.sleep(0)  # let the probe start and hang
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    response = await gateway.call("nano", reply_request(), meta=META)
    assert response.provider == "flaky"
    assert gateway.breaker_state("flaky") is BreakerState.CLOSED
    assert script == []
