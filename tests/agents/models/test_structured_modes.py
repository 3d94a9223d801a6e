"""Structured output on servers that differ: the OpenAI provider finds out once per model which of
json_schema, json_object (JSON mode, schema in the prompt) or a plain prompt the server takes, records it,
and the gateway still validates the answer (issue 15: llama.cpp's server answers json_schema with a 500)."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from agents.models import CallMeta, ChatMessage, LocalResult, ModelRequest, Outcome
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.replay import FIXTURES, ReplayTransport, json_body, recorded
from tests.agents.models.sample_configs import LOCAL, TRIAGE_SCHEMA, TriageAnswer, tiers

HOST = "127.0.0.1"
SMOLLM2 = (
    '{ provider = "smollm2", model = "smollm2-135m-instruct", price_in_per_m = 0, price_out_per_m = 0, '
    "timeout_s = 10 }"
)
CONFIG = tiers(
    nano=[SMOLLM2, LOCAL],
    head=(
        '[providers.smollm2]\nkind = "openai"\nbase_url = "http://127.0.0.1:8081/v1"\n'
        'api_key_required = false\nmax_tokens_field = "max_tokens"\n'
    ),
)
META = CallMeta(conversation_id="conv-s", node="triage")
# What llama-cpp-python's server (0.3.x) answers to response_format json_schema: recorded from the server.
SCHEMA_REJECTED = "openai/llamacpp_json_schema_500.http"


def triage_request() -> ModelRequest:
    return ModelRequest(
        task="triage",
        messages=[ChatMessage("system", "Classify the message."), ChatMessage("user", "my card never came")],
        inputs={"text": "my card never came"},
        response_model=TriageAnswer,
    )


def completion(content: str) -> Any:
    """The recorded chat completion with its content replaced (the shape llama.cpp's server answers in)."""
    body = json.loads((FIXTURES / "openai/chat_completion_triage_structured.json").read_text())
    body = copy.deepcopy(body)
    body["model"] = "smollm2-135m-instruct"
    body["choices"][0]["message"]["content"] = content
    return json_body(200, body)


GOOD = '{"intent": "card_arrival", "confidence": 0.8, "needs_human": false}'
HANDLERS = {
    "triage": lambda request: LocalResult(
        data={"intent": "card_arrival", "confidence": 0.6, "needs_human": False}
    )
}


async def test_a_rejected_json_schema_falls_back_to_json_mode_once_and_is_recorded(
    make_gateway: GatewayFactory,
    replay_transport: ReplayTransport,
    recorder: InMemoryRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay_transport.queue(HOST, recorded(SCHEMA_REJECTED), completion(GOOD), completion(GOOD))
    gateway = make_gateway(CONFIG, handlers=HANDLERS)

    with caplog.at_level(logging.WARNING, logger="agents.models.providers.openai_provider"):
        first = await gateway.call("nano", triage_request(), meta=META)
        second = await gateway.call("nano", triage_request(), meta=META)

    assert first.provider == second.provider == "smollm2"
    assert first.data == second.data == {"intent": "card_arrival", "confidence": 0.8, "needs_human": False}
    sent = replay_transport.bodies(HOST)
    assert len(sent) == 3  # json_schema once, then JSON mode for both calls: detected once
    assert sent[0]["response_format"]["type"] == "json_schema"
    for body in sent[1:]:
        assert body["response_format"] == {"type": "json_object", "schema": TRIAGE_SCHEMA}
        system = body["messages"][0]
        assert system["role"] == "system"
        assert system["content"].startswith("Classify the message.\n\nAnswer with one JSON object only")
        assert json.dumps(TRIAGE_SCHEMA, separators=(",", ":")) in system["content"]
        assert "max_tokens" in body
    first_record, second_record = recorder.records
    assert first_record.outcome is second_record.outcome is Outcome.OK
    assert first_record.detail is not None
    assert first_record.detail.startswith(
        "structured output via json_object (detected: json_schema rejected (HTTP 500"
    )
    assert second_record.detail == "structured output via json_object"
    [warning] = [r for r in caplog.records if "structured output" in r.getMessage()]
    assert "'smollm2-135m-instruct'" in warning.getMessage()
    assert "using json_object from now on" in warning.getMessage()


async def test_a_server_taking_neither_format_gets_the_schema_in_the_prompt_only(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    unsupported = {"error": {"message": "response_format is not supported", "type": "invalid_request_error"}}
    replay_transport.queue(HOST, json_body(400, unsupported), json_body(400, unsupported), completion(GOOD))
    gateway = make_gateway(CONFIG, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "smollm2"
    last = replay_transport.bodies(HOST)[-1]
    assert "response_format" not in last
    assert "Answer with one JSON object only" in last["messages"][0]["content"]
    [record] = recorder.records
    assert record.detail is not None
    assert record.detail.startswith("structured output via prompt (detected: json_schema rejected (HTTP 400")
    assert "json_object rejected (HTTP 400" in record.detail


async def test_a_malformed_answer_in_json_mode_falls_back_to_the_next_provider(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    # A 135M model's typical JSON-mode answer: valid JSON, but not the object the schema asks for.
    replay_transport.queue(HOST, recorded(SCHEMA_REJECTED), completion('{"message": "my card never came"}'))
    gateway = make_gateway(CONFIG, handlers=HANDLERS)

    response = await gateway.call("nano", triage_request(), meta=META)

    assert response.provider == "local"
    assert recorder.outcomes() == [("smollm2", Outcome.MALFORMED), ("local", Outcome.OK)]
    detail = recorder.records[0].detail or ""
    assert detail.startswith(
        "structured output: missing required keys ['intent', 'confidence', 'needs_human']"
    )
    assert "(structured output via json_object (detected: json_schema rejected" in detail


async def test_an_ordinary_server_error_is_not_taken_for_an_unsupported_format(
    make_gateway: GatewayFactory, replay_transport: ReplayTransport, recorder: InMemoryRecorder
) -> None:
    replay_transport.queue(HOST, recorded("openai/server_error_500.http"), completion(GOOD))
    gateway = make_gateway(CONFIG, handlers=HANDLERS)

    first = await gateway.call("nano", triage_request(), meta=META)
    second = await gateway.call("nano", triage_request(), meta=META)

    assert (first.provider, second.provider) == ("local", "smollm2")
    assert recorder.outcomes()[0] == ("smollm2", Outcome.SERVER_ERROR)
    # Still json_schema on the next call: a 500 that does not name the format proves nothing about it.
    assert [b["response_format"]["type"] for b in replay_transport.bodies(HOST)] == [
        "json_schema",
        "json_schema",
    ]
    assert recorder.records[-1].detail is None


def test_json_mode_sends_a_schema_llama_cpp_can_turn_into_a_grammar() -> None:
    # list[Any] gives "items": {}, on which llama-cpp-python's converter fails and falls back to any JSON.
    from agents.models.providers.openai_provider import _grammar_schema
    from agents.nodes.triage import TRIAGE_SCHEMA as REAL_TRIAGE_SCHEMA

    assert REAL_TRIAGE_SCHEMA["properties"]["alternatives"]["items"] == {}
    sent = _grammar_schema(REAL_TRIAGE_SCHEMA)
    assert sent["properties"]["alternatives"] == {
        "description": "next most likely [intent, probability] pairs",
        "type": "array",
    }
    assert sent["properties"]["intent"] == REAL_TRIAGE_SCHEMA["properties"]["intent"]
    assert REAL_TRIAGE_SCHEMA["properties"]["alternatives"]["items"] == {}  # the cached schema is untouched
