"""Quality review by the compliance team: samples of conversations, rubric scores and findings.

Rows here are only ever added (a re-score is a new score row; the newest counts), and each is also written to
the audit log's system chain, so a reviewer's record is as tamper-evident as the transcript it is about.
Nothing here points the other way: the transcript never changes because it was reviewed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, new_id, utcnow


class SampleMethod(StrEnum):
    random = "random"
    risk = "risk"
    """Weighted towards flags, complaints, handoffs, low triage confidence and compliance interventions."""


class RubricMark(StrEnum):
    met = "met"
    not_met = "not_met"
    not_applicable = "not_applicable"


class Criterion(StrEnum):
    """The rubric; ``other`` for a finding outside it."""

    accurate = "accurate"
    compliant = "compliant"
    fair_treatment = "fair_treatment"
    vulnerable_customer_handled = "vulnerable_customer_handled"
    other = "other"


RUBRIC = (
    Criterion.accurate,
    Criterion.compliant,
    Criterion.fair_treatment,
    Criterion.vulnerable_customer_handled,
)


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


def _enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """Like ``app.models._types.str_enum`` (VARCHAR + CHECK) but wide enough for the rubric's names."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class ReviewSample(Base):
    """A draw of conversations to review: how (random or risk-weighted), with which seed, from which set."""

    __tablename__ = "review_sample"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    method: Mapped[SampleMethod] = mapped_column(_enum(SampleMethod, "sample_method"))
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    filters: Mapped[str] = mapped_column(Text)  # JSON: the conversation filters the draw was made from
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ReviewItem(Base):
    """One conversation drawn into a sample, with the risk weight and the reasons it carried."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("sample_id", "conversation_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    sample_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("review_sample.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    weight: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)  # JSON list


class ReviewScore(Base):
    """A reviewer's marks against the rubric for one sampled conversation (newest per item counts)."""

    __tablename__ = "review_score"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_item.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    accurate: Mapped[RubricMark] = mapped_column(_enum(RubricMark, "accurate_mark"))
    compliant: Mapped[RubricMark] = mapped_column(_enum(RubricMark, "compliant_mark"))
    fair_treatment: Mapped[RubricMark] = mapped_column(_enum(RubricMark, "fair_treatment_mark"))
    vulnerable_customer_handled: Mapped[RubricMark] = mapped_column(
        _enum(RubricMark, "vulnerable_customer_handled_mark")
    )
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewFinding(Base):
    """Something a reviewer found, tied to the message (and so the turn) it is about."""

    __tablename__ = "review_finding"
    __table_args__ = (Index("ix_review_finding_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("review_item.id", ondelete="SET NULL"), nullable=True
    )
    criterion: Mapped[Criterion] = mapped_column(_enum(Criterion, "finding_criterion"))
    severity: Mapped[Severity] = mapped_column(_enum(Severity, "finding_severity"))
    note: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
