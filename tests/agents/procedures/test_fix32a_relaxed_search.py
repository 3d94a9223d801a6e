"""Searches that find nothing where a person would have found the payment (fixer 32A): a day remembered a
little wrong widens to the shop's payments at any time, words read as a shop that the customer never paid give
way to a shop of theirs the text names, a train is the rail company's payment, "paying me back for" is a
payment out, and "have I paid them twice?" with no repeat is answered, not offered for dispute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import cast

import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agents.dialogue.cues import FollowUp, follow_up
from agents.dialogue.recurring_cues import recurring_request
from agents.nodes.route import _weekday_from
from agents.ports import TransactionQuery, TransactionView
from agents.procedures.context import Run
from agents.procedures.engine import Answer
from agents.procedures.queries import BILL_KINDS, TRAIN_RE, parse_direction, parse_spending
from agents.procedures.slots import known_merchant_in, own_merchant_for
from agents.procedures.spec import ProcedureSpec
from tests.agents.procedures.helpers import answer, confirm, shown, turn
from tests.agents.procedures.seeded import scenario_ports

Procs = dict[str, ProcedureSpec]
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def _on_the_seed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


# --- the words -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("work are paying me back for the train on thursday, how much was it", "out"),
        ("my firm will reimburse me for the hotel, what did it cost", "out"),
        ("has work paid me back yet", "in"),
        ("what did they pay me this month", "in"),
    ],
)
def test_paid_back_for_a_purchase_is_the_purchase(text: str, direction: str) -> None:
    assert parse_direction(text) == direction


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("how much was the train in france", "rail"),
        ("what did my train tickets come to in october", "rail"),
        ("how much on trains and taxis this month", None),
        ("my training course fee", None),
    ],
)
def test_a_train_is_the_rail_companies(text: str, kind: str | None) -> None:
    q, _rest = parse_spending(text, TODAY)
    assert q.bill_kind == kind
    if kind == "rail":
        assert q.category is None  # a train booked abroad is often filed under shopping


@pytest.mark.parametrize("merchant", ["SNCF", "Trainline", "LNER", "Eurostar", "Avanti West Coast"])
def test_rail_companies_are_trains(merchant: str) -> None:
    assert BILL_KINDS["rail"][0].search(merchant)


@pytest.mark.parametrize("merchant", ["Tesco", "Uber", "Stagecoach", "National Trust"])
def test_other_companies_are_no_trains(merchant: str) -> None:
    assert not BILL_KINDS["rail"][0].search(merchant)


def test_train_words() -> None:
    assert TRAIN_RE.search("the train I got on thursday")
    assert not TRAIN_RE.search("a training day")


@pytest.mark.parametrize(
    ("text", "shown", "expected"),
    [
        ("n the morrisons shop that sunday after?", date(2026, 10, 14), date(2026, 10, 18)),
        ("and the aldi the monday after that", date(2026, 9, 19), date(2026, 9, 21)),
        ("the friday before", date(2026, 10, 14), date(2026, 10, 9)),
        ("the following saturday, the tesco", date(2026, 10, 14), date(2026, 10, 17)),
        # the same weekday: a week on, not the day itself
        ("and the wednesday after?", date(2026, 10, 14), date(2026, 10, 21)),
    ],
)
def test_a_weekday_counted_from_the_payment_shown(text: str, shown: date, expected: date) -> None:
    found = _weekday_from(text, shown)
    assert found is not None
    assert found[0] == found[1] == expected


@pytest.mark.parametrize("text", ["and the week before that?", "is it still monday?", "next friday"])
def test_no_weekday_counted(text: str) -> None:
    assert _weekday_from(text, date(2026, 10, 14)) is None


# --- the customer's own shops ------------------------------------------------------------------------------


def _paid(merchant: str) -> TransactionView:
    return TransactionView(
        id=merchant,
        account_id="a1",
        amount_minor=-1000,
        currency="GBP",
        merchant=merchant,
        description=merchant.upper(),
        category="shopping",
        status="posted",
        booked_at="2026-09-14T16:00:00+00:00",
    )


class _Run:
    """The customer's payments, searched by part of the merchant's name as the store does."""

    def __init__(self, *merchants: str) -> None:
        self._paid = [_paid(m) for m in merchants]

    async def transactions(self, query: TransactionQuery) -> list[TransactionView]:
        said = (query.merchant or "").lower()
        return [t for t in self._paid if said in t.merchant.lower()]


def _run(*merchants: str) -> Run:
    return cast(Run, _Run(*merchants))


async def test_a_two_letter_brand_in_capitals_is_the_shop() -> None:
    run = _run("BP", "Steam", "Aldi")
    assert await known_merchant_in(run, "i paid at the pump at BP in september") == "bp"
    # in lower case the two letters are too easily something else
    assert await known_merchant_in(run, "i paid at the pump at bp in september") is None


async def test_words_no_shop_of_theirs_give_way_to_one_named() -> None:
    run = _run("BP", "Steam", "Aldi")
    text = "while the kids are in the bath: how much was the game my son got on steam"
    assert await own_merchant_for(run, "bath", text) == "steam"
    assert await own_merchant_for(run, "france", "the train in france") is None
    assert await own_merchant_for(run, "aldi", "the aldi shop") == "aldi"


# --- the procedures ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_a_day_remembered_wrong_offers_the_shops_payment(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    maurice = (await scenario_ports(engine, session_factory, NOW))[3]
    text = "I bought a lamp from John Lewis in the middle of September, it arrived broken. Get my money back"
    offered = confirm(await turn(procedures["dispute_transaction"], maurice, text, today=TODAY))
    assert "£67.65" in offered.prompt
    assert "Oct 2026" in offered.prompt  # the day it was actually paid, not September
    # a shop never paid is still not found, at any time
    missed = answer(
        await turn(
            procedures["dispute_transaction"], maurice, "dispute the payment at Argos in October", today=TODAY
        )
    )
    assert missed.outcome == "none"


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_paid_twice_asked_with_no_repeat_is_answered(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    kathleen = (await scenario_ports(engine, session_factory, NOW))[1]
    said = answer(
        await turn(
            procedures["dispute_transaction"],
            kathleen,
            "Have I paid Virgin Media twice this month?",
            today=TODAY,
        )
    )
    assert said.outcome == "no_repeat"
    assert "£56.59" in shown(said)
    # the same words as a request, not a question, still ask which payment
    result = await turn(
        procedures["dispute_transaction"], kathleen, "Virgin Media charged me twice, get it back", today=TODAY
    )
    assert not isinstance(result, Answer) or result.outcome != "no_repeat"


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_the_train_abroad_on_the_euro_account(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession], procedures: Procs
) -> None:
    maurice = (await scenario_ports(engine, session_factory, NOW))[3]
    said = answer(
        await turn(
            procedures["spending"],
            maurice,
            "How much was the train in France in the middle of October?",
            today=TODAY,
        )
    )
    assert "€114.02" in shown(said)


# --- follow-ups ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["nice one. stick em together for us", "put them together for me", "lump the two together"]
)
def test_putting_the_amounts_together_is_their_total(text: str) -> None:
    frame: dict[str, object] = {
        "procedure": "spending",
        "figures": [["National Trust", 2005, "GBP"], ["Morrisons", 2165, "GBP"]],
    }
    assert follow_up(text, frame) == FollowUp("total")


@pytest.mark.usefixtures("_on_the_seed_day")
async def test_the_same_amount_after_the_salary_is_the_salary(
    engine: AsyncEngine, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    kathleen = (await scenario_ports(engine, session_factory, NOW))[1]
    frame = {"procedure": "income", "text": "does my money from godfrey and sons come on the same date"}
    found = await recurring_request("I see. And is it always the same amount?", frame, kathleen)
    assert found is not None
    assert found[0] == "income"
    # not after another answer: the salary is not assumed
    assert (
        await recurring_request("is it always the same amount?", {"procedure": "spending"}, kathleen) or ("",)
    )[0] != "income"
