"""recurring payments: direct debit mandates, standing orders and scheduled (future-dated) payments

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00

Three tables of the same shape, each row on one account: payee, amount (positive integer minor units)
and currency, the next date it runs (a calendar date), a reference and a status (``active`` until the
customer cancels it). Direct debits and standing orders also have a frequency; a scheduled payment runs
once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
TABLES = ("direct_debit", "standing_order", "scheduled_payment")


def _columns(table: str) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("payee_name", sa.String(length=120), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
    ]
    if table != "scheduled_payment":
        columns.append(
            sa.Column(
                "frequency",
                sa.Enum(
                    "weekly",
                    "monthly",
                    "quarterly",
                    "yearly",
                    name="frequency",
                    native_enum=False,
                    create_constraint=True,
                    length=24,
                ),
                nullable=False,
            )
        )
    columns += [
        sa.Column("next_date", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=140), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "cancelled",
                name="recurring_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("cancelled_at", UTC_DATETIME, nullable=True),
    ]
    return columns


def upgrade() -> None:
    for table in TABLES:
        op.create_table(
            table,
            *_columns(table),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["account.id"],
                name=op.f(f"fk_{table}_account_id_account"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_account_id"), table, ["account_id"])


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_account_id"), table_name=table)
        op.drop_table(table)
