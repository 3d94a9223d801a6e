"""Cost arithmetic in integer micro-dollars; request validation; structured-output checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import pytest
from pydantic import Field

from agents.models import ChatMessage, ModelRequest, ToolSpec
from agents.models.pricing import cost_usd_micros
from agents.models.providers.base import retry_after_seconds
from agents.models.structured import MalformedOutput, StructuredOutput, parse_structured
from tests.agents.models.sample_configs import TriageAnswer


def test_cost_is_exact_integer_micro_dollars() -> None:
    # 1M input tokens at $2.00/M = $2 = 2,000,000 micro-dollars
    assert (
        cost_usd_micros(
            input_tokens=1_000_000,
            output_tokens=0,
            price_in_per_m=Decimal("2.00"),
            price_out_per_m=Decimal("8"),
        )
        == 2_000_000
    )
    cost = cost_usd_micros(
        input_tokens=3, output_tokens=7, price_in_per_m=Decimal("0.1"), price_out_per_m=Decimal("0.2")
    )
    assert cost == 2  # 0.3 + 1.4 = 1.7 -> rounded up; binary floats would give 1.7000000000000002
    assert isinstance(cost, int)


def test_cost_rounds_up_and_zero_is_zero() -> None:
    assert (
        cost_usd_micros(
            input_tokens=1, output_tokens=0, price_in_per_m=Decimal("0.05"), price_out_per_m=Decimal("0")
        )
        == 1
    )
    assert (
        cost_usd_micros(
            input_tokens=0, output_tokens=0, price_in_per_m=Decimal("15"), price_out_per_m=Decimal("75")
        )
        == 0
    )


def test_request_rejects_schema_and_tools_together() -> None:
    tool = ToolSpec(name="t", description="d", parameters={"type": "object"})
    with pytest.raises(ValueError, match="not both"):
        ModelRequest(task="triage", messages=[], response_model=TriageAnswer, tools=[tool])


def test_request_rejects_bad_limits() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        ModelRequest(task="reply", messages=[], max_output_tokens=0)
    with pytest.raises(ValueError, match="tool_call_id"):
        ChatMessage("tool", "result")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"intent": "x", "confidence": 0.9', "not valid JSON"),
        ('["card_arrival"]', "expected a JSON object"),
        ('{"intent": "x", "confidence": 0.9}', "missing required keys ['needs_human']"),
        ('{"intent": "x", "confidence": "high", "needs_human": false}', "'confidence' should be number"),
        ('{"intent": "x", "confidence": true, "needs_human": false}', "'confidence' should be number"),
        ('{"intent": "x", "confidence": 1, "needs_human": false, "why": "?"}', "unexpected key 'why'"),
    ],
)
def test_structured_output_problems_are_reported(text: str, problem: str) -> None:
    with pytest.raises(MalformedOutput, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_structured(text, None, TriageAnswer)


def test_structured_output_enum_and_valid_object() -> None:
    class Verdict(StructuredOutput):
        verdict: Literal["pass", "rewrite"]

    assert parse_structured('{"verdict": "pass"}', None, Verdict) == {"verdict": "pass"}
    with pytest.raises(MalformedOutput, match="not one of"):
        parse_structured("", {"verdict": "maybe"}, Verdict)


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds({"retry-after": "2"}) == 2.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "soon"}) is None


def test_one_pydantic_model_gives_the_schema_sent_and_the_check_of_the_answer() -> None:
    class Scored(StructuredOutput):
        label: Literal["a", "b"]
        score: float = Field(ge=0, le=1)

    request = ModelRequest(task="triage", messages=[], response_model=Scored)
    assert request.response_schema == {
        "type": "object",
        "properties": {
            "label": {"type": "string", "enum": ["a", "b"]},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["label", "score"],
        "additionalProperties": False,
    }
    assert parse_structured('{"label": "a", "score": 1}', None, Scored) == {"label": "a", "score": 1.0}
    with pytest.raises(MalformedOutput, match="'score'"):
        parse_structured('{"label": "a", "score": 1.5}', None, Scored)  # the schema's maximum, checked
