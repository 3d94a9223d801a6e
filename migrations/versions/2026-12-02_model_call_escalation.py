"""model_call.escalation: the escalation rule that moved a model call up a tier

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:00:00

The models config's [escalation] policy (agents/models/escalation.py) moves a step from nano to mini to large
(low confidence, a compliance rewrite, a frustrated customer, a second clarification). Each call a rule
caused stores the rule's name, so an evaluation report can count escalations per rule; NULL for a call on its
step's starting tier (and for every call stored before this revision).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("model_call") as batch:
        batch.add_column(sa.Column("escalation", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("model_call") as batch:
        batch.drop_column("escalation")
