"""Recurring payments, income and cancellations, through the real SqlBankingPort on the scenario day."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agents.dialogue.recurring_cues import (
    cancel_by_payee,
    gone_out_request,
    names_recurring,
    recurring_by_payee,
    recurring_intent,
    recurring_request,
    repayment_request,
)
from agents.kb import KnowledgeBase
from agents.ports import TransactionQuery
from agents.procedures.engine import execute
from agents.procedures.recorded import recorded_reply
from agents.procedures.recurring import (
    PER_YEAR,
    Upcoming,
    bill_words,
    collected_period,
    may_be_paid_by_card,
    named_words,
    parse_upcoming,
)
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from app.models import Dispute, ToolAction
from tests.agents.procedures.helpers import answer, ask, confirm, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
pytestmark = pytest.mark.usefixtures("on_the_scenario_day")


async def _count(factory: async_sessionmaker[AsyncSession], model: type) -> int:
    async with factory() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _statuses(port: SqlBankingPort, kind: str) -> dict[str, str]:
    """payee -> status of one customer's direct debits, standing orders or scheduled payments."""
    listing = {
        "direct_debit": port.list_direct_debits,
        "standing_order": port.list_standing_orders,
        "scheduled_payment": port.list_scheduled_payments,
    }[kind]
    return {r.payee_name: r.status for r in await listing(include_cancelled=True)}


# --- reading -----------------------------------------------------------------------------------------------


