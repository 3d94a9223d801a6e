"""turn journal, rate-limit admissions, the agent's checkpoint table; the lease moves to the journal

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00

- ``turn_journal``: one row per customer turn in progress (the conversation's lease, and what recovery needs
  after a crash: the redacted message, the idempotency key, the action the customer said yes to).
- ``turn_admission``: one row per admitted turn or new conversation, counted by the rate limits under a lock
  on the customer's row, so parallel requests cannot all pass.
- ``graph_checkpoint``: the agent's latest checkpoint per conversation, written in the turn's own transaction
  (it replaces LangGraph's checkpoint tables, whose rows were written as the graph ran and so outlived
  failed turns).
- ``conversation.busy_until`` is dropped: the journal row is the lease.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "turn_journal",
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("screening", sa.Text(), nullable=False),
        sa.Column("idempotency_scope", sa.String(length=200), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=True),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("lease_until", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_turn_journal_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_turn_journal_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_turn_journal")),
    )
    op.create_index(op.f("ix_turn_journal_customer_id"), "turn_journal", ["customer_id"])
    op.create_index("ix_turn_journal_lease_until", "turn_journal", ["lease_until"])
    op.create_table(
        "turn_admission",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("admitted_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_turn_admission_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_admission")),
    )
    op.create_index(
        "ix_turn_admission_customer_id_kind_admitted_at",
        "turn_admission",
        ["customer_id", "kind", "admitted_at"],
    )
    op.create_table(
        "graph_checkpoint",
        sa.Column("thread_id", sa.String(length=100), nullable=False),
        sa.Column("checkpoint_id", sa.String(length=64), nullable=False),
        sa.Column("parent_checkpoint_id", sa.String(length=64), nullable=True),
        sa.Column("checkpoint_type", sa.String(length=20), nullable=False),
        sa.Column("checkpoint", sa.LargeBinary(), nullable=False),
        sa.Column("metadata_type", sa.String(length=20), nullable=False),
        sa.Column("metadata", sa.LargeBinary(), nullable=False),
        sa.Column("writes_type", sa.String(length=20), nullable=False),
        sa.Column("writes", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_graph_checkpoint")),
    )
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("busy_until")


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("busy_until", UTC_DATETIME, nullable=True))
    op.drop_table("graph_checkpoint")
    op.drop_index("ix_turn_admission_customer_id_kind_admitted_at", table_name="turn_admission")
    op.drop_table("turn_admission")
    op.drop_index("ix_turn_journal_lease_until", table_name="turn_journal")
    op.drop_index(op.f("ix_turn_journal_customer_id"), table_name="turn_journal")
    op.drop_table("turn_journal")
