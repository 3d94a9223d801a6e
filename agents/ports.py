"""What the agent needs from the outside world, and the one narrow interface the app calls.

``app/`` implements these Protocols; ``agents/`` never imports ``app/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

AgentEventKind = Literal["step", "delta", "completed", "confirmation_required", "error"]


@dataclass(frozen=True)
class TurnInput:
    """One customer turn. ``text`` has already been screened and redacted; ids come from the token."""

    conversation_id: str
    customer_id: str
    text: str
    variant: str = "default"
    first_reply: bool = False


@dataclass(frozen=True)
class AgentEvent:
    kind: AgentEventKind
    data: dict[str, Any] = field(default_factory=dict)


class TurnAgent(Protocol):
    """Runs one customer turn and yields what happens, ending with one ``completed`` (or ``error``) event.

    A ``completed`` event carries ``{"content": str | None}``: ``None`` means the agent stays silent
    (for example while a person has the conversation).
    """

    def run_turn(self, turn: TurnInput) -> AsyncIterator[AgentEvent]: ...