async def test_direct_debits_are_listed_with_their_own_amounts(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    listed = answer(await turn(spec, ports[0], "what direct debits do I have?", today=TODAY))
    assert listed.outcome == "ok"
    text = listed.draft
    for expected in ("Sky: £38.27", "British Gas: £123.94", "Northbank Credit Card: £260.75", "5 Dec 2026"):
        assert expected in text
    assert "Oliver Lewis" not in text  # a standing order, not asked about
    assert "Greenway" not in text
    assert text.index("Sky") < text.index("British Gas")  # soonest first
    assert [c.tool for c in listed.tool_calls] == ["list_direct_debits"]


async def test_a_named_standing_order_gets_its_amount_not_a_one_off_payment(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    named = answer(await turn(spec, ports[0], "how much is the pocket money standing order?", today=TODAY))
    assert named.outcome == "named"
    assert "£50.00 monthly to Oliver Lewis (reference POCKET MONEY), next on 1 Dec 2026" in named.draft
    assert "Easy Saver" not in named.draft
    everything = answer(
        await turn(spec, ports[0], "what regular payments go out of my account?", today=TODAY)
    )
    for expected in (
        "Direct debits:",
        "Standing orders:",
        "Scheduled payments:",
        "£850.00 to Greenway Lettings",
    ):
        assert expected in everything.draft


async def test_no_scheduled_payments_says_so(ports: list[SqlBankingPort], procedures: Procs) -> None:
    none = answer(
        await turn(procedures["recurring_payments"], ports[1], "any scheduled payments?", today=TODAY)
    )
    assert none.outcome == "none"
    assert none.draft == "You don't have any active scheduled payments at the moment."


# --- cancelling -----------------------------------------------------------------------------------------


async def test_cancel_a_named_direct_debit_once(
    kb: KnowledgeBase,
    ports: list[SqlBankingPort],
    procedures: Procs,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    spec = procedures["cancel_direct_debit"]
    asked = confirm(await turn(spec, ports[0], "cancel my Sky direct debit", today=TODAY))
    assert asked.action.tool == "cancel_direct_debit"
    assert asked.prompt.startswith("Shall I cancel your direct debit to Sky?")
    for fact in ("£38.27", "monthly", "5 Dec 2026"):
        assert fact in asked.prompt
    assert await _statuses(ports[0], "direct_debit") == dict.fromkeys(
        await _statuses(ports[0], "direct_debit"), "active"
    )

    done = await execute(asked.action, confirmed=True, banking=ports[0], procedures=procedures, kb=kb)
    assert done.outcome == "ok"
    assert done.draft.startswith("Done: your direct debit to Sky is cancelled")
    assert "5 Dec 2026" in done.draft
    again = await execute(
        asked.action, confirmed=True, banking=ports[0], procedures=procedures, kb=kb
    )  # a retried confirmation
    assert again.facts["replayed"] is True
    assert again.draft == done.draft
    statuses = await _statuses(ports[0], "direct_debit")
    assert statuses["Sky"] == "cancelled"
    assert statuses["British Gas"] == "active"
    assert await _count(session_factory, ToolAction) == 1
    assert await _count(session_factory, Dispute) == 2  # the seeded ones: a cancellation is no dispute

    gone = ask(await turn(spec, ports[0], "cancel my Sky direct debit", today=TODAY))  # no longer active
    assert gone.question.startswith('I couldn\'t find a direct debit matching "sky"')
    assert "1. British Gas" in gone.question


async def test_an_ambiguous_cancellation_offers_a_numbered_choice(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["cancel_direct_debit"]
    question = ask(await turn(spec, ports[0], "I want to cancel a direct debit", today=TODAY))
    assert question.question.startswith("Which direct debit would you like to cancel?")
    assert "1. Sky: £38.27" in question.question
    assert "2. British Gas: £123.94" in question.question
    assert "3. Northbank Credit Card: £260.75" in question.question
    picked = confirm(await turn(spec, ports[0], "2", question.slots, today=TODAY))
    assert "direct debit to British Gas" in picked.prompt
    by_name = confirm(await turn(spec, ports[0], "the credit card one", question.slots, today=TODAY))
    assert "Northbank Credit Card" in by_name.prompt


@pytest.mark.parametrize(
    ("text", "payee"),
    [
        ("stop the British Gas direct debit, not the Sky one", "British Gas"),
        ("we have sky at the new flat so cancel my sky direct debit. leave the british gas one alone", "Sky"),
        ("cancel the direct debit to sky but keep my british gas one going", "Sky"),
        ("ditch the direct debit, the 120 odd quid one", "British Gas"),
    ],
)
async def test_a_payee_named_only_to_be_kept_is_not_offered(
    ports: list[SqlBankingPort], procedures: Procs, text: str, payee: str
) -> None:
    # Naming a second payee to leave alone, or an approximate amount, still picks one direct debit.
    asked = confirm(await turn(procedures["cancel_direct_debit"], ports[0], text, today=TODAY))
    assert asked.prompt.startswith(f"Shall I cancel your direct debit to {payee}?")


async def test_an_unknown_payee_is_said_and_the_choice_offered(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    question = ask(
        await turn(procedures["cancel_direct_debit"], ports[0], "cancel my Netflix direct debit", today=TODAY)
    )
    assert question.question.startswith(
        'I couldn\'t find a direct debit matching "netflix". Which direct debit'
    )
    assert "Sky" in question.question


async def test_stop_the_pocket_money_standing_order(
    kb: KnowledgeBase,
    ports: list[SqlBankingPort],
    procedures: Procs,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    spec = procedures["cancel_standing_order"]
    asked = confirm(await turn(spec, ports[0], "stop the pocket money standing order", today=TODAY))
    assert "£50.00 (monthly) to Oliver Lewis, reference POCKET MONEY" in asked.prompt
    assert "1 Dec 2026" in asked.prompt
    declined = await execute(asked.action, confirmed=False, banking=ports[0], procedures=procedures, kb=kb)
    assert declined.draft.startswith("OK, I won't cancel your standing order to Oliver Lewis (£50.00).")
    assert (await _statuses(ports[0], "standing_order"))["Oliver Lewis"] == "active"
    done = await execute(asked.action, confirmed=True, banking=ports[0], procedures=procedures, kb=kb)
    assert "standing order of £50.00 to Oliver Lewis is cancelled" in done.draft
    assert (await _statuses(ports[0], "standing_order"))["Oliver Lewis"] == "cancelled"
    assert (await _statuses(ports[0], "standing_order"))["Northbank Easy Saver"] == "active"


async def test_cancel_the_rent_payment_next_week(
    kb: KnowledgeBase,
    ports: list[SqlBankingPort],
    procedures: Procs,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    spec = procedures["cancel_scheduled_payment"]
    asked = confirm(await turn(spec, ports[0], "cancel the rent payment next week", today=TODAY))
    assert (
        "the £850.00 payment to Greenway Lettings (reference DEC RENT) scheduled for 4 Dec 2026"
        in asked.prompt
    )
    done = await execute(asked.action, confirmed=True, banking=ports[0], procedures=procedures, kb=kb)
    assert done.draft == (
        "Done: the £850.00 payment to Greenway Lettings scheduled for 4 Dec 2026 is cancelled "
        "and won't be sent."
    )
    assert (await _statuses(ports[0], "scheduled_payment"))["Greenway Lettings"] == "cancelled"
    assert (await _statuses(ports[4], "scheduled_payment"))["Trevor Leach"] == "active"
    nothing = answer(await turn(spec, ports[1], "cancel my scheduled payment", today=TODAY))
    assert nothing.draft == "You don't have any scheduled payments to cancel."


async def test_another_customers_item_carried_in_the_slots_is_not_found(
    kb: KnowledgeBase,
    ports: list[SqlBankingPort],
    procedures: Procs,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    sarah_rent = (await ports[4].list_scheduled_payments())[0]
    spec = procedures["cancel_scheduled_payment"]
    result = answer(await turn(spec, ports[0], "yes that one", {"item": sarah_rent.id}, today=TODAY))
    assert result.outcome == "not_found"
    forged = confirm(await turn(spec, ports[0], "cancel the rent payment next week", today=TODAY)).action
    forged = type(forged)(**{**asdict(forged), "args": {"scheduled_payment_id": sarah_rent.id}})
    refused = await execute(forged, confirmed=True, banking=ports[0], procedures=procedures, kb=kb)
    assert refused.outcome == "not_found"
    assert refused.draft == "I couldn't find that scheduled payment among your scheduled payments."
    assert (await _statuses(ports[4], "scheduled_payment"))["Trevor Leach"] == "active"


async def test_the_recovered_reply_after_a_crash_covers_cancellations(
    ports: list[SqlBankingPort], procedures: Procs, kb: KnowledgeBase
) -> None:
    asked = confirm(
        await turn(
            procedures["cancel_direct_debit"], ports[0], "cancel the British Gas direct debit", today=TODAY
        )
    )
    record = await ports[0].cancel_direct_debit(
        asked.action.args["direct_debit_id"], idempotency_key=asked.action.id
    )
    action = asdict(asked.action)
    done = await recorded_reply(action, record, procedures=procedures, kb=kb)
    assert done.startswith("Done: your direct debit to British Gas is cancelled")
    not_done = await recorded_reply(action, None, procedures=procedures, kb=kb)
    assert "nothing has been changed" in not_done
    assert "cancel your direct debit to British Gas" in not_done


# --- which procedure a message goes to ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cancel my Sky direct debit", "cancel_direct_debit"),
        ("please stop my DD to Octopus", "cancel_direct_debit"),
        ("I don't want the British Gas direct debit anymore", "cancel_direct_debit"),
        ("stop the pocket money standing order", "cancel_standing_order"),
        ("cancle my standing order pls", "cancel_standing_order"),  # typed in a hurry
        # everyday words for cancelling
        ("bin the gym direct debit", "cancel_direct_debit"),
        ("can you ditch my direct debit to the council", "cancel_direct_debit"),
        ("scrap that standing order to my son", "cancel_standing_order"),
        ("cancel the rent payment next week", "cancel_scheduled_payment"),
        ("cancel the payment to Greenway Lettings on the 4th", "cancel_scheduled_payment"),
        ("what direct debits do I have?", "recurring_payments"),
        ("how much is my standing order to my son", "recurring_payments"),
        ("what payments are scheduled", "recurring_payments"),
        ("did my wages arrive?", "income"),
        ("when was I last paid", "income"),
        ("has my salary come in yet", "income"),
        # disputes and fraud stay disputes; card actions and plain payments are not ours
        ("I don't recognise this direct debit", None),
        ("there's a direct debit I didn't authorise, I want my money back", None),
        ("I want to dispute the Sky direct debit, it charged me twice", None),
        ("cancel my card", None),
        ("freeze my card", None),
        ("how much did I spend on groceries", None),
        ("what's the status of my payment to Greenway", None),
        ("how much have I earned in total this year", None),
        ("how much have I spent since I got paid?", None),
        ("what's going out next week?", "recurring_payments"),
        ("when is my next British Gas payment due?", "recurring_payments"),
        ("when is my next payday?", "income"),
        ("how much is my mortgage?", None),  # the latest payments to it: spending's
        ("how much did I spend last week", None),
        # issue 12: what goes out regularly, in everyday words
        ("what comes out every month", "recurring_payments"),
        ("what goes out of my account monthly?", "recurring_payments"),
        ("my monthly outgoings please", "recurring_payments"),
        ("what's going out in December", "recurring_payments"),
        ("how much did I spend each month", None),
        ("did the money from work go in", "income"),
        ("hows my pension, has it come in", "income"),
        # a payee between "when" and "next": the next collection, even beside "same as last month"
        ("whens the council tax next going out, same as last month?", "recurring_payments"),
        ("when does octopus next get collected", "recurring_payments"),
        # the pay from a named employer is the salary; paying from one's own account is not
        ("is my pay from acme the same every month, what date does it land", "income"),
        ("can I pay from my savings account", None),
        # what the salary usually is; what comes back or is charged is not
        ("and how much do i normally get, planning for christmas", "income"),
        ("how much do I get paid", "income"),
        ("how much do i usually get back in cashback", None),
        # the last pay, however it is called; the last payment to someone is not
        ("how much was my last pay and what day did it go in?", "income"),
        ("what was my most recent pay then", "income"),
        ("when did my latest take home land", "income"),
        ("how much was my last payment to british gas", None),
        # the next one to go out, and a weekday as the end of the period; a worry is no cancellation
        ("whats the next thing to come out my account and when", "recurring_payments"),
        ("which payment leaves my account next?", "recurring_payments"),
        ("whats the next thing i need to do for my new card", None),
        ("what's going out between now and next saturday (the 5th)", "recurring_payments"),
        ("what's coming out before wednesday? dont want to go overdrawn", "recurring_payments"),
        ("i dont want the gym direct debit anymore", "cancel_direct_debit"),
    ],
)
def test_recurring_cues(text: str, expected: str | None) -> None:
    assert recurring_intent(text) == expected


async def test_a_cancellation_naming_only_the_payee_finds_its_kind(ports: list[SqlBankingPort]) -> None:
    jake, kathleen = ports[0], ports[1]
    assert await cancel_by_payee("stop paying British Gas please", jake) == "cancel_direct_debit"
    assert await cancel_by_payee("I'd like to stop the Easy Saver transfer", jake) == "cancel_standing_order"
    assert await cancel_by_payee("cancel the Greenway Lettings payment", jake) == "cancel_scheduled_payment"
    assert await cancel_by_payee("cancel the Greenway Lettings payment", kathleen) is None  # not hers
    assert await cancel_by_payee("stop paying Virgin Media", kathleen) == "cancel_direct_debit"
    assert await cancel_by_payee("cancell the Virgin Media one plz", kathleen) == "cancel_direct_debit"
    assert await cancel_by_payee("cancel my card", jake) is None
    assert await cancel_by_payee("cancel the payment to Hollie Ward", jake) is None  # a one-off transfer
    assert await cancel_by_payee("what does British Gas charge me", jake) is None  # no request to stop
    assert await cancel_by_payee("stop British Gas, I don't recognise it", jake) is None  # a dispute


async def test_cancel_the_second_one_after_a_listing(ports: list[SqlBankingPort], procedures: Procs) -> None:
    listed = answer(await turn(procedures["recurring_payments"], ports[0], "my direct debits?", today=TODAY))
    lines = [line[2:] for line in listed.draft.splitlines() if line.startswith("- ")]
    frame = {"procedure": "recurring_payments", "listed": lines}
    found = await recurring_request("cancel the second one", frame, ports[0])
    assert found is not None
    procedure, text = found
    assert procedure == "cancel_direct_debit"
    asked = confirm(await turn(procedures[procedure], ports[0], text, today=TODAY))
    assert asked.prompt.startswith("Shall I cancel your direct debit to British Gas?")
    assert await recurring_request("cancel the ninth one", frame, ports[0]) is None
    assert (
        await recurring_request("cancel the second one", {"procedure": "recent_transactions"}, ports[0])
        is None
    )
    assert await recurring_request("what's my balance", frame, ports[0]) is None


async def test_what_goes_out_next_week(ports: list[SqlBankingPort], procedures: Procs) -> None:
    spec = procedures["recurring_payments"]
    week = answer(await turn(spec, ports[0], "what's going out next week?", today=TODAY))
    assert "due next week (30 Nov 2026 to 6 Dec 2026)" in week.draft
    for due in ("Oliver Lewis", "Greenway Lettings", "Sky: £38.27", "Northbank Easy Saver"):
        assert due in week.draft
    assert "British Gas" not in week.draft  # 13 Dec
    assert "Northbank Credit Card" not in week.draft  # 14 Dec
    tomorrow = answer(await turn(spec, ports[0], "any direct debits tomorrow?", today=TODAY))
    assert tomorrow.outcome == "none"
    assert tomorrow.draft.startswith("You don't have any active direct debits due tomorrow (29 Nov 2026")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is going out next week", Upcoming(date(2026, 11, 30), date(2026, 12, 6), "next week")),
        ("anything due tomorrow", Upcoming(date(2026, 11, 29), date(2026, 11, 29), "tomorrow")),
        ("what comes out in December", Upcoming(date(2026, 12, 1), date(2026, 12, 31), "in December")),
        ("and in march?", Upcoming(date(2027, 3, 1), date(2027, 3, 31), "in March")),  # the next March
        ("in the next 10 days", Upcoming(date(2026, 11, 28), date(2026, 12, 8), "in the next 10 days")),
        (
            "before the end of the month",
            Upcoming(date(2026, 11, 28), date(2026, 11, 30), "before the end of the month"),
        ),
        ("what went out last week", None),
        # a weekday: the next one after today (the 28th is a Saturday); with its day named, that day
        (
            "between now and next saturday (the 5th, including that day)",
            Upcoming(date(2026, 11, 28), date(2026, 12, 5), "between now and 5 Dec 2026"),
        ),
        (
            "between now and wednesday",
            Upcoming(date(2026, 11, 28), date(2026, 12, 2), "between now and Wednesday 2 Dec 2026"),
        ),
        ("before friday", Upcoming(date(2026, 11, 28), date(2026, 12, 3), "before Friday 4 Dec 2026")),
        ("by saturday", Upcoming(date(2026, 11, 28), date(2026, 12, 5), "by Saturday 5 Dec 2026")),
        (
            "before the 6th, including that day",
            Upcoming(date(2026, 11, 28), date(2026, 12, 6), "before 6 Dec 2026"),
        ),
    ],
)
def test_parse_upcoming(text: str, expected: Upcoming | None) -> None:
    assert parse_upcoming(text, TODAY) == expected


async def test_a_direct_debit_named_by_what_it_pays(ports: list[SqlBankingPort], procedures: Procs) -> None:
    """The mandate's reference is what the statement calls it, so "my mortgage" finds the building society."""
    kathleen = ports[1]
    spec = procedures["recurring_payments"]
    named = answer(await turn(spec, kathleen, "when is my next mortgage payment due?", today=TODAY))
    assert named.outcome == "named"
    assert "Nationwide Building Society: £1,041.75 monthly" in named.draft
    assert "30 Nov 2026" in named.draft
    assert "Virgin Media" not in named.draft


# Issue 12: "how much do my direct debits come to each month" is a sum, not the list.
async def test_direct_debits_total_a_month(ports: list[SqlBankingPort], procedures: Procs) -> None:
    spec = procedures["recurring_payments"]
    total = answer(
        await turn(spec, ports[0], "how much do my direct debits come to each month?", today=TODAY)
    )
    assert total.outcome == "total_monthly"
    # Sky £38.27 + British Gas £123.94 + Northbank Credit Card £260.75
    assert "come to £422.96 a month in total, over 3 payments" in total.draft
    listed = answer(await turn(spec, ports[0], "what direct debits do I have?", today=TODAY))
    assert listed.outcome == "ok"


async def test_everything_due_in_a_coming_month_totals(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    total = answer(await turn(spec, ports[0], "what's the total going out in December?", today=TODAY))
    assert total.outcome == "total_period"
    # 3 direct debits (£422.96), 2 standing orders (£405.00) and the £850.00 rent, all due in December 2026
    assert "come to £1,677.96 in total, over 6 payments" in total.draft
    assert "1 Dec 2026 to 31 Dec 2026" in total.draft


async def test_the_regular_total_sets_one_off_payments_apart(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    total = answer(await turn(spec, ports[0], "what do all my regular payments add up to", today=TODAY))
    assert total.outcome == "total_monthly"
    assert "come to £827.96 a month in total, over 5 payments" in total.draft
    assert "1 one-off scheduled payment of £850.00" in total.draft


async def test_what_regular_payments_come_to_over_a_year(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    year = answer(await turn(spec, ports[0], "what do my direct debits come to in a year?", today=TODAY))
    assert year.outcome == "total_yearly"
    # (£38.27 + £123.94 + £260.75) x 12: each monthly payment twelve times
    assert "come to £5,075.52 (£422.96 a month, over 3 payments)" in year.draft
    # Right after a list ("the form wants it for the whole year"): the list's request, over a year.
    asked = answer(
        await turn(spec, ports[1], "what direct debits do I have", {"params": {"per": "year"}}, today=TODAY)
    )
    assert asked.outcome == "total_yearly"
    assert "£14,575.56" in asked.draft
    # "this year" is a period, not a yearly figure
    assert not PER_YEAR.search("what have my direct debits come to this year")


async def test_cancel_that_one_after_one_was_picked_from_a_list(ports: list[SqlBankingPort]) -> None:
    frame = {
        "procedure": "recurring_payments",
        "text": "the second one (i want to see my standing orders)",
        "listed": [
            "Your standing order: £355.00 monthly to Northbank Easy Saver (reference EASY SAVER), "
            "next on 6 Dec 2026"
        ],
    }
    found = await recurring_request("cancel that one", frame, ports[0])
    assert found is not None
    assert found[0] == "cancel_standing_order"
    assert "EASY SAVER" in found[1]
    assert await recurring_request("cancel that one", {**frame, "listed": []}, ports[0]) is None


async def test_when_the_next_salary_is_expected(ports: list[SqlBankingPort], procedures: Procs) -> None:
    spec = procedures["income"]
    paid = answer(await turn(spec, ports[0], "when's my next payday?", today=TODAY))
    assert paid.outcome == "ok"
    # salary on 24 Nov, 25 Oct and 25 Sep: monthly, so the next is expected around 24 Dec
    assert "the next would be expected around 24 Dec 2026" in paid.draft


async def test_next_one_after_the_salary_was_shown_is_the_salary(ports: list[SqlBankingPort]) -> None:
    frame = {"procedure": "income", "text": "has my salary come in", "listed": []}
    found = await recurring_request("when's the next one due", frame, ports[0])
    assert found is not None
    assert found[0] == "income"
    alone = await recurring_request("when's the next one due", {}, ports[0])
    assert alone is None or alone[0] != "income"


async def test_next_payment_named_after_the_salary_is_that_payment(ports: list[SqlBankingPort]) -> None:
    # "1) my last pay 2) when is BT next due": the second request names a direct debit, not the salary
    frame = {"procedure": "income", "text": "how much my last pay was", "listed": []}
    found = await recurring_request("when is BT next due + what's it for", frame, ports[3])
    assert found is not None
    assert found[0] == "recurring_payments"
    assert "salary" not in found[1]


async def test_a_regular_payment_asked_again(ports: list[SqlBankingPort]) -> None:
    # "what day was BT again": the answer asked once more, not a collection that went ("was")
    assert await recurring_by_payee("ah remind me what day BT was again?", {}, ports[3])
    assert await recurring_by_payee("sorry what date was the sky again", {}, ports[4])
    # without "again", "was" still asks about a payment that went
    assert not await recurring_by_payee("what date was the sky taken in october", {}, ports[4])


async def test_a_recurring_payment_named_by_its_reference(ports: list[SqlBankingPort]) -> None:
    assert await names_recurring("has the rent gone out yet", ports[0])  # the scheduled "DEC RENT"
    assert not await names_recurring("has my payment to hollie ward gone through", ports[0])


# --- set 20: the next repayment, and "when does it next go out" ---------------------------------------


async def test_the_next_repayment_is_the_direct_debit_to_the_card(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    words = await repayment_request("how much will the next card repayment be?", ports[0])
    assert words is not None
    shown = answer(await turn(procedures["recurring_payments"], ports[0], words, today=TODAY))
    assert "Northbank Credit Card: £260.75" in shown.draft
    assert "Easy Saver" not in shown.draft  # shares "Northbank" with the card's payee, not what is asked
    # A customer without a card repayment: nothing to pick, the other routes answer.
    assert await repayment_request("when is my credit card repayment due", ports[2]) is None


async def test_the_next_collection_asked_is_not_this_months_payment(ports: list[SqlBankingPort]) -> None:
    assert await gone_out_request("how much is sky and when does it next go out", TODAY, ports[2]) is None
    assert await gone_out_request("has sky gone out this month", TODAY, ports[2]) is not None


async def test_a_shop_by_its_nickname_or_plural_is_the_one_on_the_statement(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["spending"]
    for text in ("how much was i in spoons for in october", "what did i spend at wetherspoons in october"):
        spent = answer(await turn(spec, ports[3], text, today=TODAY))
        assert "£7.90 at Wetherspoon" in spent.draft, text


@pytest.mark.parametrize(
    ("text", "listed", "expected"),
    [
        (
            "whats that over a year then",
            "Your direct debit: TV Licence: £14.19 monthly (the latest collection), next on 14 Dec 2026",
            ["TV Licence", 1419, "GBP", 12],
        ),
        (
            "how much a year is that",
            "Your standing order: £10.00 weekly to Oliver Lewis (reference POCKET MONEY), next on 1 Dec 2026",
            ["Oliver Lewis", 1000, "GBP", 52],
        ),
        ("is that monthly?", "Your direct debit: TV Licence: £14.19 monthly", None),
    ],
)
def test_regular_payment_over_a_year(text: str, listed: str, expected: list[object] | None) -> None:
    from agents.nodes.route import _over_a_year

    assert _over_a_year(text, {"procedure": "recurring_payments", "listed": [listed]}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what's gone out by direct debit this month", (date(2026, 11, 1), TODAY)),
        ("which direct debits have been collected so far", (date(2026, 11, 1), TODAY)),
        ("how much went out in direct debits in October", (date(2026, 10, 1), date(2026, 10, 31))),
        # a month that is over: what was collected in it, whatever the verb (not next year's October)
        ("how much did I pay in direct debits in october", (date(2026, 10, 1), date(2026, 10, 31))),
        ("my direct debits in september", (date(2026, 9, 1), date(2026, 9, 30))),
        ("have i paid my direct debits this month", (date(2026, 11, 1), TODAY)),
        ("what direct debits are due this month", None),
        ("which direct debits are still to come out this month", None),
        ("how much will come out next week", None),
    ],
)
def test_collected_period(text: str, expected: tuple[date, date] | None) -> None:
    assert collected_period(text, TODAY) == expected


async def test_what_has_gone_out_by_direct_debit_is_read_from_the_payments(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    port = ports[3]
    mandates = {d.payee_name: d.account_id for d in await port.list_direct_debits()}
    taken = [
        t
        for t in await port.find_transactions(TransactionQuery(since="2026-11-01", limit=50))
        if t.amount_minor < 0 and mandates.get(t.merchant) == t.account_id
    ]
    assert taken
    result = answer(
        await turn(
            procedures["recurring_payments"], port, "what's gone out by direct debit this month?", today=TODAY
        )
    )
    assert result.outcome == "collected"
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in taken)
    assert result.facts["totals_minor"] == {"GBP": -sum(t.amount_minor for t in taken)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is the greenway lettings payment every month or just a one off?", "recurring_payments"),
        ("did I set up greenway as a one-time thing or monthly", "recurring_payments"),
        ("will the payment to greenway repeat in january?", "recurring_payments"),
        # not about one of the customer's own regular payments, or no question of how often
        ("is the gym membership monthly or a one-off?", None),
        ("how much did I spend at greenway each month", None),
    ],
)
async def test_whether_a_payment_repeats_is_asked_of_the_payment(
    ports: list[SqlBankingPort], text: str, expected: str | None
) -> None:
    found = await recurring_request(text, {}, ports[0])
    assert (found[0] if found else None) == expected


async def test_a_scheduled_payment_says_it_is_made_once(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    result = answer(
        await turn(procedures["recurring_payments"], ports[0], "is the greenway one a one-off?", today=TODAY)
    )
    assert "Greenway Lettings" in result.draft
    assert "one-off, it won't repeat" in result.draft


async def test_a_subscription_paid_by_card_is_answered_from_its_card_payments(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    port = ports[3]
    assert not [d for d in await port.list_direct_debits() if "netflix" in d.payee_name.lower()]
    paid = [
        t
        for t in await port.find_transactions(TransactionQuery(merchant="Netflix", limit=20))
        if t.by_card and t.amount_minor < 0
    ]
    assert len(paid) >= 2
    result = answer(
        await turn(
            procedures["recurring_payments"],
            port,
            "is my netflix a direct debit? how much is it and when does it come out each month?",
            today=TODAY,
        )
    )
    assert result.outcome == "by_card"
    assert sorted(result.facts["transaction_ids"]) == sorted(t.id for t in paid)
    days = sorted(int(t.booked_at[8:10]) for t in paid)
    assert result.facts["usual_day"].startswith(str(days[len(days) // 2]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my spotify comes off the card I think, what day does it go", True),
        ("is the gym membership a direct debit?", True),
        ("netflix isn't a dd is it", True),
        ("what's going out in December", False),
        ("how much do my direct debits come to each month", False),
        ("what is a direct debit", False),
    ],
)
def test_card_payments_are_read_only_when_the_customer_doubts_a_mandate(text: str, expected: bool) -> None:
    assert may_be_paid_by_card(text) is expected


@pytest.mark.parametrize(
    ("payee", "word"),
    [
        ("Octopus Energy", "gas"),
        ("British Gas", "electric"),
        ("EDF", "energy"),
        ("Virgin Media", "broadband"),
        ("BT", "phonebill"),
        ("Sky", "tv"),
        ("Thames Water", "water"),
        ("Aviva", "insurance"),
        ("PureGym", "gym"),
    ],
)
def test_a_bill_is_named_by_what_it_pays_for(payee: str, word: str) -> None:
    assert word in bill_words(payee)


@pytest.mark.parametrize(
    ("payee", "word"), [("Netflix", "gas"), ("Nationwide Building Society", "broadband")]
)
def test_a_payee_bills_only_for_what_it_sells(payee: str, word: str) -> None:
    assert word not in bill_words(payee)


def test_a_phone_is_a_bill_only_when_the_bill_is_said() -> None:
    assert "phonebill" in named_words("whens my phone bill due")
    assert "phonebill" in named_words("how much is the mobile contract")
    assert "phonebill" not in named_words("I lost my phone")


@pytest.mark.parametrize(
    ("procedure", "text"),
    [
        ("cancel_direct_debit", "cancel the netflix direct debit please, we never watch it"),
        ("cancel_standing_order", "stop my netflix standing order"),
    ],
)
async def test_cancelling_a_subscription_paid_by_card_says_it_is_a_card_payment(
    ports: list[SqlBankingPort],
    procedures: Procs,
    session_factory: async_sessionmaker[AsyncSession],
    procedure: str,
    text: str,
) -> None:
    port = ports[3]
    card = next(c for c in await port.list_cards() if c.last4 == "2547")
    result = answer(await turn(procedures[procedure], port, text, today=TODAY))
    assert result.outcome == "by_card"
    assert "Netflix isn't a" in result.draft
    assert "card payment" in result.draft
    assert f"{card.brand} card ending {card.last4}" in result.draft
    assert "cancel the subscription with Netflix" in result.draft
    assert await _count(session_factory, ToolAction) == 0


async def test_a_guess_between_two_amounts_asks_about_that_payment(ports: list[SqlBankingPort]) -> None:
    for text in ("is the tv licence 14 or 41 quid a month??", "tv licence - is it 14 or 41?"):
        found = await recurring_request(text, {}, ports[2])
        assert found is not None, text
        assert found[0] == "recurring_payments"


async def test_a_standing_order_by_a_day_ahead(ports: list[SqlBankingPort], procedures: Procs) -> None:
    spec = procedures["recurring_payments"]
    text = "my standing order to savings, how much will it have put by come New Year?"
    shown = answer(await turn(spec, ports[1], text, today=TODAY))
    assert shown.outcome == "projection"
    # three paid (Sep, Oct, Nov) and one more on 6 Dec
    assert "£1,125.00 over 3 payments" in shown.draft
    assert "£375.00 over 1 more payment (6 Dec 2026)" in shown.draft
    assert shown.facts["totals_minor"] == {"GBP": 150000}


async def test_the_next_payment_to_go_out_then_the_one_after(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    damien = ports[2]
    first = answer(await turn(spec, damien, "what's the next thing to come out of my account?", today=TODAY))
    assert first.outcome == "next"
    assert first.draft.startswith("The next of your regular payments to go out is on Monday 7 Dec 2026")
    assert "Sky, £44.97 (direct debit)" in first.draft
    assert "TV Licence" not in first.draft
    lines = [line[2:] for line in first.draft.splitlines() if line.startswith("- ")]
    frame = {"procedure": "recurring_payments", "text": "what's the next thing to come out?", "listed": lines}
    found = await recurring_request("and after that?", frame, damien)
    assert found is not None
    assert found[0] == "recurring_payments"
    after = answer(await turn(spec, damien, found[1], today=TODAY))
    assert after.outcome == "next_after"
    assert "Monday 14 Dec 2026" in after.draft
    assert "TV Licence, £14.19" in after.draft
    # after the last of them this month, the monthly ones come round again
    later = answer(await turn(spec, damien, f"{found[1]} (the next one after 14 Dec 2026)", today=TODAY))
    assert "7 Jan 2027: Sky, £44.97" in later.draft
    # "after that" means nothing after a list that did not show the next one
    listed = {**frame, "text": "what direct debits do I have"}
    assert await recurring_request("and after that?", listed, damien) != found


async def test_one_named_payment_over_a_year_is_its_yearly_figure(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    for text in ("whats sky costing me over a year?", "how much is the sky direct debit annually"):
        year = answer(await turn(spec, ports[0], text, today=TODAY))
        assert year.outcome == "named_yearly", text
        # £38.27 x 12, with the payment itself (its next date) shown below
        assert "£459.24: 12 payments of £38.27" in year.draft
        assert "5 Dec 2026" in year.draft
    # asked by the year with no word of "how much": still what it costs
    assert await recurring_by_payee("what my sky comes to over the whole year", {}, ports[0])
    # the whole list over a year stays the total of every payment
    assert answer(
        await turn(spec, ports[0], "what do my direct debits cost a year", today=TODAY)
    ).outcome == ("total_yearly")


async def test_next_one_after_one_payment_shown_is_that_payment(ports: list[SqlBankingPort]) -> None:
    frame = {
        "procedure": "recurring_payments",
        "text": "whats sky costing me over a year?",
        "listed": [
            "Your direct debit: Sky: £38.27 monthly (the latest collection), next collection on 5 Dec 2026"
        ],
    }
    found = await recurring_request("and whens the next one due out", frame, ports[0])
    assert found is not None
    assert found[0] == "recurring_payments"
    assert "sky" in found[1]
    assert not PER_YEAR.search(found[1])  # its next date, not its yearly figure again
    # a payment of its own named ("the monthly one into my saver") is not the one shown
    own = await recurring_request(
        "and the monthly one into my saver, what does that add up to over a year", frame, ports[0]
    )
    assert own is not None
    assert "sky" not in own[1]


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        (
            "staying with my daughter from the 14th until the 20th of December",
            date(2026, 12, 14),
            date(2026, 12, 20),
        ),
        ("between 14 and 20 Dec", date(2026, 12, 14), date(2026, 12, 20)),
        ("from the 2nd till the 9th", date(2026, 12, 2), date(2026, 12, 9)),
        ("from the 28th to the 3rd of January", date(2026, 12, 28), date(2027, 1, 3)),
    ],
)
def test_a_stretch_of_days_ahead(text: str, since: date, until: date) -> None:
    found = parse_upcoming(text, TODAY)
    assert found is not None
    assert (found.since, found.until) == (since, until)


def test_a_stretch_of_days_gone_is_not_ahead() -> None:
    assert parse_upcoming("from the 1st to the 10th of november", TODAY) is None


def test_will_anything_come_out_over_a_stretch_is_the_payments_due() -> None:
    said = "I'm away from the 14th until the 20th of December. Will anything come out of my account?"
    assert recurring_intent(said) == "recurring_payments"
    assert (
        recurring_intent("is anything gonna come out between the 3rd and the 10th dec")
        == "recurring_payments"
    )
    # a month named is no payee ("dec" is not the reference "DEC RENT")
    assert "dec" not in named_words("from the 3rd to the 10th dec")
