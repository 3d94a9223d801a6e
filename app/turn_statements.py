"""The statements of a customer turn (admission, storing the turn, its audit append and checkpoint), and how
they are sent.

Measured (bench/README.md, issue 14): most of a statement's CPU through SQLAlchemy's async execution layer is
the layer (about 0.3 ms a statement over the driver's 0.15), and a turn sends about twenty. So the turn's
statements are written here once, as SQLAlchemy Core constructs, and sent two ways:

- **Postgres**: compiled once to SQL text for psycopg and sent on the driver's own connection, inside the
  session's transaction (the session's connection *is* that connection, so the unit of work stays one
  transaction: it commits or rolls back with the session). Statements that do not depend on each other's
  results go in one round trip (psycopg's pipeline mode). A failure is raised as SQLAlchemy's
  ``DBAPIError`` (``IntegrityError`` ...), as if the session had sent the statement.
- **SQLite**: through the session's Core connection, one statement after another (aiosqlite's thread hop
  is per statement whatever layer sends it, and the dialect's type handling is needed there).

Values are passed as the driver takes them: UUIDs, timezone-aware datetimes, enums (sent as their values),
bytes. Nothing here checks text for card numbers: callers run ``refuse_full_pans`` on every row they queue,
as they did before. Rare paths (a handoff, a recovered turn) keep using the session; a pipeline is sent
before them so the audit log's order is kept.
"""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    BigInteger,
    BindParameter,
    Boolean,
    Executable,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from app.models import (
    AuditEvent,
    Complaint,
    Conversation,
    Customer,
    GraphCheckpoint,
    Handoff,
    HandoffNote,
    IdempotencyRecord,
    Message,
    ModelCall,
    TurnAdmission,
    TurnJournal,
)
from app.models.base import UTCDateTime
from app.models.enums import ConversationStatus, HandoffNoteKind, MessageRole

_PSYCOPG = psycopg_dialect()  # type: ignore[no-untyped-call]


def _plain(value: Any) -> Any:
    """A value as the driver takes it: an enum column stores the member's value; a timestamp must be
    timezone-aware, as ``UTCDateTime`` requires of what goes through SQLAlchemy."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("naive datetime given where timezone-aware UTC is required")
    return value


class Statement:
    """A Core construct, compiled for psycopg on first use; its literals are kept as default parameters."""

    def __init__(self, construct: Executable, *, columns: Sequence[str] | None = None) -> None:
        assert isinstance(construct, ClauseElement)
        self.construct = construct
        self._columns = list(columns) if columns is not None else None  # an INSERT's column list
        self._compiled: tuple[str, dict[str, Any]] | None = None

    def psycopg(self) -> tuple[str, dict[str, Any]]:
        if self._compiled is None:
            construct = cast(ClauseElement, self.construct)
            compiled = cast(SQLCompiler, construct.compile(dialect=_PSYCOPG, column_keys=self._columns))
            if "POSTCOMPILE" in compiled.string:
                raise RuntimeError(f"an expanding IN needs values at execution: {self.construct}")
            if self._columns is not None and (defaulted := set(compiled.params) - set(self._columns)):
                # A column with a Python-side default would be sent as NULL: the driver knows no defaults.
                raise RuntimeError(f"columns without values in {self.construct}: {sorted(defaulted)}")
            literals = {
                name: _plain(value)
                for name, value in compiled.params.items()
                if value is not None and not compiled.binds[name].required
            }
            self._compiled = (compiled.string, literals)
        return self._compiled


class Insert(Statement):
    """An INSERT of the given columns of a table (every one the rows carry: the driver knows no defaults)."""

    def __init__(self, table: Any, columns: Sequence[str]) -> None:
        assert isinstance(table, Table)
        super().__init__(insert(table).inline(), columns=columns)  # inline: no RETURNING of generated keys
        self.table = table


@dataclass
class Pending:
    """A queued statement's outcome, readable once its pipeline has been sent."""

    rows: list[Any] = field(default_factory=list)
    rowcount: int = -1

    def first(self) -> Any | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]


@dataclass
class _Queued:
    statement: Statement
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    many: bool
    pending: Pending
    expect_one: Exception | None


