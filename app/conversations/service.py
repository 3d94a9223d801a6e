"""Conversations and the customer turn, as one pipeline:

1. **admit** (one transaction, under a lock on the customer's row): the conversation is the customer's,
   the ``Idempotency-Key`` is new (or its answer is replayed), the rate limits hold (counted as turns are
   admitted, so parallel requests cannot all pass), no other turn of the conversation is running. The turn's
   journal row (the conversation's lease), its idempotency claim and its admission are written together. The
   raw text is screened first: only redacted text is ever stored, checkpointed or sent to a model.
2. **run** the agent in a task of its own, so a client that disconnects, reads nothing or vanishes does not
   stop the turn half-way: it runs to its end and stores itself. A state change runs only with the customer's
   yes to that action, which the banking port records in the action's own transaction, before the change.
3. **store** the turn in one transaction: both messages, every audit event, model calls, complaints, the
   handoff, the conversation's new status, the agent's checkpoint, the idempotency answer, and the release of
   the journal row.
4. **recover** a turn cut short (a crash, a kill, a hung process) when its lease runs out, on the next
   request for the conversation or from the sweep every process runs: what the customer is told follows the
   bank's record of the action (``tool_action``), never the agent's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import json
import logging
import math
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    Row,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.dialogue.decision import read_answer
from agents.models.recording import CallRecord
from agents.nodes.care import WAITING_NOTICE, holding_notice
from agents.ports import (
    ActionResult,
    AgentEvent,
    ConfirmationRequest,
    Flow,
    OutcomeKind,
    TurnAgent,
    TurnInput,
    TurnOutcome,
    effect_json,
)
from agents.safety.redact import redact
from agents.safety.screen import ScreenResult, screen, to_json
from app import turn_statements as statements
from app.audit.chain import chain_id_for
from app.audit.service import add_events, append_event, hold_chain
from app.background import running
from app.banking.ports import Consent, SqlBankingPort
from app.conversations import idempotency
from app.conversations.checkpoints import UNREAD as UNREAD_CHECKPOINT
from app.conversations.checkpoints import TurnScopedSaver
from app.conversations.checkpoints import Unread as _UnreadCheckpoint
from app.conversations.schemas import MessageOut, TurnOut
from app.db import transaction
from app.errors import Conflict, NotFound, RateLimited, Unauthorized
from app.events.bus import HANDOFFS_TOPIC, EventBus, conversation_topic
from app.faults import crash_point
from app.handoffs.service import notes_for_assistant, open_handoff
from app.models import (
    Account,
    Conversation,
    Handoff,
    IdempotencyRecord,
    Message,
    ToolAction,
    TurnAdmission,
    TurnJournal,
)
from app.models.base import utcnow
from app.models.enums import ComplaintStatus, ConversationStatus, HandoffPriority, HandoffStatus, MessageRole
from app.models.pan_guard import refuse_full_pans
from app.observability import Metrics
from app.support.hours import SupportHours
from app.turn_statements import Pipeline, pipeline

log = logging.getLogger(__name__)

TurnKind = Literal["message", "confirm"]
CONFIRM_WORDS = {"yes": "Yes, go ahead.", "no": "No, don't do that."}
SETTLE_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0)  # about 12 s: a database restart
SCREEN_INLINE_CHARS = 500  # longer messages are screened in a thread, off the event loop
ADMISSION_HISTORY = timedelta(hours=1)  # admissions older than this count for nothing and are pruned


@dataclass(frozen=True)
class TurnEvent:
    """An event of a customer turn, named as in the Server-Sent Events stream."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnRequest:
    customer_id: uuid.UUID
    conversation_id: uuid.UUID
    content: str
    idempotency_key: str | None = None
    kind: TurnKind = "message"

    @property
    def scope(self) -> str:
        return f"conversation:{self.conversation_id}:{'confirm' if self.kind == 'confirm' else 'messages'}"

    @property
    def fingerprint(self) -> str:
        return idempotency.request_fingerprint(self.scope, self.content)

    @property
    def message_key(self) -> str | None:
        """What the stored customer message carries for the unique (conversation, key) backstop.

        Idempotency-Keys are per scope (a conversation's messages, its confirmations), so the same key may
        rightly be used once in each: the raw key on both messages collided in that unique constraint and
        answered 500 (found by the API fuzz test). The key is stored scoped and hashed instead: the same
        request retried gets the same value, a confirmation and a message never do.
        """
        if self.idempotency_key is None:
            return None
        return hashlib.sha256(f"{self.scope}\n{self.idempotency_key}".encode()).hexdigest()


@dataclass(frozen=True)
class TurnLimits:
    turns_per_minute: int = 30  # per customer
    concurrent_turns: int = 2  # per customer, across all their conversations
    conversations_per_minute: int = 10  # per customer
    lease: timedelta = timedelta(seconds=30)  # renewed while a turn runs; a dead process's lease runs out


@dataclass
class TurnServices:
    """What a turn needs from the running app."""

    factory: async_sessionmaker[AsyncSession]
    agent: TurnAgent
    metrics: Metrics
    drain_calls: Callable[[str], list[CallRecord]]
    checkpoints: TurnScopedSaver | None = None
    limits: TurnLimits = field(default_factory=TurnLimits)
    events: EventBus | None = None  # wakes the live pages once a turn's transaction commits
    hours: SupportHours | None = None  # the support team's timetable, for the handoff notice
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)


def _support_hours(services: TurnServices, at: datetime) -> dict[str, Any]:
    if services.hours is None:
        return {}
    return {"support_hours": services.hours.summary(), "support_open_now": services.hours.status(at).open_now}


def _wake(services: TurnServices, p: Pipeline, conversation_id: uuid.UUID, *, handoff: bool = False) -> None:
    """The conversation's stream (and, for a new handoff, the staff queue) hears of this transaction's
    changes once it commits."""
    if services.events is None:
        return
    services.events.notify_in(p, conversation_topic(conversation_id))
    if handoff:
        services.events.notify_in(p, HANDOFFS_TOPIC)


