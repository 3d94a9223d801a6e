"""The customer's own sort code and account number, from their own accounts (the demo bank of the scenarios:
seed 7 on 28 Nov 2026), and the cues that send a message there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.dialogue.details_cues import own_details_request
from agents.dialogue.payment_cues import asks_payment_status
from agents.dialogue.recurring_cues import gone_out_request, recurring_by_payee
from agents.procedures.details import sort_code_spelled
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, confirm, turn
from tests.agents.procedures.seeded import scenario_ports

Procs = dict[str, ProcedureSpec]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
async def ports(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> list[SqlBankingPort]:
    return await scenario_ports(engine, session_factory, NOW)


def test_sort_code_spelled_as_on_a_form() -> None:
    assert sort_code_spelled("924058") == "92-40-58"
    assert sort_code_spelled("92-40-58") == "92-40-58"
    assert sort_code_spelled("12") == "12"


async def test_own_details_of_the_accounts_paid_into(ports: list[SqlBankingPort], procedures: Procs) -> None:
    port = ports[0]  # a current account, a savings account and a credit card
    accounts = {a.kind: a for a in await port.list_accounts()}
    shown = answer(await turn(procedures["account_details"], port, "whats my sort code and account number"))
    for kind in ("current", "savings"):
        assert accounts[kind].account_number in shown.draft
        assert sort_code_spelled(accounts[kind].sort_code) in shown.draft
    assert accounts["credit"].account_number not in shown.draft  # nobody is paid into a credit card
    # The full numbers are in the reply only: never in the facts (audit log, frame) or the tool log.
    logged = repr(shown.facts) + repr(shown.tool_calls)
    assert all(a.account_number not in logged for a in accounts.values())


async def test_own_details_of_the_named_account(ports: list[SqlBankingPort], procedures: Procs) -> None:
    port = ports[3]  # a pound and a euro current account
    euro = next(a for a in await port.list_accounts() if a.currency == "EUR")
    other = next(a for a in await port.list_accounts() if a.currency == "GBP")
    shown = answer(await turn(procedures["account_details"], port, "the account number of my euro account"))
    assert euro.account_number in shown.draft
    assert other.account_number not in shown.draft


@pytest.mark.parametrize(
    "text",
    [
        "new job wants my bank details for payroll whats my sort code and account number",
        "1. my sort code and account number (new landlord's form)",
        "sorry and the sort code was?",
        "what's the sort code and account number for my savings? my employer wants to pay a bonus into it",
        "Which sort code do I give my employer?",
        "my landlord needs my bank details",
        "can i have my account number please",
        "i need my account info for my employer",
    ],
)
def test_own_details_asked(text: str) -> None:
    assert own_details_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "my sister's with you lot as well, can u tell me her account number",
        "whats trevor's sort code",
        "can you give me the account number of my landlord",
        "I gave my sort code to a man on the phone",
        "how do I change my bank details",
        "my bank details have changed",
        "what details do I need to receive money from abroad",
        "what's my IBAN",
        "the sort code is 20-00-00",
        "someone has my sort code and account number, what do I do",
        "sending money and the app said the name doesn't match the account details. what's that",
    ],
)
def test_not_own_details_asked(text: str) -> None:
    assert not own_details_request(text)


async def test_a_payment_the_customer_made_is_not_the_payees_scheduled_one(
    ports: list[SqlBankingPort],
) -> None:
    port = ports[4]  # Trevor: a pending £35 payment and a scheduled £200 rent
    text = "the 35 quid I sent Trevor yesterday - when will it actually land"
    assert not await recurring_by_payee(text, {}, port)
    assert await asks_payment_status(text, port)
    # "and trevor's money, what day did you say": the day asked again, the payee named with 's
    assert await asks_payment_status("and trevor's money, what day did you say", port)
    # ...while his rent, asked as the rent, is the scheduled payment
    assert await recurring_by_payee("when does trevor's rent go out", {}, port)


async def test_the_payee_having_the_money_asks_how_the_payment_stands(ports: list[SqlBankingPort]) -> None:
    # "will hollie have it today?": the payee having it is the payment arriving
    assert await asks_payment_status("so will hollie have it today?", ports[0])
    assert await asks_payment_status("hmm ok so will diana get it before the weekend then?", ports[1])
    # having it back is not how the payment stands; an unnamed payee is nobody's payment
    assert not await asks_payment_status("can diana get it back for me", ports[1])
    assert not await asks_payment_status("will my mum have it today?", ports[1])
    # "whats the date diana gets it": the day the payee has it, asked without a question mark
    assert await asks_payment_status("whats the date diana gets the loan money, need to tell her", ports[1])
    assert await asks_payment_status("what date does hollie get it", ports[0])


async def test_has_it_gone_reads_the_standing_order_not_yet_paid(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    text = "he hasnt had any pocket money off me yet. has it gone or not??"
    found = await gone_out_request(text, TODAY, ports[0])
    assert found is not None
    assert found[0] == "recurring_payments"
    shown = answer(await turn(procedures["recurring_payments"], ports[0], found[1], today=TODAY))
    assert "Oliver Lewis" in shown.draft
    assert "1 Dec 2026" in shown.draft
    # "has oliver had his pocket money": the payee has had it, asked
    assert await gone_out_request("has oliver had his pocket money yet", TODAY, ports[0]) is not None


async def test_when_it_last_went_out_is_the_latest_collection(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    found = await gone_out_request("When did my mortgage last go out and how much was it?", TODAY, ports[4])
    assert found == ("spending", "my last payment at Nationwide Building Society")
    shown = answer(await turn(procedures["spending"], ports[4], found[1], today=TODAY))
    assert "30 Oct 2026" in shown.draft
    assert "£946.00" in shown.draft
    # "last month" is a period, not the last one
    by_month = await gone_out_request("did the mortgage go out last month", TODAY, ports[4])
    assert by_month is not None
    assert "last payment" not in by_month[1]


async def test_whether_money_came_out_asks_how_the_payment_stands(ports: list[SqlBankingPort]) -> None:
    # Damien's £470 to Joanne failed; Sarah's £310 to Debra failed.
    text = "the money i tried sending joanne, did it come out of my account?"
    assert await asks_payment_status(text, ports[2])
    assert await asks_payment_status("the rent i tried paying debra, was it ever taken off me?", ports[4])
    # a payment of someone the customer never paid is no status question
    assert not await asks_payment_status("did the money to zebedee come out of my account?", ports[2])


async def test_a_payment_put_on_a_claim_is_read_with_the_claims_shop_and_day(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    from agents.nodes.route import _added_to_claim

    port = ports[1]  # Kathleen: an open claim on one £162.35 Luxe Watches payment of 24 Nov
    text = (
        "I reported the watch people to you yesterday and a claim was opened, but the bigger one of just "
        "over two hundred quid the same day wasn't me either. Can that go on as well?"
    )
    added = await _added_to_claim(text, TODAY, port)
    assert added is not None
    words, claimed = added
    assert "24 Nov 2026" in words  # the day of the claimed payment, not "yesterday"
    assert "yesterday" not in words
    offered = confirm(
        await turn(procedures["dispute_transaction"], port, words, {"params": {"exclude": claimed}})
    )
    assert "£202.93" in offered.prompt
    # the other £162.35 the same minute: the claimed one is not offered again
    again = await _added_to_claim("please add the other £162.35 luxe one to my claim too", TODAY, port)
    assert again is not None
    offered = confirm(
        await turn(procedures["dispute_transaction"], port, again[0], {"params": {"exclude": again[1]}})
    )
    assert "£162.35" in offered.prompt
    assert offered.action.args["transaction_id"] not in again[1]
    # no claim named, or nothing asked to be added
    assert await _added_to_claim("how is my claim going?", TODAY, port) is None
    assert await _added_to_claim("can you add the tesco one to my dispute too", TODAY, ports[3]) is None
