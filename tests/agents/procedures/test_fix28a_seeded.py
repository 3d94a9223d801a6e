"""fix28a patterns read through the real SqlBankingPort on the scenario day: a category's total leaves out
what is still pending (and its biggest picks from the same rows), a shop whose name holds a category's word
is that shop, not the category, and getting about is the transport category."""

from __future__ import annotations

import pytest

from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
pytestmark = pytest.mark.usefixtures("on_the_scenario_day")


async def test_a_category_total_leaves_out_pending_payments(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    found = answer(
        await turn(procedures["spending"], ports[0], "how much on groceries since september", today=TODAY)
    )
    assert "£168.81" in found.draft
    assert "192.94" not in found.draft
    # named beside the total, so the customer knows it is coming
    assert "pending" in found.draft
    assert "£24.13" in found.draft


async def test_the_biggest_of_a_category_is_not_a_pending_payment(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    found = answer(
        await turn(
            procedures["spending"], ports[0], "what was my biggest transport payment this month", today=TODAY
        )
    )
    assert "£17.15" in found.draft
    assert "25.68" not in found.draft


async def test_a_shops_total_still_counts_its_pending_payment(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    text = "how much at tesco since september"
    found = answer(await turn(procedures["spending"], ports[0], text, today=TODAY))
    assert "£76.26" in found.draft


@pytest.mark.parametrize(
    ("customer", "text", "amount", "not_shown"),
    [
        (3, "how much did those Elite Electronics payments come to in total", "£1,339.35", "1,425.71"),
        (1, "what have the TfL Travel payments come to since september", "£15.71", "79.19"),
    ],
)
async def test_a_shop_whose_name_holds_a_category_word_is_the_shop(
    ports: list[SqlBankingPort], procedures: Procs, customer: int, text: str, amount: str, not_shown: str
) -> None:
    found = answer(await turn(procedures["spending"], ports[customer], text, today=TODAY))
    assert amount in found.draft
    assert not_shown not in found.draft


async def test_a_name_that_is_only_the_category_word_keeps_the_category(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    # "sky and the tv licence": TV Licence is named, but its name is the bills category's own word, and Sky is
    # named beside it: both bills, added up.
    text = "how much have sky and the tv licence cost me since september altogether"
    found = answer(await turn(procedures["spending"], ports[2], text, today=TODAY))
    assert "£177.48" in found.draft


@pytest.mark.parametrize(
    "text",
    [
        "what have i spent getting about this month, coach and taxis",
        "how much has getting around cost me this month",
    ],
)
async def test_getting_about_is_transport(ports: list[SqlBankingPort], procedures: Procs, text: str) -> None:
    found = answer(await turn(procedures["spending"], ports[2], text, today=TODAY))
    assert "£49.86" in found.draft
