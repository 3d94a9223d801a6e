"""API shapes of quality review: samples, rubric scores, findings and their trend."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.audit.schemas import AuditConversationOut, ConversationFilters, aware_utc
from app.conversations.schemas import check_text
from app.models.review import Criterion, RubricMark, SampleMethod, Severity

MAX_SAMPLE = 200
MAX_NOTE_CHARS = 4000


class SampleIn(BaseModel):
    """Draw conversations to review from the set the filters describe.

    ``risk`` weights each conversation by what the log shows (see ``GET /v1/review/risk-weights``); ``random``
    gives each the same chance. The same seed over the same set draws the same sample.
    """

    model_config = ConfigDict(extra="forbid")

    method: SampleMethod = SampleMethod.risk
    size: int = Field(default=10, ge=1, le=MAX_SAMPLE)
    # At most 10 digits, like the seeds drawn here: a longer number could read as a card number in the
    # audit log, and the card-number guard would refuse the request.
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1, description="Omit for a fresh seed (returned)")
    filters: ConversationFilters = Field(default_factory=ConversationFilters)


class ScoreOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    item_id: uuid.UUID
    conversation_id: uuid.UUID
    accurate: RubricMark
    compliant: RubricMark
    fair_treatment: RubricMark
    vulnerable_customer_handled: RubricMark
    comment: str
    scored_by_id: uuid.UUID | None
    scored_by_name: str | None = None
    created_at: datetime


class ItemOut(BaseModel):
    id: uuid.UUID
    sample_id: uuid.UUID
    position: int
    weight: int
    reasons: list[str]
    conversation: AuditConversationOut
    score: ScoreOut | None = Field(description="The newest score, if scored")
    findings: int = Field(description="Findings recorded against this item")


class SampleOut(BaseModel):
    id: uuid.UUID
    method: SampleMethod
    seed: int
    size: int
    population: int = Field(description="How many conversations matched the filters")
    filters: dict[str, object]
    created_by_id: uuid.UUID | None
    created_by_name: str | None = None
    created_at: datetime
    items: list[ItemOut]


class SampleSummary(BaseModel):
    id: uuid.UUID
    method: SampleMethod
    seed: int
    size: int
    population: int
    created_by_name: str | None
    created_at: datetime
    scored: int


class SampleList(BaseModel):
    items: list[SampleSummary]


class ScoreIn(BaseModel):
    """Marks against the rubric: each criterion ``met``, ``not_met`` or ``not_applicable``."""

    model_config = ConfigDict(extra="forbid")

    accurate: RubricMark
    compliant: RubricMark
    fair_treatment: RubricMark
    vulnerable_customer_handled: RubricMark
    comment: str = Field(default="", max_length=MAX_NOTE_CHARS)

    @field_validator("comment")
    @classmethod
    def _clean(cls, value: str) -> str:
        return check_text(value) if value else value


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: uuid.UUID
    message_id: uuid.UUID = Field(
        description="The message the finding is about (a customer turn, reply or staff message)"
    )
    item_id: uuid.UUID | None = Field(
        default=None, description="The sample item, when found while reviewing one"
    )
    criterion: Criterion
    severity: Severity
    note: str = Field(min_length=1, max_length=MAX_NOTE_CHARS)

    @field_validator("note")
    @classmethod
    def _clean(cls, value: str) -> str:
        return check_text(value)


class FindingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    conversation_id: uuid.UUID
    message_id: uuid.UUID
    turn: int | None = Field(default=None, description="The 1-based turn the message belongs to")
    item_id: uuid.UUID | None
    criterion: Criterion
    severity: Severity
    note: str
    created_by_id: uuid.UUID | None
    created_by_name: str | None = None
    created_at: datetime


class FindingList(BaseModel):
    items: list[FindingOut]
    total: int


class ConversationReview(BaseModel):
    """Everything reviewers recorded about one conversation."""

    conversation_id: uuid.UUID
    items: list[uuid.UUID] = Field(description="Sample items that drew this conversation")
    scores: list[ScoreOut]
    findings: list[FindingOut]


class FindingsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)

    created_from: datetime | None = Field(default=None, alias="from")
    created_to: datetime | None = Field(default=None, alias="to")
    criterion: Criterion | None = None
    severity: Severity | None = None
    conversation_id: uuid.UUID | None = None

    @field_validator("created_from", "created_to")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return aware_utc(value)


class FindingsSearch(FindingsQuery):
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class ReviewExport(FindingsQuery):
    format: Literal["jsonl", "csv"] = "jsonl"


class TrendPoint(BaseModel):
    start: datetime
    counts: dict[str, int] = Field(description="Findings per severity (low, medium, high)")
    total: int


class FindingsTrend(BaseModel):
    bucket: Literal["day", "week", "month"]
    start: datetime
    end: datetime
    points: list[TrendPoint]
    by_criterion: dict[str, int]


class RiskWeights(BaseModel):
    """Points a conversation earns for risk-weighted sampling (every conversation starts with ``base``)."""

    base: int
    signals: dict[str, int]
    low_confidence_below: float
