"""Words for an action from the bank's record of it, for a turn that was cut short (a crash, a kill).

After a crash the agent's own memory may say the action is still waiting, or say nothing; the bank's record
(the port's ``ActionResult``, read back from its action log) is what the customer is told. The reply is the
procedure's own success template, filled from the recorded result, so it reads exactly as it would have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents.kb import KnowledgeBase
from agents.ports import (
    AccountView,
    ActionResult,
    CardView,
    DisputeView,
    PaymentView,
    RecurringPaymentView,
    TransactionQuery,
    TransactionView,
)
from agents.procedures.engine import PendingAction, execute
from agents.procedures.spec import ProcedureSpec

NOT_DONE = (
    "I'm sorry, something went wrong before I could make that change ({summary}), so nothing has been "
    "changed. If you'd still like me to do it, just ask me again."
)


class _RecordedActions:
    """A BankingPort that answers the one state change from its record and reads nothing."""

    def __init__(self, record: ActionResult) -> None:
        self._record = record

    async def _replay(self) -> ActionResult:
        return self._record

    async def list_accounts(self) -> list[AccountView]:
        return []

    async def list_cards(self) -> list[CardView]:
        return []

    async def find_transactions(self, query: TransactionQuery) -> list[TransactionView]:
        return []

    async def get_transaction(self, transaction_id: str) -> TransactionView | None:
        return None

    async def list_payments(self, *, limit: int = 10) -> list[PaymentView]:
        return []

    async def list_disputes(self) -> list[DisputeView]:
        return []

    async def list_direct_debits(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return []

    async def list_standing_orders(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return []

    async def list_scheduled_payments(self, *, include_cancelled: bool = False) -> list[RecurringPaymentView]:
        return []

    async def freeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def unfreeze_card(self, card_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def report_card(self, card_id: str, *, kind: str, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def open_dispute(self, transaction_id: str, *, reason: str, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def cancel_direct_debit(self, direct_debit_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def cancel_standing_order(self, standing_order_id: str, *, idempotency_key: str) -> ActionResult:
        return await self._replay()

    async def cancel_scheduled_payment(
        self, scheduled_payment_id: str, *, idempotency_key: str
    ) -> ActionResult:
        return await self._replay()


def pending_action(action: Mapping[str, Any]) -> PendingAction:
    fields = {k: action[k] for k in ("id", "procedure", "tool", "args", "summary") if k in action}
    return PendingAction(**fields, names=tuple(str(n) for n in action.get("names") or ()))


async def recorded_reply(
    action: Mapping[str, Any],
    record: ActionResult | None,
    *,
    procedures: Mapping[str, ProcedureSpec],
    kb: KnowledgeBase,
) -> str:
    """What to tell the customer about ``action``: done (from ``record``) or not done at all."""
    pending = pending_action(action)
    if record is None:
        return NOT_DONE.format(summary=pending.summary)
    answer = await execute(
        pending, confirmed=True, banking=_RecordedActions(record), procedures=procedures, kb=kb
    )
    return answer.draft
