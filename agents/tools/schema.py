"""Argument checking for tool calls against the small JSON-schema subset the tools use.

Supported: an object with ``properties``, ``required`` and ``additionalProperties: false``; property
types string (``enum``, ``minLength``, ``maxLength``, ``format: date``), integer (``minimum``,
``maximum``; booleans and floats are not integers) and boolean. Anything else in a schema is a bug.
"""

from __future__ import annotations

from datetime import date
from typing import Any


class ToolArgumentError(ValueError):
    """The model's arguments do not fit the tool's schema; the message says how, for the model to retry."""


def _check_string(tool: str, key: str, value: Any, rule: dict[str, Any]) -> None:
    if not isinstance(value, str):
        raise ToolArgumentError(f"{tool}: argument {key!r} must be a string, not {type(value).__name__}")
    if "enum" in rule and value not in rule["enum"]:
        raise ToolArgumentError(f"{tool}: argument {key!r} must be one of {rule['enum']}, not {value!r}")
    if len(value) < rule.get("minLength", 0):
        raise ToolArgumentError(f"{tool}: argument {key!r} must not be empty")
    if "maxLength" in rule and len(value) > rule["maxLength"]:
        raise ToolArgumentError(f"{tool}: argument {key!r} is longer than {rule['maxLength']} characters")
    if rule.get("format") == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ToolArgumentError(
                f"{tool}: argument {key!r} must be a date as YYYY-MM-DD, not {value!r}"
            ) from None
        if len(value) != 10:
            raise ToolArgumentError(f"{tool}: argument {key!r} must be a date as YYYY-MM-DD, not {value!r}")


def _check_integer(tool: str, key: str, value: Any, rule: dict[str, Any]) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ToolArgumentError(f"{tool}: argument {key!r} must be an integer, not {type(value).__name__}")
    if "minimum" in rule and value < rule["minimum"]:
        raise ToolArgumentError(f"{tool}: argument {key!r} must be at least {rule['minimum']}")
    if "maximum" in rule and value > rule["maximum"]:
        raise ToolArgumentError(f"{tool}: argument {key!r} must be at most {rule['maximum']}")


def validate_arguments(tool: str, schema: dict[str, Any], args: Any) -> dict[str, Any]:
    """Return ``args`` as a plain dict if they fit ``schema``; raise ToolArgumentError otherwise."""
    if not isinstance(args, dict):
        raise ToolArgumentError(f"{tool}: arguments must be a JSON object, not {type(args).__name__}")
    properties: dict[str, dict[str, Any]] = schema.get("properties", {})
    unknown = sorted(str(k) for k in args if k not in properties)
    if unknown:
        allowed = ", ".join(sorted(properties)) or "none"
        raise ToolArgumentError(f"{tool}: unknown argument(s) {unknown}; allowed: {allowed}")
    missing = [k for k in schema.get("required", []) if k not in args]
    if missing:
        raise ToolArgumentError(f"{tool}: missing required argument(s) {missing}")
    for key, value in args.items():
        rule = properties[key]
        kind = rule.get("type")
        if kind == "string":
            _check_string(tool, key, value, rule)
        elif kind == "integer":
            _check_integer(tool, key, value, rule)
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise ToolArgumentError(f"{tool}: argument {key!r} must be true or false")
        else:
            raise TypeError(f"{tool}: schema type {kind!r} of {key!r} is not supported")
    return dict(args)
