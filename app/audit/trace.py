"""The step trace: a conversation's audit events, messages and model calls grouped turn by turn.

A turn starts at its ``message.received`` (or ``confirmation.received``) event and takes every event after
it until the next one: the agent's steps, the reply (``message.sent``), flags, complaints, and what staff did
after it (handoff events, staff messages). A tool that changed something commits in its own transaction
while the turn runs, so its ``tool.executed`` and ``consent.given`` events come *before* the turn's
``message.received``; they are carried forward to the turn that follows them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import repository
from app.audit.repository import Signals
from app.audit.schemas import (
    ActionOut,
    AuditConversationOut,
    AuditEventOut,
    AuditFlag,
    AuditHandoffOut,
    AuditMessageOut,
    AuditTranscript,
    ComplianceFindingOut,
    ComplianceOut,
    ModelCallOut,
    RouteOut,
    StaffEventOut,
    StepOut,
    ToolCallOut,
    TriageOut,
    TurnTrace,
)
from app.audit.service import events_for_conversation
from app.conversations.schemas import MessageOut
from app.models import AuditEvent, Conversation, Message, ModelCall

RECEIVED = {"message.received": "message", "confirmation.received": "confirmation"}
IN_TURN = {"agent.step", "message.sent", "agent.silent"}
BEFORE_TURN = {"tool.executed", "consent.given"}
PROCEDURE_NODES = {
    "procedure",
    "confirm",
    "execute",
    "ask_confirmation",
    "reask",
    "remind",
    "finish_deferred",
    "recovery",
}


def _payload(event: AuditEvent) -> dict[str, Any]:
    try:
        value = json.loads(event.payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class _Turn:
    event: AuditEvent
    data: dict[str, Any]
    steps: list[StepOut] = field(default_factory=list)
    call_ids: list[str] = field(default_factory=list)
    replies: list[AuditMessageOut] = field(default_factory=list)
    staff: list[StaffEventOut] = field(default_factory=list)
    other: list[AuditEventOut] = field(default_factory=list)
    actions: list[ActionOut] = field(default_factory=list)
    consents: dict[str, dict[str, Any]] = field(default_factory=dict)


class TraceBuilder:
    def __init__(
        self,
        *,
        messages: Sequence[Message],
        calls: Sequence[ModelCall],
        staff_names: dict[uuid.UUID, str],
    ) -> None:
        self.staff_names = staff_names
        self.messages = {m.id: m for m in messages}
        self.calls: dict[str, list[ModelCall]] = {}
        for call in calls:
            self.calls.setdefault(call.call_id, []).append(call)
        self.used_calls: set[str] = set()

    def message(self, message_id: Any) -> AuditMessageOut | None:
        mid = _uuid(message_id)
        row = self.messages.get(mid) if mid else None
        if row is None:
            return None
        out = AuditMessageOut.model_validate(row)
        out.author_staff_id = row.author_staff_id
        out.author_name = self.staff_names.get(row.author_staff_id) if row.author_staff_id else None
        return out

    def build(
        self, events: Sequence[AuditEvent]
    ) -> tuple[list[TurnTrace], list[AuditEventOut], list[ModelCallOut]]:
        turns: list[_Turn] = []
        before: list[AuditEventOut] = []
        carried: list[AuditEvent] = []
        for event in events:
            data = _payload(event)
            if event.kind in RECEIVED:
                turn = _Turn(event, data)
                turns.append(turn)
                for early in carried:
                    self._attach_early(turn, early)
                carried = []
                continue
            if event.kind in BEFORE_TURN:
                carried.append(event)
                continue
            current = turns[-1] if turns else None
            if current is None:
                before.append(AuditEventOut.model_validate(event))
            elif event.kind == "agent.step":
                step = StepOut(
                    seq=event.seq,
                    at=event.created_at,
                    node=str(data.get("node", "")),
                    decision=str(data.get("decision", "")),
                    data={k: v for k, v in data.items() if k not in ("node", "decision")},
                )
                current.steps.append(step)
                current.call_ids.extend(str(c) for c in data.get("model_call_ids") or [])
            elif event.kind == "message.sent":
                current.call_ids.extend(str(c) for c in data.get("model_call_ids") or [])
                reply = self.message(data.get("message_id"))
                if reply is not None:
                    current.replies.append(reply)
            elif event.kind.startswith("handoff.") or event.kind == "message.staff":
                current.staff.append(
                    StaffEventOut(
                        seq=event.seq,
                        at=event.created_at,
                        kind=event.kind,
                        actor=event.actor,
                        payload=data,
                        message=self.message(data.get("message_id"))
                        if event.kind == "message.staff"
                        else None,
                    )
                )
            else:
                current.other.append(AuditEventOut.model_validate(event))
        for early in carried:  # a turn that never stored itself (its tool still ran): shown, not lost
            if turns:
                self._attach_early(turns[-1], early)
            else:
                before.append(AuditEventOut.model_validate(early))
        traces = [self._trace(i + 1, t) for i, t in enumerate(turns)]
        unattributed = [
            ModelCallOut.model_validate(c)
            for call_id, rows in self.calls.items()
            if call_id not in self.used_calls
            for c in rows
        ]
        return traces, before, unattributed

    def _attach_early(self, turn: _Turn, event: AuditEvent) -> None:
        data = _payload(event)
        if event.kind == "consent.given":
            turn.consents[str(data.get("action_id"))] = data
            return
        turn.actions.append(
            ActionOut(
                seq=event.seq,
                at=event.created_at,
                action=str(data.get("action", "")),
                target_id=_str(data.get("target_id")),
                outcome=data.get("outcome"),
                idempotency_key=_str(data.get("idempotency_key")),
            )
        )

    def _trace(self, index: int, turn: _Turn) -> TurnTrace:
        data = turn.data
        triage: list[TriageOut] = []
        routes: list[RouteOut] = []
        tool_calls: list[ToolCallOut] = []
        compliance: list[ComplianceOut] = []
        for step in turn.steps:
            d = step.data
            if step.node == "screen" and step.decision not in ("triage", ""):
                routes.append(RouteOut(flow=step.decision, reason="screening"))
            elif step.node == "triage":
                confidence = d.get("confidence")
                triage.append(
                    TriageOut(
                        intent=_str(d.get("intent")),
                        confidence=float(confidence) if isinstance(confidence, int | float) else None,
                        route=_str(d.get("route")),
                        tier=_str(d.get("tier")),
                        confident=d.get("confident") if isinstance(d.get("confident"), bool) else None,
                        alternatives=list(d.get("alternatives") or []),
                    )
                )
            elif step.node == "route":
                routes.append(
                    RouteOut(flow=step.decision, reason=_str(d.get("reason")), intent=_str(d.get("intent")))
                )
            elif step.node == "compliance":
                findings = [
                    ComplianceFindingOut(
                        rule=str(f.get("rule", "")),
                        action=_str(f.get("action")),
                        detail=_str(f.get("detail")),
                    )
                    for f in d.get("findings") or []
                    if isinstance(f, dict)
                ]
                compliance.append(
                    ComplianceOut(outcome=step.decision, findings=findings, review=d.get("review"))
                )
            for call in d.get("tool_calls") or []:
                if isinstance(call, dict):
                    tool_calls.append(
                        ToolCallOut(
                            node=step.node,
                            tool=str(call.get("tool", "")),
                            arguments=call.get("arguments"),
                            result=call.get("result"),
                        )
                    )
        for action in turn.actions:
            action.consent = turn.consents.get(action.idempotency_key or "")
        calls: list[ModelCallOut] = []
        for call_id in dict.fromkeys(turn.call_ids):
            self.used_calls.add(call_id)
            calls.extend(ModelCallOut.model_validate(c) for c in self.calls.get(call_id, []))
        return TurnTrace(
            index=index,
            message_id=_uuid(data.get("message_id")),
            kind="confirmation" if turn.event.kind == "confirmation.received" else "message",
            started_at=turn.event.created_at,
            customer_message=self.message(data.get("message_id")),
            flags=[str(f) for f in data.get("flags") or []],
            redactions=[r for r in data.get("redactions") or [] if isinstance(r, dict)],
            triage=triage,
            routes=routes,
            procedure=[s for s in turn.steps if s.node in PROCEDURE_NODES],
            steps=turn.steps,
            model_calls=calls,
            tool_calls=tool_calls,
            actions=turn.actions,
            compliance=compliance,
            replies=turn.replies,
            staff=turn.staff,
            other_events=turn.other,
            tokens=sum(c.input_tokens + c.output_tokens for c in calls),
            cost_usd_micros=sum(c.cost_usd_micros for c in calls),
        )


def conversation_out(
    conversation: Conversation,
    handed_off: bool,
    *,
    customer_name: str | None = None,
    signals: Signals | None = None,
) -> AuditConversationOut:
    s = signals or Signals()
    return AuditConversationOut(
        id=conversation.id,
        status=conversation.status,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        customer_id=conversation.customer_id,
        variant=conversation.variant,
        flagged=conversation.flagged,
        handed_off=handed_off,
        customer_name=customer_name,
        cost_usd_micros=conversation.cost_usd_micros,
        tokens_used=conversation.tokens_used,
        turns=s.turns,
        intents=s.intents,
        flags=sorted(AuditFlag(f) for f in s.flags),
    )


async def conversation_rows(
    session: AsyncSession, rows: Sequence[tuple[Conversation, bool]]
) -> list[AuditConversationOut]:
    """List rows with the customer's name and what the log says (turns, intents, flags)."""
    ids = [c.id for c, _ in rows]
    found = await repository.signals(session, ids)
    names = await repository.customer_names(session, {c.customer_id for c, _ in rows})
    return [
        conversation_out(c, h, customer_name=names.get(c.customer_id), signals=found.get(c.id))
        for c, h in rows
    ]


