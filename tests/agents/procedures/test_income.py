"""Income: did the salary arrive, when was I last paid (the salary credits in the transactions)."""

from __future__ import annotations

from datetime import date

from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import SCENARIO_DAY

Procs = dict[str, ProcedureSpec]
TODAY = SCENARIO_DAY.date()


async def test_wages_arrived(ports: list[SqlBankingPort], procedures: Procs) -> None:
    paid = answer(await turn(procedures["income"], ports[0], "did my wages arrive?", today=TODAY))
    assert paid.outcome == "ok"
    assert paid.draft.startswith(
        "Your latest salary payment, £3,445.00 from Hancock Ltd, arrived on 24 Nov 2026 in your "
        "Current Account ending 1954."
    )
    assert "25 Oct 2026" in paid.draft
    late = answer(await turn(procedures["income"], ports[0], "have I been paid?", today=date(2027, 1, 10)))
    assert late.outcome == "late"
    assert "nothing from them has arrived since" in late.draft


async def test_the_salary_before_the_one_shown(ports: list[SqlBankingPort], procedures: Procs) -> None:
    # "and the month before?": the payments before the day shown last time (the route passes it as "until").
    slots = {"params": {"until": "2026-11-24"}}
    before = answer(await turn(procedures["income"], ports[0], "and the month before?", slots, today=TODAY))
    assert before.outcome == "before"
    assert "25 Oct 2026" in before.draft
    assert "24 Nov 2026" not in before.draft
    assert before.facts["figure_minor"] > 0
    assert before.facts["oldest"] == "2026-10-25"
    none = answer(
        await turn(procedures["income"], ports[0], "and before that?", {"params": {"until": "2026-08-01"}})
    )
    assert none.outcome == "none_before"
