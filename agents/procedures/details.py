"""The customer's own sort code and account number ("my new job wants my bank details for payroll").

They come from the customer's own accounts through the port (bound to the customer of the token), so no one
else's can be shown. The full numbers are written into the reply only: the facts kept for the audit log and
the dialogue frame carry the last four digits, as every other answer does.
"""

from __future__ import annotations

from typing import Any

from agents.ports import AccountView
from agents.procedures.context import Run
from agents.procedures.render import render
from agents.procedures.results import Answer
from agents.tools.views import clean_name

# Nobody is paid into a credit card: its details are shown only when it is the account asked about.
_PAID_INTO = ("current", "savings")


def sort_code_spelled(code: str) -> str:
    """ "924058" as a customer writes it on a form: "92-40-58"."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) != 6:
        return code
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"


def _details(account: AccountView) -> str:
    return f"sort code {sort_code_spelled(account.sort_code)}, account number {account.account_number}"


async def account_details(run: Run, slots: dict[str, Any]) -> Answer:
    chosen: AccountView | None = slots.get("account")
    accounts = [a for a in await run.accounts() if a.sort_code and a.account_number]
    if chosen is not None:
        shown = [a for a in accounts if a.id == chosen.id]
    else:
        shown = [a for a in accounts if a.kind in _PAID_INTO] or accounts
    if not shown:
        return run.answer("none")
    if len(shown) == 1:
        account = shown[0]
        facts: dict[str, Any] = {
            "account": clean_name(account.name),
            "last4": account.number_last4,
            "account_id": account.id,
        }
        full = {**facts, "details": _details(account)}
    else:
        labels = [f"- {clean_name(a.name)} ending {a.number_last4}" for a in shown]
        facts = {"lines": "\n".join(labels), "count": len(shown)}
        full = {**facts, "lines": "\n".join(f"- {clean_name(a.name)}: {_details(a)}" for a in shown)}
    outcome = "ok" if len(shown) == 1 else "list"
    logged = {"procedure": run.spec.name, "outcome": outcome, **facts}
    # The reply is the one place the full details go (the facts are logged and kept for follow-ups).
    draft = render(run.spec.replies[outcome], {**logged, **full})
    return Answer(draft=draft, outcome=outcome, facts=logged, tool_calls=list(run.calls))
