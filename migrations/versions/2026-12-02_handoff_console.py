"""staff console: private and for-the-assistant notes on a handoff, and the resolution code

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 11:30:00

- ``handoff_note``: what staff write on a handoff that the customer never sees. ``private`` notes are for
  staff (and auditors); a ``for_assistant`` note is written when staff return the conversation, and the
  assistant reads it on its next turn. Content is stored redacted, like messages.
- ``handoff.resolution``: why staff closed a handoff as resolved (``answered``, ``action_taken``, ...);
  null while it is open or claimed, and when it was returned to the assistant.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
RESOLUTION_CODES = (
    "answered",
    "action_taken",
    "complaint_recorded",
    "referred",
    "fraud_case_opened",
    "customer_unreachable",
    "duplicate",
)


def upgrade() -> None:
    op.create_table(
        "handoff_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("handoff_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("author_staff_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "private",
                "for_assistant",
                name="handoff_note_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["author_staff_id"],
            ["staff_user.id"],
            name=op.f("fk_handoff_note_author_staff_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_handoff_note_conversation_id_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
            name=op.f("fk_handoff_note_handoff_id_handoff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_note")),
    )
    with op.batch_alter_table("handoff_note", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handoff_note_conversation_id_created_at", ["conversation_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handoff_note_handoff_id"), ["handoff_id"], unique=False)

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "resolution",
                sa.Enum(
                    *RESOLUTION_CODES,
                    name="handoff_resolution",
                    native_enum=False,
                    create_constraint=True,
                    length=24,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        # SQLite's batch copy keeps reflected CHECK constraints: drop the column's own first.
        batch_op.drop_constraint(op.f("ck_handoff_handoff_resolution"), type_="check")
        batch_op.drop_column("resolution")

    with op.batch_alter_table("handoff_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_note_handoff_id"))
        batch_op.drop_index("ix_handoff_note_conversation_id_created_at")

    op.drop_table("handoff_note")
