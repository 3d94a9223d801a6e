"""What one step of a procedure produces: a question, a confirmation request, or an answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ToolCallLog:
    """One tool call, for the audit log: the arguments given and the (masked) result."""

    tool: str
    arguments: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class PendingAction:
    """A state change waiting for the customer's yes or no; ``id`` is its idempotency key."""

    id: str
    procedure: str
    tool: str
    args: dict[str, Any]
    summary: str  # what the action does, as a phrase: "freeze your Visa card ending 4649"
    names: tuple[str, ...] = ()
    """Words the customer may call the action's target by ("0363", "visa", "euro"): a yes that names the
    target again ("yes, freeze the euro one") is read as a yes only when every word it names it by is here."""


@dataclass(frozen=True)
class ActionPlan:
    """What a state-changing procedure would do: the tool's arguments, the facts for its confirmation
    prompt, and a one-line summary of the action."""

    args: dict[str, Any]
    facts: dict[str, Any]
    summary: str
    confirm: str | None = None  # the reply template that asks, when not the procedure's own ``confirm``
    names: tuple[str, ...] = ()  # what the customer may call the target by (PendingAction.names)


@dataclass(frozen=True)
class Ask:
    """A question for the customer; ``slots`` (JSON-ready) goes back into ``plan`` with the answer."""

    question: str
    slots: dict[str, Any]


@dataclass(frozen=True)
class Confirm:
    action: PendingAction
    prompt: str
    tool_calls: list[ToolCallLog]


@dataclass(frozen=True)
class Answer:
    draft: str
    outcome: str
    facts: dict[str, Any]
    tool_calls: list[ToolCallLog]


class Stop(Exception):  # noqa: N818 - control flow, not an error
    """Ends a procedure early with a question or an answer (raised by slot resolution)."""

    def __init__(self, result: Ask | Answer) -> None:
        super().__init__(type(result).__name__)
        self.result = result
