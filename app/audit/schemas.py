from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.conversations.schemas import ConversationOut, MessageOut, check_text
from app.models.enums import ConversationStatus, HandoffPriority, HandoffStatus, StaffRole

# Names the agent writes into the audit log (intents, flows, compliance rules, variants): lower-case words.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$"
Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=80)]


def aware_utc(value: datetime | None) -> datetime | None:
    """A timestamp with a timezone, representable in UTC (a naive one would be read in the server's zone)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("must carry a timezone, e.g. 2026-11-01T00:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the representable range of dates in UTC") from None


class AuditFlag(StrEnum):
    """What screening or the agent raised on a conversation."""

    jailbreak = "jailbreak"
    injection = "injection"
    scam = "scam"
    complaint = "complaint"
    vulnerability = "vulnerability"


class ComplianceOutcome(StrEnum):
    any = "any"
    rewrite = "rewrite"
    block = "block"


class ConversationFilters(BaseModel):
    """Which conversations: every given criterion must hold (dates: ``from`` inclusive, ``to`` exclusive)."""

    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)

    customer_id: uuid.UUID | None = None
    customer: str | None = Field(
        default=None, min_length=1, max_length=100, description="Part of the customer's name or e-mail"
    )
    created_from: datetime | None = Field(default=None, alias="from")
    created_to: datetime | None = Field(default=None, alias="to")
    status: ConversationStatus | None = None
    flagged: bool | None = None
    handed_off: bool | None = None
    intent: Name | None = Field(default=None, description="A triage intent of any turn (`card_arrival`)")
    route: Name | None = Field(
        default=None, description="The flow any turn took: the route step's decision, or screening's"
    )
    flag: AuditFlag | None = None
    compliance: ComplianceOutcome | None = Field(
        default=None, description="A compliance check that rewrote (`rewrite`) or blocked a reply, or either"
    )
    compliance_rule: Name | None = Field(
        default=None, description="A compliance finding of this rule (`ai_disclosure`, `promised_outcome`...)"
    )
    variant: Name | None = Field(default=None, description="The model-configuration variant")
    review_finding: bool | None = Field(default=None, description="Whether a reviewer recorded a finding")

    @field_validator("created_from", "created_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return aware_utc(value)

    @field_validator("customer")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        return None if value is None else check_text(value)


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    conversation_id: uuid.UUID | None
    kind: str
    actor: str
    payload: Any
    created_at: datetime
    prev_hash: str
    hash: str
    chain_id: str
    chain_seq: int

    @field_validator("payload", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


class ConversationSearch(ConversationFilters):
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class ConversationExport(ConversationFilters):
    format: Literal["jsonl", "csv"] = "jsonl"


class AuditConversationOut(ConversationOut):
    customer_id: uuid.UUID
    variant: str
    flagged: bool
    handed_off: bool
    customer_name: str | None = None
    cost_usd_micros: int = 0
    tokens_used: int = 0
    turns: int = Field(default=0, description="Customer messages and confirmations")
    intents: list[str] = Field(default=[], description="Triage intents, in turn order, without repeats")
    flags: list[AuditFlag] = []


class AuditConversationList(BaseModel):
    items: list[AuditConversationOut]
    total: int = Field(description="How many conversations match, over all pages")
    limit: int
    offset: int


class ModelCallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    call_id: str
    node: str
    tier: str
    provider: str
    model: str
    variant: str | None
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    latency_ms: float
    outcome: str
    detail: str | None
    created_at: datetime


class AuditMessageOut(MessageOut):
    author_staff_id: uuid.UUID | None = None
    author_name: str | None = Field(default=None, description="The member of staff who wrote it")


class StepOut(BaseModel):
    """One graph step as the agent logged it; ``data`` is the rest of its audit payload."""

    seq: int
    at: datetime
    node: str
    decision: str
    data: dict[str, Any]


class RouteOut(BaseModel):
    flow: str
    reason: str | None
    intent: str | None = None


class TriageOut(BaseModel):
    intent: str | None
    confidence: float | None
    route: str | None
    tier: str | None
    confident: bool | None
    alternatives: list[Any] = []


class ToolCallOut(BaseModel):
    """A tool the agent called, from a step's log: arguments given and the (masked) result."""

    node: str
    tool: str
    arguments: Any
    result: Any


class ActionOut(BaseModel):
    """A state change a tool made (``tool.executed``), with the customer's consent when one was needed."""

    seq: int
    at: datetime
    action: str
    target_id: str | None
    outcome: Any
    idempotency_key: str | None
    consent: dict[str, Any] | None = None


class ComplianceFindingOut(BaseModel):
    rule: str
    action: str | None
    detail: str | None


