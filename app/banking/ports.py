"""The agent's BankingPort over the database, bound to one authenticated customer.

Every query filters on the customer id fixed at construction, so an id belonging to someone else is
indistinguishable from an id that does not exist. State changes run in their own short transaction (like a
call to a core-banking system would) keyed by an idempotency key, and write their audit event in it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any, TypeVar, cast

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.ports import (
    AccountView,
    ActionRefused,
    ActionResult,
    CardView,
    DisputeView,
    NotFoundError,
    PaymentView,
    RecurringKind,
    RecurringPaymentView,
    TransactionQuery,
    TransactionView,
    covered_by,
)
from agents.safety.redact import letters_digest
from app.audit.service import append_event
from app.db import read_engine, transaction
from app.faults import crash_point
from app.models import (
    Account,
    Card,
    DirectDebit,
    Dispute,
    Payment,
    ScheduledPayment,
    StandingOrder,
    ToolAction,
    Transaction,
)
from app.models.base import utcnow
from app.models.enums import CardStatus, DisputeStatus, RecurringStatus, TransactionStatus
from app.turn_statements import Statement, driver_values

MAX_TRANSACTIONS = 50


def _iso(value: datetime | None) -> str | None:
    return _utc(value).isoformat() if value else None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _value(member: Any) -> Any:
    """An enum column's value, from an ORM or Core row (the member) or from the driver (its value)."""
    return member.value if isinstance(member, Enum) else member


def _utc(moment: datetime) -> datetime:
    """A timestamp in UTC, as ``UTCDateTime`` gives it, also when the driver read it in the session's zone."""
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _account_view(a: Any) -> AccountView:
    return AccountView(
        id=str(a.id),
        kind=_value(a.kind),
        name=a.name,
        currency=a.currency,
        balance_minor=a.balance_minor,
        number_last4=a.number[-4:],
        sort_code=a.sort_code,
        account_number=a.number,
    )


def _card_view(c: Any) -> CardView:
    return CardView(
        id=str(c.id),
        account_id=str(c.account_id),
        brand=c.brand,
        last4=c.last4,
        status=_value(c.status),
        expiry=f"{c.expiry_month:02d}/{c.expiry_year % 100:02d}",
        dispatched_at=_iso(c.dispatched_at),
        delivered_at=_iso(c.delivered_at),
        replacement_ordered_at=_iso(c.replacement_ordered_at),
    )


def _transaction_view(t: Any) -> TransactionView:
    return TransactionView(
        id=str(t.id),
        account_id=str(t.account_id),
        amount_minor=t.amount_minor,
        currency=t.currency,
        merchant=t.merchant,
        description=t.description,
        category=t.category,
        status=_value(t.status),
        booked_at=_utc(t.booked_at).isoformat(),
        original_amount_minor=t.original_amount_minor,
        original_currency=t.original_currency,
        by_card=t.card_id is not None,
        card_id=str(t.card_id) if t.card_id is not None else None,
    )


Recurring = DirectDebit | StandingOrder | ScheduledPayment
# What each kind is called where a customer (or a log reader) sees it.
RECURRING_MODELS: dict[RecurringKind, type[Recurring]] = {
    "direct_debit": DirectDebit,
    "standing_order": StandingOrder,
    "scheduled_payment": ScheduledPayment,
}
_RECURRING_LABELS: dict[RecurringKind, str] = {
    "direct_debit": "direct debit",
    "standing_order": "standing order",
    "scheduled_payment": "scheduled payment",
}


@functools.cache
def _columns(model: type[Any]) -> tuple[Any, ...]:
    """Every mapped column of ``model`` under its attribute name: a Core row that reads like the object."""
    return tuple(getattr(model, name).label(name) for name in model.__mapper__.column_attrs.keys())


