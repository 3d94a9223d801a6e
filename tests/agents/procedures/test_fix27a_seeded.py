"""fix27a patterns read through the real SqlBankingPort on the scenario day: a shop described by a category
word the bank files it under another, and what an amount leaves with regular payments taken off too."""

from __future__ import annotations

import pytest

from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
pytestmark = pytest.mark.usefixtures("on_the_scenario_day")


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("there is a restaurant, Trattoria Da Mario. What did that come to?", "€25.10"),
        ("how much was the restaurant at Carrefour", "€41.29"),
        ("there's a train firm, SNCF, from October. How much did that come to?", "€188.41"),
    ],
)
async def test_a_shop_described_by_another_category_is_the_shop(
    ports: list[SqlBankingPort], procedures: Procs, text: str, amount: str
) -> None:
    found = answer(await turn(procedures["spending"], ports[3], text, today=TODAY))
    assert amount in found.draft
    assert "couldn't find" not in found.draft


async def test_a_shop_of_the_category_keeps_the_category(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    found = answer(
        await turn(procedures["spending"], ports[3], "how much on entertainment at netflix", today=TODAY)
    )
    assert "entertainment" in found.draft


async def test_regular_payments_taken_off_as_well(ports: list[SqlBankingPort], procedures: Procs) -> None:
    also = {"params": {"also": [["Sky", 4497, "GBP"], ["TV Licence", 1419, "GBP"]]}}
    found = answer(
        await turn(
            procedures["affordability"],
            ports[2],
            "buying my mates car off him for 2,800 cash. if i take that out what will i have left",
            also,
            today=TODAY,
        )
    )
    assert "£5,493.55" in found.draft
    assert "£2,859.16" in found.draft


async def test_the_one_before_a_day_the_last_question_pinned(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    # The follow-up keeps the earlier words, whose day ("the 14th") now reads as this month's 14th: after
    # that bound, the payments before 14 Oct would be a range ending before it starts.
    text = "and the one before it? How much did British Gas take on the 14th of"
    slots = {"params": {"until": "2026-10-14", "limit": 1}}
    found = answer(await turn(procedures["recent_transactions"], ports[0], text, slots, today=TODAY))
    assert found.outcome != "none", found.draft
    assert "14 Sep 2026" in found.draft
    assert "£123.94" in found.draft
