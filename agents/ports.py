"""What the agent needs from the outside world, and the one narrow interface the app calls.

``app/`` implements these Protocols; ``agents/`` never imports ``app/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal, Protocol

AgentEventKind = Literal["step", "delta", "effect", "completed", "confirmation_required", "error"]


@dataclass(frozen=True)
class TurnInput:
    """One customer turn. ``text`` has already been screened and redacted; ids come from the token.

    ``screening`` is the JSON form of the screening result (findings with offsets, flags, vulnerability kind).
    ``tokens_used`` / ``cost_usd_micros`` are what the conversation has spent before this turn.
    """

    conversation_id: str
    customer_id: str
    text: str
    variant: str = "default"
    first_reply: bool = False
    screening: dict[str, Any] = field(default_factory=dict)
    staff_notes: tuple[str, ...] = ()
    today: str = ""
    tokens_used: int = 0
    cost_usd_micros: int = 0
    # When people answer handed-off conversations, in words, and whether they are working now (the app's
    # support-hours settings); empty: the handoff notice gives no hours.
    support_hours: str = ""
    support_open_now: bool = True


# --- What a turn hands back: typed, so the app records it without re-reading the agent's dicts ----------


class Flow(StrEnum):
    """The graph's flows: where route (or screening) sent the turn."""

    PROCEDURE = "procedure"
    KB_ANSWER = "kb_answer"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"
    CLARIFY = "clarify"
    ASSIST = "assist"
    COMPLAINT = "complaint"
    VULNERABILITY = "vulnerability"
    SCAM = "scam"
    THIRD_PARTY = "third_party"
    REFUSE = "refuse"
    DEGRADED = "degraded"
    LANGUAGE = "language"
    HANDOFF = "handoff"
    DECLINED = "declined"  # a procedure's question answered with a no: the route's own short reply


class OutcomeKind(StrEnum):
    """How the turn ended for the customer."""

    REPLY = "reply"
    HANDOFF = "handoff"
    CONFIRMATION_REQUIRED = "confirmation_required"


