"""Migration 0003 rechains an existing global audit chain per conversation; its downgrade chains it back."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app import db
from app.audit.service import scan_chains

GENESIS = "0" * 64

OLD_AUDIT_EVENT = sa.Table(
    "audit_event",
    sa.MetaData(),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.Uuid, nullable=True),
    sa.Column("kind", sa.String(60)),
    sa.Column("actor", sa.String(80)),
    sa.Column("payload", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
)


def _old_hash(prev: str, row: dict[str, Any]) -> str:
    body = {
        "conversation_id": str(row["conversation_id"]) if row["conversation_id"] else None,
        "kind": row["kind"],
        "actor": row["actor"],
        "payload": json.loads(row["payload"]),
        "created_at": row["created_at"].astimezone(UTC).isoformat(),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def _run(url: str, fn: Any) -> Any:
    async def go() -> Any:
        engine = db.create_engine(url)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _old_rows() -> list[dict[str, Any]]:
    one, two = uuid.uuid4(), uuid.uuid4()
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    rows = []
    prev = GENESIS
    for i, conversation in enumerate([one, two, one, None, two, one, None]):
        row = {
            "conversation_id": conversation,
            "kind": f"kind.{i}",
            "actor": "system",
            "payload": json.dumps({"i": i, "text": "café"}),
            "created_at": start + timedelta(seconds=i, microseconds=i * 1001),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = _old_hash(prev, row)
        rows.append(row)
    return rows


def _old_chain_verifies(conn: sa.Connection) -> bool:
    prev = GENESIS
    for row in conn.execute(sa.select(OLD_AUDIT_EVENT).order_by(OLD_AUDIT_EVENT.c.seq)).mappings():
        if row["prev_hash"] != prev or _old_hash(prev, dict(row)) != row["hash"]:
            return False
        prev = row["hash"]
    return True


def test_0003_rechains_per_conversation_and_back(database_url: str) -> None:
    db.downgrade(database_url, "0002")
    rows = _old_rows()
    _run(database_url, lambda conn: conn.execute(sa.insert(OLD_AUDIT_EVENT), rows))
    assert _run(database_url, _old_chain_verifies)

    db.upgrade(database_url, "0003")

    async def scan() -> Any:
        engine = db.create_engine(database_url)
        try:
            return await scan_chains(db.create_sessionmaker(engine))
        finally:
            await engine.dispose()

    result = asyncio.run(scan())
    assert result.problems == []
    assert result.checked == 7
    assert sorted(result.counts.values()) == [2, 2, 3]
    assert result.counts["system"] == 2

    db.downgrade(database_url, "0002")
    assert _run(database_url, _old_chain_verifies)
    db.upgrade(database_url, "head")
