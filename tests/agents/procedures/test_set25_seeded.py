"""Set-25 patterns read through the real SqlBankingPort on the scenario day: the payment a follow-up points
back at, a direct debit's reference when asked, and fuel among the transport payments."""

from __future__ import annotations

import pytest

from agents.dialogue.payment_cues import payment_referred_to
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
pytestmark = pytest.mark.usefixtures("on_the_scenario_day")


async def test_the_money_asked_about_is_the_payment_spoken_of_just_before(
    ports: list[SqlBankingPort],
) -> None:
    previous = (
        "your lot let my holiday money to joanne fail and not one person told me. want a complaint raising"
    )
    asked = "so was the money ever actually taken out my account or not"
    assert await payment_referred_to(asked, previous, ports[2]) == "Joanne Daniels"


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        # no payment spoken of before
        (
            "so was the money ever taken out my account",
            "my card was declined at the pump, I want to complain",
        ),
        # a change asked for, not how it stands
        ("can you send the money again", "my money to joanne failed"),
        # the payee named again: the ordinary status question reads it
        ("did my 470 to joanne go through", "my money to joanne failed"),
    ],
)
async def test_nothing_is_pointed_back_at_otherwise(
    text: str, previous: str, ports: list[SqlBankingPort]
) -> None:
    assert await payment_referred_to(text, previous, ports[2]) is None


async def test_a_direct_debits_reference_is_given_when_asked(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["recurring_payments"]
    asked = answer(
        await turn(spec, ports[1], "what is the reference on my octopus direct debit", today=TODAY)
    )
    assert "Octopus Energy" in asked.draft
    assert "(reference " in asked.draft
    plain = answer(await turn(spec, ports[1], "when is my octopus direct debit due", today=TODAY))
    assert "(reference " not in plain.draft


async def test_fuel_is_only_the_fuel_stations(ports: list[SqlBankingPort], procedures: Procs) -> None:
    spec = procedures["spending"]
    fuel = answer(
        await turn(
            spec, ports[0], "how much have I spent on petrol since the start of september", today=TODAY
        )
    )
    assert "£53.19" in fuel.draft
    assert "Trainline" not in fuel.draft
