"""Tool arguments as pydantic models: one definition gives the JSON schema offered to a model and the check
of what the model sent back.

Models are strict (``"10"`` is not an integer, ``true`` is not one either) and forbid unknown fields; an
optional argument is declared ``X | Absent = None``: it may be left out, an explicit null is refused, and
the schema offered shows only ``X``.
Validation errors become one ToolArgumentError whose message tells the model what to fix.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails


class ToolArgumentError(ValueError):
    """The model's arguments do not fit the tool's schema; the message says how, for the model to retry."""


class ToolArgs(BaseModel):
    """Base of every tool's arguments."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        # Optional arguments are left out, never null: the schema offered does not allow null either.
        if value is None:
            raise ValueError("must be left out rather than null")
        return value


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date as YYYY-MM-DD") from None
    if len(value) != 10:
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Id = Annotated[str, Field(min_length=1, max_length=64)]
Absent = SkipJsonSchema[None]  # ``limit: Limit | Absent = None``: optional, and offered as just ``Limit``
IsoDate = Annotated[str, AfterValidator(_iso_date), Field(json_schema_extra={"format": "date"})]


def tool_schema(args: type[ToolArgs]) -> dict[str, Any]:
    """The JSON schema offered to a model: an object with properties, required and no other keys."""
    schema = args.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        prop.pop("default", None)  # an absent argument is left to the tool; null is never accepted
    schema.setdefault("properties", {})
    schema["required"] = list(schema.get("required", []))
    return schema


def validate_arguments(tool: str, args_model: type[ToolArgs], args: Any) -> dict[str, Any]:
    """The arguments the model gave (only those: defaults stay the handler's), checked against
    ``args_model``; ToolArgumentError otherwise."""
    if not isinstance(args, dict):
        raise ToolArgumentError(f"{tool}: arguments must be a JSON object, not {type(args).__name__}")
    try:
        checked = args_model.model_validate(args)
    except ValidationError as exc:
        raise ToolArgumentError(_message(tool, args_model, exc.errors())) from None
    return checked.model_dump(exclude_unset=True)


def _message(tool: str, args_model: type[ToolArgs], errors: list[ErrorDetails]) -> str:
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        allowed = ", ".join(sorted(args_model.model_fields)) or "none"
        return f"{tool}: unknown argument(s) {unknown}; allowed: {allowed}"
    missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing"]
    if missing:
        return f"{tool}: missing required argument(s) {missing}"
    return "; ".join(_one(tool, e) for e in errors)


def _one(tool: str, error: ErrorDetails) -> str:
    key = str(error["loc"][0]) if error["loc"] else "?"
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    what = f"{tool}: argument {key!r}"
    if kind.startswith("int_"):
        return f"{what} must be an integer, not {type(value).__name__}"
    if kind == "bool_type":
        return f"{what} must be true or false"
    if kind == "string_type":
        return f"{what} must be a string, not {type(value).__name__}"
    if kind == "string_too_short":
        return f"{what} must not be empty" if ctx.get("min_length") == 1 else f"{what} is too short"
    if kind == "string_too_long":
        return f"{what} is longer than {ctx.get('max_length')} characters"
    if kind == "greater_than_equal":
        return f"{what} must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{what} must be at most {ctx.get('le')}"
    if kind in ("literal_error", "enum"):
        return f"{what} must be one of {ctx.get('expected')}, not {value!r}"
    if kind == "value_error":
        problem = str(ctx.get("error", error["msg"]))
        return f"{what} {problem}" if value is None else f"{what} {problem}, not {value!r}"
    return f"{what}: {error['msg']}"
