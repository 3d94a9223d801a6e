"""Session 36: "what cards do I have" lists every card with its status; a remark after a spending question
does not narrow it to a shop. Expected answers come from the port's own rows."""

from __future__ import annotations

from agents.ports import TransactionQuery
from agents.procedures.dates import day_of
from agents.procedures.spec import ProcedureSpec
from tests.agents.procedures.helpers import answer, turn
from tests.agents.procedures.seeded import Bank

Procs = dict[str, ProcedureSpec]


async def test_asking_which_cards_lists_each_one_with_its_status(bank: Bank, procedures: Procs) -> None:
    for index in range(4):
        port = bank.port(index)
        cards = await port.list_cards()
        result = answer(await turn(procedures["card_status"], port, "which cards have i got with you?"))
        assert sorted(result.facts["card_ids"]) == sorted(c.id for c in cards)
        for card in cards:
            assert card.last4 in result.draft
    # Asked whether the card works, the cards in use answer (a cancelled or lost one is not listed).
    for index in range(4):
        port = bank.port(index)
        cards = await port.list_cards()
        if any(c.status not in ("active", "frozen") for c in cards):
            working = answer(await turn(procedures["card_status"], port, "is my card working?"))
            assert set(working.facts["card_ids"]) == {c.id for c in cards if c.status in ("active", "frozen")}
            break
    else:
        raise AssertionError("no seeded customer has a card out of use")


async def test_a_remark_after_the_question_does_not_narrow_it_to_a_shop(
    bank: Bank, procedures: Procs
) -> None:
    """ "what did I spend this month? I remember a big X shop in there": the month's payments, not X alone."""
    port = bank.port(0)
    rows = await port.find_transactions(TransactionQuery(limit=50))
    month = max(day_of(t.booked_at) for t in rows).replace(day=1)
    spent = [t for t in rows if t.amount_minor < 0 and day_of(t.booked_at) >= month]
    shops = sorted({t.merchant for t in spent if not t.merchant.startswith("Northbank")})
    assert len(shops) >= 2
    shop = shops[0]
    asked = answer(await turn(procedures["spending"], port, "what did i spend this month?"))
    remarked = answer(
        await turn(
            procedures["spending"],
            port,
            f"what did i spend this month? i remember a big {shop} shop in there",
        )
    )
    narrowed = answer(await turn(procedures["spending"], port, f"what did i spend at {shop} this month?"))
    assert remarked.draft == asked.draft
    assert narrowed.draft != asked.draft
