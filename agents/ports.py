"""What the agent needs from the outside world, and the one narrow interface the app calls.

``app/`` implements these Protocols; ``agents/`` never imports ``app/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class AgentEvent:
    """What happens in a turn.

    - ``step``: one graph step for the audit log (node, decision, model call ids, tool calls, findings)
    - ``delta``: a piece of the approved reply text
    - ``effect``: something the app must record: ``{"type": "handoff" | "complaint" | "flag", ...}``
    - ``confirmation_required``: the turn waits for the customer's yes/no (``{"action": ..., "prompt": ...}``)
    - ``completed``: ``{"content": str | None, "outcome": "reply" | "handoff" | "confirmation_required"}``
    """

    kind: AgentEventKind
    data: dict[str, Any] = field(default_factory=dict)


class TurnAgent(Protocol):
    """Runs customer turns; each call yields events ending with one ``completed`` event."""

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
    id: str
    kind: str
    name: str
    currency: str
    balance_minor: int
    number_last4: str


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