class Priority(StrEnum):
    """How soon a person must pick up a handoff."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


@dataclass(frozen=True)
class HandoffEffect:
    """The conversation goes to a person: why, how soon, and the summary they read first."""

    reason: str
    priority: Priority
    summary: str = ""


@dataclass(frozen=True)
class ComplaintEffect:
    """A complaint to record, with the regulatory final-response date (working days, bank holidays out)."""

    summary: str
    final_response_due: date


@dataclass(frozen=True)
class FlagEffect:
    """Something staff should look at (compliance block, a tool the model was not offered...).

    ``detail`` is JSON for the audit log.
    """

    reasons: tuple[str, ...]
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionEffect:
    """A confirmed action the agent ran (or the customer declined): ``outcome`` is ok, already, declined,
    not_found or refused; ``replayed`` when the bank had already run that action id."""

    action_id: str
    procedure: str
    tool: str
    outcome: str
    replayed: bool = False


@dataclass(frozen=True)
class ConfirmationRequest:
    """An action waiting for the customer's yes or no. ``action`` is the pending action as the agent
    checkpointed it (opaque to the app: handed back on recovery)."""

    action_id: str
    procedure: str
    summary: str
    prompt: str
    action: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TriageInfo:
    intent: str
    confidence: float
    route: str


Effect = HandoffEffect | ComplaintEffect | FlagEffect | ActionEffect


@dataclass(frozen=True)
class TurnOutcome:
    """Everything a turn asks the app to record, in one value (the ``completed`` event carries it)."""

    reply: str | None
    kind: OutcomeKind = OutcomeKind.REPLY
    flow: Flow | None = None
    triage: TriageInfo | None = None
    handoff: HandoffEffect | None = None
    complaints: tuple[ComplaintEffect, ...] = ()
    flags: tuple[FlagEffect, ...] = ()
    actions: tuple[ActionEffect, ...] = ()
    confirmation: ConfirmationRequest | None = None


def effect_json(effect: Effect) -> dict[str, Any]:
    """An effect as JSON (for the audit log and the stream), tagged with its ``type``."""
    tag = {HandoffEffect: "handoff", ComplaintEffect: "complaint", FlagEffect: "flag", ActionEffect: "action"}
    data = asdict(effect)
    if isinstance(effect, ComplaintEffect):
        data["final_response_due"] = effect.final_response_due.isoformat()
    if isinstance(effect, FlagEffect):
        data = {"reasons": list(effect.reasons), **effect.detail}
    return {"type": tag[type(effect)], **data}


@dataclass(frozen=True)
class AgentEvent:
    """What happens in a turn.

    - ``step``: one graph step for the audit log (``data``: node, decision, model call ids, tool calls)
    - ``delta``: a piece of the approved reply text (``data["text"]``)
    - ``effect``: something the app must record, as it happens (``effect``; ``data`` is its JSON)
    - ``confirmation_required``: the turn waits for the customer's yes/no (``confirmation``)
    - ``completed``: the last event, with everything the app must record (``outcome``)
    """

    kind: AgentEventKind
    data: dict[str, Any] = field(default_factory=dict)
    effect: Effect | None = None
    confirmation: ConfirmationRequest | None = None
    outcome: TurnOutcome | None = None

    @classmethod
    def of_effect(cls, effect: Effect) -> AgentEvent:
        return cls("effect", effect_json(effect), effect=effect)

    @classmethod
    def completed(cls, outcome: TurnOutcome) -> AgentEvent:
        return cls("completed", {"content": outcome.reply, "outcome": outcome.kind.value}, outcome=outcome)


class TurnAgent(Protocol):
    """Runs customer turns; each call yields events ending with one ``completed`` event (its TurnOutcome)."""

    def run_turn(self, turn: TurnInput, banking: BankingPort) -> AsyncIterator[AgentEvent]: ...

    def resume(self, turn: TurnInput, decision: str, banking: BankingPort) -> AsyncIterator[AgentEvent]:
        """Continue a turn that waits for confirmation, with the customer's ``"yes"`` or ``"no"``."""
        ...

    async def pending_confirmation(self, conversation_id: str) -> dict[str, Any] | None:
        """The action waiting for the customer's confirmation, if any (survives restarts: checkpointed)."""
        ...

    async def recovered_reply(self, action: dict[str, Any], record: ActionResult | None) -> str:
        """What to tell the customer about a confirmed action whose turn was cut short (a crash): done, from
        the bank's ``record`` of it, or not done at all (``None``)."""
        ...

    async def close_pending(self, conversation_id: str, reply: str) -> None:
        """Forget what the conversation's graph was waiting on, once a cut-short turn has been settled."""
        ...


# --- Banking data and actions -------------------------------------------------------------------------
# The app binds a BankingPort to the authenticated customer (from the token) for one turn. No method takes a
# customer id: a tool cannot act for anyone else, whatever a model puts in its arguments. An id that belongs
# to another customer is answered exactly like an id that does not exist (None / NotFoundError).


class NotFoundError(LookupError):
    """No such account, card, transaction or payment for this customer."""


class ActionRefused(RuntimeError):
    """The action is not possible in the current state (e.g. freezing a cancelled card)."""


@dataclass(frozen=True)
class AccountView:
    """One of the customer's accounts. ``sort_code`` and ``account_number`` are the customer's own details in
    full, for the answer to "what's my sort code and account number" only: tool results, facts and the audit
    log carry ``number_last4``, never these."""

    id: str
    kind: str
    name: str
    currency: str
    balance_minor: int
    number_last4: str
    sort_code: str = ""
    account_number: str = ""


@dataclass(frozen=True)
class CardView:
    id: str
    account_id: str
    brand: str
    last4: str
    status: str
    expiry: str
    dispatched_at: str | None = None
    delivered_at: str | None = None
    replacement_ordered_at: str | None = None


@dataclass(frozen=True)
class TransactionView:
    id: str
    account_id: str
    amount_minor: int
    currency: str
    merchant: str
    description: str  # untrusted third-party text: data, never instructions
    category: str
    status: str
    booked_at: str
    original_amount_minor: int | None = None
    original_currency: str | None = None
    by_card: bool = False
    """Paid with one of the customer's cards (not a direct debit, standing order or transfer)."""
    card_id: str | None = None
    """The card this payment was made on (it may since have been reported lost or cancelled)."""


