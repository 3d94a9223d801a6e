"""Each customer turn's intent, route and flags, read back from the conversation's audit chain.

A stored turn appends, in order: ``message.received`` (or ``confirmation.received``) with the screening
flags, one ``agent.step`` per graph step (screen, triage, route, procedure, compliance, handoff...), then
``conversation.flagged`` / ``complaint.recorded`` / ``message.sent`` / ``handoff.opened`` / ``agent.silent``.
So every event after a received message, up to the next one, belongs to that message's turn.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from app.handoffs.schemas import IntentOut, TurnTrace
from app.models import AuditEvent

_RECEIVED = ("message.received", "confirmation.received")
# Screening decisions that are a route of their own (no triage follows); "triage" just hands on.
_SCREEN_PASS = "triage"


def _add(items: list[str], *values: Any) -> None:
    for value in values:
        if isinstance(value, str) and value and value not in items:
            items.append(value)


def _step(trace: TurnTrace, data: dict[str, Any]) -> None:
    node, decision = data.get("node"), data.get("decision")
    if node == "screen":
        _add(trace.flags, *(data.get("flags") or []))
        if data.get("vulnerability"):
            _add(trace.flags, f"vulnerability:{data['vulnerability']}")
        if data.get("urgent"):
            _add(trace.flags, f"urgent:{data['urgent']}")
        if decision != _SCREEN_PASS:
            _add(trace.routes, decision)
    elif node == "triage":
        intent = data.get("intent") or decision
        if isinstance(intent, str) and intent:
            confidence = data.get("confidence")
            trace.intents.append(
                IntentOut(name=intent, confidence=float(confidence) if confidence is not None else None)
            )
    elif node == "route":
        _add(trace.routes, decision)
    elif node == "compliance":
        if decision and decision != "pass":
            _add(trace.compliance, decision)
    for call in data.get("tool_calls") or []:
        if isinstance(call, dict):
            _add(trace.tools, call.get("tool"))


def turn_traces(events: Iterable[AuditEvent]) -> dict[uuid.UUID, TurnTrace]:
    """The trace of every customer message of the conversation, keyed by the message's id."""
    traces: dict[uuid.UUID, TurnTrace] = {}
    current: TurnTrace | None = None
    for event in events:
        try:
            data = json.loads(event.payload)
        except ValueError:  # pragma: no cover - the chain only holds canonical JSON
            continue
        if not isinstance(data, dict):  # pragma: no cover
            continue
        if event.kind in _RECEIVED:
            current = TurnTrace()
            _add(current.flags, *(data.get("flags") or []))
            try:
                traces[uuid.UUID(str(data.get("message_id")))] = current
            except ValueError:  # pragma: no cover
                current = None
            continue
        if current is None:
            continue
        if event.kind == "agent.step":
            _step(current, data)
        elif event.kind == "conversation.flagged":
            _add(current.flags, *(data.get("reasons") or []))
        elif event.kind == "complaint.recorded":
            _add(current.flags, "complaint")
        elif event.kind == "message.sent":
            current.outcome = data.get("outcome") or current.outcome
        elif event.kind == "agent.silent":
            current.outcome = "silent"
        elif event.kind == "handoff.opened":
            current.outcome = "handoff"
            current.handoff_reason = data.get("reason")
        elif event.kind.startswith("handoff.") or event.kind == "message.staff":
            current = None  # staff actions end the turn's part of the chain
    return traces