@dataclass(frozen=True)
class Admitted:
    """A turn that passed admission: it holds the conversation's journal row until it is stored."""

    request: TurnRequest
    message_id: uuid.UUID
    started_at: datetime
    screened: ScreenResult
    decision: str | None
    action: dict[str, Any] | None  # the action the customer said yes to
    silent: bool
    variant: str
    first_reply: bool
    staff_notes: tuple[str, ...]
    tokens_used: int
    cost_usd_micros: int
    # The agent's stored checkpoint as admission read it (so the turn does not read it again), if it did.
    checkpoint: Row[Any] | _UnreadCheckpoint = UNREAD_CHECKPOINT
    # A silent turn's notice to the customer (nobody from staff has answered an urgent handoff yet), if any.
    holding: str | None = None
    # Handed off, and nobody from staff has claimed it or written yet: the assistant still answers what needs
    # no change and no person (a balance, a payment's status), after the notice; anything else stays silent.
    waiting: bool = False


class _StaleTurn(Exception):
    """The conversation's journal row belongs to a turn whose process stopped: recover it, then admit."""


class _NeedPending(Exception):
    """The conversation waits on the customer's answer: read what the agent is waiting on, then admit."""


class _Unread(enum.Enum):
    UNREAD = "unread"


UNREAD = _Unread.UNREAD  # the agent's pending confirmation has not been read for this admission


# --- conversations ---------------------------------------------------------------------------------------


