"""Retries, Retry-After, fallback across providers, deadlines, streaming fallback, and what gets recorded."""

from __future__ import annotations

from datetime import UTC

import httpx2
import pytest

from agents.models import (
    CallMeta,
    ChatMessage,
    LocalResult,
    ModelRequest,
    Outcome,
    StreamCompleted,
    TextDelta,
    TierUnavailable,
)
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.fakes import FakeClock
from tests.agents.models.replay import (
    ANTHROPIC_HOST,
    OPENAI_HOST,
    ReplayTransport,
    recorded,
    transport_error,
)
from tests.agents.models.sample_configs import (
    ANTHROPIC_HAIKU,
    LOCAL,
    OPENAI_LARGE,
    OPENAI_NANO,
    TriageAnswer,
    tiers,
)

META = CallMeta(conversation_id="conv-9", node="triage", variant="control")
# nano: OpenAI (1 retry) -> Anthropic -> local
CROSS_PROVIDER = tiers(nano=[OPENAI_NANO, ANTHROPIC_HAIKU, LOCAL])


def triage_request() -> ModelRequest:
    return ModelRequest(
        task="triage",
        messages=[ChatMessage("user", "my card never came")],
        inputs={"text": "my card never came"},
        response_model=TriageAnswer,
    )


def local_triage(request: ModelRequest) -> LocalResult:
    return LocalResult(data={"intent": "card_arrival", "confidence": 0.6, "needs_human": False})


HANDLERS = {"triage": local_triage}


async def test_retry_after_is_honoured_then_same_entry_succeeds(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    clock: FakeClock,
) -> None:
    replay_transport.queue(
        OPENAI_HOST,
        recorded("openai/rate_limited_429.http"),
        recorded("openai/chat_completion_triage_structured.json"),
    )
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META, deadline_s=10)

    assert response.provider == "openai"
    assert clock.sleeps == [2.0]  # the recorded retry-after: 2
    assert recorder.outcomes() == [("openai", Outcome.RATE_LIMITED), ("openai", Outcome.OK)]
    replay_transport.assert_exhausted()


async def test_retry_after_beyond_the_deadline_falls_back_without_waiting(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    clock: FakeClock,
) -> None:
    replay_transport.queue(
        OPENAI_HOST, recorded("openai/rate_limited_429.http", headers=(("retry-after", "30"),))
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_triage_structured.json"))
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META, deadline_s=10)

    assert response.provider == "anthropic"
    assert response.data == {"intent": "card_arrival", "confidence": 0.88, "needs_human": False}
    assert clock.sleeps == []
    assert recorder.outcomes() == [("openai", Outcome.RATE_LIMITED), ("anthropic", Outcome.OK)]
    replay_transport.assert_exhausted()


async def test_without_deadline_retry_after_is_capped_by_config(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, clock: FakeClock
) -> None:
    replay_transport.queue(
        OPENAI_HOST, recorded("openai/rate_limited_429.http", headers=(("retry-after", "6"),))
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_triage_structured.json"))
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)  # max_retry_wait_s defaults to 5

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "anthropic"
    assert clock.sleeps == []