class Pipeline:
    """Statements queued in the session's transaction and sent together (``send``, or leaving the block).

    ``async with pipeline(session) as p``: ``p.add`` queues a statement and returns its ``Pending``
    outcome; ``expect_one`` raises the given error after sending unless the statement changed exactly one
    row. Statements run in the order queued, each seeing what the ones before it did.
    """

    def __init__(self, session: AsyncSession, driver: psycopg.AsyncConnection[Any] | None) -> None:
        self.session = session
        self._driver = driver
        self._queue: list[_Queued] = []

    @property
    def postgres(self) -> bool:
        return self._driver is not None

    def add(
        self, statement: Statement, params: Mapping[str, Any], *, expect_one: Exception | None = None
    ) -> Pending:
        pending = Pending()
        self._queue.append(_Queued(statement, params, False, pending, expect_one))
        return pending

    def add_many(self, statement: Statement, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._queue.append(_Queued(statement, rows, True, Pending(), None))

    async def send(self) -> None:
        queued, self._queue = self._queue, []
        if not queued:
            return
        if self._driver is None:
            await self._send_through_session(queued)
        else:
            await self._send_on_driver(self._driver, queued)
        for item in queued:
            if item.expect_one is not None and item.pending.rowcount != 1:
                raise item.expect_one

    async def _send_through_session(self, queued: list[_Queued]) -> None:
        connection = await self.session.connection()  # Core: no ORM unit of work around these rows
        for item in queued:
            result: Result[Any] = await connection.execute(item.statement.construct, item.params)
            if not isinstance(result, CursorResult):  # a select of mapped columns: rows, no count
                item.pending.rows = list(result.all())
                continue
            if result.returns_rows:
                item.pending.rows = list(result.all())
            item.pending.rowcount = result.rowcount

    async def _send_on_driver(self, conn: psycopg.AsyncConnection[Any], queued: list[_Queued]) -> None:
        sql_of = [item.statement.psycopg() for item in queued]
        cursors: list[psycopg.AsyncCursor[Any]] = []
        try:
            if len(queued) == 1:
                cursors.append(await self._execute(conn, queued[0], *sql_of[0]))
            else:
                async with conn.pipeline() as p:
                    for item, (sql, defaults) in zip(queued, sql_of, strict=True):
                        cursors.append(await self._execute(conn, item, sql, defaults))
                    await p.sync()
            for item, cursor in zip(queued, cursors, strict=True):
                if cursor.description is not None and not item.many:
                    item.pending.rows = await cursor.fetchall()
                item.pending.rowcount = cursor.rowcount
        except psycopg.Error as exc:
            raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc

    @staticmethod
    async def _execute(
        conn: psycopg.AsyncConnection[Any], item: _Queued, sql: str, defaults: dict[str, Any]
    ) -> psycopg.AsyncCursor[Any]:
        cursor = conn.cursor(row_factory=namedtuple_row)
        if item.many:
            rows = cast(Sequence[Mapping[str, Any]], item.params)
            await cursor.executemany(sql, [{**defaults, **driver_values(r)} for r in rows])
        else:
            await cursor.execute(sql, {**defaults, **driver_values(cast(Mapping[str, Any], item.params))})
        return cursor

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: Any) -> None:
        if exc_type is None:
            await self.send()


def driver_values(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in params.items()}