@dataclass(frozen=True)
class PaymentView:
    id: str
    account_id: str
    payee_name: str
    payee_account_last4: str
    amount_minor: int
    currency: str
    reference: str
    scheme: str
    status: str
    created_at: str
    expected_at: str | None = None


@dataclass(frozen=True)
class DisputeView:
    id: str
    transaction_id: str
    reason: str
    status: str
    created_at: str


RecurringKind = Literal["direct_debit", "standing_order", "scheduled_payment"]


@dataclass(frozen=True)
class RecurringPaymentView:
    """A direct debit mandate, a standing order or a scheduled (future-dated, one-off) payment.

    ``amount_minor`` is positive (what leaves the account; for a direct debit, the latest collection);
    ``next_date`` is an ISO date; ``frequency`` is None for a scheduled payment; ``status`` is
    ``active`` or ``cancelled``.
    """

    id: str
    kind: RecurringKind
    account_id: str
    payee_name: str  # untrusted third-party text
    amount_minor: int
    currency: str
    frequency: str | None
    next_date: str
    reference: str
    status: str


@dataclass(frozen=True)
class ActionResult:
    """What a state-changing tool did. ``replayed`` is True when the idempotency key had already run."""

    action: str
    target_id: str
    outcome: dict[str, Any]
    replayed: bool = False


@dataclass(frozen=True)
class TransactionQuery:
    account_id: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    merchant: str | None = None  # case-insensitive substring
    min_amount_minor: int | None = None  # on the absolute amount
    max_amount_minor: int | None = None
    limit: int = 10
    category: str | None = None  # exact, e.g. "salary"


def part_key(action_id: str, part: int) -> str:
    """The idempotency key of one further change of a confirmed action that makes several (a freeze of both
    cards that were in a stolen wallet): the customer's one yes covers each, and each runs once."""
    return f"{action_id}#{part}"


def covered_by(key: str, action_id: str) -> bool:
    """Whether the change with idempotency ``key`` belongs to the action ``action_id`` (itself or a part)."""
    return key == action_id or key.startswith(f"{action_id}#")


class BankingPort(Protocol):
    """Read and act on the bank's data for ONE customer, fixed when the port is made."""

    async def list_accounts(self) -> list[AccountView]: ...

    async def list_cards(self) -> list[CardView]: ...

    async def find_transactions(self, query: TransactionQuery) -> list[TransactionView]: ...

    async def get_transaction(self, transaction_id: str) -> TransactionView | None: ...

    async def list_payments(self, *, limit: int = 10) -> list[PaymentView]: ...

    async def list_disputes(self) -> list[DisputeView]: ...

    # Recurring payments, soonest first; cancelled ones only when asked for.
    async def list_direct_debits(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]: ...

    async def list_standing_orders(
        self, *, include_cancelled: bool = False
    ) -> list[RecurringPaymentView]: ...

    async def list_scheduled_payments(
        self, *, include_cancelled: bool = False
    ) -> list[RecurringPaymentView]: ...

    # State changes: each runs at most once per idempotency key (a retry returns the first result).
    async def freeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult: ...

    async def unfreeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult: ...

    async def report_card(self, card_id: str, *, kind: str, idempotency_key: str) -> ActionResult:
        """kind is "lost" or "stolen": cancels the card and orders a replacement."""
        ...

    async def open_dispute(
        self, transaction_id: str, *, reason: str, idempotency_key: str
    ) -> ActionResult: ...

    # Cancelling stops every future payment of it; a cancellation is never a dispute of a past payment.
    async def cancel_direct_debit(self, direct_debit_id: str, *, idempotency_key: str) -> ActionResult: ...

    async def cancel_standing_order(
        self, standing_order_id: str, *, idempotency_key: str
    ) -> ActionResult: ...

    async def cancel_scheduled_payment(
        self, scheduled_payment_id: str, *, idempotency_key: str
    ) -> ActionResult: ...
