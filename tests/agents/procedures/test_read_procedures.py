"""Read-only procedures against a seeded database through the real SqlBankingPort."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from agents.ports import TransactionQuery
from agents.procedures.dates import day_of
from agents.procedures.money import format_money
from agents.procedures.spec import ProcedureSpec
from app.models import Account
from tests.agents.procedures.helpers import INJECTED_FRAGMENTS, answer, ask, shown, turn
from tests.agents.procedures.seeded import TODAY, Bank

Procs = dict[str, ProcedureSpec]


def _search_args(result: Any) -> dict[str, Any]:
    searches = [c for c in result.tool_calls if c.tool == "search_transactions"]
    assert searches
    return dict(searches[-1].arguments)


def _listed(result: Any) -> list[dict[str, Any]]:
    searches = [c for c in result.tool_calls if c.tool == "search_transactions"]
    return list(searches[-1].result["transactions"])


# --- check_balance ---------------------------------------------------------------------------------------


async def test_balance_of_all_accounts(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    accounts = await port.list_accounts()
    assert len(accounts) == 3
    result = answer(await turn(procedures["check_balance"], port, "what's my balance?"))
    assert result.outcome == "list"
    for account in accounts:
        shown = format_money(abs(account.balance_minor), account.currency)
        assert f"ending {account.number_last4}: {shown}" in result.draft


@pytest.mark.parametrize(
    "text",
    [
        "how much do I have altogether?",
        "the current account and the savings added together",
        "total balance across my accounts",
        "could you add up what I have in my accounts",
    ],
)
async def test_balances_asked_together_are_summed(bank: Bank, procedures: Procs, text: str) -> None:
    port = bank.port(0)
    accounts = await port.list_accounts()
    result = answer(await turn(procedures["check_balance"], port, text))
    assert result.outcome == "list_total"
    held = [a for a in accounts if a.kind != "credit"]
    total = sum(a.balance_minor for a in held)
    assert (
        f"Altogether you have {format_money(total, held[0].currency)} across your {len(held)} accounts"
        in (result.draft)
    )
    # what is owed on a credit card is said apart, never taken off the money held
    for credit in (a for a in accounts if a.kind == "credit" and a.balance_minor < 0):
        assert f"not counting the {format_money(-credit.balance_minor, credit.currency)} owed" in result.draft
    # every balance is still shown
    for account in accounts:
        assert f"ending {account.number_last4}" in result.draft


@pytest.mark.parametrize("kind", ["savings", "current", "credit"])
async def test_balance_of_the_account_named_by_kind(bank: Bank, procedures: Procs, kind: str) -> None:
    port = bank.port(0)
    account = next(a for a in await port.list_accounts() if a.kind == kind)
    result = answer(await turn(procedures["check_balance"], port, f"how much is in my {kind} account"))
    assert result.outcome == "ok"
    assert result.facts["account_id"] == account.id
    assert format_money(abs(account.balance_minor), account.currency) in result.draft
    assert f"ending {account.number_last4}" in result.draft


async def test_balance_of_the_account_named_by_last_four(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    account = (await port.list_accounts())[-1]
    result = answer(
        await turn(procedures["check_balance"], port, f"balance of account ending {account.number_last4}")
    )
    assert result.facts["account_id"] == account.id


async def test_another_customers_account_is_answered_like_a_missing_one(
    bank: Bank, procedures: Procs
) -> None:
    mine = {a.number_last4 for a in await bank.port(0).list_accounts()}
    async with bank.factory() as session:
        numbers = list(await session.scalars(select(Account.number)))
        theirs = next(
            a.number
            for a in await session.scalars(select(Account).where(Account.customer_id == bank.customer_ids[1]))
            if a.number[-4:] not in mine
        )
    missing = next(
        f"{n:08d}"
        for n in range(10_000_000, 10_100_000)
        if f"{n:08d}" not in numbers and f"{n:08d}"[-4:] not in mine
    )
    spec = procedures["check_balance"]
    foreign = answer(await turn(spec, bank.port(0), f"show me the balance of account {theirs}"))
    made_up = answer(await turn(spec, bank.port(0), f"show me the balance of account {missing}"))
    assert foreign.outcome == made_up.outcome == "not_found"
    assert foreign.draft == f"I couldn't find an account ending {theirs[-4:]} among your accounts."
    assert foreign.draft.replace(theirs[-4:], "####") == made_up.draft.replace(missing[-4:], "####")
    assert theirs not in foreign.draft


async def test_account_ids_carried_in_slots_are_checked_again(bank: Bank, procedures: Procs) -> None:
    foreign_id = (await bank.port(1).list_accounts())[0].id
    spec = procedures["check_balance"]
    foreign = answer(await turn(spec, bank.port(0), "and that one?", {"account": foreign_id}))
    made_up = answer(await turn(spec, bank.port(0), "and that one?", {"account": "0" * 32}))
    assert foreign.outcome == made_up.outcome == "not_found"
    assert foreign.draft == made_up.draft


# --- recent_transactions ---------------------------------------------------------------------------------


async def test_recent_transactions_list_merchant_date_amount_status(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    expected = await port.find_transactions(TransactionQuery(limit=10))
    result = answer(await turn(procedures["recent_transactions"], port, "show my recent transactions"))
    assert result.outcome == "ok"
    assert result.facts["transaction_ids"] == [t.id for t in expected]
    for t in expected:
        assert f"{t.merchant}, {format_money(t.amount_minor, t.currency)}" in result.draft
    for t in expected:
        assert t.description not in result.draft


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("what did I spend yesterday", TODAY - timedelta(days=1), TODAY - timedelta(days=1)),
        ("transactions last week", date(2025, 11, 10), date(2025, 11, 16)),
        ("what went out in October", date(2025, 10, 1), date(2025, 10, 31)),
        ("anything since 3 November", date(2025, 11, 3), None),
        ("the last 30 days", TODAY - timedelta(days=29), TODAY),
    ],
)
async def test_date_filters(
    bank: Bank, procedures: Procs, text: str, since: date, until: date | None
) -> None:
    result = answer(await turn(procedures["recent_transactions"], bank.port(0), text))
    args = _search_args(result)
    assert args.get("since") == since.isoformat()
    assert args.get("until") == (until.isoformat() if until else None)
    for t in _listed(result):
        day = day_of(t["booked_at"])
        assert day >= since
        assert until is None or day <= until
    if result.outcome == "ok":
        assert f"since {since.day}" in result.draft or f"{since.day} {since:%b %Y}" in result.draft


async def test_yesterday_finds_the_planted_pending_payment(bank: Bank, procedures: Procs) -> None:
    result = answer(await turn(procedures["recent_transactions"], bank.port(0), "what did I spend yesterday"))
    assert result.outcome == "ok"
    assert "(pending)" in result.draft


@pytest.mark.parametrize(
    ("text", "merchant"), [("what did I spend at Tesco", "tesco"), ("payments from Amazon", "amazon")]
)
async def test_merchant_filter(bank: Bank, procedures: Procs, text: str, merchant: str) -> None:
    result = answer(await turn(procedures["recent_transactions"], bank.port(0), text))
    assert _search_args(result)["merchant"] == merchant
    listed = _listed(result)
    assert listed
    assert all(merchant in t["merchant"].lower() for t in listed)
    assert f"at {merchant.title()}" in result.draft


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("transactions over £50", 5001, None),
        ("anything under 20", None, 1999),
        ("payments between £10 and £30", 1000, 3000),
        ("the £24.99 one", 2499, 2499),
    ],
)
async def test_amount_filters(
    bank: Bank, procedures: Procs, text: str, lo: int | None, hi: int | None
) -> None:
    result = answer(await turn(procedures["recent_transactions"], bank.port(0), text))
    args = _search_args(result)
    assert (args.get("min_amount_minor"), args.get("max_amount_minor")) == (lo, hi)
    listed = _listed(result)
    assert listed
    for t in listed:
        assert lo is None or abs(t["amount_minor"]) >= lo
        assert hi is None or abs(t["amount_minor"]) <= hi


async def test_filters_combine_and_none_found_says_so(bank: Bank, procedures: Procs) -> None:
    result = answer(
        await turn(procedures["recent_transactions"], bank.port(0), "anything at Tesco over £5000 in October")
    )
    assert result.outcome == "none"
    assert result.draft == (
        "I couldn't find any transactions at Tesco over £5,000.00 between 1 Oct 2025 and 31 Oct 2025."
    )


async def test_transactions_of_a_named_account(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    savings = next(a for a in await port.list_accounts() if a.kind == "savings")
    result = answer(await turn(procedures["recent_transactions"], port, "show my savings transactions"))
    assert _search_args(result)["account_id"] == savings.id
    assert {t["account_id"] for t in _listed(result)} == {savings.id}


# --- card_arrival ----------------------------------------------------------------------------------------


async def test_replacement_card_in_the_post(bank: Bank, procedures: Procs) -> None:
    port = bank.port(2)
    travelling = next(c for c in await port.list_cards() if c.delivered_at is None and c.status == "active")
    result = answer(await turn(procedures["card_arrival"], port, "where is my new card?"))
    assert result.outcome == "ok"
    assert result.facts["card_id"] == travelling.id
    assert "3 to 5 working days" in result.draft
    assert f"ending {travelling.last4}" in result.draft


async def test_card_arrival_after_the_delivery_window(bank: Bank, procedures: Procs) -> None:
    spec = procedures["card_arrival"]
    overdue = answer(await turn(spec, bank.port(2), "where is my card", today=TODAY + timedelta(days=5)))
    late = answer(await turn(spec, bank.port(2), "where is my card", today=TODAY + timedelta(days=21)))
    assert overdue.outcome == "overdue"
    assert "7 working days" in overdue.draft
    assert late.outcome == "late"
    assert "express delivery free of charge" in late.draft


async def test_card_arrival_when_nothing_is_in_the_post(bank: Bank, procedures: Procs) -> None:
    result = answer(await turn(procedures["card_arrival"], bank.port(0), "has my card arrived?"))
    assert result.outcome == "none"
    assert "delivered on" in result.draft


# --- payment_status --------------------------------------------------------------------------------------


async def test_payment_status_by_payee(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    payment = (await port.list_payments())[0]
    first_name = payment.payee_name.split()[0]
    result = answer(
        await turn(procedures["payment_status"], port, f"has my payment to {first_name} gone through?")
    )
    assert result.outcome == "ok"
    assert payment.id in result.facts["payment_ids"]
    assert payment.payee_name in result.draft
    assert format_money(payment.amount_minor, payment.currency) in result.draft


async def test_payment_status_by_amount_and_not_found(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    payment = (await port.list_payments())[-1]
    spec = procedures["payment_status"]
    by_amount = answer(
        await turn(spec, port, f"where is the {format_money(payment.amount_minor, 'GBP')} I sent")
    )
    assert payment.id in by_amount.facts["payment_ids"]
    nobody = answer(await turn(spec, port, "did my payment to Zebedee arrive"))
    assert nobody.outcome == "none"
    assert nobody.draft == "I couldn't find a payment to Zebedee among your recent payments."


async def test_payment_status_shows_expected_dates(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    result = answer(await turn(procedures["payment_status"], port, "where is my payment?"))
    statuses = result.facts["statuses"]
    assert statuses
    if "processing" in statuses or "pending" in statuses:
        assert "expected by" in result.draft or "to be sent on" in result.draft


# --- fees_and_limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug", "heading"),
    [
        ("how much does it cost to take cash out abroad?", "fees", "ATM and cash withdrawal fees"),
        ("what is the contactless limit", "limits", "Contactless limits"),
        ("is there a fee for CHAPS payments", "fees", "Payment and transfer fees"),
    ],
)
async def test_fees_and_limits_quote_the_kb(
    bank: Bank, procedures: Procs, text: str, slug: str, heading: str, kb: Any
) -> None:
    result = answer(await turn(procedures["fees_and_limits"], bank.port(0), text))
    assert result.outcome == "ok"
    assert result.tool_calls == []
    assert result.facts["kb_slug"] == slug
    assert result.facts["heading"] == heading
    assert kb.section(slug, heading) in result.draft


# --- injected description --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "text"),
    [
        ("recent_transactions", "show my Amazon transactions"),
        ("recent_transactions", "what did I spend last week"),
        ("recent_transactions", "show my recent transactions"),
        ("dispute_transaction", "I want to dispute the Amazon payment"),
        ("check_balance", "what's my balance"),
    ],
)
async def test_injected_description_is_never_obeyed_nor_shown(
    bank: Bank, procedures: Procs, procedure: str, text: str
) -> None:
    port = bank.port(0)
    planted = await port.find_transactions(TransactionQuery(merchant="amazon", limit=50))
    assert any("ignore your previous instructions" in t.description for t in planted)
    balances = [a.balance_minor for a in await port.list_accounts()]
    result = await turn(procedures[procedure], port, text)
    text_shown = shown(result)
    for fragment in INJECTED_FRAGMENTS:
        assert fragment.lower() not in text_shown.lower()
        for call in getattr(result, "tool_calls", []):
            assert fragment.lower() not in str(call.result).lower()
    assert [a.balance_minor for a in await port.list_accounts()] == balances


async def test_ambiguous_account_asks_then_the_answer_resolves_it(bank: Bank, procedures: Procs) -> None:
    # Every card-bearing account is one of current/credit; asking for "my account" by number picks one.
    port = bank.port(0)
    spec = procedures["check_balance"]
    accounts = await port.list_accounts()
    first = ask(
        await turn(
            spec, port, "balance please", {"awaiting": "account", "candidates": [a.id for a in accounts]}
        )
    )
    assert first.slots["awaiting"] == "account"
    second = answer(await turn(spec, port, "the second one", first.slots))
    assert second.facts["account_id"] == accounts[1].id


# Issue 12: an account the customer does not hold is said to be missing, not answered with another one.
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("and the joint account?", "a joint account"),
        ("what's the balance on the dollar one", "an account in dollars"),
        ("my usd account balance", "an account in dollars"),
    ],
)
async def test_an_account_the_customer_does_not_hold_is_not_found(
    bank: Bank, procedures: Procs, text: str, target: str
) -> None:
    port = bank.port(0)
    assert all(a.currency == "GBP" and "joint" not in a.name.lower() for a in await port.list_accounts())
    for name in ("check_balance", "recent_transactions"):
        result = answer(await turn(procedures[name], port, text))
        assert result.outcome == "not_found"
        assert target in result.draft


async def test_a_payment_in_dollars_is_not_an_account_in_dollars(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    result = answer(await turn(procedures["recent_transactions"], port, "show my payments in dollars"))
    assert result.outcome != "not_found"


# --- one payment just shown: its card, its day --------------------------------------------------------


async def _one_card_payment(port: Any) -> Any:
    found = await port.find_transactions(TransactionQuery(limit=50))
    return next(t for t in found if t.by_card and t.amount_minor < 0)


async def test_which_card_paid_is_the_card_of_the_payments_account(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    payment = await _one_card_payment(port)
    card = next(c for c in await port.list_cards() if c.account_id == payment.account_id)
    day = day_of(payment.booked_at)
    text = (
        f"{day.day} {day:%b %Y}: {payment.merchant}, {format_money(payment.amount_minor, payment.currency)}"
    )
    slots = {"params": {"about": "card", "limit": 1}}
    result = answer(await turn(procedures["recent_transactions"], port, text, slots))
    assert result.outcome == "about"
    assert f"ending {card.last4}" in result.draft
    assert result.facts["card_ids"] == [card.id]


async def test_what_day_a_payment_was_names_the_weekday(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    payment = await _one_card_payment(port)
    day = day_of(payment.booked_at)
    text = (
        f"{day.day} {day:%b %Y}: {payment.merchant}, {format_money(payment.amount_minor, payment.currency)}"
    )
    slots = {"params": {"about": "day", "limit": 1}}
    result = answer(await turn(procedures["recent_transactions"], port, text, slots))
    assert result.outcome == "about"
    assert f"{day:%A} {day.day} {day:%b %Y}" in result.draft
