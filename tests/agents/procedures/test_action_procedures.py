"""State-changing procedures: slots over several turns, confirmation, exactly-once execution."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import asdict

import pytest
from sqlalchemy import func, select

from agents.ports import ActionResult, TransactionQuery, TransactionView, part_key
from agents.procedures.context import ALSO
from agents.procedures.engine import execute
from agents.procedures.money import format_money
from agents.procedures.recorded import recorded_reply
from agents.procedures.spec import ProcedureSpec
from app.banking.ports import SqlBankingPort
from app.models import Dispute, ToolAction
from tests.agents.procedures.helpers import INJECTED_FRAGMENTS, answer, ask, confirm, shipped_kb, shown, turn
from tests.agents.procedures.seeded import Bank

Procs = dict[str, ProcedureSpec]


async def _card_status(port: SqlBankingPort, card_id: str) -> str:
    return next(c.status for c in await port.list_cards() if c.id == card_id)


# --- freeze / unfreeze -----------------------------------------------------------------------------------


async def test_freeze_with_two_cards_asks_then_follow_ups_resolve(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    active = [c for c in await port.list_cards() if c.status == "active"]
    assert len(active) >= 2
    spec = procedures["freeze_card"]
    question = ask(await turn(spec, port, "please freeze my card"))
    assert question.question.startswith("Which card would you like to freeze?")
    assert question.slots["awaiting"] == "card"
    candidates = question.slots["candidates"]
    assert sorted(candidates) == sorted(c.id for c in active)
    for card in active:
        assert f"ending {card.last4}" in question.question

    by_position = confirm(await turn(spec, port, "the second one", question.slots))
    assert by_position.action.args == {"card_id": candidates[1]}
    second = next(c for c in active if c.id == candidates[1])
    by_digits = confirm(await turn(spec, port, f"the one ending {second.last4}", question.slots))
    assert by_digits.action.args == {"card_id": second.id}
    bare = confirm(await turn(spec, port, second.last4, question.slots))
    assert bare.action.args == {"card_id": second.id}
    by_brand = await turn(spec, port, f"my {second.brand.lower()}", question.slots)
    assert confirm(by_brand).action.args["card_id"] in candidates
    assert f"ending {second.last4}" in by_digits.prompt
    assert by_digits.prompt.endswith("Please reply yes or no.")


async def test_several_cards_on_one_yes_are_each_frozen_once(bank: Bank, procedures: Procs) -> None:
    """One confirmation names every card ("both my cards were in it"), one yes freezes each under a part of
    the action's key (the first card last, under the key itself), and a retry freezes nothing again."""
    port = bank.port(0)
    first, *others = [c for c in await port.list_cards() if c.status == "active"]
    assert others
    slots = {"card": first.id, ALSO: [c.id for c in others]}
    pending = confirm(await turn(procedures["freeze_card"], port, "both my cards were in it", slots))
    assert pending.action.args["card_id"] == first.id
    assert pending.action.args[ALSO] == [c.id for c in others]
    for card in (first, *others):
        assert f"ending {card.last4}" in pending.prompt
    assert pending.prompt.startswith("Shall I freeze both your cards" if len(others) == 1 else "Shall I")
    for _ in range(2):
        done = await execute(
            pending.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb()
        )
        assert done.outcome == "ok"
        assert done.draft.startswith(f"Done: your cards ending {first.last4} ")
        assert [c.arguments for c in done.tool_calls][-1] == {"card_id": first.id}
    for card in (first, *others):
        assert await _card_status(port, card.id) == "frozen"
    async with bank.factory() as session:
        keys = (await session.scalars(select(ToolAction.idempotency_key))).all()
    assert sorted(k.split(":", 1)[1] for k in keys) == sorted(
        [pending.action.id, *(part_key(pending.action.id, n) for n in range(1, len(others) + 1))]
    )
    # A turn cut short after the first card's key ran: every card was done, and is said.
    record = ActionResult("freeze_card", first.id, done.tool_calls[-1].result, replayed=True)
    told = await recorded_reply(asdict(pending.action), record, procedures=procedures, kb=shipped_kb())
    assert told == done.draft