async def _commit_without_waiting_for_disk(session: AsyncSession) -> None:
    """Postgres: this transaction's commit does not wait for its WAL to reach the disk.

    For the turn's admission and lease renewals only: they promise nothing durable. The turn's record is
    stored by a later, normally committed transaction (and a confirmed action by the banking port's), and
    Postgres writes its WAL in order, so that commit makes the admission durable too. If the database
    itself crashes in between (a window of at most ``wal_writer_delay``), the admission is lost, the turn
    cannot be stored (its lease row is gone) and the customer is told to retry: nothing half-done is kept.
    The floor this saves is one disk flush per turn (measured: bench/README.md, issue 14).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL synchronous_commit TO OFF"))


async def _lock_customer(session: AsyncSession, customer_id: uuid.UUID) -> None:
    """Serialise one customer's admissions (Postgres row lock; SQLite's single writer does it already)."""
    async with await pipeline(session) as p:
        locked = p.add(statements.LOCK_CUSTOMER, {"customer_id": customer_id})
    if locked.first() is None:  # the turn routes verify the token only: the row is checked here
        raise Unauthorized("The token's subject no longer exists")


async def _admissions_since(
    session: AsyncSession, *, customer_id: uuid.UUID, kind: str, since: datetime
) -> tuple[int, datetime | None]:
    row = (
        await session.execute(
            select(func.count(TurnAdmission.id), func.min(TurnAdmission.admitted_at)).where(
                TurnAdmission.customer_id == customer_id,
                TurnAdmission.kind == kind,
                TurnAdmission.admitted_at >= since,
            )
        )
    ).one()
    return int(row[0]), row[1]


async def _admit_within(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    kind: str,
    per_minute: int,
    what: str,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    count, oldest = await _admissions_since(
        session, customer_id=customer_id, kind=kind, since=now - timedelta(minutes=1)
    )
    if count >= per_minute:
        wait = 60.0 if oldest is None else (oldest + timedelta(minutes=1) - now).total_seconds()
        retry = max(1, math.ceil(wait))
        raise RateLimited(retry, f"Too many {what}; retry after {retry} s")
    session.add(TurnAdmission(customer_id=customer_id, kind=kind, admitted_at=now))


async def create_conversation(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    assign_variant: Callable[[str], str],
    per_minute: int = TurnLimits.conversations_per_minute,
) -> Conversation:
    await _lock_customer(session, customer_id)
    await _admit_within(
        session, customer_id=customer_id, kind="conversation", per_minute=per_minute, what="new conversations"
    )
    conversation_id = uuid.uuid4()
    variant = assign_variant(str(conversation_id))
    conversation = Conversation(
        id=conversation_id, customer_id=customer_id, variant=variant, status=ConversationStatus.active
    )
    session.add(conversation)
    await session.flush()
    await append_event(
        session,
        kind="conversation.created",
        actor=f"customer:{customer_id}",
        conversation_id=conversation.id,
        payload={"variant": variant},
    )
    return conversation


# --- 1. admit --------------------------------------------------------------------------------------------


async def admit(services: TurnServices, request: TurnRequest) -> idempotency.Replay | Admitted:
    """Every check that must answer before anything streams. On success the turn holds the conversation."""
    raw = CONFIRM_WORDS[request.content] if request.kind == "confirm" else request.content
    # Screening a long message takes long enough (a 4,000-character one: over 100 ms) to stall every other
    # stream of the process, so it runs in a thread; a short one costs less than the hop.
    screened = screen(raw) if len(raw) <= SCREEN_INLINE_CHARS else await asyncio.to_thread(screen, raw)
    pending: dict[str, Any] | None | _Unread = UNREAD
    recovered = False
    while True:
        try:
            return await _admit_once(services, request, raw, screened, pending)
        except _NeedPending:
            # Any message may answer a waiting confirmation: the agent reads what it means
            # (agents.dialogue). Read only when the conversation waits on one (most turns do not).
            pending = await services.agent.pending_confirmation(str(request.conversation_id))
        except _StaleTurn:
            if recovered:
                raise Conflict(
                    "Another message in this conversation is still being answered; retry shortly"
                ) from None
            recovered = True
            await recover_conversation(services, request.conversation_id)
            pending = UNREAD


@dataclass(frozen=True)
class _Facts:
    """What admission reads about the conversation, its customer and the request, in one statement."""

    status: ConversationStatus
    variant: str
    tokens_used: int
    cost_usd_micros: int
    lease_until: datetime | None  # the running turn's lease (the journal row), if a turn is running
    claim: idempotency.Claim | None  # this request's Idempotency-Key, if it was seen before
    admitted: int  # turns admitted for the customer in the last minute
    oldest_admitted: datetime | None
    running: int  # the customer's turns running now (live leases), across conversations
    last_reply: datetime | None  # the agent's newest reply in the conversation
    staff_involved: bool  # staff ever wrote in it or left a note for the assistant
    checkpoint: Row[Any] | _UnreadCheckpoint  # the agent's stored checkpoint (CHECKPOINT_COLUMNS of a row)


def _admission_params(request: TurnRequest, now: datetime, *, with_checkpoint: bool) -> dict[str, Any]:
    params: dict[str, Any] = {
        "customer_id": request.customer_id,
        "conversation_id": request.conversation_id,
        "since": now - timedelta(minutes=1),
        "now": now,
    }
    if request.idempotency_key is not None:
        params |= {"scope": request.scope, "key": request.idempotency_key}
    if with_checkpoint:
        params["thread_id"] = str(request.conversation_id)
    return params


def _read_facts(row: Any, request: TurnRequest, *, with_checkpoint: bool) -> _Facts:
    """Admission's facts from the row of ``admission_facts`` (none: not the customer's conversation)."""
    if row is None:
        raise NotFound("Conversation not found")
    found = None
    if request.idempotency_key is not None and row.state is not None:
        found = idempotency.Claim(
            state=row.state,
            request_hash=row.request_hash,
            status_code=row.status_code,
            response_body=row.response_body,
        )
    return _Facts(
        status=ConversationStatus(row.status),
        variant=row.variant,
        tokens_used=int(row.tokens_used),
        cost_usd_micros=int(row.cost_usd_micros),
        lease_until=_aware(row.lease_until),
        claim=found,
        admitted=int(row.admitted or 0),
        oldest_admitted=_aware(row.oldest),
        running=int(row.running or 0),
        last_reply=_aware(row.last_reply),
        staff_involved=bool(row.staff_involved),
        checkpoint=row if with_checkpoint else UNREAD_CHECKPOINT,
    )


def _aware(value: datetime | None) -> datetime | None:
    """A timestamp read outside a typed column (subqueries): SQLite gives it back as naive or as text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def _admit_once(
    services: TurnServices,
    request: TurnRequest,
    raw: str,
    screened: ScreenResult,
    pending: dict[str, Any] | None | _Unread,
) -> idempotency.Replay | Admitted:
    limits = services.limits
    now = utcnow()
    with_checkpoint = services.checkpoints is not None
    async with transaction(services.factory) as session:
        # The customer's lock, then (in the same round trip, once the lock is granted, so the counts include
        # every admission committed before it) everything admission decides on.
        async with await pipeline(session) as p:
            locked = p.add(
                statements.LOCK_CUSTOMER_NO_DISK_WAIT if p.postgres else statements.LOCK_CUSTOMER,
                {"customer_id": request.customer_id},
            )
            read = p.add(
                statements.admission_facts(request.idempotency_key is not None, with_checkpoint),
                _admission_params(request, now, with_checkpoint=with_checkpoint),
            )
        if locked.first() is None:  # the turn routes verify the token only: the row is checked here
            raise Unauthorized("The token's subject no longer exists")
        facts = _read_facts(read.first(), request, with_checkpoint=with_checkpoint)
        p = await pipeline(session)  # admission's writes, sent together at the end
        lease_until = facts.lease_until
        if request.idempotency_key is not None and facts.claim is not None:
            if facts.claim.state == "in_flight" and lease_until is None:
                # A claim whose turn is gone: a retry may do the work.
                p.add(
                    statements.DELETE_CLAIM,
                    {
                        "customer_id": request.customer_id,
                        "scope": request.scope,
                        "key": request.idempotency_key,
                    },
                )
            else:
                if lease_until is not None and lease_until < now and facts.claim.state == "in_flight":
                    raise _StaleTurn
                return idempotency.verdict(facts.claim, request.fingerprint)
        if lease_until is not None:
            if lease_until < now:
                raise _StaleTurn
            raise Conflict("Another message in this conversation is still being answered; retry shortly")
        if facts.admitted >= limits.turns_per_minute:
            oldest = facts.oldest_admitted
            wait = 60.0 if oldest is None else (oldest + timedelta(minutes=1) - now).total_seconds()
            retry = max(1, math.ceil(wait))
            raise RateLimited(retry, f"Too many messages; retry after {retry} s")
        if facts.running >= limits.concurrent_turns:
            raise RateLimited(1, "Too many messages are being answered at once; retry in a moment")

        awaiting = facts.status == ConversationStatus.awaiting_customer
        if awaiting and pending is UNREAD:
            raise _NeedPending
        if not awaiting or pending is UNREAD:
            pending = None
        decision: str | None = None
        if request.kind == "confirm":
            if not awaiting or pending is None:
                raise Conflict("Nothing in this conversation is waiting for your confirmation")
            decision = request.content
        elif awaiting and pending is not None:
            # yes / no / unclear (ask again) / other (a new request; the action keeps waiting).
            decision = read_answer(raw, pending).value
        action = dict(pending.get("action") or {}) if decision == "yes" and pending else None
        silent = facts.status == ConversationStatus.handed_off and request.kind == "message"
        holding, waiting = (
            await _holding(session, request.conversation_id)
            if silent and not facts.staff_involved
            else (None, False)
        )

        if facts.staff_involved:
            first_reply, staff_notes = await _turn_context(session, request.conversation_id, facts.last_reply)
        else:
            first_reply, staff_notes = facts.last_reply is None, []

        message_id = uuid.uuid4()
        _queue_rows(
            p,
            statements.INSERT_ADMISSION,
            [{"id": uuid.uuid4(), "customer_id": request.customer_id, "kind": "turn", "admitted_at": now}],
        )
        if request.idempotency_key is not None:
            _queue_rows(
                p,
                statements.INSERT_CLAIM,
                [
                    {
                        "id": uuid.uuid4(),
                        "customer_id": request.customer_id,
                        "scope": request.scope,
                        "key": request.idempotency_key,
                        "request_hash": request.fingerprint,
                        "state": "in_flight",
                        "created_at": now,
                    }
                ],
            )
        _queue_rows(
            p,
            statements.INSERT_JOURNAL,
            [
                {
                    "conversation_id": request.conversation_id,
                    "customer_id": request.customer_id,
                    "message_id": message_id,
                    "kind": request.kind,
                    "content": screened.redacted,
                    "screening": json.dumps(to_json(screened)),
                    "idempotency_scope": request.scope if request.idempotency_key else None,
                    "idempotency_key": request.idempotency_key,
                    "action": json.dumps(action) if action else None,
                    "decision": decision,
                    "started_at": now,
                    "lease_until": now + limits.lease,
                }
            ],
        )
        _wake(services, p, request.conversation_id)  # a turn is running: the widget shows typing
        await p.send()
        return Admitted(
            request=request,
            message_id=message_id,
            started_at=now,
            screened=screened,
            decision=decision,
            action=action,
            silent=silent,
            variant=facts.variant,
            first_reply=first_reply,
            staff_notes=tuple(staff_notes),
            tokens_used=facts.tokens_used,
            cost_usd_micros=facts.cost_usd_micros,
            checkpoint=facts.checkpoint,
            holding=holding,
            waiting=waiting,
        )