async def pipeline(session: AsyncSession) -> Pipeline:
    """A pipeline on the session's transaction (begun here if it was not yet)."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        return Pipeline(session, None)
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    return Pipeline(session, driver)


# --- admission ----------------------------------------------------------------------------------------------

_customer_id: BindParameter[uuid.UUID] = bindparam("customer_id")

# Serialise one customer's admissions (a row lock on Postgres; SQLite's single writer does it already). On
# Postgres the same statement makes this transaction's commit not wait for the disk (``set_config(...,
# is_local => true)`` is ``SET LOCAL``); see ``app.conversations.service._commit_without_waiting_for_disk``.
LOCK_CUSTOMER = Statement(
    select(Customer.id).where(Customer.id == _customer_id).with_for_update(key_share=True)
)
LOCK_CUSTOMER_NO_DISK_WAIT = Statement(
    select(Customer.id, func.set_config("synchronous_commit", "off", True))
    .where(Customer.id == _customer_id)
    .with_for_update(key_share=True)
)


@functools.cache
def admission_facts(with_key: bool, with_checkpoint: bool) -> Statement:
    """Everything admission decides on, in one statement per shape, with bound parameters (customer_id,
    conversation_id, since, now; scope and key with a key; thread_id with the checkpoint)."""
    conv, journal, claim = Conversation.__table__, TurnJournal.__table__, IdempotencyRecord.__table__
    admissions = (TurnAdmission.customer_id == _customer_id) & (TurnAdmission.kind == "turn")
    admissions &= TurnAdmission.admitted_at >= bindparam("since")
    last_reply = (
        select(func.max(Message.created_at))
        .where(Message.conversation_id == conv.c.id, Message.role == MessageRole.assistant)
        .scalar_subquery()
    )
    staff = exists().where(Message.conversation_id == conv.c.id, Message.role == MessageRole.staff)
    notes = exists().where(
        HandoffNote.conversation_id == conv.c.id, HandoffNote.kind == HandoffNoteKind.for_assistant
    )
    running = (
        select(func.count())
        .select_from(TurnJournal)
        .where(TurnJournal.customer_id == _customer_id, TurnJournal.lease_until >= bindparam("now"))
        .scalar_subquery()
    )
    joined = conv.outerjoin(journal, journal.c.conversation_id == conv.c.id)
    columns: list[Any] = [
        conv.c.status,
        conv.c.variant,
        conv.c.tokens_used,
        conv.c.cost_usd_micros,
        journal.c.lease_until,
        select(func.count()).where(admissions).scalar_subquery().label("admitted"),
        select(func.min(TurnAdmission.admitted_at)).where(admissions).scalar_subquery().label("oldest"),
        running.label("running"),
        last_reply.label("last_reply"),
        or_(staff, notes).label("staff_involved"),
    ]
    if with_key:
        joined = joined.outerjoin(
            claim,
            (claim.c.customer_id == _customer_id)
            & (claim.c.scope == bindparam("scope"))
            & (claim.c.key == bindparam("key")),
        )
        columns += [claim.c.state, claim.c.request_hash, claim.c.status_code, claim.c.response_body]
    if with_checkpoint:
        # The agent's stored memory, for the turn about to run: nobody else can store a newer one while
        # the turn holds the conversation's lease, which this transaction takes.
        checkpoint = GraphCheckpoint.__table__
        joined = joined.outerjoin(checkpoint, checkpoint.c.thread_id == bindparam("thread_id"))
        columns += list(CHECKPOINT_COLUMNS)
    query: Select[Any] = (
        select(*columns)
        .select_from(joined)
        .where(conv.c.id == bindparam("conversation_id"), conv.c.customer_id == _customer_id)
    )
    return Statement(query)


INSERT_ADMISSION = Insert(TurnAdmission.__table__, ["id", "customer_id", "kind", "admitted_at"])
INSERT_CLAIM = Insert(
    IdempotencyRecord.__table__, ["id", "customer_id", "scope", "key", "request_hash", "state", "created_at"]
)
INSERT_JOURNAL = Insert(
    TurnJournal.__table__,
    [
        "conversation_id",
        "customer_id",
        "message_id",
        "kind",
        "content",
        "screening",
        "idempotency_scope",
        "idempotency_key",
        "action",
        "decision",
        "started_at",
        "lease_until",
    ],
)
# A claim whose turn is gone, so that a retry may do the work.
DELETE_CLAIM = Statement(
    delete(IdempotencyRecord).where(
        IdempotencyRecord.customer_id == _customer_id,
        IdempotencyRecord.scope == bindparam("scope"),
        IdempotencyRecord.key == bindparam("key"),
    )
)
# Postgres only (``app.events.bus.PostgresBus``): delivered to every process's listener when the transaction
# commits, never if it rolls back.
NOTIFY = Statement(text("SELECT pg_notify(:channel, :topic)"))


# --- storing the turn ---------------------------------------------------------------------------------------

_GRAPH_CHECKPOINT = cast(Table, GraphCheckpoint.__table__)
# What a turn reads of its thread's stored checkpoint (also read by admission, in its one statement).
CHECKPOINT_COLUMNS = (
    _GRAPH_CHECKPOINT.c.checkpoint_id,
    _GRAPH_CHECKPOINT.c.parent_checkpoint_id,
    _GRAPH_CHECKPOINT.c.checkpoint_type,
    _GRAPH_CHECKPOINT.c.checkpoint,
    _GRAPH_CHECKPOINT.c.metadata_type,
    _GRAPH_CHECKPOINT.c.metadata,
    _GRAPH_CHECKPOINT.c.writes_type,
    _GRAPH_CHECKPOINT.c.writes,
)

_MESSAGE_COLUMNS = [
    "id",
    "conversation_id",
    "role",
    "content",
    "author_staff_id",
    "idempotency_key",
    "created_at",
]
INSERT_MESSAGES = Insert(Message.__table__, _MESSAGE_COLUMNS)
INSERT_COMPLAINTS = Insert(
    Complaint.__table__,
    [
        "id",
        "customer_id",
        "conversation_id",
        "summary",
        "status",
        "received_at",
        "acknowledged_at",
        "final_response_due",
    ],
)
INSERT_MODEL_CALLS = Insert(
    ModelCall.__table__,
    [
        "id",
        "call_id",
        "conversation_id",
        "node",
        "tier",
        "provider",
        "model",
        "variant",
        "input_tokens",
        "output_tokens",
        "cost_usd_micros",
        "latency_ms",
        "outcome",
        "detail",
        "escalation",
        "created_at",
    ],
)


class StatusChange(enum.Enum):
    """What storing a turn does to its conversation's status."""

    KEEP = "keep"  # silent turns, and handoffs (``open_handoff`` sets the status)
    AWAIT_CUSTOMER = "await_customer"  # the reply asks the customer to confirm an action
    ANSWERED = "answered"  # a reply: a conversation that waited on the customer is active again


