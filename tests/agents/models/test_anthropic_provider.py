"""The Anthropic provider through the real `anthropic` SDK, fed recorded Messages API payloads."""

from __future__ import annotations

import pytest

from agents.models import (
    CallMeta,
    ChatMessage,
    ModelRequest,
    Outcome,
    StreamCompleted,
    TextDelta,
    TierUnavailable,
    ToolCall,
    ToolSpec,
)
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.replay import ANTHROPIC_HOST, ReplayTransport, recorded, transport_error
from tests.agents.models.sample_configs import (
    ANTHROPIC_HAIKU,
    ANTHROPIC_SONNET,
    LIST_TRANSACTIONS,
    TRIAGE_SCHEMA,
    TriageAnswer,
    tiers,
)

META = CallMeta(conversation_id="conv-2", node="respond", variant=None)
CONFIG = tiers(nano=[ANTHROPIC_HAIKU], mini=[ANTHROPIC_SONNET], large=[ANTHROPIC_HAIKU])


def reply_request() -> ModelRequest:
    return ModelRequest(
        task="reply",
        messages=[
            ChatMessage("system", "You are Northbank's assistant."),
            ChatMessage("system", "Never give investment advice."),
            ChatMessage("user", "Where is my new card?"),
        ],
        max_output_tokens=300,
    )


async def test_reply_text_usage_cost_and_request_shape(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_reply.json"))
    gateway = make_gateway(CONFIG)

    response = await gateway.call("mini", reply_request(), meta=META)

    assert response.text.startswith("New cards usually arrive")
    assert (response.provider, response.model) == ("anthropic", "claude-sonnet-4-6")
    assert (response.input_tokens, response.output_tokens) == (452, 61)
    assert response.cost_usd_micros == 452 * 3 + 61 * 15
    [sent] = replay_transport.bodies(ANTHROPIC_HOST)
    assert sent["system"] == "You are Northbank's assistant.\n\nNever give investment advice."
    assert sent["messages"] == [{"role": "user", "content": "Where is my new card?"}]
    assert sent["max_tokens"] == 300
    assert sent["temperature"] == 0.0
    assert "tools" not in sent
    [request] = replay_transport.requests
    assert request.url.path == "/v1/messages"
    assert request.headers["authorization"] == "Bearer sk-ant-test-not-a-real-key"


async def test_structured_output_is_a_forced_tool(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_triage_structured.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="triage", messages=[ChatMessage("user", "card not here")], response_model=TriageAnswer
    )

    response = await gateway.call("nano", request, meta=META)

    assert response.data == {"intent": "card_arrival", "confidence": 0.88, "needs_human": False}
    assert response.tool_calls == []  # the forced tool is the answer, not a tool the graph should run
    [sent] = replay_transport.bodies(ANTHROPIC_HOST)
    assert sent["tools"][0]["name"] == "emit_triage"
    assert sent["tools"][0]["input_schema"] == TRIAGE_SCHEMA
    assert sent["tool_choice"] == {"type": "tool", "name": "emit_triage"}


async def test_tool_use_block_becomes_a_tool_call(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_tool_use.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="tool_select",
        messages=[ChatMessage("user", "Show my Tesco payments over £50 this month")],
        tools=[ToolSpec(**LIST_TRANSACTIONS)],  # type: ignore[arg-type]
        tool_choice="required",
    )

    response = await gateway.call("mini", request, meta=META)

    assert response.text == "I'll look up your recent Tesco payments."
    assert response.tool_calls == [
        ToolCall(
            id="toolu_01Gh7Jk9Lz1Xc3Vb5Nm7Qw9E",
            name="list_transactions",
            arguments={"merchant": "Tesco", "since": "2026-03-01", "min_amount_minor": 5000},
        )
    ]
    [sent] = replay_transport.bodies(ANTHROPIC_HOST)
    assert sent["tools"] == [
        {
            "name": "list_transactions",
            "description": LIST_TRANSACTIONS["description"],
            "input_schema": LIST_TRANSACTIONS["parameters"],
        }
    ]
    assert sent["tool_choice"] == {"type": "any"}


async def test_tool_results_are_sent_as_one_user_turn(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_reply.json"))
    gateway = make_gateway(CONFIG)
    calls = (ToolCall("toolu_a", "list_transactions", {}), ToolCall("toolu_b", "get_card", {"card": "x"}))
    request = ModelRequest(
        task="reply",
        messages=[
            ChatMessage("user", "What happened?"),
            ChatMessage("assistant", "Checking.", tool_calls=calls),
            ChatMessage("tool", "[]", tool_call_id="toolu_a"),
            ChatMessage("tool", '{"status": "active"}', tool_call_id="toolu_b"),
        ],
    )

    await gateway.call("mini", request, meta=META)

    [sent] = replay_transport.bodies(ANTHROPIC_HOST)
    assistant, results = sent["messages"][1], sent["messages"][2]
    assert assistant["content"][0] == {"type": "text", "text": "Checking."}
    assert [b["id"] for b in assistant["content"][1:]] == ["toolu_a", "toolu_b"]
    assert results == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "toolu_a", "content": "[]"},
            {"type": "tool_result", "tool_use_id": "toolu_b", "content": '{"status": "active"}'},
        ],
    }


