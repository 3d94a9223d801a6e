"""Appending to and reading the audit log. Only INSERTs: the log is append-only.

Appends lock only their own chain (one per conversation), so customer turns in different conversations
never wait for each other. Readers that walk the whole log (export, verification, checkpoints) read short
keyset pages, each in its own short transaction closed before the page is handed on, so a slow reader
holds no connection and no transaction while it waits.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.chain import (
    GENESIS_HASH,
    SYSTEM_CHAIN,
    canonical_json,
    chain_hash,
    chain_id_for,
    event_body,
    event_fields,
    new_event_hash,
)
from app.models import AuditEvent
from app.models.base import utcnow
from app.models.pan_guard import refuse_full_pans
from app.turn_statements import CHAIN_HEAD, INSERT_AUDIT_EVENTS, LOCK_CHAIN, Pending, Pipeline, pipeline

PAGE_SIZE = 500
MAX_PROBLEMS = 50


_HEADS = "audit_chain_heads"  # session.info: the chains this transaction holds, and their heads


def _held_heads(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """The chains this transaction holds (locked, head read), and their heads as it has moved them.

    The transaction holds a chain's lock until it ends, so the head it read stays the head: later appends in
    the same transaction take it from here instead of locking and reading again. The cache is keyed by the
    transaction, so a rolled-back or committed transaction never lends its heads to the next.
    """
    transaction = session.sync_session.get_transaction()
    assert transaction is not None, "the chain is held by a transaction: begin it first"
    held = session.info.get(_HEADS)
    if held is None or held[0] is not transaction:
        held = (transaction, {})
        session.info[_HEADS] = held
    heads: dict[str, tuple[int, str]] = held[1]
    return heads


@dataclass
class HeldChain:
    """A chain this transaction appends to; its head is known once the pipeline that read it was sent."""

    session: AsyncSession
    chain_id: str
    _read: Pending | None

    def head(self) -> tuple[int, str]:
        """The chain's last position and hash."""
        heads = _held_heads(self.session)
        if self.chain_id not in heads:
            assert self._read is not None
            row = self._read.first()
            heads[self.chain_id] = (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)
        return heads[self.chain_id]


def hold_chain(p: Pipeline, chain_id: str) -> HeldChain:
    """Queue in ``p`` what an append to ``chain_id`` needs first, unless this transaction holds it already:

    - the chain's lock, so two writers never fork it. Postgres: a transaction-scoped advisory lock on the
      chain's 64-bit hash (two chains that collide only wait for each other). SQLite: every transaction
      already holds the single write lock (``BEGIN IMMEDIATE``, see ``app.db``). The unique (chain_id,
      chain_seq) constraint refuses a fork regardless;
    - the read of its head, queued after the lock so that it runs once the lock is granted and sees what the
      previous holder committed.
    """
    if chain_id in _held_heads(p.session):
        return HeldChain(p.session, chain_id, None)
    if p.postgres:
        p.add(LOCK_CHAIN, {"chain_id": chain_id})
    return HeldChain(p.session, chain_id, p.add(CHAIN_HEAD, {"chain_id": chain_id}))


async def _chain_head(session: AsyncSession, chain_id: str) -> tuple[int, str]:
    """The chain's last position and hash, locking the chain on the transaction's first append."""
    async with await pipeline(session) as p:
        held = hold_chain(p, chain_id)
    return held.head()


async def append_event(
    session: AsyncSession,
    *,
    kind: str,
    actor: str,
    payload: dict[str, Any],
    conversation_id: uuid.UUID | None = None,
) -> AuditEvent:
    """Add one event to its chain in the caller's transaction. It is written with the transaction's next
    flush (the caller's commit at the latest), together with the other rows of the unit of work: a turn's
    events cost one lock, one read of the head and one batched INSERT, not one round trip each."""
    chain_id = chain_id_for(conversation_id)
    last_seq, prev_hash = await _chain_head(session, chain_id)
    row = _chained_row(chain_id, last_seq + 1, prev_hash, conversation_id, kind, actor, payload)
    event = AuditEvent(**row)
    session.add(event)
    _move_head(session, chain_id, event.chain_seq, event.hash)
    return event


async def append_events(
    session: AsyncSession,
    *,
    conversation_id: uuid.UUID | None,
    events: Sequence[tuple[str, str, dict[str, Any]]],
) -> None:
    """Add several events (kind, actor, payload), in order, to one chain in the caller's transaction, written
    at once (``add_events``).

    Events added with ``append_event`` and not yet flushed are flushed first, so the log's ``seq`` keeps
    each chain's order.
    """
    if not events:
        return
    if any(isinstance(obj, AuditEvent) for obj in session.new):
        await session.flush()
    async with await pipeline(session) as p:
        held = hold_chain(p, chain_id_for(conversation_id))
    async with await pipeline(session) as p:
        add_events(p, held, conversation_id=conversation_id, events=events)


