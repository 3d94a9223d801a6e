"""One run of a procedure: the customer's text, the slots so far, and logged reads through the port."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agents.kb import KnowledgeBase
from agents.ports import (
    AccountView,
    BankingPort,
    CardView,
    DisputeView,
    PaymentView,
    RecurringKind,
    RecurringPaymentView,
    TransactionQuery,
    TransactionView,
)
from agents.procedures.render import render
from agents.procedures.results import Answer, Ask, Stop, ToolCallLog
from agents.procedures.spec import ProcedureSpec
from agents.tools.views import (
    account_dict,
    card_dict,
    dispute_dict,
    payment_dict,
    recurring_dict,
    transaction_dict,
)

# Keys of the slots dict the engine owns, besides one key per slot name.
AWAITING = "awaiting"
CANDIDATES = "candidates"
PARAMS = "params"
# Further cards one confirmed freeze takes with it ("both my cards were in it"), beside the card slot.
ALSO = "also"


@dataclass
class Run:
    spec: ProcedureSpec
    text: str
    state: dict[str, Any]
    banking: BankingPort
    today: date
    kb: KnowledgeBase
    calls: list[ToolCallLog] = field(default_factory=list)
    _accounts: list[AccountView] | None = None
    _cards: list[CardView] | None = None
    # A search asked again in the same run (the merchant and shop lookups of `slots` each read the recent
    # transactions) is answered from the first, and logged once: the audit log records each read the
    # procedure made, not each time it looked at what it had read.
    _searches: dict[TransactionQuery, list[TransactionView]] = field(default_factory=dict)

    # --- reads, each logged as the tool call it corresponds to --------------------------------------

    async def accounts(self) -> list[AccountView]:
        if self._accounts is None:
            self._accounts = await self.banking.list_accounts()
            self._log(
                "list_accounts", {}, {"ok": True, "accounts": [account_dict(a) for a in self._accounts]}
            )
        return self._accounts

    async def cards(self) -> list[CardView]:
        if self._cards is None:
            self._cards = await self.banking.list_cards()
            self._log("list_cards", {}, {"ok": True, "cards": [card_dict(c) for c in self._cards]})
        return self._cards

    async def transactions(self, query: TransactionQuery) -> list[TransactionView]:
        if (known := self._searches.get(query)) is not None:
            return list(known)  # a new list: callers may sort or cut it
        found = await self.banking.find_transactions(query)
        self._searches[query] = list(found)
        args = {k: v for k, v in vars(query).items() if v is not None}
        self._log(
            "search_transactions",
            args,
            {"ok": True, "count": len(found), "transactions": [transaction_dict(t) for t in found]},
        )
        return found

    async def transaction(self, transaction_id: str) -> TransactionView | None:
        found = await self.banking.get_transaction(transaction_id)
        result: dict[str, Any] = (
            {"ok": False, "error": "not_found"}
            if found is None
            else {"ok": True, "transaction": transaction_dict(found)}
        )
        self._log("get_transaction", {"transaction_id": transaction_id}, result)
        return found

    async def payments(self, limit: int) -> list[PaymentView]:
        found = await self.banking.list_payments(limit=limit)
        self._log(
            "list_payments", {"limit": limit}, {"ok": True, "payments": [payment_dict(p) for p in found]}
        )
        return found

    async def disputes(self) -> list[DisputeView]:
        found = await self.banking.list_disputes()
        self._log("list_disputes", {}, {"ok": True, "disputes": [dispute_dict(d) for d in found]})
        return found

    async def recurring(self, kind: RecurringKind) -> list[RecurringPaymentView]:
        """The customer's active direct debits, standing orders or scheduled payments, soonest first."""
        read = {
            "direct_debit": self.banking.list_direct_debits,
            "standing_order": self.banking.list_standing_orders,
            "scheduled_payment": self.banking.list_scheduled_payments,
        }[kind]
        found = await read()
        self._log(f"list_{kind}s", {}, {"ok": True, f"{kind}s": [recurring_dict(r) for r in found]})
        return found

    def _log(self, tool: str, arguments: dict[str, Any], result: dict[str, Any]) -> None:
        self.calls.append(ToolCallLog(tool=tool, arguments=arguments, result=result))

    # --- procedure state ---------------------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        params = self.state.setdefault(PARAMS, {})
        assert isinstance(params, dict)
        return params

    def awaiting(self, slot: str) -> bool:
        return self.state.get(AWAITING) == slot

    def candidates(self) -> list[str]:
        raw = self.state.get(CANDIDATES) or []
        return [str(c) for c in raw]

    def resolved(self, slot: str, value_id: str) -> None:
        self.state[slot] = value_id
        if self.state.get(AWAITING) == slot:
            self.state.pop(AWAITING, None)
            self.state.pop(CANDIDATES, None)

    # --- endings -----------------------------------------------------------------------------------

    def answer(self, outcome: str, facts: dict[str, Any] | None = None) -> Answer:
        facts = {"procedure": self.spec.name, "outcome": outcome, **(facts or {})}
        return Answer(
            draft=render(self.spec.replies[outcome], facts),
            outcome=outcome,
            facts=facts,
            tool_calls=list(self.calls),
        )

    def stop(self, outcome: str, facts: dict[str, Any] | None = None) -> Stop:
        return Stop(self.answer(outcome, facts))

    def ask(self, question: str, *, slot: str | None, candidates: list[str] | None = None) -> Stop:
        state = dict(self.state)
        if slot is None:
            state.pop(AWAITING, None)
        else:
            state[AWAITING] = slot
        state.pop(CANDIDATES, None)
        if candidates:
            state[CANDIDATES] = list(candidates)
        return Stop(Ask(question=question, slots=state))