async def test_streaming_yields_deltas_then_response_with_usage(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_stream.txt"))
    gateway = make_gateway(CONFIG)

    events = [event async for event in gateway.stream("nano", reply_request(), meta=META)]

    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert deltas[0] == "I'm sorry your card"
    assert len(deltas) == 5
    assert isinstance(events[-1], StreamCompleted)
    final = events[-1].response
    assert final.text == "".join(deltas)
    # input from message_start, output from the cumulative message_delta usage
    assert (final.input_tokens, final.output_tokens) == (318, 29)
    assert final.cost_usd_micros == 318 * 1 + 29 * 5
    assert replay_transport.bodies(ANTHROPIC_HOST)[0]["stream"] is True


@pytest.mark.parametrize(
    ("replay_name", "outcome"),
    [
        ("anthropic/rate_limited_429.http", Outcome.RATE_LIMITED),
        ("anthropic/server_error_500.http", Outcome.SERVER_ERROR),
        ("anthropic/overloaded_529.http", Outcome.SERVER_ERROR),
        ("anthropic/message_malformed_structured.json", Outcome.MALFORMED),
    ],
)
async def test_failures_map_to_outcomes(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    replay_name: str,
    outcome: Outcome,
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded(replay_name))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(task="triage", messages=[ChatMessage("user", "hi")], response_model=TriageAnswer)

    with pytest.raises(TierUnavailable):
        await gateway.call("nano", request, meta=META)  # haiku, no retries, no fallback

    [record] = recorder.records
    assert record.outcome is outcome


async def test_malformed_answer_is_still_billed(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_malformed_structured.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(task="triage", messages=[ChatMessage("user", "hi")], response_model=TriageAnswer)

    with pytest.raises(TierUnavailable):
        await gateway.call("nano", request, meta=META)

    [record] = recorder.records
    assert (record.input_tokens, record.output_tokens) == (689, 47)
    assert record.cost_usd_micros == 689 * 1 + 47 * 5
    assert record.detail is not None
    assert "intent" in record.detail


async def test_connection_timeout_maps_to_timeout(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, transport_error())
    gateway = make_gateway(CONFIG)

    with pytest.raises(TierUnavailable):
        await gateway.call("nano", reply_request(), meta=META)

    assert recorder.records[0].outcome is Outcome.TIMEOUT


async def test_streamed_tool_use_input_is_assembled(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(ANTHROPIC_HOST, recorded("anthropic/message_stream_tool_use.txt"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="tool_select",
        messages=[ChatMessage("user", "Tesco payments over £50?")],
        tools=[ToolSpec(**LIST_TRANSACTIONS)],  # type: ignore[arg-type]
    )

    events = [event async for event in gateway.stream("mini", request, meta=META)]

    assert [e.text for e in events if isinstance(e, TextDelta)] == [
        "I'll look up your",
        " recent Tesco payments.",
    ]
    final = events[-1]
    assert isinstance(final, StreamCompleted)
    assert final.response.tool_calls == [
        ToolCall(
            id="toolu_01Hk8Lm0Nz2Xc4Vb6Nm8Qw0R",
            name="list_transactions",
            arguments={"merchant": "Tesco", "since": "2026-03-01", "min_amount_minor": 5000},
        )
    ]
    assert (final.response.input_tokens, final.response.output_tokens) == (905, 91)
