"""Procedures are data: ``procedures.yaml`` says which slots a procedure needs, which tool it calls,
whether the customer must confirm, and how each outcome is worded. This module loads and checks it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from agents.procedures.render import TemplateError, placeholders
from agents.tools.registry import TOOLS

DEFAULT_PATH = Path(__file__).with_name("procedures.yaml")
SLOT_KINDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "card": frozenset({"active", "frozen", "lost", "stolen", "cancelled"}),
        "account": frozenset(),  # accounts carry no status in the port's views
        "transaction": frozenset({"posted", "pending", "reversed"}),
    }
)
# Outcomes every state-changing procedure can reach after (or instead of) calling its tool.
ACTION_OUTCOMES = ("ok", "declined", "refused", "not_found")


class ProcedureSpecError(ValueError):
    """procedures.yaml is wrong; the message names the procedure and the problem."""


@dataclass(frozen=True)
class SlotSpec:
    name: str
    kind: str  # "card" | "account" | "transaction"
    required: bool
    statuses: tuple[str, ...]  # allowed statuses; empty means any
    ask: str  # the question when the slot is missing or ambiguous


@dataclass(frozen=True)
class ProcedureSpec:
    name: str
    description: str
    intents: tuple[str, ...]
    slots: tuple[SlotSpec, ...]
    tool: str | None
    confirm: str | None  # confirmation prompt template; present iff state_changing
    state_changing: bool
    replies: Mapping[str, str]  # reply templates by outcome
    kb_slug: str | None  # one slug, or several separated by commas

    @property
    def kb_slugs(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in (self.kb_slug or "").split(",") if s.strip())


def _fail(where: str, problem: str) -> ProcedureSpecError:
    return ProcedureSpecError(f"{where}: {problem}")


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, f"{field} must be a list of strings")
    return tuple(value)


def _slot(raw: Any, where: str) -> SlotSpec:
    if not isinstance(raw, dict):
        raise _fail(where, "each slot must be a mapping")
    unknown = set(raw) - {"name", "kind", "required", "statuses", "ask"}
    if unknown:
        raise _fail(where, f"unknown slot field(s) {sorted(unknown)}")
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not name.isidentifier():
        raise _fail(where, f"slot name {name!r} must be an identifier")
    if not isinstance(kind, str) or kind not in SLOT_KINDS:
        raise _fail(where, f"slot {name!r} has unknown kind {kind!r}; known kinds: {sorted(SLOT_KINDS)}")
    statuses = _strings(raw.get("statuses"), where, f"slot {name!r} statuses")
    bad = set(statuses) - SLOT_KINDS[kind]
    if bad:
        raise _fail(where, f"slot {name!r}: unknown {kind} status(es) {sorted(bad)}")
    ask = raw.get("ask")
    if not isinstance(ask, str) or not ask.strip():
        raise _fail(where, f"slot {name!r} needs an 'ask' question")
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise _fail(where, f"slot {name!r}: required must be true or false")
    return SlotSpec(name=name, kind=kind, required=required, statuses=statuses, ask=ask)


def _check_template(template: Any, where: str, label: str) -> str:
    if not isinstance(template, str) or not template.strip():
        raise _fail(where, f"{label} must be a non-empty string")
    try:
        placeholders(template)
    except TemplateError as exc:
        raise _fail(where, f"{label}: {exc}") from None
    return template


def _procedure(name: str, raw: Any) -> ProcedureSpec:
    where = f"procedure {name!r}"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    known = {"description", "intents", "slots", "tool", "confirm", "state_changing", "replies", "kb_slug"}
    unknown = set(raw) - known
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise _fail(where, "needs a description")
    tool = raw.get("tool")
    if tool is not None and tool not in TOOLS:
        raise _fail(where, f"unknown tool {tool!r}; known tools: {sorted(TOOLS)}")
    state_changing = raw.get("state_changing", False)
    if not isinstance(state_changing, bool):
        raise _fail(where, "state_changing must be true or false")
    confirm = raw.get("confirm")
    if state_changing:
        if confirm is None:
            raise _fail(where, "is state_changing, so it needs a 'confirm' prompt")
        if tool is None or TOOLS[tool].read_only:
            raise _fail(where, "is state_changing, so its tool must be a state-changing tool")
        _check_template(confirm, where, "confirm")
    else:
        if confirm is not None:
            raise _fail(where, "has a 'confirm' prompt but is not state_changing")
        if tool is not None and not TOOLS[tool].read_only:
            raise _fail(where, f"calls the state-changing tool {tool!r} but is not state_changing")
    replies_raw = raw.get("replies")
    if not isinstance(replies_raw, dict) or "ok" not in replies_raw:
        raise _fail(where, "needs replies, including 'ok'")
    replies = {str(k): _check_template(v, where, f"reply {k!r}") for k, v in replies_raw.items()}
    if state_changing:
        missing = [o for o in ACTION_OUTCOMES if o not in replies]
        if missing:
            raise _fail(where, f"state-changing procedures need replies for {missing}")
    slots = tuple(_slot(s, where) for s in (raw.get("slots") or []))
    if len({s.name for s in slots}) != len(slots):
        raise _fail(where, "slot names must be unique")
    kb_slug = raw.get("kb_slug")
    if kb_slug is not None and not isinstance(kb_slug, str):
        raise _fail(where, "kb_slug must be a string")
    return ProcedureSpec(
        name=name,
        description=description.strip(),
        intents=_strings(raw.get("intents"), where, "intents"),
        slots=slots,
        tool=tool,
        confirm=confirm,
        state_changing=state_changing,
        replies=MappingProxyType(replies),
        kb_slug=kb_slug,
    )


def parse_procedures(raw: Any, *, source: str = "procedures") -> dict[str, ProcedureSpec]:
    if not isinstance(raw, dict) or not isinstance(raw.get("procedures"), dict):
        raise ProcedureSpecError(f"{source}: expected a top-level 'procedures' mapping")
    try:
        procedures = {str(name): _procedure(str(name), body) for name, body in raw["procedures"].items()}
    except ProcedureSpecError as exc:
        raise ProcedureSpecError(f"{source}: {exc}") from None
    owner: dict[str, str] = {}
    for spec in procedures.values():
        for intent in spec.intents:
            if intent in owner:
                raise ProcedureSpecError(
                    f"{source}: intent {intent!r} is claimed by both {owner[intent]!r} and {spec.name!r}"
                )
            owner[intent] = spec.name
    return procedures


def load_procedures(path: Path | None = None) -> dict[str, ProcedureSpec]:
    """Load and validate the procedures (default: the ``procedures.yaml`` beside this module)."""
    path = path or DEFAULT_PATH
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    try:
        return parse_procedures(raw, source=str(path))
    except ProcedureSpecError:
        raise
    except (TypeError, AttributeError) as exc:  # YAML of an unexpected shape
        raise ProcedureSpecError(f"{path}: {exc}") from exc


def procedure_for_intent(intent: str, procedures: Mapping[str, ProcedureSpec]) -> ProcedureSpec | None:
    """The procedure that serves a triage intent; a procedure's own name also counts as its intent."""
    for spec in procedures.values():
        if intent in spec.intents:
            return spec
    return procedures.get(intent)


def intents_of(procedures: Iterable[ProcedureSpec]) -> dict[str, str]:
    """intent -> procedure name, for documentation and tests."""
    return {intent: spec.name for spec in procedures for intent in spec.intents}