async def test_a_card_that_is_not_the_customers_is_never_taken_along(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    stranger = next(c for c in await bank.port(1).list_cards() if c.status == "active")
    slots = {"card": card.id, ALSO: [stranger.id]}
    pending = confirm(await turn(procedures["freeze_card"], port, "freeze both", slots))
    assert pending.action.args == {"card_id": card.id}
    assert stranger.last4 not in pending.prompt


async def test_unclear_follow_up_asks_again(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    spec = procedures["freeze_card"]
    question = ask(await turn(spec, port, "freeze my card"))
    again = ask(await turn(spec, port, "hmm, not sure", question.slots))
    assert again.slots["candidates"] == question.slots["candidates"]


async def test_declined_confirmation_changes_nothing(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    pending = confirm(await turn(procedures["freeze_card"], port, f"freeze the card ending {card.last4}"))
    result = await execute(
        pending.action, confirmed=False, banking=port, procedures=procedures, kb=shipped_kb()
    )
    assert result.outcome == "declined"
    assert result.tool_calls == []
    assert (
        result.draft == f"OK, I won't freeze your {card.brand} card ending {card.last4}. Nothing has changed."
    )
    assert await _card_status(port, card.id) == "active"
    async with bank.factory() as session:
        assert await session.scalar(select(func.count()).select_from(ToolAction)) == 0


async def test_executing_twice_changes_state_once(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    pending = confirm(await turn(procedures["freeze_card"], port, f"freeze my card ending {card.last4}"))
    first = await execute(
        pending.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb()
    )
    assert first.outcome == "ok"
    assert first.facts["replayed"] is False
    assert (
        first.draft == f"Done: your card ending {card.last4} is now frozen. You can unfreeze it at any time."
    )
    assert [c.tool for c in first.tool_calls] == ["freeze_card"]
    assert await _card_status(port, card.id) == "frozen"
    # Someone unfreezes the card meanwhile; a retried execute must not freeze it again.
    await port.unfreeze_card(card.id, idempotency_key="app-unfreeze")
    retry = await execute(
        pending.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb()
    )
    assert retry.outcome == "ok"
    assert retry.facts["replayed"] is True
    assert await _card_status(port, card.id) == "active"
    async with bank.factory() as session:
        actions = Counter(await session.scalars(select(ToolAction.action)))
    assert actions == {"freeze_card": 1, "unfreeze_card": 1}


async def test_freezing_a_frozen_card_says_already(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    await port.freeze_card(card.id, idempotency_key="setup")
    result = answer(await turn(procedures["freeze_card"], port, f"freeze my card ending {card.last4}"))
    assert result.outcome == "already"
    assert result.draft == f"Your card ending {card.last4} is already frozen."


async def test_unfreeze_picks_the_only_frozen_card(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    card = next(c for c in await port.list_cards() if c.status == "active")
    await port.freeze_card(card.id, idempotency_key="setup")
    pending = confirm(await turn(procedures["unfreeze_card"], port, "unfreeze my card please"))
    assert pending.action.args == {"card_id": card.id}
    done = await execute(pending.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb())
    assert done.outcome == "ok"
    assert await _card_status(port, card.id) == "active"
    nothing = answer(await turn(procedures["unfreeze_card"], port, "unfreeze my card"))
    assert nothing.outcome == "none"


# --- foreign and unknown cards ---------------------------------------------------------------------------


async def test_another_customers_card_is_answered_like_a_missing_one(bank: Bank, procedures: Procs) -> None:
    mine = {c.last4 for c in await bank.port(0).list_cards()}
    everyone = {c.last4 for i in range(4) for c in await bank.port(i).list_cards()}
    theirs = next(c for c in await bank.port(1).list_cards() if c.last4 not in mine)
    missing = next(f"{n:04d}" for n in range(10_000) if f"{n:04d}" not in everyone)
    spec = procedures["freeze_card"]
    foreign = answer(await turn(spec, bank.port(0), f"freeze my card ending {theirs.last4}"))
    made_up = answer(await turn(spec, bank.port(0), f"freeze my card ending {missing}"))
    assert foreign.outcome == made_up.outcome == "not_found"
    assert foreign.draft == f"I couldn't find a card ending {theirs.last4} among your cards."
    assert foreign.draft.replace(theirs.last4, "####") == made_up.draft.replace(missing, "####")


@pytest.mark.parametrize("procedure", ["freeze_card", "report_lost_stolen"])
async def test_foreign_card_ids_in_slots_or_actions_are_not_found(
    bank: Bank, procedures: Procs, procedure: str
) -> None:
    theirs = next(c for c in await bank.port(1).list_cards() if c.status == "active")
    spec = procedures[procedure]
    foreign = answer(await turn(spec, bank.port(0), "that one, it was lost", {"card": theirs.id}))
    made_up = answer(await turn(spec, bank.port(0), "that one, it was lost", {"card": str(uuid.uuid4())}))
    assert foreign.outcome == made_up.outcome == "not_found"
    assert foreign.draft == made_up.draft == "I couldn't find that card among your cards."
    # Even a forged pending action cannot reach the other customer's card.
    pending = confirm(await turn(procedures["freeze_card"], bank.port(0), "freeze my visa"))
    forged = type(pending.action)(
        id=str(uuid.uuid4()),
        procedure="freeze_card",
        tool="freeze_card",
        args={"card_id": theirs.id},
        summary="x",
    )
    result = await execute(
        forged, confirmed=True, banking=bank.port(0), procedures=procedures, kb=shipped_kb()
    )
    assert result.outcome == "not_found"
    assert await _card_status(bank.port(1), theirs.id) == "active"


# --- report lost or stolen -------------------------------------------------------------------------------


async def test_report_stolen_cancels_and_orders_a_replacement(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    visa = next(c for c in await port.list_cards() if c.brand == "Visa" and c.status == "active")
    pending = confirm(await turn(procedures["report_lost_stolen"], port, "my visa was stolen this morning"))
    assert pending.action.tool == "report_card"
    assert pending.action.args == {"card_id": visa.id, "kind": "stolen"}
    assert "as stolen" in pending.prompt
    assert "cancels it permanently" in pending.prompt
    done = await execute(pending.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb())
    assert done.outcome == "ok"
    cards = await port.list_cards()
    assert next(c.status for c in cards if c.id == visa.id) == "stolen"
    replacement = next(c for c in cards if c.id == done.facts["replacement_card_id"])
    assert replacement.status == "active"
    assert replacement.delivered_at is None
    assert f"replacement card ending {replacement.last4}" in done.draft
    assert "3 to 5 working days" in done.draft


async def test_report_asks_lost_or_stolen_and_keeps_the_card(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    spec = procedures["report_lost_stolen"]
    first = ask(await turn(spec, port, "I need to report my visa"))
    assert first.question == "I'm sorry to hear that. Has your card been lost, or stolen?"
    assert first.slots["awaiting"] == "kind"
    second = confirm(await turn(spec, port, "I think I lost it", first.slots))
    assert second.action.args["kind"] == "lost"
    assert second.action.args["card_id"] == first.slots["card"]


async def test_report_kind_from_the_first_message_survives_the_card_question(
    bank: Bank, procedures: Procs
) -> None:
    port = bank.port(0)
    spec = procedures["report_lost_stolen"]
    first = ask(await turn(spec, port, "someone stole my wallet with my cards"))
    assert first.slots["params"]["kind"] == "stolen"
    second = confirm(await turn(spec, port, "the first one", first.slots))
    assert second.action.args["kind"] == "stolen"
    assert second.action.args["card_id"] == first.slots["candidates"][0]


async def test_reporting_an_already_lost_card(bank: Bank, procedures: Procs) -> None:
    port = bank.port(2)
    lost = next(c for c in await port.list_cards() if c.status == "lost")
    result = answer(
        await turn(procedures["report_lost_stolen"], port, f"my card ending {lost.last4} is lost")
    )
    assert result.outcome == "wrong_status"
    assert f"ending {lost.last4} is already lost" in result.draft


# --- disputes --------------------------------------------------------------------------------------------


async def _repeat_merchant(port: SqlBankingPort) -> tuple[str, list[TransactionView]]:
    """A merchant with two or more disputable payments for this customer, newest first."""
    found = await port.find_transactions(TransactionQuery(limit=50))
    by_merchant: dict[str, list[TransactionView]] = {}
    for t in found:
        if t.amount_minor < 0 and t.status != "reversed" and not t.merchant.startswith("Northbank"):
            by_merchant.setdefault(t.merchant, []).append(t)
    merchant, payments = next((m, ts) for m, ts in by_merchant.items() if len(ts) >= 2 and " " not in m)
    return merchant, (await port.find_transactions(TransactionQuery(merchant=merchant.lower(), limit=50)))


async def test_dispute_with_several_matches_lists_them_then_resolves(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    merchant, payments = await _repeat_merchant(port)
    disputable = [t for t in payments if t.amount_minor < 0 and t.status != "reversed"]
    spec = procedures["dispute_transaction"]
    question = ask(await turn(spec, port, f"I want to dispute a payment at {merchant}, I was charged twice"))
    assert question.question.startswith(f"I found {len(disputable)} payments that could be the one.")
    assert "1. " in question.question
    assert "2. " in question.question
    assert question.slots["candidates"] == [t.id for t in disputable][:8]
    chosen = confirm(await turn(spec, port, "2", question.slots))
    second = disputable[1]
    assert chosen.action.args == {
        "transaction_id": second.id,
        "reason": "Charged twice for the same purchase",
    }
    amount = format_money(-second.amount_minor, second.currency)
    assert f"the {amount} payment to {merchant}" in chosen.prompt

    by_amount = await turn(
        spec, port, f"the {format_money(-disputable[0].amount_minor, 'GBP')} one", question.slots
    )
    assert confirm(by_amount).action.args["transaction_id"] in {
        t.id for t in disputable if t.amount_minor == disputable[0].amount_minor
    }


async def test_dispute_asks_what_to_look_for_then_finds_one(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    spec = procedures["dispute_transaction"]
    first = ask(await turn(spec, port, "I want to dispute a payment"))
    assert first.question.startswith("Which payment would you like to dispute?")
    second = confirm(await turn(spec, port, "the £24.99 one at Amazon, I don't recognise it", first.slots))
    transaction = await port.get_transaction(second.action.args["transaction_id"])
    assert transaction is not None
    assert transaction.amount_minor == -2499
    assert transaction.merchant == "Amazon"
    assert second.action.args["reason"] == "I do not recognise this payment"
    for fragment in INJECTED_FRAGMENTS:
        assert fragment.lower() not in second.prompt.lower()

    done = await execute(second.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb())
    assert done.outcome == "ok"
    assert "£24.99 payment to Amazon" in done.draft
    for fragment in INJECTED_FRAGMENTS:
        assert fragment.lower() not in done.draft.lower()
    again = await execute(second.action, confirmed=True, banking=port, procedures=procedures, kb=shipped_kb())
    assert again.facts["replayed"] is True
    async with bank.factory() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Dispute).where(Dispute.customer_id == bank.customer_ids[0])
            )
            == 1
        )
    already = answer(await turn(spec, port, "dispute the £24.99 Amazon payment"))
    assert already.outcome == "already"


async def test_dispute_of_a_reversed_payment_is_explained(bank: Bank, procedures: Procs) -> None:
    port = bank.port(0)
    reversed_ = next(
        t
        for t in await port.find_transactions(TransactionQuery(limit=50))
        if t.status == "reversed" and t.amount_minor < 0
    )
    amount = format_money(-reversed_.amount_minor, reversed_.currency)
    result = answer(
        await turn(
            procedures["dispute_transaction"], port, f"dispute the {amount} payment at {reversed_.merchant}"
        )
    )
    assert result.outcome == "wrong_status"
    assert "reversed" in result.draft


async def test_foreign_transaction_ids_are_not_found(bank: Bank, procedures: Procs) -> None:
    theirs = (await bank.port(1).find_transactions(TransactionQuery(limit=1)))[0]
    spec = procedures["dispute_transaction"]
    foreign = answer(await turn(spec, bank.port(0), "that one", {"transaction": theirs.id}))
    made_up = answer(await turn(spec, bank.port(0), "that one", {"transaction": str(uuid.uuid4())}))
    assert foreign.outcome == made_up.outcome == "not_found"
    assert foreign.draft == made_up.draft == "I couldn't find that transaction among your transactions."
    assert theirs.merchant not in foreign.draft
    # A foreign id among the candidates of an earlier question is skipped, never used.
    picked = ask(await turn(spec, bank.port(0), "1", {"awaiting": "transaction", "candidates": [theirs.id]}))
    assert picked.question.startswith("Which payment would you like to dispute?")


async def test_nothing_matches_the_dispute(bank: Bank, procedures: Procs) -> None:
    result = answer(
        await turn(
            procedures["dispute_transaction"], bank.port(0), "dispute the payment at Harrods in October"
        )
    )
    assert result.outcome == "none"
    assert result.draft == (
        "I couldn't find a payment at Harrods between 1 Oct 2025 and 31 Oct 2025 that could be disputed."
    )
    assert "Harrods" in shown(result)


async def test_words_after_in_or_with_that_name_nobody_paid_give_way_to_the_shop_named(
    bank: Bank, procedures: Procs
) -> None:
    # "...posted it back with the form filled in", "...goes round in circles": the words read as a merchant
    # name nobody the customer paid; the shop the story names among their own payments is the one meant.
    port = bank.port(0)
    found = await port.find_transactions(TransactionQuery(limit=50))
    by_merchant: dict[str, list[TransactionView]] = {}
    for t in found:
        if t.amount_minor < 0 and t.status in ("posted", "pending"):
            by_merchant.setdefault(t.merchant, []).append(t)
    merchant, (payment,) = next(
        (m, ts) for m, ts in by_merchant.items() if len(ts) == 1 and " " not in m and len(m) >= 4
    )
    text = f"{merchant} took my money and then sent me round in circles, can you get my money back"
    offered = confirm(await turn(procedures["dispute_transaction"], port, text))
    assert offered.action.args["transaction_id"] == payment.id
    assert merchant in offered.prompt
