"""The OpenAI provider through the real `openai` SDK, fed recorded Chat Completions payloads."""

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
from tests.agents.models.replay import OPENAI_HOST, ReplayTransport, recorded, transport_error
from tests.agents.models.sample_configs import (
    LIST_TRANSACTIONS,
    OPENAI_LARGE,
    OPENAI_MINI,
    OPENAI_NANO,
    TRIAGE_SCHEMA,
    TriageAnswer,
    tiers,
)

META = CallMeta(conversation_id="conv-1", node="respond", variant=None)
CONFIG = tiers(nano=[OPENAI_NANO], mini=[OPENAI_MINI], large=[OPENAI_LARGE])


def reply_request() -> ModelRequest:
    return ModelRequest(
        task="reply",
        messages=[
            ChatMessage("system", "You are Northbank's assistant."),
            ChatMessage("user", "Where is my new card?"),
        ],
        temperature=0.2,
    )


async def test_reply_text_usage_and_cost(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_reply.json"))
    gateway = make_gateway(CONFIG)

    response = await gateway.call("large", reply_request(), meta=META)

    assert response.text.startswith("New cards usually arrive within 3 to 5 working days")
    assert (response.provider, response.model) == ("openai", "gpt-4.1")
    assert (response.input_tokens, response.output_tokens) == (412, 58)
    # 412 * $2.00/M + 58 * $8.00/M = 824 + 464 micro-dollars
    assert response.cost_usd_micros == 1288
    assert response.data is None
    assert response.tool_calls == []
    [sent] = replay_transport.bodies(OPENAI_HOST)
    assert sent["model"] == "gpt-4.1"
    assert sent["messages"][0] == {"role": "system", "content": "You are Northbank's assistant."}
    assert sent["max_completion_tokens"] == 512
    assert sent["temperature"] == 0.2
    assert "stream" not in sent
    assert "response_format" not in sent


async def test_structured_output_uses_json_schema_and_is_parsed(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_triage_structured.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="triage", messages=[ChatMessage("user", "card not here")], response_model=TriageAnswer
    )

    response = await gateway.call("nano", request, meta=META)

    assert response.data == {"intent": "card_arrival", "confidence": 0.93, "needs_human": False}
    [sent] = replay_transport.bodies(OPENAI_HOST)
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "triage", "schema": TRIAGE_SCHEMA, "strict": True},
    }
    assert "temperature" not in sent  # gpt-5.4-nano is configured as a reasoning model


async def test_tool_call_is_parsed_into_arguments(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_tool_call.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="tool_select",
        messages=[ChatMessage("user", "Show my Tesco payments over £50 this month")],
        tools=[ToolSpec(**LIST_TRANSACTIONS)],  # type: ignore[arg-type]
    )

    response = await gateway.call("mini", request, meta=META)

    [call] = response.tool_calls
    assert call.id == "call_Qm7xK2pV9sLd4RtY8wNb3FzH"
    assert call.name == "list_transactions"
    assert call.arguments == {"merchant": "Tesco", "since": "2026-03-01", "min_amount_minor": 5000}
    assert response.text == ""
    [sent] = replay_transport.bodies(OPENAI_HOST)
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "list_transactions",
                "description": LIST_TRANSACTIONS["description"],
                "parameters": LIST_TRANSACTIONS["parameters"],
            },
        }
    ]
    assert sent["tool_choice"] == "auto"


async def test_tool_round_trip_messages_are_sent_in_openai_shape(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_reply.json"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="reply",
        messages=[
            ChatMessage("user", "Tesco payments?"),
            ChatMessage(
                "assistant", "", tool_calls=(ToolCall("call_1", "list_transactions", {"merchant": "Tesco"}),)
            ),
            ChatMessage("tool", '{"transactions": []}', tool_call_id="call_1"),
        ],
        tools=[ToolSpec(**LIST_TRANSACTIONS)],  # type: ignore[arg-type]
        tool_choice="list_transactions",
    )

    await gateway.call("large", request, meta=META)

    [sent] = replay_transport.bodies(OPENAI_HOST)
    assert sent["messages"][1]["tool_calls"][0]["function"] == {
        "name": "list_transactions",
        "arguments": '{"merchant": "Tesco"}',
    }
    assert sent["messages"][2] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"transactions": []}',
    }
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "list_transactions"}}