async def load_transcript(session: AsyncSession, conversation_id: uuid.UUID) -> AuditTranscript:
    """The whole record of one conversation: messages, events in chain order, model calls, the step trace."""
    conversation, handed_off = await repository.get_conversation(session, conversation_id)
    messages = await repository.messages(session, conversation_id)
    events = await events_for_conversation(session, conversation_id)
    calls = await repository.model_calls(session, conversation_id)
    handoffs = await repository.handoffs(session, conversation_id)
    staff_ids = {m.author_staff_id for m in messages if m.author_staff_id} | {
        h.assignee_id for h in handoffs if h.assignee_id
    }
    names = await repository.staff_names(session, staff_ids)
    builder = TraceBuilder(messages=messages, calls=calls, staff_names=names)
    turns, before, unattributed = builder.build(events)
    [row] = await conversation_rows(session, [(conversation, handed_off)])
    handoff_rows = []
    for h in handoffs:
        out = AuditHandoffOut.model_validate(h)
        out.assignee_name = names.get(h.assignee_id) if h.assignee_id else None
        handoff_rows.append(out)
    return AuditTranscript(
        conversation=row,
        messages=[MessageOut.model_validate(m) for m in messages],
        events=[AuditEventOut.model_validate(e) for e in events],
        model_calls=[ModelCallOut.model_validate(c) for c in calls],
        turns=turns,
        before_first_turn=before,
        unattributed_model_calls=unattributed,
        handoffs=handoff_rows,
    )