async def _holding(session: AsyncSession, conversation_id: uuid.UUID) -> tuple[str | None, bool]:
    """The notice for a customer writing into a handed-off conversation that nobody from staff has answered
    yet, from its open handoff's reason and priority (``agents.nodes.care.holding_notice``), and whether the
    handoff still waits in the queue (open, nobody has claimed it)."""
    handoff = (
        await session.execute(
            select(Handoff.reason, Handoff.priority, Handoff.status)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.status.in_([HandoffStatus.open, HandoffStatus.claimed]),
            )
            .order_by(Handoff.created_at.desc())
            .limit(1)
        )
    ).first()
    if handoff is None:
        return None, False
    notice = holding_notice(str(handoff.reason), HandoffPriority(handoff.priority).value)
    return notice, HandoffStatus(handoff.status) == HandoffStatus.open


async def _turn_context(
    session: AsyncSession, conversation_id: uuid.UUID, last_reply: datetime | None
) -> tuple[bool, list[str]]:
    """Whether the agent has replied before, and what staff wrote since its last reply: their messages to
    the customer and the note they left for the assistant when they returned the conversation, in order."""
    staff_query = select(Message.created_at, Message.content).where(
        Message.conversation_id == conversation_id, Message.role == MessageRole.staff
    )
    if last_reply is not None:
        staff_query = staff_query.where(Message.created_at > last_reply)
    written = [
        (at, text) for at, text in (await session.execute(staff_query.order_by(Message.created_at))).all()
    ]
    written += await notes_for_assistant(session, conversation_id=conversation_id, since=last_reply)
    return last_reply is None, [text for _at, text in sorted(written, key=lambda item: item[0])]


# --- 2. run ----------------------------------------------------------------------------------------------


def start(services: TurnServices, admitted: Admitted) -> TurnStream:
    """Run the admitted turn in its own task: it runs to its end whatever happens to the request."""
    stream = TurnStream()
    task = asyncio.get_running_loop().create_task(_run_turn(services, admitted, stream.put))
    stream.task = task
    services.tasks.add(task)
    task.add_done_callback(services.tasks.discard)
    task.add_done_callback(_retrieve)
    return stream


def _retrieve(task: asyncio.Task[Any]) -> None:
    """A turn whose client went away has nobody to await it: its failure is logged where it happens."""
    if not task.cancelled():
        task.exception()


class TurnStream:
    """The events of one running turn, for the request that started it (if it is still there)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[TurnEvent | None] = asyncio.Queue()
        self.task: asyncio.Task[dict[str, Any]] | None = None

    async def put(self, event: TurnEvent | None) -> None:
        self._queue.put_nowait(event)

    async def events(self) -> AsyncIterator[TurnEvent]:
        """Every event until ``message.completed``; the turn's error is raised at the end if it failed."""
        while True:
            event = await self._queue.get()
            if event is None:
                break
            yield event
        if self.task is not None:
            await self.task  # raises the turn's exception, if any

    async def result(self) -> dict[str, Any]:
        assert self.task is not None
        return await asyncio.shield(self.task)


async def _heartbeat(services: TurnServices, admitted: Admitted) -> None:
    lease = services.limits.lease
    while True:
        await asyncio.sleep(max(lease.total_seconds() / 3, 0.05))
        try:
            async with transaction(services.factory) as session:
                await _commit_without_waiting_for_disk(session)
                await session.execute(
                    update(TurnJournal)
                    .where(
                        TurnJournal.conversation_id == admitted.request.conversation_id,
                        TurnJournal.message_id == admitted.message_id,
                    )
                    .values(lease_until=utcnow() + lease)
                    .execution_options(synchronize_session=False)
                )
        except Exception:  # a missed beat only shortens the lease; the turn goes on
            log.warning("could not renew the lease of a turn", exc_info=True)