async def test_streaming_yields_deltas_then_response_with_usage(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_stream.txt"))
    gateway = make_gateway(CONFIG)

    events = [event async for event in gateway.stream("large", reply_request(), meta=META)]

    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) == 12
    assert isinstance(events[-1], StreamCompleted)
    final = events[-1].response
    assert final.text == "".join(deltas)
    assert final.text.endswith("I can order a replacement.")
    assert (final.input_tokens, final.output_tokens) == (624, 27)
    assert final.cost_usd_micros == 624 * 2 + 27 * 8
    [sent] = replay_transport.bodies(OPENAI_HOST)
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert [r.outcome for r in recorder.records] == [Outcome.OK]


@pytest.mark.parametrize(
    ("replay_name", "outcome"),
    [
        ("openai/rate_limited_429.http", Outcome.RATE_LIMITED),
        ("openai/server_error_500.http", Outcome.SERVER_ERROR),
        ("openai/chat_completion_malformed_json.json", Outcome.MALFORMED),
    ],
)
async def test_failures_map_to_outcomes(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    replay_name: str,
    outcome: Outcome,
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded(replay_name))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(task="triage", messages=[ChatMessage("user", "hi")], response_model=TriageAnswer)

    with pytest.raises(TierUnavailable):
        await gateway.call("large", request, meta=META)  # large: gpt-4.1, no retries, no fallback

    [record] = recorder.records
    assert record.outcome is outcome
    assert record.detail


async def test_read_timeout_maps_to_timeout(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(OPENAI_HOST, transport_error())
    gateway = make_gateway(CONFIG)

    with pytest.raises(TierUnavailable) as caught:
        await gateway.call("large", reply_request(), meta=META)

    assert [a.outcome for a in caught.value.attempts] == [Outcome.TIMEOUT]
    assert recorder.records[0].outcome is Outcome.TIMEOUT


async def test_compatible_server_uses_its_base_url_and_max_tokens(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    head = (
        '[providers.ollama]\nkind = "openai"\nbase_url = "http://localhost:11434/v1"\n'
        'api_key_required = false\nmax_tokens_field = "max_tokens"\n'
    )
    entry = '{ provider = "ollama", model = "qwen3:8b", price_in_per_m = 0, price_out_per_m = 0 }'
    replay_transport.queue("localhost", recorded("openai/chat_completion_reply.json"))
    gateway = make_gateway(tiers(nano=[entry], head=head), env={})

    response = await gateway.call("nano", reply_request(), meta=META)

    assert response.provider == "ollama"
    assert response.cost_usd_micros == 0
    [request] = replay_transport.requests
    assert str(request.url) == "http://localhost:11434/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer not-needed"
    sent = replay_transport.bodies()[0]
    assert sent["max_tokens"] == 512
    assert "max_completion_tokens" not in sent


async def test_streamed_tool_call_fragments_are_assembled(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport
) -> None:
    replay_transport.queue(OPENAI_HOST, recorded("openai/chat_completion_stream_tool_call.txt"))
    gateway = make_gateway(CONFIG)
    request = ModelRequest(
        task="tool_select",
        messages=[ChatMessage("user", "Tesco payments over £50?")],
        tools=[ToolSpec(**LIST_TRANSACTIONS)],  # type: ignore[arg-type]
    )

    events = [event async for event in gateway.stream("mini", request, meta=META)]

    [final] = events
    assert isinstance(final, StreamCompleted)
    assert final.response.tool_calls == [
        ToolCall(
            id="call_Vx3kL9pQ2sR7tY1wN5bM8FzJ",
            name="list_transactions",
            arguments={"merchant": "Tesco", "since": "2026-03-01", "min_amount_minor": 5000},
        )
    ]
    assert final.response.cost_usd_micros == 543  # 538 * 0.75 + 31 * 4.50 = 403.5 + 139.5
