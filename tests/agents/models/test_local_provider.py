"""The offline provider: task handlers, token counting, latency, errors."""

from __future__ import annotations

import asyncio

import pytest

from agents.models import (
    CallMeta,
    ChatMessage,
    LocalProvider,
    LocalResult,
    ModelRequest,
    Outcome,
    TierUnavailable,
    ToolCall,
    count_tokens,
)
from agents.models.errors import ProviderFailure
from agents.models.providers.base import CallOptions
from agents.models.recording import InMemoryRecorder
from tests.agents.models.conftest import GatewayFactory
from tests.agents.models.sample_configs import LOCAL, TriageAnswer, tiers

OPTIONS = CallOptions(model="bankdesk-local", timeout_s=5)
META = CallMeta(conversation_id="conv-l", node="triage")


def test_count_tokens_counts_words_and_punctuation() -> None:
    assert count_tokens("Where's my card?") == 6  # Where ' s my card ?
    assert count_tokens("") == 0
    assert count_tokens("£50.00 to Tesco") == 6  # £ 50 . 00 to Tesco


async def test_dispatches_on_task_to_sync_and_async_handlers() -> None:
    async def summary(request: ModelRequest) -> LocalResult:
        return LocalResult(text=f"Summary of {len(request.inputs['turns'])} turns")

    def triage(request: ModelRequest) -> LocalResult:
        return LocalResult(data={"intent": "card_arrival"})

    provider = LocalProvider({"summary": summary, "triage": triage})

    summarised = await provider.complete(
        ModelRequest(task="summary", messages=[], inputs={"turns": ["a", "b", "c"]}), OPTIONS
    )
    triaged = await provider.complete(ModelRequest(task="triage", messages=[]), OPTIONS)

    assert summarised.text == "Summary of 3 turns"
    assert triaged.data == {"intent": "card_arrival"}
    assert summarised.model == "bankdesk-local"


async def test_tokens_counted_from_messages_or_inputs_unless_the_handler_says() -> None:
    provider = LocalProvider(
        {
            "reply": lambda r: LocalResult(text="Your card is on its way."),
            "tool_select": lambda r: LocalResult(tool_calls=[ToolCall("t1", "freeze_card", {"card": "x"})]),
            "counted": lambda r: LocalResult(text="x", input_tokens=7, output_tokens=3),
        }
    )

    from_messages = await provider.complete(
        ModelRequest(task="reply", messages=[ChatMessage("user", "Where is my card?")]), OPTIONS
    )
    from_inputs = await provider.complete(
        ModelRequest(task="reply", messages=[], inputs={"text": "card not here", "facts": {"days": "5"}}),
        OPTIONS,
    )
    tool = await provider.complete(ModelRequest(task="tool_select", messages=[]), OPTIONS)
    explicit = await provider.complete(ModelRequest(task="counted", messages=[]), OPTIONS)

    assert (from_messages.input_tokens, from_messages.output_tokens) == (5, 7)
    assert from_inputs.input_tokens == 4  # "card not here" + "5"
    assert tool.output_tokens == count_tokens('{"card": "x"}')
    assert (explicit.input_tokens, explicit.output_tokens) == (7, 3)


async def test_unknown_task_and_handler_errors_are_error_outcomes() -> None:
    def broken(request: ModelRequest) -> LocalResult:
        raise RuntimeError("model file missing")

    provider = LocalProvider({"reply": broken})

    with pytest.raises(ProviderFailure) as unknown:
        await provider.complete(ModelRequest(task="review", messages=[]), OPTIONS)
    with pytest.raises(ProviderFailure) as crashed:
        await provider.complete(ModelRequest(task="reply", messages=[]), OPTIONS)

    assert unknown.value.outcome is Outcome.ERROR
    assert "no handler for task 'review' (has: reply)" in unknown.value.detail
    assert crashed.value.outcome is Outcome.ERROR
    assert "model file missing" in crashed.value.detail
    assert not unknown.value.counts_against_provider


async def test_unknown_task_falls_back_to_the_next_entry(
    make_gateway: GatewayFactory, recorder: InMemoryRecorder
) -> None:
    second_local = '[providers.backup]\nkind = "local"\n'
    backup = '{ provider = "backup", model = "backup-local", price_in_per_m = 0, price_out_per_m = 0 }'
    gateway = make_gateway(tiers(nano=[LOCAL, backup], head=second_local), handlers={})

    with pytest.raises(TierUnavailable) as caught:
        await gateway.call("nano", ModelRequest(task="review", messages=[]), meta=META)

    assert [(a.provider, a.outcome) for a in caught.value.attempts] == [
        ("local", Outcome.ERROR),
        ("backup", Outcome.ERROR),
    ]


async def test_structured_local_result_is_checked_against_the_schema(
    make_gateway: GatewayFactory, recorder: InMemoryRecorder
) -> None:
    gateway = make_gateway(
        tiers(nano=[LOCAL]), handlers={"triage": lambda r: LocalResult(data={"intent": "card_arrival"})}
    )
    request = ModelRequest(task="triage", messages=[], response_model=TriageAnswer)

    with pytest.raises(TierUnavailable):
        await gateway.call("nano", request, meta=META)

    assert recorder.records[0].outcome is Outcome.MALFORMED
    assert "missing required keys ['confidence', 'needs_human']" in (recorder.records[0].detail or "")


async def test_simulated_latency_and_gateway_timeout(
    make_gateway: GatewayFactory, recorder: InMemoryRecorder
) -> None:
    slow_entry = LOCAL.replace("timeout_s = 5", "timeout_s = 0.05")
    gateway = make_gateway(
        tiers(nano=[slow_entry], head="[providers.local]\nsimulated_latency_ms = 500\n"),
        handlers={"reply": lambda r: LocalResult(text="late")},
    )

    with pytest.raises(TierUnavailable):
        await gateway.call("nano", ModelRequest(task="reply", messages=[]), meta=META)

    assert recorder.records[0].outcome is Outcome.TIMEOUT


async def test_simulated_latency_is_applied() -> None:
    provider = LocalProvider({"reply": lambda r: LocalResult(text="ok")}, simulated_latency_ms=30)
    loop = asyncio.get_running_loop()

    started = loop.time()
    await provider.complete(ModelRequest(task="reply", messages=[]), OPTIONS)

    assert loop.time() - started >= 0.029


def test_negative_latency_is_rejected() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        LocalProvider({}, simulated_latency_ms=-1)