async def _run_turn(
    services: TurnServices, admitted: Admitted, emit: Callable[[TurnEvent | None], Awaitable[None]]
) -> dict[str, Any]:
    request = admitted.request
    cid = request.conversation_id
    message = Message(
        id=admitted.message_id,
        conversation_id=cid,
        role=MessageRole.customer,
        content=admitted.screened.redacted,
        idempotency_key=request.message_key,
        created_at=admitted.started_at,
    )
    heartbeat = asyncio.create_task(_heartbeat(services, admitted))
    try:
        await emit(TurnEvent("message.created", MessageOut.model_validate(message).model_dump(mode="json")))
        events: list[AgentEvent] = []
        if not admitted.silent or admitted.waiting:
            if services.checkpoints is not None:
                services.checkpoints.begin(str(cid), admitted.checkpoint)
            async for event in _agent_events(services, admitted):
                events.append(event)
                if event.kind == "step":
                    await emit(TurnEvent("agent.step", customer_step(event.data)))
                elif admitted.silent:
                    continue  # while waiting, the reply is known only once the turn has ended
                elif event.kind == "delta":
                    await emit(TurnEvent("message.delta", event.data))
                elif event.kind == "confirmation_required" and event.confirmation is not None:
                    await emit(
                        TurnEvent("agent.confirmation_required", _confirmation_view(event.confirmation))
                    )
        calls = services.drain_calls(str(cid))
        staged = await services.checkpoints.take(str(cid)) if services.checkpoints else None
        if admitted.waiting:
            events, kept = _while_waiting(admitted, events)
            if not kept:
                staged = None  # the graph's state stays as the handoff left it
        async with transaction(services.factory) as session, await pipeline(session) as p:
            body = await _store_turn(p, admitted=admitted, message=message, events=events, calls=calls)
            _wake(services, p, cid, handoff=body["kind"] == "handoff")
            if staged is not None and services.checkpoints is not None:
                services.checkpoints.store(p, staged)
            _finish(p, admitted, body)
        if admitted.action:
            crash_point("after_turn_commit")
    except BaseException as exc:
        heartbeat.cancel()
        services.metrics.turns.labels(outcome="error").inc()
        if services.checkpoints is not None:
            services.checkpoints.discard(str(cid))
        settled: dict[str, Any] | None = None
        try:
            settled = await _settle_failed(services, admitted)
        except BaseException:
            log.exception("could not settle a failed turn in conversation %s", cid)
        if settled is None:
            await emit(None)
            if isinstance(exc, Exception):
                log.error("turn failed in conversation %s", cid, exc_info=exc)
            raise
        # The bank acted before the turn failed: the customer is told what was done.
        await emit(TurnEvent("message.completed", settled))
        await emit(None)
        return settled
    finally:
        heartbeat.cancel()
        with contextlib.suppress(BaseException):
            await heartbeat
    services.metrics.turns.labels(outcome=body["kind"]).inc()
    if body["kind"] == "handoff":
        services.metrics.handoffs.labels(action="opened").inc()
    await emit(TurnEvent("message.completed", body))
    await emit(None)
    return body


# Flows whose reply is an answer (a clarifying question, small talk, a help-centre miss or another warning is
# not: the person who will reply asks what they need; a scam's warning comes again in the notice itself).
_ANSWERED_WHILE_WAITING = frozenset(
    {Flow.PROCEDURE, Flow.KB_ANSWER, Flow.REFUSE, Flow.COMPLAINT, Flow.THIRD_PARTY}
)


# The one change offered while a handoff waits: stopping a card. "My wallet was stolen" must not wait for a
# person (and the urgent notice itself says "just ask and we'll freeze it"); the customer's yes is read like
# any other, and the conversation goes back to the team's queue once it is answered (`_store_turn`).
_OFFERED_WHILE_WAITING = frozenset({"freeze_card"})


def _while_waiting(admitted: Admitted, events: list[AgentEvent]) -> tuple[list[AgentEvent], bool]:
    """What a turn in a conversation waiting in the queue keeps of the agent's run, and whether its state.

    The assistant answers only what needs neither a change nor a person, and offers to freeze a card; its
    answer follows the notice that the team has the conversation. Anything else (an offer of any other change,
    another handoff) is dropped with the graph's state, and the turn is the
    silent one it was before: the notice only. Complaints and flags the turn raised are kept."""
    outcome = next((e.outcome for e in events if e.kind == "completed" and e.outcome is not None), None)
    steps = [e for e in events if e.kind == "step"]
    if outcome is None:
        return steps, False
    answerable = (
        outcome.reply is not None
        and outcome.flow in _ANSWERED_WHILE_WAITING
        and outcome.handoff is None
        and (outcome.confirmation is None or outcome.confirmation.procedure in _OFFERED_WHILE_WAITING)
        and not any(e.data.get("node") == "kb_answer" and e.data.get("decision") == "miss" for e in steps)
    )
    notice = admitted.holding or WAITING_NOTICE
    kept = (
        replace(outcome, reply=f"{notice}\n\n{outcome.reply}")
        if answerable
        else TurnOutcome(reply=None, complaints=outcome.complaints, flags=outcome.flags)
    )
    return [*steps, AgentEvent.completed(kept)], answerable


async def _agent_events(services: TurnServices, admitted: Admitted) -> AsyncIterator[AgentEvent]:
    request = admitted.request
    consent = (
        Consent(
            action_id=str(admitted.action.get("id")),
            message_id=admitted.message_id,
            words=admitted.screened.redacted,
            channel="confirm" if request.kind == "confirm" else "typed",
        )
        if admitted.action
        else None
    )
    port = SqlBankingPort(
        services.factory,
        customer_id=request.customer_id,
        conversation_id=request.conversation_id,
        consent=consent,
        require_consent=True,
        cache_reads=True,
    )
    turn = TurnInput(
        conversation_id=str(request.conversation_id),
        customer_id=str(request.customer_id),
        text=admitted.screened.redacted,
        variant=admitted.variant,
        first_reply=admitted.first_reply,
        screening=to_json(admitted.screened) | {"vulnerability": admitted.screened.vulnerability},
        staff_notes=admitted.staff_notes,
        today=admitted.started_at.date().isoformat(),
        tokens_used=admitted.tokens_used,
        cost_usd_micros=admitted.cost_usd_micros,
        **_support_hours(services, admitted.started_at),
    )
    stream = (
        services.agent.resume(turn, admitted.decision, port)
        if admitted.decision is not None
        else services.agent.run_turn(turn, port)
    )
    async for event in stream:
        yield event


# --- 3. store --------------------------------------------------------------------------------------------


def _finish(p: Pipeline, admitted: Admitted, body: dict[str, Any]) -> None:
    """Queue the idempotency key's answer and the release of the conversation, in the turn's own
    transaction."""
    request = admitted.request
    if request.idempotency_key is not None:
        idempotency.complete(
            p,
            customer_id=request.customer_id,
            scope=request.scope,
            key=request.idempotency_key,
            status_code=201,
            body=body,
        )
    p.add(
        statements.RELEASE_JOURNAL,
        {"conversation_id": request.conversation_id, "message_id": admitted.message_id},
        # Recovered by another process after our lease ran out: its answer stands.
        expect_one=Conflict(
            "This turn took too long and was settled without it; please reload the conversation"
        ),
    )


