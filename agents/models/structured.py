"""Parse and check structured output against the request's JSON schema."""

from __future__ import annotations

import json
from typing import Any

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


class MalformedOutput(ValueError):
    pass


def parse_structured(text: str, data: dict[str, Any] | None, schema: dict[str, Any]) -> dict[str, Any]:
    """The object the model produced, or MalformedOutput.

    Checks the top level only (required keys, property types, enums): enough to catch the truncated,
    chatty or half-formed answers that make a fallback worthwhile, without a JSON-schema dependency.
    """
    if data is None:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedOutput(f"not valid JSON ({exc.msg} at char {exc.pos})") from exc
        if not isinstance(parsed, dict):
            raise MalformedOutput(f"expected a JSON object, got {type(parsed).__name__}")
        data = parsed
    missing = [key for key in schema.get("required", []) if key not in data]
    if missing:
        raise MalformedOutput(f"missing required keys {missing}")
    properties: dict[str, Any] = schema.get("properties", {})
    for key, value in data.items():
        spec = properties.get(key)
        if spec is None:
            if schema.get("additionalProperties") is False:
                raise MalformedOutput(f"unexpected key {key!r}")
            continue
        _check_value(key, value, spec)
    return data


def _check_value(key: str, value: Any, spec: dict[str, Any]) -> None:
    expected = spec.get("type")
    names = [expected] if isinstance(expected, str) else list(expected or [])
    if names:
        allowed = tuple(t for name in names for t in _JSON_TYPES.get(name, (object,)))
        is_bool_for_number = isinstance(value, bool) and "boolean" not in names
        if not isinstance(value, allowed) or is_bool_for_number:
            raise MalformedOutput(f"{key!r} should be {'/'.join(names)}, got {type(value).__name__}")
    if "enum" in spec and value not in spec["enum"]:
        raise MalformedOutput(f"{key!r} is {value!r}, not one of {spec['enum']}")