# The reads every turn makes, built once with bound parameters (issue 14: building a select and its cache
# key each time cost more Python than running it). On Postgres each is compiled once to SQL text and sent on
# the driver's own connection (``SqlBankingPort._rows``).
_CUSTOMER: Any = bindparam("customer_id")
_OWNED_ACCOUNTS = select(Account.id).where(Account.customer_id == _CUSTOMER)
_ACCOUNTS = Statement(
    select(*_columns(Account)).where(Account.customer_id == _CUSTOMER).order_by(Account.opened_at, Account.id)
)
_CARDS = Statement(
    select(*_columns(Card)).where(Card.customer_id == _CUSTOMER).order_by(Card.issued_at, Card.id)
)


_TRANSACTION_FILTERS = ("account_id", "since", "until", "merchant", "least", "most", "category")


@functools.cache
def _transactions_statement(
    account: bool, since: bool, until: bool, merchant: bool, least: bool, most: bool, category: bool
) -> Statement:
    """The transaction search for one combination of the query's filters (which ones are set)."""
    stmt = select(*_columns(Transaction)).where(Transaction.account_id.in_(_OWNED_ACCOUNTS))
    if account:
        stmt = stmt.where(Transaction.account_id == bindparam("account_id"))
    if since:
        stmt = stmt.where(Transaction.booked_at >= bindparam("since", type_=Transaction.booked_at.type))
    if until:
        stmt = stmt.where(Transaction.booked_at < bindparam("until", type_=Transaction.booked_at.type))
    if merchant:
        # "sainsburys" finds "Sainsbury's": apostrophes are left out on both sides.
        name = func.replace(func.lower(Transaction.merchant), "'", "")
        stmt = stmt.where(name.like(bindparam("merchant"), escape="\\"))
    amount = func.abs(Transaction.amount_minor)
    if least:
        stmt = stmt.where(amount >= bindparam("least"))
    if most:
        stmt = stmt.where(amount <= bindparam("most"))
    if category:
        stmt = stmt.where(Transaction.category == bindparam("category"))
    return Statement(stmt.order_by(Transaction.booked_at.desc(), Transaction.id).limit(bindparam("limit")))


def _recurring_view(row: Any, kind: RecurringKind) -> RecurringPaymentView:
    """``row``: a stored direct debit, standing order or scheduled payment (an object or a Core row)."""
    frequency = row.frequency.value if kind != "scheduled_payment" else None
    return RecurringPaymentView(
        id=str(row.id),
        kind=kind,
        account_id=str(row.account_id),
        payee_name=row.payee_name,
        amount_minor=row.amount_minor,
        currency=row.currency,
        frequency=frequency,
        next_date=row.next_date.isoformat(),
        reference=row.reference,
        status=row.status.value,
    )


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def dispute_key(customer_id: uuid.UUID, idempotency_key: str) -> str:
    """The dispute's own key: the customer and a digest of the action's key, spelt without digits.

    It used to be the two joined and cut at 100 characters; the cut could end on a run of hex digits that
    read as a card number (a Luhn-valid 13-19 digit run), and the card-number guard then refused the row:
    about one dispute in 400, the customer got an error. Letters cannot look like a card number.
    """
    digest = letters_digest(idempotency_key, 40)
    return f"{customer_id}:{digest}"


_V = TypeVar("_V")


@dataclass(frozen=True)
class Consent:
    """The customer's yes to one pending action, as received by the API (never from a model)."""

    action_id: str
    message_id: uuid.UUID
    words: str  # what the customer sent, redacted
    channel: str  # "confirm" (the confirm route) | "typed" (a yes typed in chat)