def customer_step(data: dict[str, Any]) -> dict[str, Any]:
    """What the customer sees of a step: progress, not internals (those are in the audit log)."""
    return {"node": data.get("node"), "decision": data.get("decision")}


def _confirmation_view(request: ConfirmationRequest) -> dict[str, Any]:
    return {
        "action_id": request.action_id,
        "procedure": request.procedure,
        "summary": request.summary,
        "prompt": request.prompt,
        "respond_with": 'POST /v1/conversations/{id}/confirm {"decision": "yes" | "no"}',
    }


async def _store_turn(
    p: Pipeline,
    *,
    admitted: Admitted,
    message: Message,
    events: list[AgentEvent],
    calls: list[CallRecord],
) -> dict[str, Any]:
    """Write the turn: the conversation's counters and status in one UPDATE (with the audit chain's lock and
    head, one round trip), then queue in ``p`` its messages, complaints, model calls and audit events (a
    statement a table, every text checked for card numbers as a flush would); the handoff if the agent asked
    for one. Returns the turn's body; the caller queues the rest of the unit of work and sends ``p``."""
    session = p.session
    request = admitted.request
    cid = request.conversation_id
    screened = admitted.screened
    audit: list[tuple[str, str, dict[str, Any]]] = [
        (
            "message.received" if request.kind == "message" else "confirmation.received",
            f"customer:{request.customer_id}",
            {
                "message_id": str(message.id),
                "redactions": [{"type": f.type, "start": f.start, "end": f.end} for f in screened.findings],
                "flags": sorted(screened.flags),
                **({"decision": admitted.decision} if admitted.decision else {}),
            },
        )
    ]
    flagged = bool(screened.flags & {"jailbreak", "prompt_injection", "vulnerability", "complaint"})
    tokens = sum(r.input_tokens + r.output_tokens for r in calls)
    cost = sum(r.cost_usd_micros for r in calls)

    steps: list[dict[str, Any]] = []
    outcome: TurnOutcome | None = None
    for event in events:
        if event.kind == "step":
            steps.append(customer_step(event.data))
            audit.append(("agent.step", "agent", event.data))
        elif event.kind == "completed":
            outcome = event.outcome
    if outcome is None:
        if not admitted.silent:  # the TurnAgent contract: every turn ends with its outcome
            raise RuntimeError("the agent's turn ended without a completed event carrying its outcome")
        outcome = TurnOutcome(reply=None)

    complaints: list[dict[str, Any]] = []
    for effect in outcome.complaints:
        complaint_id = uuid.uuid4()
        complaints.append(
            {
                "id": complaint_id,
                "customer_id": request.customer_id,
                "conversation_id": cid,
                "summary": effect.summary[:2000],
                "received_at": message.created_at,
                "acknowledged_at": utcnow(),
                "final_response_due": effect.final_response_due,
                "status": ComplaintStatus.open,
            }
        )
        audit.append(
            (
                "complaint.recorded",
                "agent",
                {
                    "complaint_id": str(complaint_id),
                    "final_response_due": effect.final_response_due.isoformat(),
                },
            )
        )
    for flag in outcome.flags:
        flagged = True
        audit.append(("conversation.flagged", "agent", effect_json(flag)))
    confirmation = _confirmation_view(outcome.confirmation) if outcome.confirmation else None

    messages = [
        {
            "id": message.id,
            "conversation_id": cid,
            "role": MessageRole.customer,
            "content": message.content,
            "author_staff_id": None,
            "idempotency_key": message.idempotency_key,
            "created_at": message.created_at,
        }
    ]
    reply_out: MessageOut | None = None
    answered_waiting = admitted.silent and bool(outcome.reply)
    if outcome.reply:
        own = await _own_accounts_written(session, request.customer_id, outcome.reply)
        reply_out = _assistant_message(messages, cid, redact(outcome.reply, own_accounts=own).redacted)
        shown = confirmation if outcome.handoff is None else None
        audit.append(
            (
                "message.sent",
                "agent",
                {
                    "message_id": str(reply_out.id),
                    "in_reply_to": str(message.id),
                    "outcome": outcome.kind.value,
                    "model_call_ids": [r.call_id for r in calls],
                    **({"while_handed_off": True} if answered_waiting else {}),
                    # What the reply asks the customer to confirm: the widget's Yes / No buttons read it here.
                    **({"confirmation": _confirmation_record(shown)} if shown else {}),
                },
            )
        )
    elif admitted.silent:
        audit.append(("agent.silent", "agent", {"reason": "handed_off", "message_id": str(message.id)}))
        if admitted.holding:
            # Not the assistant answering: the notice that the team has the conversation (and, after a
            # scam, the warning again), stored and audited like any reply the customer is shown.
            reply_out = _assistant_message(messages, cid, admitted.holding)
            audit.append(
                (
                    "message.sent",
                    "agent",
                    {"message_id": str(reply_out.id), "in_reply_to": str(message.id), "outcome": "holding"},
                )
            )

    # The conversation first: it is the row the turn belongs to (and a conversation that is gone fails
    # the turn before anything else is written). The chain is locked and its head read in the same round trip.
    if outcome.handoff is not None:
        change = statements.StatusChange.KEEP  # open_handoff below sets it
    elif confirmation is not None:
        change = statements.StatusChange.AWAIT_CUSTOMER
    elif not admitted.silent:
        change = statements.StatusChange.ANSWERED
    else:
        change = statements.StatusChange.KEEP
    held = hold_chain(p, chain_id_for(cid))
    updated = p.add(
        statements.update_conversation(change),
        {
            "conversation": cid,
            "customer": request.customer_id,
            "now": utcnow(),
            "tokens": tokens,
            "cost": cost,
            "flagged": flagged,
        },
    )
    await p.send()
    status = updated.scalar()
    if status is None:
        raise NotFound("Conversation not found")
    _queue_rows(p, statements.INSERT_MESSAGES, messages)
    _queue_rows(p, statements.INSERT_COMPLAINTS, complaints)
    _queue_rows(p, statements.INSERT_MODEL_CALLS, [_model_call_row(r, cid) for r in calls])
    add_events(p, held, conversation_id=cid, events=audit)

    kind: Literal["reply", "silent", "handoff", "confirmation_required"] = (
        "silent" if admitted.silent and not answered_waiting else "reply"
    )
    if outcome.handoff is not None:
        await p.send()  # the turn's events before the handoff's (the log's order follows each chain)
        await open_handoff(
            session,
            conversation_id=cid,
            reason=outcome.handoff.reason[:200],
            priority=HandoffPriority(outcome.handoff.priority.value),
            summary=outcome.handoff.summary,
        )
        await session.flush()
        status = ConversationStatus.handed_off
        kind = "handoff"
    elif confirmation is not None:
        kind = "confirmation_required"
    result = TurnOut(
        conversation_id=cid,
        status=ConversationStatus(status),
        message=MessageOut(
            id=message.id, role=MessageRole.customer, content=message.content, created_at=message.created_at
        ),
        reply=reply_out,
        steps=steps,
        kind=kind,
        confirmation=confirmation,
    )
    return result.model_dump(mode="json")


_EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)")


async def _own_accounts_written(session: AsyncSession, customer_id: uuid.UUID, reply: str) -> set[str]:
    """The customer's own account numbers that the reply gives ("what's my sort code and account number"),
    read from the bank for that customer only; every other account number in a reply is still redacted."""
    written = set(_EIGHT_DIGITS.findall(reply))
    if not written:
        return set()
    own = await session.scalars(
        select(Account.number).where(Account.customer_id == customer_id, Account.number.in_(written))
    )
    return set(own)


def _assistant_message(messages: list[dict[str, Any]], cid: uuid.UUID, content: str) -> MessageOut:
    """An assistant message of the turn: its row added to ``messages`` (written with the turn), its view
    returned."""
    out = MessageOut(id=uuid.uuid4(), role=MessageRole.assistant, content=content, created_at=utcnow())
    messages.append(
        {
            "id": out.id,
            "conversation_id": cid,
            "role": MessageRole.assistant,
            "content": out.content,
            "author_staff_id": None,
            "idempotency_key": None,
            "created_at": out.created_at,
        }
    )
    return out


def _queue_rows(p: Pipeline, insert: statements.Insert, rows: list[dict[str, Any]]) -> None:
    """Queue the rows of one table in one statement, refused like a flush if a text holds a card number."""
    refuse_full_pans(insert.table, rows)
    p.add_many(insert, rows)


def _confirmation_record(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "action_id": view["action_id"],
        "procedure": view["procedure"],
        "summary": redact(str(view["summary"])).redacted,
        "prompt": redact(str(view["prompt"])).redacted,
    }


def _model_call_row(record: CallRecord, conversation_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "call_id": record.call_id,
        "conversation_id": conversation_id,
        "node": record.node,
        "tier": record.tier,
        "provider": record.provider,
        "model": record.model,
        "variant": record.variant,
        "input_tokens": record.input_tokens,
        "output_tokens": record.output_tokens,
        "cost_usd_micros": record.cost_usd_micros,
        "latency_ms": record.latency_ms,
        "outcome": record.outcome.value,
        "detail": record.detail,
        "escalation": record.escalation,
        "created_at": record.created_at,
    }


# --- 4. a turn that failed or was cut short --------------------------------------------------------------


async def _settle_failed(services: TurnServices, admitted: Admitted) -> dict[str, Any] | None:
    """After a turn failed in this process: keep what it cost; if the bank acted, tell the customer so
    (the turn is stored from the record); otherwise forget the turn, so that a retry can do the work."""
    cid = admitted.request.conversation_id
    spent = services.drain_calls(str(cid))
    if spent:  # the turn failed, but what it cost is still accounted for
        try:
            async with transaction(services.factory) as session, await pipeline(session) as p:
                _queue_rows(p, statements.INSERT_MODEL_CALLS, [_model_call_row(r, cid) for r in spent])
        except DBAPIError:
            log.warning("the model calls of a failed turn in %s could not be stored", cid, exc_info=True)
    # The failure may be the database itself (a restart): keep trying for a while, so the customer's retry
    # is not refused until the lease runs out. If it stays down, the lease and the sweep settle the turn.
    for delay in (*SETTLE_RETRY_DELAYS, None):
        try:
            journal = await _journal(services.factory, cid, admitted.message_id)
            if journal is None:
                return None
            return await _settle(services, journal, reason="the turn failed")
        except DBAPIError:
            if delay is None:
                raise
            log.warning("could not settle a failed turn in %s yet; retrying in %.1f s", cid, delay)
            await asyncio.sleep(delay)
    return None  # pragma: no cover - the loop returns or raises


async def _journal(
    factory: async_sessionmaker[AsyncSession], conversation_id: uuid.UUID, message_id: uuid.UUID | None = None
) -> TurnJournal | None:
    async with factory() as session:
        journal = await session.get(TurnJournal, conversation_id)
    if journal is None or (message_id is not None and journal.message_id != message_id):
        return None
    return journal


async def recover_conversation(services: TurnServices, conversation_id: uuid.UUID) -> None:
    """Settle the conversation's turn if its lease has run out (its process died or hung)."""
    journal = await _journal(services.factory, conversation_id)
    if journal is not None and journal.lease_until < utcnow():
        await _settle(services, journal, reason="the process answering it stopped")


async def recover_stale_turns(services: TurnServices, *, limit: int = 100) -> int:
    """Settle every turn whose lease has run out; prune old admissions. Returns how many were settled."""
    async with services.factory() as session:
        stale = list(
            (
                await session.scalars(
                    select(TurnJournal.conversation_id)
                    .where(TurnJournal.lease_until < utcnow())
                    .order_by(TurnJournal.lease_until)
                    .limit(limit)
                )
            ).all()
        )
    for conversation_id in stale:
        try:
            await recover_conversation(services, conversation_id)
        except Exception:
            log.exception("could not recover the turn of conversation %s", conversation_id)
    async with transaction(services.factory) as session:
        await session.execute(
            delete(TurnAdmission).where(TurnAdmission.admitted_at < utcnow() - ADMISSION_HISTORY)
        )
    return len(stale)