def add_events(
    p: Pipeline,
    held: HeldChain,
    *,
    conversation_id: uuid.UUID | None,
    events: Sequence[tuple[str, str, dict[str, Any]]],
) -> None:
    """Queue in ``p`` the INSERT of several events (kind, actor, payload), in order, after ``held``'s head
    (which must have been read: its pipeline sent). Their payloads are checked for card numbers as a flush
    would check them (``app.models.pan_guard``). An event added to the session (``append_event``) after
    these must not be flushed before ``p`` is sent, or the log's ``seq`` would not follow the chain."""
    if not events:
        return
    last_seq, prev_hash = held.head()
    rows: list[dict[str, Any]] = []
    for kind, actor, payload in events:
        last_seq += 1
        row = _chained_row(held.chain_id, last_seq, prev_hash, conversation_id, kind, actor, payload)
        rows.append(row)
        prev_hash = row["hash"]
    table = AuditEvent.__table__
    assert isinstance(table, Table)
    refuse_full_pans(table, rows)
    p.add_many(INSERT_AUDIT_EVENTS, rows)
    _move_head(p.session, held.chain_id, last_seq, prev_hash)


def _chained_row(
    chain_id: str,
    chain_seq: int,
    prev_hash: str,
    conversation_id: uuid.UUID | None,
    kind: str,
    actor: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The columns of the event at ``chain_seq`` of a chain whose previous event's hash is ``prev_hash``."""
    payload_json = canonical_json(payload)
    created_at = utcnow()
    fields = event_fields(
        chain_id=chain_id,
        chain_seq=chain_seq,
        conversation_id=conversation_id,
        kind=kind,
        actor=actor,
        created_at=created_at,
    )
    digest = new_event_hash(prev_hash, fields, payload_json)
    return {
        "chain_id": chain_id,
        "chain_seq": chain_seq,
        "conversation_id": conversation_id,
        "kind": kind,
        "actor": actor,
        "payload": payload_json,
        "created_at": created_at,
        "prev_hash": prev_hash,
        "hash": digest,
    }


def _move_head(session: AsyncSession, chain_id: str, chain_seq: int, digest: str) -> None:
    """Record the chain's new head among those this transaction holds."""
    _held_heads(session)[chain_id] = (chain_seq, digest)


async def events_for_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> Sequence[AuditEvent]:
    result = await session.scalars(
        select(AuditEvent).where(AuditEvent.conversation_id == conversation_id).order_by(AuditEvent.seq)
    )
    return result.all()


@dataclass(frozen=True)
class Head:
    """The newest event of a chain: its position, hash and global ``seq``."""

    chain_seq: int
    hash: str
    seq: int


async def read_heads(factory: async_sessionmaker[AsyncSession]) -> dict[str, Head]:
    """Every chain's head, read in one statement (so one snapshot), in a short transaction."""
    newest = (
        select(AuditEvent.chain_id, func.max(AuditEvent.chain_seq).label("n"))
        .group_by(AuditEvent.chain_id)
        .subquery()
    )
    query = select(AuditEvent.chain_id, AuditEvent.chain_seq, AuditEvent.hash, AuditEvent.seq).join(
        newest, (AuditEvent.chain_id == newest.c.chain_id) & (AuditEvent.chain_seq == newest.c.n)
    )
    async with factory() as session:
        rows = (await session.execute(query)).all()
    return {row.chain_id: Head(row.chain_seq, row.hash, row.seq) for row in rows}


async def iter_event_pages(
    factory: async_sessionmaker[AsyncSession], *, upto: dict[str, Head] | None = None, batch: int = PAGE_SIZE
) -> AsyncIterator[list[AuditEvent]]:
    """The log in ``seq`` order, one keyset page per short transaction, closed before the page is yielded.

    With ``upto`` (heads read before the walk), only each chain's prefix up to that head is returned: those
    events had all committed when the heads were read, so an append that commits during the walk with a
    lower ``seq`` than a page already read cannot leave a hole in what is returned.
    """
    if upto is not None and not upto:
        return
    last_seq = max((h.seq for h in upto.values()), default=0) if upto else None
    after = 0
    while True:
        query = select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(batch)
        if last_seq is not None:
            query = query.where(AuditEvent.seq <= last_seq)
        async with factory() as session:
            rows = list((await session.scalars(query)).all())
        if not rows:
            return
        after = rows[-1].seq
        if upto is not None:
            rows = [r for r in rows if r.chain_id in upto and r.chain_seq <= upto[r.chain_id].chain_seq]
        if rows:
            yield rows


async def read_chains(
    factory: async_sessionmaker[AsyncSession], heads: dict[str, Head], *, batch: int = 200
) -> AsyncIterator[tuple[str, list[AuditEvent]]]:
    """Whole chains (genesis up to the given head), a batch of chains per short transaction."""
    chain_ids = sorted(heads)
    for start in range(0, len(chain_ids), batch):
        ids = chain_ids[start : start + batch]
        query = (
            select(AuditEvent)
            .where(AuditEvent.chain_id.in_(ids))
            .order_by(AuditEvent.chain_id, AuditEvent.chain_seq)
        )
        async with factory() as session:
            rows = list((await session.scalars(query)).all())
        by_chain: dict[str, list[AuditEvent]] = {cid: [] for cid in ids}
        for row in rows:
            if row.chain_seq <= heads[row.chain_id].chain_seq:
                by_chain[row.chain_id].append(row)
        for cid in ids:
            yield cid, by_chain[cid]


def describe_chain(chain_id: str) -> str:
    return "the system chain" if chain_id == SYSTEM_CHAIN else f"conversation {chain_id}"


def recompute(event: AuditEvent, prev_hash: str) -> str | None:
    """The hash the event should have after ``prev_hash``; None if its payload is not JSON."""
    try:
        body = event_body(
            chain_id=event.chain_id,
            chain_seq=event.chain_seq,
            conversation_id=event.conversation_id,
            kind=event.kind,
            actor=event.actor,
            payload=event.payload,
            created_at=event.created_at,
        )
    except ValueError:
        return None
    return chain_hash(prev_hash, body)


def link_problem(event: AuditEvent, prev_seq: int, prev_hash: str) -> str | None:
    """Why ``event`` does not follow (prev_seq, prev_hash) in its chain, or None if it does."""
    where = f"{describe_chain(event.chain_id)}, event seq {event.seq}"
    if event.chain_seq != prev_seq + 1:
        missing = event.chain_seq - prev_seq - 1
        if missing > 0:
            return f"{where}: {missing} event(s) missing before position {event.chain_seq}"
        return f"{where}: position {event.chain_seq} repeats or goes back (expected {prev_seq + 1})"
    if event.prev_hash != prev_hash:
        return f"{where}: prev_hash does not match the previous event's hash"
    expected = recompute(event, prev_hash)
    if expected is None:
        return f"{where}: payload is not valid JSON"
    if expected != event.hash:
        return f"{where}: row content does not match its hash"
    return None


@dataclass
class ChainScan:
    """The outcome of recomputing every chain."""

    checked: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    hashes_at: dict[str, str] = field(default_factory=dict)
    first_broken_seq: int | None = None
    problems: list[str] = field(default_factory=list)

    def add_problem(self, seq: int | None, problem: str) -> None:
        if self.first_broken_seq is None and seq is not None:
            self.first_broken_seq = seq
        self.problems.append(problem)


async def scan_chains(
    factory: async_sessionmaker[AsyncSession], *, watch: dict[str, int] | None = None
) -> ChainScan:
    """Recompute every chain in the log, streamed. ``watch`` asks for the hash at given chain positions."""
    watch = watch or {}
    scan = ChainScan()
    heads = await read_heads(factory)
    async for page in iter_event_pages(factory, upto=heads):
        for event in page:
            prev_seq, prev_hash = scan.heads.get(event.chain_id, (0, GENESIS_HASH))
            problem = link_problem(event, prev_seq, prev_hash)
            if problem is not None:
                scan.add_problem(event.seq, problem)
            scan.heads[event.chain_id] = (event.chain_seq, event.hash)
            scan.counts[event.chain_id] = scan.counts.get(event.chain_id, 0) + 1
            if watch.get(event.chain_id) == event.chain_seq:
                scan.hashes_at[event.chain_id] = event.hash
            scan.checked += 1
    return scan


def capped(problems: Iterable[str], limit: int = MAX_PROBLEMS) -> list[str]:
    items = list(problems)
    if len(items) <= limit:
        return items
    return [*items[:limit], f"... and {len(items) - limit} more"]


async def verify_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> tuple[int, list[str]]:
    """Recompute one conversation's chain from genesis: how many events, and what does not follow.

    Events cut from the end of a chain leave no gap here; the signed checkpoints (``verify_log``) catch that.
    """
    rows = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.chain_id == chain_id_for(conversation_id))
        .order_by(AuditEvent.chain_seq)
    )
    prev_seq, prev_hash = 0, GENESIS_HASH
    checked = 0
    problems: list[str] = []
    for event in rows:
        problem = link_problem(event, prev_seq, prev_hash)
        if problem is not None:
            problems.append(problem)
        prev_seq, prev_hash = event.chain_seq, event.hash
        checked += 1
    return checked, capped(problems)