class ComplianceOut(BaseModel):
    outcome: str
    findings: list[ComplianceFindingOut]
    review: Any = None


class StaffEventOut(BaseModel):
    """What happened on the staff side: handoff opened, claimed, returned, resolved; a staff message."""

    seq: int
    at: datetime
    kind: str
    actor: str
    payload: Any
    message: AuditMessageOut | None = None


class TurnTrace(BaseModel):
    """One customer message (or confirmation) and everything the agent and staff did about it."""

    index: int = Field(description="1-based turn number")
    message_id: uuid.UUID | None
    kind: Literal["message", "confirmation"]
    started_at: datetime
    customer_message: AuditMessageOut | None
    flags: list[str]
    redactions: list[dict[str, Any]]
    triage: list[TriageOut] = Field(description="One per request the message held (usually one)")
    routes: list[RouteOut] = Field(description="The flow each request took, and why")
    procedure: list[StepOut] = Field(description="Procedure, confirmation and execution steps")
    steps: list[StepOut] = Field(description="Every step of the turn, in order")
    model_calls: list[ModelCallOut]
    tool_calls: list[ToolCallOut]
    actions: list[ActionOut]
    compliance: list[ComplianceOut]
    replies: list[AuditMessageOut]
    staff: list[StaffEventOut] = Field(description="Handoff events and staff messages after this turn")
    other_events: list[AuditEventOut] = Field(description="Flags, complaints and anything else logged")
    tokens: int
    cost_usd_micros: int


class AuditHandoffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reason: str
    priority: HandoffPriority
    summary: str
    status: HandoffStatus
    assignee_id: uuid.UUID | None
    assignee_name: str | None = None
    sla_due_at: datetime
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None


class AuditTranscript(BaseModel):
    conversation: AuditConversationOut
    messages: list[MessageOut]
    events: list[AuditEventOut]
    model_calls: list[ModelCallOut]
    turns: list[TurnTrace] = Field(description="The step trace, turn by turn")
    before_first_turn: list[AuditEventOut] = Field(description="Events logged before the first message")
    unattributed_model_calls: list[ModelCallOut] = Field(
        description="Model calls no step or reply names (none, unless a turn failed part-way)"
    )
    handoffs: list[AuditHandoffOut]


class ConversationChainReport(BaseModel):
    """One conversation's hash chain recomputed from its first event (checkpoints: ``/v1/audit/verify``)."""

    conversation_id: uuid.UUID
    ok: bool
    checked: int
    problems: list[str]


class ChainReport(BaseModel):
    """Every chain recomputed and held against every signed checkpoint.

    ``problems`` names what is missing or changed; ``checkpoint`` is the latest signed checkpoint (keep a
    copy outside Bankdesk: it lets you detect a rewrite even if the checkpoint file is lost).
    """

    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str | None
    chains: int = 0
    problems: list[str] = []
    checkpoints_verified: int = 0
    checkpoint: dict[str, Any] | None = None


class AuditorOut(BaseModel):
    id: uuid.UUID
    full_name: str
    role: StaffRole


class AuditFacets(BaseModel):
    """The values each filter can take (variants: those in use)."""

    intents: list[str]
    routes: list[str]
    flags: list[AuditFlag]
    compliance_rules: list[str]
    variants: list[str]


class MetricTotals(BaseModel):
    conversations: int = Field(description="Conversations started in the range")
    engaged: int = Field(description="Of those, with at least one customer message")
    resolved_without_handoff: int = Field(description="Engaged and never handed to a person")
    handed_off: int
    resolution_rate: float = Field(description="resolved_without_handoff / engaged (0 when none engaged)")
    handoff_rate: float = Field(description="handed_off / engaged")
    complaints: int = Field(description="Complaints received in the range")
    cost_usd_micros: int
    cost_per_conversation_usd_micros: int = Field(description="Over engaged conversations, rounded")


class MetricPoint(BaseModel):
    start: datetime
    conversations: int
    engaged: int
    resolved_without_handoff: int
    handed_off: int
    complaints: int
    cost_usd_micros: int


class VariantCost(BaseModel):
    variant: str
    conversations: int
    handed_off: int
    cost_usd_micros: int
    cost_per_conversation_usd_micros: int


class TierCost(BaseModel):
    tier: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost_usd_micros: int
    cost_per_conversation_usd_micros: int = Field(description="This tier's cost over engaged conversations")


class Metrics(BaseModel):
    """Volume, containment, complaints and cost over a date range (money: integer micro-dollars)."""

    start: datetime
    end: datetime
    bucket: Literal["day", "week", "month"]
    totals: MetricTotals
    series: list[MetricPoint]
    by_variant: list[VariantCost]
    by_tier: list[TierCost]