async def _settle(services: TurnServices, journal: TurnJournal, *, reason: str) -> dict[str, Any] | None:
    """Close a turn that will not finish normally, from the bank's record of what it did.

    - It confirmed an action and the bank's log has it: the customer's yes and a reply saying what was done
      are stored (with the consent the action recorded), and the agent's memory is made to agree.
    - Otherwise nothing the bank did depends on it: the turn is forgotten (journal, idempotency claim and
      admission), as any failed request, so the customer can simply retry.
    Returns the stored turn's body, or ``None`` when it was forgotten.
    """
    action: dict[str, Any] | None = json.loads(journal.action) if journal.action else None
    record: ActionResult | None = None
    if action is not None:
        async with services.factory() as session:
            done = await session.scalar(
                select(ToolAction).where(
                    ToolAction.idempotency_key == f"{journal.customer_id}:{action.get('id')}"
                )
            )
        if done is not None:
            record = ActionResult(done.action, done.target_id, json.loads(done.outcome), replayed=True)
    cid = journal.conversation_id
    if record is None or action is None:
        async with transaction(services.factory) as session:
            gone = await session.execute(
                delete(TurnJournal).where(
                    TurnJournal.conversation_id == cid, TurnJournal.message_id == journal.message_id
                )
            )
            assert isinstance(gone, CursorResult)
            if gone.rowcount == 1:
                async with await pipeline(session) as p:
                    _wake(services, p, cid)  # the turn is gone: the widget stops showing typing
                await _release_claim(session, journal)
                await session.execute(
                    delete(TurnAdmission).where(
                        TurnAdmission.customer_id == journal.customer_id,
                        TurnAdmission.kind == "turn",
                        TurnAdmission.admitted_at == journal.started_at,
                    )
                )
        log.warning("conversation %s: a turn was abandoned (%s); nothing of it is kept", cid, reason)
        return None

    reply = await services.agent.recovered_reply(action, record)
    await services.agent.close_pending(str(cid), reply)
    staged = await services.checkpoints.take(str(cid)) if services.checkpoints else None
    request = TurnRequest(
        customer_id=journal.customer_id,
        conversation_id=cid,
        content=journal.content,
        idempotency_key=journal.idempotency_key,
        kind="confirm" if journal.kind == "confirm" else "message",
    )
    screening = json.loads(journal.screening)
    admitted = Admitted(
        request=request,
        message_id=journal.message_id,
        started_at=journal.started_at,
        screened=ScreenResult(
            redacted=journal.content,
            findings=[],
            flags=frozenset(screening.get("flags", [])),
            vulnerability=None,
        ),
        decision=journal.decision,
        action=action,
        silent=False,
        variant="",
        first_reply=False,
        staff_notes=(),
        tokens_used=0,
        cost_usd_micros=0,
    )
    message = Message(
        id=journal.message_id,
        conversation_id=cid,
        role=MessageRole.customer,
        content=journal.content,
        idempotency_key=request.message_key,
        created_at=journal.started_at,
    )
    events = [
        AgentEvent(
            "step",
            {
                "node": "recovery",
                "decision": "action_recorded",
                "action_id": action.get("id"),
                "reason": reason,
            },
        ),
        AgentEvent.completed(TurnOutcome(reply=reply, kind=OutcomeKind.REPLY)),
    ]
    try:
        async with transaction(services.factory) as session:
            # The sweep and a customer's retry (in this process or another) may settle the same turn at
            # once: the row lock makes the second wait for the first, then find the journal row gone.
            held = await session.scalar(
                select(TurnJournal.message_id)
                .where(TurnJournal.conversation_id == cid, TurnJournal.message_id == journal.message_id)
                .with_for_update()
            )
            if held is None:
                return None  # another settler stored it first
            async with await pipeline(session) as p:
                body = await _store_turn(p, admitted=admitted, message=message, events=events, calls=[])
                _wake(services, p, cid)
                if staged is not None and services.checkpoints is not None:
                    services.checkpoints.store(p, staged)
                recovered = {
                    "message_id": str(journal.message_id),
                    "action_id": action.get("id"),
                    "reason": reason,
                }
                add_events(
                    p,
                    hold_chain(
                        p, chain_id_for(cid)
                    ),  # held by the store already: its head as the store left it
                    conversation_id=cid,
                    events=[("turn.recovered", "system", recovered)],
                )
                _finish(p, admitted, body)
    except Conflict:
        return None
    except IntegrityError:
        # SQLite has no row locks: two settlers both read the row, and the second one's insert of the same
        # customer message fails. The first one's turn stands.
        if await _journal(services.factory, cid, journal.message_id) is None:
            return None
        raise
    log.warning("conversation %s: a cut-short turn was settled from the bank's record (%s)", cid, reason)
    return body


async def _release_claim(session: AsyncSession, journal: TurnJournal) -> None:
    if journal.idempotency_key is None or journal.idempotency_scope is None:
        return
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.customer_id == journal.customer_id,
            IdempotencyRecord.scope == journal.idempotency_scope,
            IdempotencyRecord.key == journal.idempotency_key,
            IdempotencyRecord.state == "in_flight",
        )
    )


# --- the process's part: finishing its turns, settling other processes' -------------------------------


async def drain_turns(services: TurnServices, *, timeout: float = 30.0) -> None:
    """At shutdown: let running turns finish and store themselves (a turn still running after ``timeout``
    is cancelled, and settled later from its journal row like a crash)."""
    pending = [t for t in services.tasks if not t.done()]
    if not pending:
        return
    _done, still = await asyncio.wait(pending, timeout=timeout)
    for task in still:
        task.cancel()
    if still:
        await asyncio.wait(still, timeout=5)


@contextlib.asynccontextmanager
async def turn_recovery(services: TurnServices) -> AsyncIterator[None]:
    """Settle turns cut short by a process that died: once at start-up, then every lease period."""

    async def sweep() -> None:
        while True:
            try:
                await recover_stale_turns(services)
            except Exception:
                log.exception("the sweep for cut-short turns failed")
            await asyncio.sleep(max(services.limits.lease.total_seconds(), 1.0))

    async with running(sweep(), name="turn-recovery"):
        yield