async def test_server_error_falls_back_to_next_provider(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    # the OpenAI entry has retries = 1: two 500s, then Anthropic answers
    replay_transport.queue(
        OPENAI_HOST, recorded("openai/server_error_500.http"), recorded("openai/server_error_500.http")
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_triage_structured.json"))
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "anthropic"
    assert recorder.outcomes() == [
        ("openai", Outcome.SERVER_ERROR),
        ("openai", Outcome.SERVER_ERROR),
        ("anthropic", Outcome.OK),
    ]
    replay_transport.assert_exhausted()


async def test_timeout_falls_back(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(OPENAI_HOST, transport_error(), transport_error())
    replay_transport.queue(ANTHROPIC_HOST, transport_error())
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert (response.provider, response.model) == ("local", "bankdesk-local")
    assert response.data == {"intent": "card_arrival", "confidence": 0.6, "needs_human": False}
    assert [o for _, o in recorder.outcomes()] == [Outcome.TIMEOUT] * 3 + [Outcome.OK]


async def test_malformed_json_is_retried_then_falls_back(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(
        OPENAI_HOST,
        recorded("openai/chat_completion_malformed_json.json"),
        recorded("openai/chat_completion_malformed_json.json"),
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_malformed_structured.json"))
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "local"
    assert [o for _, o in recorder.outcomes()] == [Outcome.MALFORMED] * 3 + [Outcome.OK]


async def test_connection_error_falls_back(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(
        OPENAI_HOST, transport_error(httpx2.ConnectError), transport_error(httpx2.ConnectError)
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_triage_structured.json"))
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "anthropic"
    assert recorder.records[0].outcome is Outcome.ERROR
    assert recorder.records[0].detail is not None
    assert "connection" in recorder.records[0].detail


async def test_every_provider_down_raises_tier_unavailable_with_all_attempts(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(
        OPENAI_HOST, recorded("openai/server_error_500.http"), recorded("openai/rate_limited_429.http")
    )
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/overloaded_529.http"))
    gateway = make_gateway(CROSS_PROVIDER, handlers={})  # local has no triage handler

    with pytest.raises(TierUnavailable) as caught:
        await gateway.call("nano", triage_request(), meta=META, deadline_s=1.5)

    error = caught.value
    assert error.tier == "nano"
    assert [(a.provider, a.outcome) for a in error.attempts] == [
        ("openai", Outcome.SERVER_ERROR),
        ("openai", Outcome.RATE_LIMITED),  # retry-after 2 > 1.5 s left: no wait, no further retry
        ("anthropic", Outcome.SERVER_ERROR),
        ("local", Outcome.ERROR),
    ]
    assert "no handler for task 'triage'" in (error.attempts[-1].detail or "")
    assert [a.call_id for a in error.attempts] == [r.call_id for r in recorder.records]
    assert len(set(a.call_id for a in error.attempts)) == 4


async def test_every_attempt_is_recorded_with_cost_and_metadata(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(
        OPENAI_HOST,
        recorded("openai/chat_completion_malformed_json.json"),
        recorded("openai/chat_completion_triage_structured.json"),
    )
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    failed, ok = recorder.records
    # malformed: 287 in, 12 out at $0.20 / $1.25 per M = 57.4 + 15 = 72.4 -> 73 micro-dollars (rounded up)
    assert (failed.outcome, failed.cost_usd_micros) == (Outcome.MALFORMED, 73)
    # ok: 287 in, 19 out = 57.4 + 23.75 = 81.15 -> 82
    assert (ok.outcome, ok.cost_usd_micros) == (Outcome.OK, 82)
    assert response.cost_usd_micros == 82
    assert response.call_id == ok.call_id
    for record in recorder.records:
        assert (record.conversation_id, record.node, record.tier, record.variant) == (
            "conv-9",
            "triage",
            "nano",
            "control",
        )
        assert (record.provider, record.model) == ("openai", "gpt-5.4-nano")
        assert isinstance(record.cost_usd_micros, int)
        assert record.created_at.tzinfo is UTC
        assert record.latency_ms >= 0


async def test_deadline_already_spent_makes_no_call(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    with pytest.raises(TierUnavailable) as caught:
        await gateway.call("nano", triage_request(), meta=META, deadline_s=0)

    assert caught.value.attempts == []
    assert recorder.records == []
    assert replay_transport.requests == []


async def test_unknown_tier_is_a_programming_error(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(CROSS_PROVIDER, handlers=HANDLERS)

    with pytest.raises(ValueError, match="unknown tier 'huge'"):
        await gateway.call("huge", triage_request(), meta=META)


async def test_stream_falls_back_before_the_first_delta(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/server_error_500.http"))
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_stream.txt"))
    gateway = make_gateway(tiers(nano=[LOCAL], large=[OPENAI_LARGE, ANTHROPIC_HAIKU]))
    request = ModelRequest(task="reply", messages=[ChatMessage("user", "card?")])

    events = [e async for e in gateway.stream("large", request, meta=META)]

    assert isinstance(events[-1], StreamCompleted)
    assert events[-1].response.provider == "anthropic"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == events[-1].response.text
    assert recorder.outcomes() == [("openai", Outcome.SERVER_ERROR), ("anthropic", Outcome.OK)]


async def test_stream_failing_after_text_was_sent_does_not_fall_back(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    stream = recorded("openai/chat_completion_stream.txt")
    # cut the stream after three events, as a dropped connection would
    truncated = b"\n\n".join(stream.body.split(b"\n\n")[:3]) + b"\n\ndata: {not json\n\n"
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_stream.txt", body=truncated))
    gateway = make_gateway(tiers(nano=[LOCAL], large=[OPENAI_LARGE, ANTHROPIC_HAIKU]))
    request = ModelRequest(task="reply", messages=[ChatMessage("user", "card?")])
    received: list[str] = []

    async def consume() -> None:
        async for event in gateway.stream("large", request, meta=META):
            assert isinstance(event, TextDelta)
            received.append(event.text)

    with pytest.raises(TierUnavailable):
        await consume()

    assert received == ["I'm sorry", " your card"]
    assert [p for p, _ in recorder.outcomes()] == ["openai"]  # Anthropic was not tried
    assert recorder.records[0].outcome is not Outcome.OK


async def test_local_stream_yields_word_deltas(make_gateway: GatewayFactory) -> None:
    def reply(request: ModelRequest) -> LocalResult:
        return LocalResult(text="Your card was posted on 12 March.")

    gateway = make_gateway(tiers(nano=[LOCAL]), handlers={"reply": reply})
    request = ModelRequest(task="reply", messages=[ChatMessage("user", "card?")])

    events = [e async for e in gateway.stream("mini", request, meta=META)]

    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas == ["Your ", "card ", "was ", "posted ", "on ", "12 ", "March."]
    assert isinstance(events[-1], StreamCompleted)
    assert events[-1].response.cost_usd_micros == 0