@functools.cache
def update_conversation(change: StatusChange) -> Statement:
    """The conversation's status, counters and flag after a turn, returning its status (none: it is gone or
    not the customer's). Parameters: conversation, customer, now, tokens, cost, flagged (an UPDATE's
    parameters may not be named after its table's columns)."""
    status_now = Conversation.status
    new_status: Any = status_now
    if change is StatusChange.AWAIT_CUSTOMER:
        new_status = ConversationStatus.awaiting_customer
    elif change is StatusChange.ANSWERED:
        # An answer to a confirmation offered while a handoff waited puts the conversation back with the
        # team: the handoff is still theirs. (Imported here: app.handoffs imports the event bus, which
        # imports this module.)
        from app.handoffs.repository import ACTIVE as HANDOFF_ACTIVE

        with_team = exists().where(
            Handoff.conversation_id == Conversation.id, or_(*(Handoff.status == s for s in HANDOFF_ACTIVE))
        )
        new_status = case(
            (
                and_(status_now == ConversationStatus.awaiting_customer, with_team),
                ConversationStatus.handed_off,
            ),
            (
                status_now == ConversationStatus.awaiting_customer,
                ConversationStatus.active,
            ),
            else_=status_now,
        )
    return Statement(
        update(Conversation)
        .where(
            Conversation.id == bindparam("conversation"), Conversation.customer_id == bindparam("customer")
        )
        .values(
            status=new_status,
            updated_at=bindparam("now", type_=UTCDateTime()),
            tokens_used=Conversation.tokens_used + bindparam("tokens", type_=Integer()),
            cost_usd_micros=Conversation.cost_usd_micros + bindparam("cost", type_=BigInteger()),
            flagged=or_(Conversation.flagged, bindparam("flagged", type_=Boolean())),
        )
        .returning(Conversation.status)
        .execution_options(synchronize_session=False)
    )


COMPLETE_CLAIM = Statement(  # parameters: customer, claim_scope, claim_key, status, body
    update(IdempotencyRecord)
    .where(
        IdempotencyRecord.customer_id == bindparam("customer"),
        IdempotencyRecord.scope == bindparam("claim_scope"),
        IdempotencyRecord.key == bindparam("claim_key"),
    )
    .values(state="completed", status_code=bindparam("status"), response_body=bindparam("body"))
    .execution_options(synchronize_session=False)
)
RELEASE_JOURNAL = Statement(
    delete(TurnJournal).where(
        TurnJournal.conversation_id == bindparam("conversation_id"),
        TurnJournal.message_id == bindparam("message_id"),
    )
)


# --- the audit chain ----------------------------------------------------------------------------------------

# Postgres: a transaction-scoped advisory lock on the chain's 64-bit hash (SQLite's single writer already
# serialises appends). Queued before the head's read in the same pipeline: the read runs after the lock is
# granted, so it sees the head the last holder committed.
LOCK_CHAIN = Statement(text("SELECT pg_advisory_xact_lock(hashtextextended(:chain_id, 0))"))
CHAIN_HEAD = Statement(
    select(AuditEvent.chain_seq, AuditEvent.hash)
    .where(AuditEvent.chain_id == bindparam("chain_id"))
    .order_by(AuditEvent.chain_seq.desc())
    .limit(1)
)
AUDIT_COLUMNS = [
    "chain_id",
    "chain_seq",
    "conversation_id",
    "kind",
    "actor",
    "payload",
    "created_at",
    "prev_hash",
    "hash",
]
INSERT_AUDIT_EVENTS = Insert(AuditEvent.__table__, AUDIT_COLUMNS)


# --- the agent's checkpoint ---------------------------------------------------------------------------------

_CHECKPOINT_VALUES = [
    "thread_id",
    "checkpoint_id",
    "parent_checkpoint_id",
    "checkpoint_type",
    "checkpoint",
    "metadata_type",
    "metadata",
    "writes_type",
    "writes",
    "updated_at",
]


@functools.cache
def upsert_checkpoint(*, postgres: bool) -> Statement:
    """Insert or replace a thread's checkpoint (the dialects spell ``ON CONFLICT`` with their own insert)."""
    upsert = (pg_insert if postgres else sqlite_insert)(_GRAPH_CHECKPOINT)
    return Statement(
        upsert.on_conflict_do_update(
            index_elements=[_GRAPH_CHECKPOINT.c.thread_id],
            set_={k: upsert.excluded[k] for k in _CHECKPOINT_VALUES if k != "thread_id"},
        ),
        columns=_CHECKPOINT_VALUES,
    )
