"""A tiny, safe templating: ``{name}`` placeholders filled from a flat dict of facts.

Unlike ``str.format`` on arbitrary input, no attribute access, indexing, conversion or format spec is
allowed, so a template cannot reach into objects; and values are inserted once, never re-parsed, so a
merchant called "{balance}" prints as that text.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter
from typing import Any


class TemplateError(ValueError):
    """A template uses more than ``{name}``, or a fact it needs is missing."""


def placeholders(template: str) -> tuple[str, ...]:
    """The names a template uses; raises TemplateError for anything but plain ``{name}`` fields."""
    names: list[str] = []
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(f"malformed template {template!r}: {exc}") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TemplateError(
                f"template {template!r}: only plain {{name}} fields are allowed, not {{{field}}}"
            )
        names.append(field)
    return tuple(names)


def render(template: str, facts: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for literal, field, _spec, _conversion in Formatter().parse(template):
        parts.append(literal)
        if field is None:
            continue
        if not field.isidentifier():
            raise TemplateError(f"template {template!r}: only plain {{name}} fields are allowed")
        if field not in facts:
            raise TemplateError(f"template {template!r} needs the fact {field!r}")
        parts.append(str(facts[field]))
    return "".join(parts)
