"""A BankingPort for replaying a stored turn: reads are answered from the tool results the turn recorded,
and nothing is ever written.

- A read is answered from the same tool's recorded result in the turn being replayed (same arguments where
  the tool takes any); failing that, from the nearest other turn of the same conversation (the data as it
  was that day). The audit log records the tool calls a step makes, not every read a procedure makes
  through the port, so some reads are recorded nowhere. Those are answered from the bank's live data when
  the port has a ``live`` one (read-only: plain SELECTs in sessions that are never committed; it shows the
  data as it is now, not as it was, and the report marks each such turn "live read: ..."), or else raise
  ``ToolNotRecorded``: the replay of that turn stops and the report says "tool not recorded".
- A state change is never run. When the original turn ran the same action on the same target, its recorded
  result is handed back (so the rest of the turn can be compared); otherwise the port answers
  ``ActionRefused`` ("not run in a replay"). Either way the request is logged in ``writes`` and reported as
  the action configuration B proposed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from agents.ports import (
    AccountView,
    ActionRefused,
    ActionResult,
    BankingPort,
    CardView,
    DisputeView,
    PaymentView,
    RecurringPaymentView,
    TransactionQuery,
    TransactionView,
)
from app.evaluation.stored import StoredConversation, StoredTurn


class ToolNotRecorded(RuntimeError):
    """Configuration B asked for data the stored conversation never looked up."""

    def __init__(self, tool: str) -> None:
        super().__init__(f"tool not recorded: {tool}")
        self.tool = tool


V = TypeVar("V")

_NOT_VIEW = {"amount", "balance", "original_amount"}  # formatted for the model, not fields of the views


def _view(cls: type[V], data: dict[str, Any]) -> V:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in data.items() if k in names and k not in _NOT_VIEW}
    if cls is TransactionView:
        values.setdefault("description", str(data.get("merchant") or ""))
    return cls(**values)


@dataclass
class ProposedWrite:
    tool: str
    target_id: str
    answered: str  # "recorded" (the original turn ran it: its result) | "refused" (it did not)


@dataclass
class ReplayBankingPort:
    """The banking port of one replayed turn (see the module docstring)."""

    conversation: StoredConversation
    turn: StoredTurn
    writes: list[ProposedWrite] = field(default_factory=list)
    live: BankingPort | None = None  # only its reads are ever called
    borrowed: list[str] = field(default_factory=list)  # reads answered from another turn of the conversation
    live_reads: list[str] = field(default_factory=list)  # reads answered from today's data

    async def _or_live(
        self, tool: str, recorded: Callable[[], V], live: Callable[[BankingPort], Awaitable[V]]
    ) -> V:
        try:
            return recorded()
        except ToolNotRecorded:
            if self.live is None:
                raise
            self.live_reads.append(tool)
            return await live(self.live)

    def _turns_nearest_first(self) -> list[StoredTurn]:
        others = [t for t in self.conversation.turns if t is not self.turn]
        return [self.turn, *sorted(others, key=lambda t: abs(t.index - self.turn.index))]

    def _recorded(self, tool: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        for turn in self._turns_nearest_first():
            for call in turn.tool_calls():
                if call.get("tool") != tool or not isinstance(call.get("result"), dict):
                    continue
                if arguments is not None and _clean(call.get("arguments")) != _clean(arguments):
                    continue
                if turn is not self.turn:
                    self.borrowed.append(f"{tool} (from turn {turn.index + 1})")
                result: dict[str, Any] = call["result"]
                return result
        raise ToolNotRecorded(tool)

    # --- reads ------------------------------------------------------------------------------------

    async def list_accounts(self) -> list[AccountView]:
        return await self._or_live(
            "list_accounts",
            lambda: [_view(AccountView, a) for a in self._recorded("list_accounts").get("accounts", [])],
            lambda port: port.list_accounts(),
        )

    async def list_cards(self) -> list[CardView]:
        return await self._or_live(
            "list_cards",
            lambda: [_view(CardView, c) for c in self._recorded("list_cards").get("cards", [])],
            lambda port: port.list_cards(),
        )

    def _recorded_transactions(self, query: TransactionQuery) -> list[TransactionView]:
        arguments = {
            "account_id": query.account_id,
            "since": query.since,
            "until": query.until,
            "merchant": query.merchant,
            "min_amount_minor": query.min_amount_minor,
            "max_amount_minor": query.max_amount_minor,
            "limit": query.limit,
        }
        try:
            found = self._recorded("search_transactions", arguments)
        except ToolNotRecorded:
            # The tool's default limit is not always written in the recorded arguments.
            found = self._recorded(
                "search_transactions", {k: v for k, v in arguments.items() if k != "limit"}
            )
        return [_view(TransactionView, t) for t in found.get("transactions", [])]

    async def find_transactions(self, query: TransactionQuery) -> list[TransactionView]:
        return await self._or_live(
            "search_transactions",
            lambda: self._recorded_transactions(query),
            lambda p: p.find_transactions(query),
        )

    def _recorded_transaction(self, transaction_id: str) -> TransactionView | None:
        transaction = self._recorded("get_transaction", {"transaction_id": transaction_id}).get("transaction")
        return _view(TransactionView, transaction) if isinstance(transaction, dict) else None

    async def get_transaction(self, transaction_id: str) -> TransactionView | None:
        return await self._or_live(
            "get_transaction",
            lambda: self._recorded_transaction(transaction_id),
            lambda port: port.get_transaction(transaction_id),
        )

    async def list_payments(self, *, limit: int = 10) -> list[PaymentView]:
        return await self._or_live(
            "list_payments",
            lambda: [_view(PaymentView, p) for p in self._recorded("list_payments").get("payments", [])][
                :limit
            ],
            lambda port: port.list_payments(limit=limit),
        )

    async def list_disputes(self) -> list[DisputeView]:
        return await self._or_live(
            "list_disputes",
            lambda: [_view(DisputeView, d) for d in self._recorded("list_disputes").get("disputes", [])],
            lambda port: port.list_disputes(),
        )

    def _recurring(self, tool: str, key: str, include_cancelled: bool) -> list[RecurringPaymentView]:
        rows = [_view(RecurringPaymentView, r) for r in self._recorded(tool).get(key, [])]
        return rows if include_cancelled else [r for r in rows if r.status != "cancelled"]

    async def list_direct_debits(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._or_live(
            "list_direct_debits",
            lambda: self._recurring("list_direct_debits", "direct_debits", include_cancelled),
            lambda port: port.list_direct_debits(include_cancelled=include_cancelled),
        )

    async def list_standing_orders(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._or_live(
            "list_standing_orders",
            lambda: self._recurring("list_standing_orders", "standing_orders", include_cancelled),
            lambda port: port.list_standing_orders(include_cancelled=include_cancelled),
        )

    async def list_scheduled_payments(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return await self._or_live(
            "list_scheduled_payments",
            lambda: self._recurring("list_scheduled_payments", "scheduled_payments", include_cancelled),
            lambda port: port.list_scheduled_payments(include_cancelled=include_cancelled),
        )

    # --- writes: never run ------------------------------------------------------------------------

    def _write(self, tool: str, target_id: str) -> ActionResult:
        for call in self.turn.tool_calls():
            result = call.get("result")
            if call.get("tool") == tool and isinstance(result, dict) and result.get("target_id") == target_id:
                self.writes.append(ProposedWrite(tool, target_id, "recorded"))
                if not result.get("ok", True):
                    raise ActionRefused(str(result.get("message") or "refused"))
                outcome = {
                    k: v for k, v in result.items() if k not in {"ok", "action", "target_id", "replayed"}
                }
                return ActionResult(tool, target_id, outcome)
        self.writes.append(ProposedWrite(tool, target_id, "refused"))
        raise ActionRefused("not run: this is a replay, and the original turn did not run this action")

    async def freeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return self._write("freeze_card", card_id)

    async def unfreeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return self._write("unfreeze_card", card_id)

    async def report_card(self, card_id: str, *, kind: str, idempotency_key: str) -> ActionResult:
        return self._write("report_card", card_id)

    async def open_dispute(self, transaction_id: str, *, reason: str, idempotency_key: str) -> ActionResult:
        return self._write("open_dispute", transaction_id)

    async def cancel_direct_debit(self, direct_debit_id: str, *, idempotency_key: str) -> ActionResult:
        return self._write("cancel_direct_debit", direct_debit_id)

    async def cancel_standing_order(self, standing_order_id: str, *, idempotency_key: str) -> ActionResult:
        return self._write("cancel_standing_order", standing_order_id)

    async def cancel_scheduled_payment(
        self, scheduled_payment_id: str, *, idempotency_key: str
    ) -> ActionResult:
        return self._write("cancel_scheduled_payment", scheduled_payment_id)


def _clean(arguments: Any) -> dict[str, Any]:
    """Arguments compared without unset values or the idempotency key."""
    if not isinstance(arguments, dict):
        return {}
    return {k: v for k, v in arguments.items() if v is not None and k != "idempotency_key"}
