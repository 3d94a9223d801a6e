"""The gateway against a REAL model: llama.cpp's OpenAI-compatible server with SmolLM2-135M (the
[local-llm] extra), started once for this module on a free port. No recorded payloads here: these are the
answers of a real server, through the real OpenAI SDK. Temperature 0 and a fixed seed keep them repeatable.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from agents.models import (
    CallMeta,
    ChatMessage,
    Gateway,
    InMemoryRecorder,
    LocalResult,
    ModelRequest,
    Outcome,
    StreamCompleted,
    TextDelta,
    build_gateway,
    loads_config,
)
from agents.models.llama_server import MODEL_ALIAS, server_available, server_command
from agents.models.structured import StructuredOutput
from tests.agents.models.sample_configs import LOCAL

_MISSING = server_available()
pytestmark = pytest.mark.skipif(
    _MISSING is not None, reason=f"needs the [local-llm] extra: {_MISSING} (make install-test installs it)"
)

META = CallMeta(conversation_id="conv-real", node="test")
LOCAL_REPLY = "local provider's answer"


class CardQuestion(StructuredOutput):
    intent: str
    confidence: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """llama.cpp's server with the SmolLM2 GGUF on a free port; its base URL once it answers."""
    port = _free_port()
    process = subprocess.Popen(
        server_command(port=port, threads=2), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base_url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama.cpp server did not answer within 60 s")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _config(base_url: str, *, timeout_s: float = 30.0) -> str:
    real = (
        f'{{ provider = "smollm2", model = "{MODEL_ALIAS}", price_in_per_m = 0, price_out_per_m = 0, '
        f"timeout_s = {timeout_s} }}"
    )
    return (
        f'[providers.smollm2]\nkind = "openai"\nbase_url = "{base_url}"\napi_key_required = false\n'
        f'max_tokens_field = "max_tokens"\n\n[tiers]\nnano = [{real}, {LOCAL}]\nmini = [{LOCAL}]\n'
        f"large = [{LOCAL}]\n"
    )


async def _gateway(config: str, recorder: InMemoryRecorder) -> Gateway:
    return build_gateway(
        loads_config(config),
        recorder=recorder,
        local_handlers={
            "reply": lambda request: LocalResult(text=LOCAL_REPLY),
            "triage": lambda request: LocalResult(data={"intent": "card_arrival", "confidence": 0.5}),
        },
        env={},
    )


@pytest.fixture
async def gateway(llama_server: str, recorder: InMemoryRecorder) -> AsyncIterator[Gateway]:
    gw = await _gateway(_config(llama_server), recorder)
    yield gw
    await gw.aclose()


def reply_request(max_output_tokens: int = 24) -> ModelRequest:
    return ModelRequest(
        task="reply",
        messages=[
            ChatMessage("system", "You are a bank's support assistant. Answer in one short sentence."),
            ChatMessage("user", "How long does a new card take to arrive?"),
        ],
        max_output_tokens=max_output_tokens,
        temperature=0.0,
    )


async def test_a_chat_completion(gateway: Gateway, recorder: InMemoryRecorder) -> None:
    response = await gateway.call("nano", reply_request(), meta=META)

    assert response.provider == "smollm2"
    assert response.model == MODEL_ALIAS
    assert response.text.strip()
    assert response.text != LOCAL_REPLY
    assert 0 < response.output_tokens <= 24
    assert response.input_tokens > 20
    assert recorder.outcomes() == [("smollm2", Outcome.OK)]
    again = await gateway.call("nano", reply_request(), meta=META)
    assert again.text == response.text  # temperature 0: the same answer


async def test_a_streamed_completion(gateway: Gateway, recorder: InMemoryRecorder) -> None:
    deltas: list[str] = []
    completed = None
    async for event in gateway.stream("nano", reply_request(), meta=META):
        if isinstance(event, TextDelta):
            deltas.append(event.text)
        else:
            assert isinstance(event, StreamCompleted)
            completed = event.response

    assert completed is not None
    assert completed.provider == "smollm2"
    assert len(deltas) > 1  # token by token, not one block
    assert "".join(deltas) == completed.text
    # llama.cpp sends no usage in a stream (it ignores stream_options.include_usage): counted, and said so.
    assert completed.output_tokens > 0
    assert completed.input_tokens > 0
    assert recorder.outcomes() == [("smollm2", Outcome.OK)]
    assert recorder.records[0].detail == "usage estimated: the server sent none with its stream"


async def test_a_timeout_falls_back_to_the_next_provider(
    llama_server: str, recorder: InMemoryRecorder
) -> None:
    gateway = await _gateway(_config(llama_server, timeout_s=0.02), recorder)
    try:
        response = await gateway.call("nano", reply_request(max_output_tokens=200), meta=META)
    finally:
        await gateway.aclose()

    assert response.provider == "local"
    assert response.text == LOCAL_REPLY
    assert recorder.outcomes() == [("smollm2", Outcome.TIMEOUT), ("local", Outcome.OK)]
    assert (recorder.records[0].detail or "").startswith("no answer within 0.02s")


async def test_structured_output_goes_through_json_mode_and_a_malformed_answer_falls_back(
    gateway: Gateway, recorder: InMemoryRecorder
) -> None:
    def classify(max_output_tokens: int) -> ModelRequest:
        return ModelRequest(
            task="triage",
            messages=[
                ChatMessage("system", "Classify the customer's message: intent and confidence (0 to 1)."),
                ChatMessage("user", "my new card never arrived"),
            ],
            response_model=CardQuestion,
            max_output_tokens=max_output_tokens,
            temperature=0.0,
        )

    # Five tokens cannot hold the object: the answer is cut off mid-JSON, caught, and local answers.
    cut_off = await gateway.call("nano", classify(5), meta=META)
    # With room to finish, JSON mode (the schema as llama.cpp's grammar) gives an object that validates.
    answered = await gateway.call("nano", classify(60), meta=META)

    assert cut_off.provider == "local"
    assert cut_off.data == {"intent": "card_arrival", "confidence": 0.5}
    assert answered.provider == "smollm2"
    assert answered.data is not None
    assert set(answered.data) == {"intent", "confidence"}
    malformed, local, ok = recorder.records
    assert (malformed.provider, malformed.outcome) == ("smollm2", Outcome.MALFORMED)
    assert (malformed.detail or "").startswith("structured output: not valid JSON")
    # The server refused json_schema (HTTP 500) on the first structured call: detected, recorded, kept.
    assert "(structured output via json_object (detected: json_schema rejected (HTTP 500" in (
        malformed.detail or ""
    )
    assert (local.provider, local.outcome) == ("local", Outcome.OK)
    assert (ok.provider, ok.outcome, ok.detail) == (
        "smollm2",
        Outcome.OK,
        "structured output via json_object",
    )
