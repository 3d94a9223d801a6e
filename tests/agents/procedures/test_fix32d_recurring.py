"""A subscription paid by card, over a year: twelve payments of the latest amount (it goes once a month)."""

from __future__ import annotations

import pytest

from agents.procedures.recurring import PER_YEAR
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
pytestmark = pytest.mark.usefixtures("on_the_scenario_day")


@pytest.mark.parametrize(
    "text",
    ["what does that come to in a twelvemonth", "over a twelve month period", "and for 12 months?"],
)
def test_a_twelvemonth_is_a_year(text: str) -> None:
    assert PER_YEAR.search(text)


async def test_a_card_subscription_over_a_year_is_twelve_of_the_latest(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    result = answer(
        await turn(
            procedures["recurring_payments"],
            ports[3],
            "my netflix comes off the card, what's that over a year?",
            today=TODAY,
        )
    )
    assert result.outcome == "by_card_yearly"
    assert result.facts["total"] == "£131.88"
    assert result.facts["totals_minor"] == {"GBP": 13188}


async def test_without_a_year_the_card_subscription_is_its_payments(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    result = answer(
        await turn(
            procedures["recurring_payments"],
            ports[3],
            "my netflix comes off the card, how much is it each month?",
            today=TODAY,
        )
    )
    assert result.outcome == "by_card"