class SqlBankingPort:
    """``require_consent``: the app's turns pass it, so a state change runs only with the customer's yes to
    that very action (``consent.action_id`` the idempotency key, or its part: agents.ports.covered_by), and
    the consent is recorded in the audit log in the action's own transaction, before the change. Used as a
    library (tests, tools) without it, actions need no consent.

    ``cache_reads``: the app's turns pass it (one port a turn), so a read asked again with the same
    arguments in the same turn is answered from the first one's rows instead of a second round trip (the
    procedures and the route ask for the customer's accounts and the same transactions more than once). Any
    state change through the port drops every cached read, before and after it runs, so a read after an
    action sees the action; a turn otherwise sees each read as it was the first time it was asked."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        *,
        customer_id: uuid.UUID,
        conversation_id: uuid.UUID | None = None,
        consent: Consent | None = None,
        require_consent: bool = False,
        cache_reads: bool = False,
    ) -> None:
        self._factory = factory
        bind = factory.kw.get("bind")
        self._reads = read_engine(bind) if isinstance(bind, AsyncEngine) else None
        self._customer_id = customer_id
        self._conversation_id = conversation_id
        self._consent = consent
        self._require_consent = require_consent
        self._cache: dict[tuple[Any, ...], list[Any]] | None = {} if cache_reads else None

    # --- reads -----------------------------------------------------------------------------------------

    def _owned_accounts(self) -> Select[uuid.UUID]:
        return select(Account.id).where(Account.customer_id == self._customer_id)

    async def _rows(self, stmt: Select[Any]) -> list[Any]:
        """One read: a Core statement on a connection outside any transaction (``app.db.read_engine``), its
        rows read by column name as the views read an ORM object's attributes (no ORM objects built)."""
        if self._reads is None:  # a session factory bound to no engine (not the app's)
            async with self._factory() as s:
                return list((await s.execute(stmt)).all())
        async with self._reads.connect() as connection:
            return list((await connection.execute(stmt)).all())

    async def _prepared_rows(self, statement: Statement, params: Mapping[str, Any]) -> list[Any]:
        """``_rows`` for a statement built once. On Postgres its SQL text goes on the driver's connection
        (checked out of the same pool, in autocommit), so enum columns come back as their values and
        timestamps in the session's zone: the views take both."""
        if self._reads is None:
            async with self._factory() as s:
                return list((await s.execute(statement.construct, params)).all())
        async with self._reads.connect() as connection:
            if connection.dialect.name != "postgresql":
                return list((await connection.execute(statement.construct, params)).all())
            driver = (await connection.get_raw_connection()).driver_connection
            assert isinstance(driver, psycopg.AsyncConnection)
            sql, defaults = statement.psycopg()
            try:
                cursor = driver.cursor(row_factory=namedtuple_row)
                await cursor.execute(sql, {**defaults, **driver_values(params)})
                return await cursor.fetchall()
            except psycopg.Error as exc:
                raise DBAPIError.instance(sql, params, exc, psycopg.Error) from exc

    async def _cached(self, key: tuple[Any, ...], read: Callable[[], Awaitable[list[_V]]]) -> list[_V]:
        """``read()``, or with ``cache_reads`` the rows of the same read made earlier in the turn (a new
        list: callers may sort or cut it)."""
        if self._cache is None:
            return await read()
        if key not in self._cache:
            self._cache[key] = await read()
        return list(self._cache[key])

    async def list_accounts(self) -> list[AccountView]:
        return await self._cached(("accounts",), self._list_accounts)

    async def _list_accounts(self) -> list[AccountView]:
        rows = await self._prepared_rows(_ACCOUNTS, {"customer_id": self._customer_id})
        return [_account_view(a) for a in rows]

    async def list_cards(self) -> list[CardView]:
        return await self._cached(("cards",), self._list_cards)

    async def _list_cards(self) -> list[CardView]:
        rows = await self._prepared_rows(_CARDS, {"customer_id": self._customer_id})
        return [_card_view(c) for c in rows]

    async def find_transactions(self, query: TransactionQuery) -> list[TransactionView]:
        return await self._cached(("transactions", query), lambda: self._find_transactions(query))

    async def _find_transactions(self, query: TransactionQuery) -> list[TransactionView]:
        params: dict[str, Any] = {
            "customer_id": self._customer_id,
            "limit": max(1, min(query.limit, MAX_TRANSACTIONS)),
        }
        if query.account_id is not None:
            account_id = _uuid(query.account_id)
            if account_id is None:
                return []
            params["account_id"] = account_id
        since, until = _parse_day(query.since), _parse_day(query.until)
        if since is not None:
            params["since"] = datetime.combine(since, time.min, UTC)
        if until is not None:
            params["until"] = datetime.combine(until + timedelta(days=1), time.min, UTC)
        if query.merchant:
            # The customer's words are a substring, not a pattern: '%', '_' and the escape match literally.
            words = query.merchant.lower().replace("'", "").replace("’", "")
            literal = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params["merchant"] = f"%{literal}%"
        if query.min_amount_minor is not None:
            params["least"] = query.min_amount_minor
        if query.max_amount_minor is not None:
            params["most"] = query.max_amount_minor
        if query.category is not None:
            params["category"] = query.category
        statement = _transactions_statement(*(key in params for key in _TRANSACTION_FILTERS))
        return [_transaction_view(t) for t in await self._prepared_rows(statement, params)]

    async def _owned_transaction(self, s: AsyncSession, transaction_id: str) -> Transaction | None:
        tid = _uuid(transaction_id)
        if tid is None:
            return None
        return await s.scalar(
            select(Transaction).where(
                Transaction.id == tid, Transaction.account_id.in_(self._owned_accounts())
            )
        )

    async def get_transaction(self, transaction_id: str) -> TransactionView | None:
        async with self._factory() as s:
            t = await self._owned_transaction(s, transaction_id)
            return _transaction_view(t) if t else None

    async def list_payments(self, *, limit: int = 10) -> list[PaymentView]:
        return await self._cached(("payments", limit), lambda: self._list_payments(limit))

    async def _list_payments(self, limit: int) -> list[PaymentView]:
        rows = await self._rows(
            select(*_columns(Payment))
            .where(Payment.account_id.in_(self._owned_accounts()))
            .order_by(Payment.created_at.desc(), Payment.id)
            .limit(max(1, min(limit, MAX_TRANSACTIONS)))
        )
        return [
            PaymentView(
                id=str(p.id),
                account_id=str(p.account_id),
                payee_name=p.payee_name,
                payee_account_last4=p.payee_account_last4,
                amount_minor=p.amount_minor,
                currency=p.currency,
                reference=p.reference,
                scheme=p.scheme,
                status=p.status.value,
                created_at=p.created_at.isoformat(),
                expected_at=_iso(p.expected_at),
            )
            for p in rows
        ]

    async def list_disputes(self) -> list[DisputeView]:
        return await self._cached(("disputes",), self._list_disputes)

    async def _list_disputes(self) -> list[DisputeView]:
        rows = await self._rows(
            select(*_columns(Dispute))
            .where(Dispute.customer_id == self._customer_id)
            .order_by(Dispute.created_at.desc())
        )
        return [
            DisputeView(
                id=str(d.id),
                transaction_id=str(d.transaction_id),
                reason=d.reason,
                status=d.status.value,
                created_at=d.created_at.isoformat(),
            )
            for d in rows
        ]

    async def _list_recurring(
        self, kind: RecurringKind, include_cancelled: bool
    ) -> list[RecurringPaymentView]:
        return await self._cached(
            ("recurring", kind, include_cancelled), lambda: self._read_recurring(kind, include_cancelled)
        )

    async def _read_recurring(
        self, kind: RecurringKind, include_cancelled: bool
    ) -> list[RecurringPaymentView]:
        model = RECURRING_MODELS[kind]
        stmt = select(*_columns(model)).where(model.account_id.in_(self._owned_accounts()))
        if not include_cancelled:
            stmt = stmt.where(model.status == RecurringStatus.active)
        rows = await self._rows(stmt.order_by(model.next_date, model.payee_name, model.id))
        return [_recurring_view(row, kind) for row in rows]

    async def list_direct_debits(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._list_recurring("direct_debit", include_cancelled)

    async def list_standing_orders(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._list_recurring("standing_order", include_cancelled)

    async def list_scheduled_payments(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._list_recurring("scheduled_payment", include_cancelled)

    # --- state changes ---------------------------------------------------------------------------------

    async def _owned_card(self, s: AsyncSession, card_id: str) -> Card:
        cid = _uuid(card_id)
        card = (
            None
            if cid is None
            else await s.scalar(
                select(Card).where(Card.id == cid, Card.customer_id == self._customer_id).with_for_update()
            )
        )
        if card is None:
            raise NotFoundError("card not found")
        return card

    async def _run_action(self, key: str, action: str, target_id: str, effect: Any) -> ActionResult:
        """Run ``effect`` once per key: a repeated key returns what the first run did."""
        if self._cache is not None:
            self._cache.clear()
        try:
            return await self._run_action_once(key, action, target_id, effect)
        finally:
            if self._cache is not None:
                self._cache.clear()

    async def _run_action_once(self, key: str, action: str, target_id: str, effect: Any) -> ActionResult:
        scoped_key = f"{self._customer_id}:{key}"
        async with transaction(self._factory) as s:
            done = await s.scalar(select(ToolAction).where(ToolAction.idempotency_key == scoped_key))
            if done is not None:
                return ActionResult(done.action, done.target_id, json.loads(done.outcome), replayed=True)
            # One yes to an action covers each change it makes (both cards of a stolen wallet), never another.
            consent = self._consent if self._consent and covered_by(key, self._consent.action_id) else None
            if self._require_consent and consent is None:
                raise ActionRefused("this change needs the customer's confirmation first")
            if consent is not None:  # on record before the change, in the same transaction as the change
                await append_event(
                    s,
                    kind="consent.given",
                    actor=f"customer:{self._customer_id}",
                    conversation_id=self._conversation_id,
                    payload={
                        "action_id": key,
                        "action": action,
                        "target_id": target_id,
                        "message_id": str(consent.message_id),
                        "words": consent.words,
                        "channel": consent.channel,
                    },
                )
            crash_point("before_tool")
            outcome: dict[str, Any] = await effect(s)
            s.add(
                ToolAction(
                    idempotency_key=scoped_key,
                    customer_id=self._customer_id,
                    conversation_id=self._conversation_id,
                    action=action,
                    target_id=target_id,
                    outcome=json.dumps(outcome, default=str),
                )
            )
            try:
                await s.flush()
            except IntegrityError:  # a concurrent twin won the race: its result stands, ours rolls back
                await s.rollback()
                done = await s.scalar(select(ToolAction).where(ToolAction.idempotency_key == scoped_key))
                if done is None:
                    raise
                return ActionResult(done.action, done.target_id, json.loads(done.outcome), replayed=True)
            await append_event(
                s,
                kind="tool.executed",
                actor="agent",
                conversation_id=self._conversation_id,
                payload={
                    "action": action,
                    "target_id": target_id,
                    "outcome": outcome,
                    "idempotency_key": key,
                },
            )
        crash_point("after_tool_commit")
        return ActionResult(action, target_id, outcome)

    async def _switch_card(
        self, card_id: str, key: str, *, action: str, source: CardStatus, target: CardStatus, verb: str
    ) -> ActionResult:
        """Move a card from ``source`` to ``target`` status (freeze and unfreeze are mirror images)."""

        async def effect(s: AsyncSession) -> dict[str, Any]:
            card = await self._owned_card(s, card_id)
            if card.status == target:
                return {"status": target.value, "already": True, "last4": card.last4}
            if card.status != source:
                raise ActionRefused(
                    f"the card ending {card.last4} is {card.status.value} and cannot be {verb}"
                )
            card.status = target
            return {"status": target.value, "already": False, "last4": card.last4}

        return await self._run_action(key, action, card_id, effect)

    async def freeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._switch_card(
            card_id,
            idempotency_key,
            action="freeze_card",
            source=CardStatus.active,
            target=CardStatus.frozen,
            verb="frozen",
        )

    async def unfreeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._switch_card(
            card_id,
            idempotency_key,
            action="unfreeze_card",
            source=CardStatus.frozen,
            target=CardStatus.active,
            verb="unfrozen",
        )

    async def report_card(self, card_id: str, *, kind: str, idempotency_key: str) -> ActionResult:
        if kind not in ("lost", "stolen"):
            raise ActionRefused("a card can be reported lost or stolen")

        async def effect(s: AsyncSession) -> dict[str, Any]:
            card = await self._owned_card(s, card_id)
            if card.status in (CardStatus.lost, CardStatus.stolen, CardStatus.cancelled):
                raise ActionRefused(f"the card ending {card.last4} is already {card.status.value}")
            now = utcnow()
            card.status = CardStatus(kind)
            card.replacement_ordered_at = now
            digest = hashlib.sha256(f"{card.id}:{idempotency_key}".encode()).hexdigest()
            replacement = Card(
                account_id=card.account_id,
                customer_id=card.customer_id,
                brand=card.brand,
                last4=f"{int(digest[:8], 16) % 10_000:04d}",
                expiry_month=now.month,
                expiry_year=now.year + 4,
                status=CardStatus.active,
                issued_at=now,
                dispatched_at=now,
                replaces_card_id=card.id,
            )
            s.add(replacement)
            await s.flush()
            return {
                "status": kind,
                "last4": card.last4,
                "replacement_card_id": str(replacement.id),
                "replacement_last4": replacement.last4,
                "dispatched_at": now.isoformat(),
            }

        return await self._run_action(idempotency_key, f"report_card_{kind}", card_id, effect)

    async def open_dispute(self, transaction_id: str, *, reason: str, idempotency_key: str) -> ActionResult:
        async def effect(s: AsyncSession) -> dict[str, Any]:
            t = await self._owned_transaction(s, transaction_id)
            if t is None:
                raise NotFoundError("transaction not found")
            if t.amount_minor >= 0 or t.status == TransactionStatus.reversed:
                raise ActionRefused(
                    "only a payment out of the account that has not been reversed can be disputed"
                )
            existing = await s.scalar(
                select(Dispute).where(
                    Dispute.transaction_id == t.id,
                    Dispute.status.in_((DisputeStatus.open, DisputeStatus.investigating)),
                )
            )
            if existing is not None:
                raise ActionRefused("this transaction already has an open dispute")
            dispute = Dispute(
                customer_id=self._customer_id,
                transaction_id=t.id,
                reason=reason[:500],
                status=DisputeStatus.open,
                idempotency_key=dispute_key(self._customer_id, idempotency_key),
            )
            s.add(dispute)
            await s.flush()
            return {
                "dispute_id": str(dispute.id),
                "status": "open",
                "merchant": t.merchant,
                "amount_minor": t.amount_minor,
                "currency": t.currency,
            }

        return await self._run_action(idempotency_key, "open_dispute", transaction_id, effect)

    async def _cancel_recurring(self, kind: RecurringKind, item_id: str, key: str) -> ActionResult:
        """Cancel one of the customer's direct debits, standing orders or scheduled payments: nothing of it
        is paid any more. Cancelling one already cancelled changes nothing (``already``)."""
        model, label = RECURRING_MODELS[kind], _RECURRING_LABELS[kind]

        async def effect(s: AsyncSession) -> dict[str, Any]:
            rid = _uuid(item_id)
            row = cast(
                Recurring | None,
                None
                if rid is None
                else await s.scalar(
                    select(model)
                    .where(model.id == rid, model.account_id.in_(self._owned_accounts()))
                    .with_for_update()
                ),
            )
            if row is None:
                raise NotFoundError(f"{label} not found")
            facts = {
                "kind": kind,
                "payee_name": row.payee_name,
                "amount_minor": row.amount_minor,
                "currency": row.currency,
                "next_date": row.next_date.isoformat(),
                "reference": row.reference,
            }
            if row.status == RecurringStatus.cancelled:
                return {"status": "cancelled", "already": True, **facts}
            now = utcnow()
            if kind == "scheduled_payment" and row.next_date < now.date():
                raise ActionRefused(f"the {label} to {row.payee_name} has already been sent")
            row.status = RecurringStatus.cancelled
            row.cancelled_at = now
            return {"status": "cancelled", "already": False, **facts}

        return await self._run_action(key, f"cancel_{kind}", item_id, effect)

    async def cancel_direct_debit(self, direct_debit_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._cancel_recurring("direct_debit", direct_debit_id, idempotency_key)

    async def cancel_standing_order(self, standing_order_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._cancel_recurring("standing_order", standing_order_id, idempotency_key)

    async def cancel_scheduled_payment(
        self, scheduled_payment_id: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._cancel_recurring("scheduled_payment", scheduled_payment_id, idempotency_key)
