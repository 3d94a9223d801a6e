"""quality review: samples of conversations, rubric scores and findings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:00:00

- ``review_sample``: a draw of conversations to review (random or risk-weighted, its seed, the filters and the
  size of the set it was drawn from), so a draw can be repeated.
- ``review_item``: a conversation in a sample, with its risk weight and the reasons for it.
- ``review_score``: a reviewer's marks against the rubric (accurate, compliant, fair treatment, vulnerable
  customer handled); a re-score adds a row.
- ``review_finding``: a finding tied to the message (and so the turn) it is about.

Only additions; the transcript tables are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
MARKS = ("met", "not_met", "not_applicable")
RUBRIC = ("accurate", "compliant", "fair_treatment", "vulnerable_customer_handled")


def _enum(name: str, values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _staff_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["staff_user.id"], name=op.f(f"fk_{table}_{column}_staff_user"), ondelete="SET NULL"
    )


def _conversation_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversation.id"],
        name=op.f(f"fk_{table}_conversation_id_conversation"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "review_sample",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("method", _enum("sample_method", ("random", "risk")), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        _staff_fk("review_sample", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sample")),
    )
    op.create_index(op.f("ix_review_sample_created_at"), "review_sample", ["created_at"])
    op.create_table(
        "review_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sample_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        _conversation_fk("review_item"),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["review_sample.id"],
            name=op.f("fk_review_item_sample_id_review_sample"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_item")),
        sa.UniqueConstraint(
            "sample_id", "conversation_id", name=op.f("uq_review_item_sample_id_conversation_id")
        ),
    )
    op.create_index(op.f("ix_review_item_sample_id"), "review_item", ["sample_id"])
    op.create_index(op.f("ix_review_item_conversation_id"), "review_item", ["conversation_id"])
    op.create_table(
        "review_score",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        *(sa.Column(name, _enum(f"{name}_mark", MARKS), nullable=False) for name in RUBRIC),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        _conversation_fk("review_score"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_item.id"],
            name=op.f("fk_review_score_item_id_review_item"),
            ondelete="CASCADE",
        ),
        _staff_fk("review_score", "scored_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_score")),
    )
    op.create_index(op.f("ix_review_score_item_id"), "review_score", ["item_id"])
    op.create_index(op.f("ix_review_score_conversation_id"), "review_score", ["conversation_id"])
    op.create_table(
        "review_finding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("criterion", _enum("finding_criterion", (*RUBRIC, "other")), nullable=False),
        sa.Column("severity", _enum("finding_severity", ("low", "medium", "high")), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        _conversation_fk("review_finding"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_review_finding_message_id_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_item.id"],
            name=op.f("fk_review_finding_item_id_review_item"),
            ondelete="SET NULL",
        ),
        _staff_fk("review_finding", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_finding")),
    )
    op.create_index(op.f("ix_review_finding_conversation_id"), "review_finding", ["conversation_id"])
    op.create_index("ix_review_finding_created_at", "review_finding", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_review_finding_created_at", table_name="review_finding")
    op.drop_index(op.f("ix_review_finding_conversation_id"), table_name="review_finding")
    op.drop_table("review_finding")
    op.drop_index(op.f("ix_review_score_conversation_id"), table_name="review_score")
    op.drop_index(op.f("ix_review_score_item_id"), table_name="review_score")
    op.drop_table("review_score")
    op.drop_index(op.f("ix_review_item_conversation_id"), table_name="review_item")
    op.drop_index(op.f("ix_review_item_sample_id"), table_name="review_item")
    op.drop_table("review_item")
    op.drop_index(op.f("ix_review_sample_created_at"), table_name="review_sample")
    op.drop_table("review_sample")
