"""Structured output as pydantic models: one definition gives the JSON schema sent to the provider and the
check of what came back.

A model is strict (``"high"`` is not a number, ``true`` is not one either) and forbids unknown keys; an
optional key is declared ``X | Absent = None`` so the schema sent shows only ``X``. A truncated, chatty or
half-formed answer raises MalformedOutput, which makes the gateway fall back to the next provider.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails

Absent = SkipJsonSchema[None]


class MalformedOutput(ValueError):
    pass


class StructuredOutput(BaseModel):
    """Base of every structured output a node asks a model for."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@cache
def output_schema(model: type[StructuredOutput]) -> dict[str, Any]:
    """The JSON schema (an object, no other keys) sent to the provider; read-only: do not mutate."""
    schema = model.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        prop.pop("default", None)
    schema["required"] = list(schema.get("required", []))
    return schema


def parse_structured(text: str, data: dict[str, Any] | None, model: type[StructuredOutput]) -> dict[str, Any]:
    """The object the model produced (as JSON: the keys it gave), or MalformedOutput."""
    if data is None:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedOutput(f"not valid JSON ({exc.msg} at char {exc.pos})") from exc
        if not isinstance(parsed, dict):
            raise MalformedOutput(f"expected a JSON object, got {type(parsed).__name__}")
        data = parsed
    try:
        checked = model.model_validate(data)
    except ValidationError as exc:
        raise MalformedOutput(_problem(exc.errors())) from None
    return checked.model_dump(mode="json", exclude_unset=True)


_TYPE_NAMES = {"float": "number", "int": "integer", "string": "string", "bool": "boolean", "list": "array"}


def _problem(errors: list[ErrorDetails]) -> str:
    missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing"]
    if missing:
        return f"missing required keys {missing}"
    error = errors[0]
    key = str(error["loc"][0]) if error["loc"] else "?"
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unexpected key {key!r}"
    if kind.endswith("_type"):
        expected = _TYPE_NAMES.get(kind.removesuffix("_type"), kind.removesuffix("_type"))
        return f"{key!r} should be {expected}, got {type(value).__name__}"
    if kind in ("literal_error", "enum"):
        return f"{key!r} is {value!r}, not one of {ctx.get('expected')}"
    if kind == "value_error":
        return f"{key!r} is {value!r}: {ctx.get('error', error['msg'])}"
    return f"{key!r}: {error['msg']}"
