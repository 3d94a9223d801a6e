"""The regular money procedure: the salary and interest that come in (how often, on which days) and the
direct debits and standing orders that go out with their monthly total, from the scenario bank."""

from __future__ import annotations

from typing import Any

from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()
JAKE, KATHLEEN, MAURICE, SARAH = 0, 1, 3, 4


def _params(**asked: Any) -> dict[str, Any]:
    return {"params": {"in": True, "out": False, "aspect": "list", "subject": "", **asked}}


async def test_interest_is_quarterly_with_the_last_payment(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    said = answer(
        await turn(
            procedures["regular_money"],
            ports[KATHLEEN],
            "how often does my saver pay interest",
            _params(aspect="how_often", subject="interest"),
            today=TODAY,
        )
    )
    assert said.outcome == "interest"
    assert "quarterly (every three months)" in said.draft
    assert "£62.25 on Monday 23 Nov 2026" in said.draft
    assert "Easy Saver ending 7539" in said.draft


async def test_no_interest_is_said_so(ports: list[SqlBankingPort], procedures: Procs) -> None:
    said = answer(
        await turn(
            procedures["regular_money"],
            ports[SARAH],
            "does my account pay interest every month",
            _params(aspect="how_often", subject="interest"),
            today=TODAY,
        )
    )
    assert said.outcome == "no_interest"


async def test_salary_days_compared_with_the_day_named(
    ports: list[SqlBankingPort], procedures: Procs
) -> None:
    spec = procedures["regular_money"]
    params = _params(aspect="same_day", subject="salary")
    named = answer(await turn(spec, ports[JAKE], "do my wages always land on the 25th?", params, today=TODAY))
    assert named.outcome == "same_day"
    assert named.draft.startswith("Not always")
    assert "Tuesday 24 Nov 2026 didn't arrive on the 25th" in named.draft
    unnamed = answer(
        await turn(spec, ports[MAURICE], "is my salary always the same day?", params, today=TODAY)
    )
    assert unnamed.draft.startswith("Not always on the same day")
    assert "Sunday 22 Nov 2026" in unnamed.draft


async def test_money_in_and_out_together(ports: list[SqlBankingPort], procedures: Procs) -> None:
    said = answer(
        await turn(
            procedures["regular_money"],
            ports[SARAH],
            "what comes in and goes out regularly",
            _params(out=True),
            today=TODAY,
        )
    )
    assert said.outcome == "ok"
    assert "Salary from Cook-Thomas monthly" in said.draft
    assert "£4,757.00 on Tuesday 24 Nov 2026" in said.draft
    # the one-off rent to Trevor is listed but not in the monthly figure
    assert "£1,007.91 a month in total" in said.draft
    assert "won't repeat" in said.draft
