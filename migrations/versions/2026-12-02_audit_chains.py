"""audit chains: one hash chain per conversation, TRUNCATE refused, no UPDATE/DELETE/TRUNCATE for PUBLIC

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 04:20:00

Every audit event gets ``chain_id`` (the conversation id, or ``system``) and ``chain_seq`` (its 1-based
position in that chain); ``prev_hash`` becomes the previous event of the same chain, so appends to
different conversations no longer serialise on one lock. Existing rows are rechained here; the downgrade
rechains them into the single global chain again.

The hashing is copied here on purpose (not imported from ``app.audit``): a migration must keep meaning what
it meant when it was written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"

PG_TRIGGERS_OFF = "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"
PG_TRIGGERS_ON = "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"
PG_TRUNCATE_TRIGGER = (
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END",
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _created_at(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(UTC).isoformat())


def _hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(body)).encode("utf-8")).hexdigest()


def _rows(conn: sa.Connection) -> list[Any]:
    return list(
        conn.execute(
            sa.text(
                "SELECT seq, conversation_id, kind, actor, payload, created_at FROM audit_event ORDER BY seq"
            )
        )
    )


def _conversation(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    if len(text) == 32:  # SQLite stores a Uuid as 32 hex digits
        text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _triggers_off(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        op.execute(PG_TRIGGERS_OFF)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _triggers_on(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        op.execute(PG_TRIGGERS_ON)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _rechain_per_conversation(conn: sa.Connection) -> None:
    heads: dict[str, tuple[int, str]] = {}
    for row in _rows(conn):
        conversation = _conversation(row.conversation_id)
        chain_id = conversation or SYSTEM_CHAIN
        last_seq, prev_hash = heads.get(chain_id, (0, GENESIS))
        chain_seq = last_seq + 1
        body = {
            "chain_id": chain_id,
            "chain_seq": chain_seq,
            "conversation_id": conversation,
            "kind": row.kind,
            "actor": row.actor,
            "payload": json.loads(row.payload),
            "created_at": _created_at(row.created_at),
        }
        digest = _hash(prev_hash, body)
        conn.execute(
            sa.text(
                "UPDATE audit_event SET chain_id = :c, chain_seq = :n, prev_hash = :p, hash = :h "
                "WHERE seq = :s"
            ),
            {"c": chain_id, "n": chain_seq, "p": prev_hash, "h": digest, "s": row.seq},
        )
        heads[chain_id] = (chain_seq, digest)


def _rechain_globally(conn: sa.Connection) -> None:
    prev_hash = GENESIS
    for row in _rows(conn):
        body = {
            "conversation_id": _conversation(row.conversation_id),
            "kind": row.kind,
            "actor": row.actor,
            "payload": json.loads(row.payload),
            "created_at": _created_at(row.created_at),
        }
        digest = _hash(prev_hash, body)
        conn.execute(
            sa.text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev_hash, "h": digest, "s": row.seq},
        )
        prev_hash = digest


def _no_statement_timeout(conn: sa.Connection) -> None:
    # Rechaining a large log takes longer than the app's 30 s statement timeout (app.db).
    if conn.dialect.name == "postgresql":
        op.execute("SET LOCAL statement_timeout = 0")


def upgrade() -> None:
    conn = op.get_bind()
    _no_statement_timeout(conn)
    _triggers_off(conn)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    _rechain_per_conversation(conn)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("chain_id", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("chain_seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_event_chain_id_chain_seq"), ["chain_id", "chain_seq"]
        )
    _triggers_on(conn)
    if conn.dialect.name == "postgresql":
        op.execute(PG_TRUNCATE_TRIGGER)
        # Nobody but the owner may change the log; the app role gets SELECT and INSERT only
        # (``bankdesk db grant-app-role``).
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC")


def downgrade() -> None:
    conn = op.get_bind()
    _no_statement_timeout(conn)
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    _triggers_off(conn)
    _rechain_globally(conn)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_chain_id_chain_seq"), type_="unique")
        batch_op.drop_column("chain_seq")
        batch_op.drop_column("chain_id")
    _triggers_on(conn)
